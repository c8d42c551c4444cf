import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../setup/free-port.js';

export { freePort };

/**
 * Real processes for the reliability tests: the server as `npm start` runs it (node dist/main.js,
 * built by the global setup), its DynamoDB Local, and what the kernel says about them.
 */

/** What a process's environment starts from: no NODE_OPTIONS of jest's, no AWS settings. */
export function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    LOG_LEVEL: 'error',
    // Every client here is one address (127.0.0.1) sending load on purpose: the per-address rate
    // limits would refuse most of it. They have tests of their own (test/rate-limits.e2e-spec.ts).
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_CREDENTIALS_PER_MINUTE: '100000',
  };
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** performance.now() when the exit was seen. */
  readonly at: number;
}

export interface RunningProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<Exit>;
  /** Everything it wrote (stdout and stderr), the last 256 KB. */
  output(): string;
  /** Resolves when its output matches, rejects when it exits first or after timeoutMs. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export function run(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { detached?: boolean } = {},
): RunningProcess {
  const child = spawn(command, args, {
    env,
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${command} did not start`);
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-256 * 1024);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const waitFor = async (pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = output.match(pattern);
      if (match) return match;
      if (hasExited) break;
      await sleep(50);
    }
    throw new Error(`${command} ${args.join(' ')}: no ${pattern} in its output:\n${output}`);
  };
  return { child, pid: child.pid, exited, output: () => output, waitFor };
}

export interface ServerProcess extends RunningProcess {
  readonly port: number;
  readonly base: string;
  /** The DynamoDB endpoint the server said it uses. */
  readonly dynamoDbEndpoint: string;
  /** SIGTERM, and SIGKILL if it has not exited 15 s later. */
  stop(): Promise<Exit>;
}

export interface ServerOptions {
  /** Its own process group, so that signals meant for the test runner's group miss it. */
  readonly detached?: boolean;
  /** Modules for `node --import`, loaded before the server. */
  readonly preload?: readonly string[];
}

/** `node dist/main.js` with the given settings, once it says it is listening. */
export async function startServer(
  env: Record<string, string>,
  options: ServerOptions = {},
): Promise<ServerProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const args = [...(options.preload ?? []).flatMap((path) => ['--import', path]), 'dist/main.js'];
  const server = run(process.execPath, args, { ...baseEnv(), ...env, PORT: String(port) }, options);
  const [, endpoint] = await server.waitFor(/listening on .*DynamoDB at (http\S+)\)/);
  const stop = async (): Promise<Exit> => {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGTERM');
      const timer = setTimeout(() => server.child.kill('SIGKILL'), 15_000);
      const exit = await server.exited;
      clearTimeout(timer);
      return exit;
    }
    return server.exited;
  };
  return {
    ...server,
    port,
    base: `http://127.0.0.1:${port}`,
    dynamoDbEndpoint: endpoint,
    stop,
  };
}

interface ProcessRow {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly command: string;
}

function processTable(): ProcessRow[] {
  const text = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,comm='], { encoding: 'utf8' });
  return text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, ppid, pgid, command]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      pgid: Number(pgid),
      command: command ?? '',
    }));
}

/** Every process below pid, whatever its process group. */
export function descendants(pid: number): ProcessRow[] {
  const table = processTable();
  const found: ProcessRow[] = [];
  const visit = (parent: number) => {
    for (const row of table.filter((candidate) => candidate.ppid === parent)) {
      found.push(row);
      visit(row.pid);
    }
  };
  visit(pid);
  return found;
}

/** The DynamoDB Local (java) process below pid. */
export function javaBelow(pid: number): ProcessRow {
  const java = descendants(pid).find((row) => row.command === 'java');
  if (!java) throw new Error(`no java process below ${pid}`);
  return java;
}

/** The processes of a process group. */
export function processGroup(pgid: number): ProcessRow[] {
  return processTable().filter((row) => row.pgid === pgid);
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits until the process is gone; returns how long that took, in ms. */
export async function waitUntilGone(pid: number, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (isAlive(pid)) {
    if (performance.now() - started > timeoutMs) {
      throw new Error(`process ${pid} still alive after ${timeoutMs} ms`);
    }
    await sleep(50);
  }
  return performance.now() - started;
}

/** Resident memory of a process, in MiB (Linux). */
export function residentMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

/**
 * Connections the kernel has completed on a listening port that the process has not accepted yet
 * (Linux: the rx_queue of the LISTEN socket in /proc/net/tcp and tcp6).
 */
export function acceptQueue(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let queued = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address ends in :PORT, st 0A is LISTEN, tx_queue:rx_queue
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A') {
        queued += parseInt(fields[4].split(':')[1], 16);
      }
    }
  }
  return queued;
}
