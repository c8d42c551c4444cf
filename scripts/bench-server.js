#!/usr/bin/env node
// The server side of `npm run bench`: the compiled app (dist/) in a process of its own, so that its
// CPU time can be read apart from autocannon's. Started by scripts/bench.js with an IPC channel
// (no HTTP endpoint is added to the app); every message is { id, type, ... } and gets back
// { id, result } or { id, error }.
//
//   reset      counters, the response tally and the CPU baseline to zero; with `profile`, start a
//              CPU profile (node:inspector) of what follows
//   stats      wait for the requests in flight, then: DynamoDB requests by command, responses by
//              status, CPU µs (user + system, process.cpuUsage) since `reset`; with `profile`, the
//              profile is written to that path
//   sessions   `count` sessions of `userId` through SessionsService.start: their refresh tokens
//   argon2     `runs` argon2id verifications alone, one at a time, through the app's PasswordHasher:
//              their durations in ms
//   close      close the app and exit
//
// The configuration comes as JSON in BENCH_SERVER_ENV (loadConfig's variables); BENCH_DIST names
// the build to run (dist/ by default).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

// dist/ by default; BENCH_DIST names another build (a copy under dist-compare/, so that it
// resolves the project's node_modules) for a side-by-side comparison.
const dist = process.env.BENCH_DIST
  ? pathToFileURL(`${process.env.BENCH_DIST}/`).href
  : new URL('../dist/', import.meta.url).href;
const load = (path) => import(new URL(path, dist).href);
const { createApp } = await load('app.setup.js');
const { loadConfig } = await load('config/load-config.js');
const { DynamoDbRequestCounter } = await load('database/dynamodb.client.js');
const { SessionsService } = await load('sessions/sessions.service.js');
const { PasswordHasher } = await load('users/password-hasher.js');

/**
 * Counts, at the server, the responses the app finished, by status. autocannon stops with requests
 * still in flight; the server finishes them (and their DynamoDB calls) after the client has gone,
 * so DynamoDB requests and CPU are divided by what the server completed, after it has drained.
 * `res.end` rather than the 'finish' event: a response to a socket autocannon already closed never
 * emits 'finish', but its work was done all the same.
 */
function trackServer(server) {
  const tally = { inFlight: 0, byStatus: new Map() };
  server.on('request', (_req, res) => {
    tally.inFlight += 1;
    const end = res.end;
    let ended = false;
    res.end = function (...args) {
      if (!ended) {
        ended = true;
        tally.inFlight -= 1;
        tally.byStatus.set(res.statusCode, (tally.byStatus.get(res.statusCode) ?? 0) + 1);
      }
      return end.apply(this, args);
    };
  });
  return {
    reset: () => tally.byStatus.clear(),
    byStatus: () => Object.fromEntries(tally.byStatus),
    async drain() {
      const deadline = Date.now() + 15_000;
      while (tally.inFlight > 0 && Date.now() < deadline) await sleep(20);
      if (tally.inFlight > 0)
        throw new Error(`${tally.inFlight} requests still running after 15 s`);
    },
  };
}

const config = loadConfig(JSON.parse(process.env.BENCH_SERVER_ENV ?? '{}'));
const app = await createApp(config);
await app.listen(0, '127.0.0.1');
const counter = app.get(DynamoDbRequestCounter);
const server = trackServer(app.getHttpServer());
let cpuStart = process.cpuUsage();
let profiler;

const handlers = {
  async reset({ profile }) {
    counter.reset();
    server.reset();
    if (profile) {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      // 100 µs sampling: enough samples in a 10 s run for functions of 1% of the time.
      await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
      await profiler.post('Profiler.start');
    }
    cpuStart = process.cpuUsage();
    return null;
  },
  async stats({ profile }) {
    await server.drain();
    const cpu = process.cpuUsage(cpuStart);
    if (profiler) {
      const { profile: data } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      profiler = undefined;
      if (profile) writeFileSync(profile, JSON.stringify(data));
    }
    return {
      db: counter.snapshot(),
      byStatus: server.byStatus(),
      cpuMicros: cpu.user + cpu.system,
    };
  },
  async sessions({ userId, count, clientId }) {
    const sessions = app.get(SessionsService);
    const tokens = [];
    for (let i = 0; i < count; i += 1) {
      const { refreshToken } = await sessions.start({
        userId,
        clientId,
        scope: '',
        ttlSeconds: 3600,
      });
      tokens.push(refreshToken);
    }
    return tokens;
  },
  async argon2({ runs, password }) {
    const hasher = app.get(PasswordHasher);
    const phc = await hasher.hash(password);
    await hasher.verify(phc, password); // warm-up
    const times = [];
    for (let i = 0; i < runs; i += 1) {
      const started = performance.now();
      if (!(await hasher.verify(phc, password))) throw new Error('argon2 verify failed');
      times.push(performance.now() - started);
    }
    return times;
  },
  async close() {
    await app.close();
    setImmediate(() => process.exit(0));
    return null;
  },
};

process.on('message', (message) => {
  const { id, type, ...args } = message;
  Promise.resolve()
    .then(() => handlers[type](args))
    .then(
      (result) => process.send({ id, result }),
      (error) => process.send({ id, error: error instanceof Error ? error.stack : String(error) }),
    );
});
// The parent went away (Ctrl-C, a crash): do not linger with the port open.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true, port: app.getHttpServer().address().port });
