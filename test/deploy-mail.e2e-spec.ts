// CloudFormation templates are untyped JSON, read here as `any`; the assertions are the checks.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { packageOffline } from './setup/serverless-package.js';

/**
 * Mail on AWS, checked through what `serverless package` (osls, offline, as in deploy.e2e-spec)
 * produces for dev and prod: the functions may call exactly the SES actions src/mail uses, on the
 * stage's one identity, as MAIL_FROM only; and both functions get MAIL_FROM.
 */

const root = resolve(import.meta.dirname, '..');

interface Template {
  Resources: Record<string, { Type: string; Properties: any }>;
}

/** What a stage says about mail in serverless.yml (`custom.stages.<stage>`). */
function stageSettings(stage: string): { mailFrom: string; mailIdentity: string } {
  const yml = load(readFileSync(join(root, 'serverless.yml'), 'utf8')) as any;
  return yml.custom.stages[stage];
}

/**
 * The SES v2 actions the code needs: every `new XxxCommand(` in a src/ file that imports
 * @aws-sdk/client-sesv2 is `ses:Xxx` (SES v2's IAM actions share the v1 names).
 */
function sesActionsInSource(dir = join(root, 'src')): string[] {
  const actions = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      for (const action of sesActionsInSource(path)) actions.add(action);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
      const text = readFileSync(path, 'utf8');
      if (!text.includes('@aws-sdk/client-sesv2')) continue;
      for (const [, command] of text.matchAll(/\bnew\s+(\w+)Command\s*\(/g)) {
        actions.add(`ses:${command}`);
      }
    }
  }
  return [...actions].sort();
}

/** `serverless package --stage <stage>` into a fresh folder, offline, with dummy credentials. */
function packageStage(stage: string): Promise<string> {
  return packageOffline(root, ['--stage', stage], `sls-mail-${stage}-`);
}

/** Evaluates the intrinsic functions an ARN is built with, for a given account and region. */
function evaluate(value: any, pseudo: Record<string, string>): string {
  if (typeof value === 'string') return value;
  if (value?.Ref && value.Ref in pseudo) return pseudo[value.Ref];
  if (value?.['Fn::Join']) {
    const [separator, parts] = value['Fn::Join'] as [string, any[]];
    return parts.map((part) => evaluate(part, pseudo)).join(separator);
  }
  throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
}

const PSEUDO = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-central-1',
  'AWS::AccountId': '123456789012',
};

const statements = (template: Template): any[] =>
  Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Role')
    .flatMap((role) =>
      (role.Properties.Policies as any[]).flatMap((policy) => policy.PolicyDocument.Statement),
    );

const actionsOf = (statement: any): string[] => [statement.Action].flat();

describe('mail in serverless.yml, packaged offline by osls', () => {
  const templates = new Map<string, Template>();
  const dirs: string[] = [];

  beforeAll(async () => {
    // The package holds the prebuilt bundle, so there must be one.
    if (!existsSync(join(root, 'dist-lambda/lambda.mjs'))) {
      const build = spawnSync(process.execPath, ['scripts/build-lambda.js'], {
        cwd: root,
        encoding: 'utf8',
      });
      if (build.status !== 0) throw new Error(`build:lambda failed: ${build.stderr}`);
    }
    // One after the other: osls zips into the project's .serverless/ before moving the zip.
    for (const stage of ['dev', 'prod']) {
      const dir = await packageStage(stage);
      dirs.push(dir);
      templates.set(
        stage,
        JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')),
      );
    }
  }, 180_000);

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const stages = ['dev', 'prod'];

  it('grants exactly the SES actions src/ uses: SendEmail, not SendRawEmail or ses:*', () => {
    expect(sesActionsInSource()).toEqual(['ses:SendEmail']);
    for (const stage of stages) {
      const granted = statements(templates.get(stage)!)
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('ses:'))
        .sort();
      expect(granted).toEqual(sesActionsInSource());
    }
  });

  it.each(stages)(
    '%s: allows sending on the one identity of the stage, as MAIL_FROM only',
    (stage) => {
      const { mailFrom, mailIdentity } = stageSettings(stage);
      const ses = statements(templates.get(stage)!).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('ses:')),
      );
      expect(ses).toHaveLength(1);
      const [statement] = ses;
      expect(statement.Effect).toBe('Allow');
      // One resource, an identity ARN in the deployment's own account and region, no wildcard.
      expect([statement.Resource].flat()).toHaveLength(1);
      const arn = evaluate(statement.Resource, PSEUDO);
      expect(arn).toBe(`arn:aws:ses:eu-central-1:123456789012:identity/${mailIdentity}`);
      expect(arn).not.toMatch(/\*/);
      expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': mailFrom } });
      // The identity covers the sender: it is the address itself or the address's domain.
      expect([mailFrom, mailFrom.split('@')[1]]).toContain(mailIdentity);
    },
  );

  it.each(stages)('%s: gives both functions MAIL_FROM, the sender SES is allowed', (stage) => {
    const { mailFrom } = stageSettings(stage);
    const functions = Object.values(templates.get(stage)!.Resources).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );
    expect(functions).toHaveLength(2);
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables.MAIL_FROM).toBe(mailFrom);
    }
    expect(mailFrom).toMatch(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/);
  });

  it('grants nothing else on * anywhere', () => {
    for (const stage of stages) {
      for (const statement of statements(templates.get(stage)!)) {
        expect(actionsOf(statement)).not.toContain('*');
        expect(actionsOf(statement)).not.toContain('ses:*');
        expect([statement.Resource].flat()).not.toContain('*');
      }
    }
  });
});
