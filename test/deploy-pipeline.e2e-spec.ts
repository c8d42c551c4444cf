import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';

/**
 * The Go.cd pipelines (.gocd/pipelines.gocd.yaml): they parse, each Lambda function of
 * serverless.yml has the original service's eight stages with manual gates before test and prod,
 * nothing is deployed before the end-to-end tests have run (with Java installed for them), and
 * every npm script they run exists.
 */

const root = resolve(import.meta.dirname, '..');

const EIGHT_STAGES = [
  'unit-test',
  'lint',
  'coverage',
  'deploy-dev',
  'stage-for-test',
  'deploy-test',
  'stage-for-prod',
  'deploy-prod',
];

interface Task {
  exec?: { command: string; arguments?: string[] };
  script?: string;
  fetch?: { stage: string; job: string; source: string };
}
interface Stage {
  approval?: string | { type: string };
  tasks?: Task[];
  jobs?: Record<string, { tasks: Task[] }>;
  artifacts?: { build?: { source: string }; test?: { source: string } }[];
}
interface Pipeline {
  group: string;
  parameters?: Record<string, string>;
  materials: Record<string, unknown>;
  stages: Record<string, Stage>[];
}
interface GocdFile {
  format_version: number;
  pipelines: Record<string, Pipeline>;
}

const config = load(readFileSync(join(root, '.gocd/pipelines.gocd.yaml'), 'utf8')) as GocdFile;
const scripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

/** serverless.yml's function names (top-level keys under `functions:`). */
function serverlessFunctions(): string[] {
  const yml = readFileSync(join(root, 'serverless.yml'), 'utf8');
  const block = /^functions:\n([\s\S]*?)^\S/m.exec(yml)?.[1] ?? '';
  return [...block.matchAll(/^ {2}([a-zA-Z][\w-]*):\s*$/gm)].map(([, name]) => name);
}

/** The one command that is not an npm script: what the end-to-end tests need besides Node. */
const INSTALL_TEST_TOOLS = 'bash .gocd/install-test-tools.sh';

const stageName = (stage: Record<string, Stage>): string => Object.keys(stage)[0];
const tasksOf = (stage: Stage): Task[] =>
  stage.tasks ?? Object.values(stage.jobs ?? {}).flatMap((job) => job.tasks);
const approvalOf = (stage: Stage): string | undefined =>
  typeof stage.approval === 'string' ? stage.approval : stage.approval?.type;

/** The command lines of some tasks, with the pipeline's parameters filled in. */
function taskCommands(pipeline: Pipeline, tasks: Task[]): string[] {
  const fill = (text: string): string =>
    text.replace(/#\{(\w+)\}/g, (_match, name: string) => pipeline.parameters?.[name] ?? '');
  return tasks.flatMap((task) => {
    if (task.exec) return [fill([task.exec.command, ...(task.exec.arguments ?? [])].join(' '))];
    if (task.script) return task.script.split('\n').map(fill);
    return [];
  });
}

/** Every command line a pipeline runs. */
function commands(pipeline: Pipeline): string[] {
  return pipeline.stages.flatMap((stage) =>
    taskCommands(pipeline, tasksOf(Object.values(stage)[0])),
  );
}

/** The jobs of a stage, each as its command lines (a stage of bare tasks is one job). */
function jobCommands(pipeline: Pipeline, stage: Stage): string[][] {
  const jobs = stage.tasks
    ? [stage.tasks]
    : Object.values(stage.jobs ?? {}).map((job) => job.tasks);
  return jobs.map((tasks) => taskCommands(pipeline, tasks));
}

describe('.gocd/pipelines.gocd.yaml', () => {
  const functionPipelines = Object.entries(config.pipelines).filter(
    ([, pipeline]) => pipeline.parameters?.function,
  );

  it('is Go.cd YAML config, format version 10', () => {
    expect(config.format_version).toBe(10);
    for (const pipeline of Object.values(config.pipelines)) {
      expect(pipeline.group).toEqual(expect.any(String));
      expect(Object.keys(pipeline.materials).length).toBeGreaterThan(0);
    }
  });

  it('has one pipeline per Lambda function of serverless.yml', () => {
    const functions = functionPipelines.map(([, pipeline]) => pipeline.parameters!.function);
    expect(functions.sort()).toEqual(serverlessFunctions().sort());
    expect(functions).toEqual(expect.arrayContaining(['credentials', 'api']));
  });

  it.each(['credentials', 'api'])('gives the %s function the eight stages, in order', (name) => {
    const [, pipeline] = functionPipelines.find(([, p]) => p.parameters!.function === name)!;
    expect(pipeline.stages.map(stageName)).toEqual(EIGHT_STAGES);
  });

  it('deploys to test and prod only by hand, and to dev on every change', () => {
    for (const [, pipeline] of functionPipelines) {
      const approvals = Object.fromEntries(
        pipeline.stages.map((stage) => [stageName(stage), approvalOf(Object.values(stage)[0])]),
      );
      expect(approvals['deploy-test']).toBe('manual');
      expect(approvals['deploy-prod']).toBe('manual');
      expect(approvals['deploy-dev']).toBeUndefined();
    }
  });

  it("deploys each function's own code, to the stage its name says", () => {
    for (const [, pipeline] of functionPipelines) {
      const fn = pipeline.parameters!.function;
      const deploys = commands(pipeline).filter((line) => line.includes('deploy:function'));
      expect(deploys).toEqual([
        `npm run deploy:function -- --stage dev --function ${fn}`,
        `npm run deploy:function -- --stage test --function ${fn}`,
        `npm run deploy:function -- --stage prod --function ${fn}`,
      ]);
    }
  });

  it('promotes the bundle built in stage-for-test to test and prod', () => {
    for (const [, pipeline] of functionPipelines) {
      const stages = Object.fromEntries(
        pipeline.stages.map((stage) => [stageName(stage), Object.values(stage)[0]]),
      );
      expect(stages['stage-for-test'].artifacts).toEqual([
        { build: expect.objectContaining({ source: 'dist-lambda' }) },
      ]);
      for (const name of ['deploy-test', 'stage-for-prod', 'deploy-prod']) {
        const fetches = tasksOf(stages[name]).filter((task) => task.fetch);
        expect(fetches.map((task) => task.fetch!.stage)).toEqual(['stage-for-test']);
        // Promoted, not rebuilt.
        expect(commands({ ...pipeline, stages: [{ [name]: stages[name] }] })).not.toContain(
          'npm run build:lambda',
        );
      }
    }
  });

  it('runs only npm scripts that exist in package.json', () => {
    const lines = Object.values(config.pipelines).flatMap(commands);
    const npmRuns = lines.flatMap((line) =>
      [...line.matchAll(/\bnpm run ([\w:.-]+)/g)].map(([, script]) => script),
    );
    expect(npmRuns.length).toBeGreaterThan(10);
    const missing = npmRuns.filter((script) => !(script in scripts));
    expect(missing).toEqual([]);
    // And nothing else but installing dependencies and the end-to-end tests' tools.
    const others = lines.filter(
      (line) => !/^npm (run |ci\b)/.test(line) && line !== INSTALL_TEST_TOOLS,
    );
    expect(others).toEqual([]);
  });

  it.each(Object.keys(config.pipelines))(
    '%s runs the end-to-end tests, Java installed first, before any deploy stage',
    (name) => {
      const pipeline = config.pipelines[name];
      const stages = pipeline.stages.map((stage) => ({
        name: stageName(stage),
        jobs: jobCommands(pipeline, Object.values(stage)[0]),
      }));
      const e2eStage = stages.findIndex(({ jobs }) =>
        jobs.some((job) => job.includes('npm run test:e2e')),
      );
      const firstDeploy = stages.findIndex((stage) => stage.name.startsWith('deploy'));
      expect(e2eStage).toBeGreaterThanOrEqual(0);
      expect(firstDeploy).toBeGreaterThan(e2eStage);
      const job = stages[e2eStage].jobs.find((commands) => commands.includes('npm run test:e2e'))!;
      expect(job.indexOf(INSTALL_TEST_TOOLS)).toBeGreaterThanOrEqual(0);
      expect(job.indexOf(INSTALL_TEST_TOOLS)).toBeLessThan(job.indexOf('npm run test:e2e'));
      expect(job.indexOf('npm ci --no-audit --no-fund')).toBeLessThan(
        job.indexOf('npm run test:e2e'),
      );
    },
  );
});

describe('.gocd/install-test-tools.sh', () => {
  const script = join(root, '.gocd/install-test-tools.sh');

  /**
   * Runs the script on a PATH of stubs only: `apt-get` logs what it is asked and "installs" a
   * `java` stub, `sudo` runs what follows. So the test sees what an agent would install.
   */
  function runWith(options: { java: boolean; chromium: boolean }) {
    const bin = mkdtempSync(join(tmpdir(), 'gocd-tools-'));
    const log = join(bin, 'apt.log');
    const stub = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    for (const tool of ['env', 'id', 'chmod']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    stub('sudo', '"$@"');
    const java = `printf '#!/bin/sh\\necho stub java 17 >&2\\n' > ${bin}/java; chmod +x ${bin}/java`;
    stub('apt-get', `echo "$*" >> ${log}\ncase "$*" in *openjdk*) ${java};; esac`);
    if (options.java) stub('java', 'echo stub java 17 >&2');
    const chromium = join(bin, 'chromium');
    if (options.chromium) stub('chromium', 'true');
    const result = spawnSync('/usr/bin/bash', [script], {
      env: { PATH: bin, CHROMIUM_PATH: chromium },
      encoding: 'utf8',
    });
    let apt = '';
    try {
      apt = readFileSync(log, 'utf8');
    } catch {
      // no apt-get call at all
    }
    rmSync(bin, { recursive: true, force: true });
    return { status: result.status, apt };
  }

  it('installs nothing on an agent that has Java and Chromium', () => {
    expect(runWith({ java: true, chromium: true })).toEqual({ status: 0, apt: '' });
  });

  it('installs Java 17 and Chromium where they are missing, and then finds Java', () => {
    const { status, apt } = runWith({ java: false, chromium: false });
    expect(status).toBe(0);
    expect(apt).toMatch(/^update/m);
    expect(apt).toMatch(/^install .*openjdk-17-jre-headless chromium$/m);
  });

  it('installs only what is missing', () => {
    const { apt } = runWith({ java: true, chromium: false });
    expect(apt).toMatch(/^install .* chromium$/m);
    expect(apt).not.toMatch(/openjdk/);
  });
});
