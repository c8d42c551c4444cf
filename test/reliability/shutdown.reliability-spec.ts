import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Api, uniqueEmail } from './support/flows.js';
import { errorCode, type Answer } from './support/http.js';
import {
  acceptQueue,
  baseEnv,
  freePort,
  isAlive,
  javaBelow,
  processGroup,
  run,
  startServer,
  waitUntilGone,
  type RunningProcess,
} from './support/processes.js';
import { tally } from './support/stats.js';

/**
 * Stopping the local server: SIGTERM to the server process, and Ctrl-C (SIGINT to the whole
 * process group, as a terminal sends it) to `npm start`. Both finish the requests in flight (none
 * cut, none answered 503 because the database went first), refuse new connections, then stop
 * DynamoDB Local and exit 0 within 10 s. And a server killed outright takes its DynamoDB Local with
 * it.
 */

const EXIT_WITHIN_MS = 10_000;
const SIGN_INS = 25;
/**
 * The sign-ins in flight are one account's from one address. The lockout reserves an attempt before
 * the password is checked, so more than LOGIN_MAX_FAILURES at once are refused by design
 * (test/lockout.e2e-spec.ts): raised here, where the shutdown is what is tested.
 */
const CONCURRENT_SIGN_INS = { LOGIN_MAX_FAILURES: '100' };
const REGISTRATIONS = 5;
/** At least this many must still be in flight when the signal comes. */
const MIN_IN_FLIGHT = 20;

/** Whether a new TCP connection to the port is refused (the listener is closed). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error) => resolve(errorCode(error) === 'ECONNREFUSED'));
  });
}

interface Stop {
  readonly inFlightAtSignal: number;
  readonly answers: (Answer | string)[];
  readonly refusedAfterMs?: number;
  readonly lastAnswerAfterMs: number;
  readonly exit: { code: number | null; signal: NodeJS.Signals | null; afterMs: number };
}

/**
 * Starts sign-ins and registrations (keep-alive connections, as browsers and SDKs use), signals
 * once they are in flight, and watches what follows: answers, new connections, the exit.
 */
async function stopUnderLoad(
  base: string,
  port: number,
  email: string,
  target: RunningProcess,
  signal: () => void,
): Promise<Stop> {
  const agent = new Agent({ keepAlive: true, maxSockets: SIGN_INS + REGISTRATIONS });
  const api = new Api(base, agent);
  let answered = 0;
  let lastAnswerAt = 0;
  const track = (request: Promise<Answer>) =>
    request.then(
      (answer) => {
        answered += 1;
        lastAnswerAt = performance.now();
        return answer;
      },
      (error: unknown) => {
        answered += 1;
        lastAnswerAt = performance.now();
        return `cut: ${errorCode(error)}`;
      },
    );
  const requests = [
    ...Array.from({ length: SIGN_INS }, () => track(api.passwordGrant(email))),
    ...Array.from({ length: REGISTRATIONS }, () => track(api.register(uniqueEmail('shutdown')))),
  ];
  // In flight means taken in by the server: a busy process accepts queued connections slowly,
  // and those still queued in the kernel when the listener closes are reset, as with any server.
  await sleep(100);
  while (acceptQueue(port) > 0) await sleep(20);
  const inFlightAtSignal = requests.length - answered;
  const signalledAt = performance.now();
  signal();

  let refusedAt: number | undefined;
  let exited = false;
  void target.exited.then(() => (exited = true));
  const probing = (async () => {
    while (!exited && refusedAt === undefined) {
      if (await refused(port)) refusedAt = performance.now();
      else await sleep(25);
    }
  })();
  const answers = await Promise.all(requests);
  const exit = await target.exited;
  await probing;
  agent.destroy();
  return {
    inFlightAtSignal,
    answers,
    refusedAfterMs: refusedAt === undefined ? undefined : refusedAt - signalledAt,
    lastAnswerAfterMs: lastAnswerAt - signalledAt,
    exit: { code: exit.code, signal: exit.signal, afterMs: exit.at - signalledAt },
  };
}

function expectGraceful(stop: Stop, what: string, exits: (number | NodeJS.Signals)[] = [0]): void {
  const statuses = stop.answers.map((answer) =>
    typeof answer === 'string' ? answer : answer.status,
  );
  console.log(
    `${what}: ${stop.inFlightAtSignal} requests in flight at the signal; answers ${JSON.stringify(tally(statuses))}; ` +
      `new connections refused ${stop.refusedAfterMs?.toFixed(0)} ms after the signal, ` +
      `last answer after ${stop.lastAnswerAfterMs.toFixed(0)} ms; exit ${stop.exit.code ?? stop.exit.signal} after ${stop.exit.afterMs.toFixed(0)} ms`,
  );
  expect(stop.inFlightAtSignal).toBeGreaterThanOrEqual(MIN_IN_FLIGHT);
  // Every request in flight finished, successfully: none cut, none a 503.
  expect(statuses.filter((status) => status !== 200 && status !== 201)).toEqual([]);
  // New connections were refused while those were still being answered.
  expect(stop.refusedAfterMs).toBeDefined();
  expect(stop.refusedAfterMs ?? Infinity).toBeLessThan(stop.lastAnswerAfterMs);
  expect(exits).toContain(stop.exit.code ?? stop.exit.signal);
  expect(stop.exit.afterMs).toBeLessThan(EXIT_WITHIN_MS);
}

describe('stopping the local server', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'shutdown-'));
    dirs.push(dir);
    return dir;
  };
  const leftovers: number[] = [];

  afterAll(() => {
    for (const pid of leftovers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('SIGTERM to the server: in-flight requests finish, new connections are refused, exit 0', async () => {
    const server = await startServer(
      { DATA_DIR: dataDir(), ...CONCURRENT_SIGN_INS },
      { detached: true },
    );
    leftovers.push(server.pid);
    const java = javaBelow(server.pid);
    leftovers.push(java.pid);
    // DynamoDB Local has a process group of its own: a signal to the server's group misses it.
    expect(java.pgid).not.toBe(server.pid);
    const email = uniqueEmail('sigterm');
    expect((await new Api(server.base).register(email)).status).toBe(201);

    const stop = await stopUnderLoad(server.base, server.port, email, server, () =>
      process.kill(server.pid, 'SIGTERM'),
    );
    expectGraceful(stop, 'SIGTERM');
    expect(server.output()).toMatch(/^Stopped: requests answered, DynamoDB Local stopped$/m);
    // It stopped DynamoDB Local before exiting.
    expect(isAlive(java.pid)).toBe(false);
  }, 180_000);

  it('Ctrl-C to `npm start` (SIGINT to its process group): the same', async () => {
    const port = await freePort();
    const npm = run(
      'npm',
      ['start'],
      { ...baseEnv(), PORT: String(port), DATA_DIR: dataDir(), ...CONCURRENT_SIGN_INS },
      { detached: true },
    );
    leftovers.push(npm.pid);
    await npm.waitFor(/listening on/, 120_000);
    const java = javaBelow(npm.pid);
    leftovers.push(java.pid);
    expect(java.pgid).not.toBe(npm.pid);
    const base = `http://127.0.0.1:${port}`;
    const email = uniqueEmail('sigint');
    expect((await new Api(base).register(email)).status).toBe(201);

    const stop = await stopUnderLoad(base, port, email, npm, () =>
      process.kill(-npm.pid, 'SIGINT'),
    );
    // npm's `sh -c` received the Ctrl-C too: once the server has exited 0 it re-raises it, so npm
    // ends by SIGINT, as an interrupted command should. The server's own exit is the "Stopped" line
    // it prints right before exit(0).
    expectGraceful(stop, 'Ctrl-C to npm start', [0, 'SIGINT']);
    expect(npm.output()).toMatch(/^Stopped: requests answered, DynamoDB Local stopped$/m);
    expect(isAlive(java.pid)).toBe(false);
    // Nothing of it is left behind, in its group or out of it.
    expect(processGroup(npm.pid)).toEqual([]);
  }, 240_000);

  it('a server killed outright (SIGKILL) does not leave DynamoDB Local behind', async () => {
    const server = await startServer({ DATA_DIR: dataDir() }, { detached: true });
    leftovers.push(server.pid);
    const java = javaBelow(server.pid);
    leftovers.push(java.pid);
    process.kill(server.pid, 'SIGKILL');
    await server.exited;
    const gone = await waitUntilGone(java.pid, 15_000);
    console.log(`server killed: its DynamoDB Local gone ${gone.toFixed(0)} ms later`);
  }, 120_000);
});
