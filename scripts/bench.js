#!/usr/bin/env node
// Load benchmark: the compiled app (dist/) on an in-memory DynamoDB Local, loaded over loopback by
// autocannon, one scenario at a time: password grant, refresh grant, GET /user. Prints requests/s,
// latency, errors and the DynamoDB requests each operation made, beside the request budgets of the
// design ("Data model"). Budgets are reported, not asserted: the exit code is 0 unless the bench
// itself fails.
//
//   npm run bench                (nest build && node scripts/bench.js)
//   BENCH_DURATION=5 BENCH_CONNECTIONS=20 npm run bench
//
// Plain JavaScript against dist/ so that it runs on Node 20 without a TypeScript loader.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import autocannon from 'autocannon';
import { createApp } from '../dist/app.setup.js';
import { loadConfig } from '../dist/config/load-config.js';
import { createDynamoDbClient, DynamoDbRequestCounter } from '../dist/database/dynamodb.client.js';
import { startLocalDynamoDb } from '../dist/database/local-dynamodb.js';
import { keys } from '../dist/database/table.schema.js';
import { ensureTable } from '../dist/database/table.setup.js';
import { SessionsService } from '../dist/sessions/sessions.service.js';

const DURATION_S = positiveInt('BENCH_DURATION', 10);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 10);
/** Unmeasured load before each timed run, so JIT, sockets and caches are warm when we measure. */
const WARMUP_S = 2;
const DB_ALONE_S = 3;
/**
 * Refresh tokens in circulation: more than the connections, so a request never waits for a token
 * and each session is rotated by one request at a time (two would be reuse and end the session).
 */
const SESSION_POOL = CONNECTIONS * 5;
const CLIENT_ID = 'demo-app';
const EMAIL = 'bench@example.com';
const PASSWORD = 'correct horse battery staple';
const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

function positiveInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name} must be a positive integer`);
  return Number(raw);
}

const form = (fields) => new URLSearchParams(fields).toString();
const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * Counts, at the server, the responses the app finished, by status. autocannon stops with requests
 * still in flight; the server finishes them (and their DynamoDB calls) after the client has gone,
 * so DynamoDB requests are divided by what the server completed, after waiting for it to drain.
 * `res.end` rather than the 'finish' event: a response to a socket autocannon already closed never
 * emits 'finish', but its DynamoDB calls were made all the same.
 */
function trackServer(server) {
  const tally = { inFlight: 0, byStatus: new Map() };
  server.on('request', (_req, res) => {
    tally.inFlight += 1;
    const end = res.end;
    let ended = false;
    res.end = function (...args) {
      // Once per response, even if something ends it twice.
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
    count: (predicate) =>
      [...tally.byStatus].reduce((sum, [status, n]) => sum + (predicate(status) ? n : 0), 0),
    async drain() {
      const deadline = Date.now() + 15_000;
      while (tally.inFlight > 0 && Date.now() < deadline) await sleep(20);
      if (tally.inFlight > 0)
        throw new Error(`${tally.inFlight} requests still running after 15 s`);
    },
  };
}

async function call(baseUrl, path, init) {
  const response = await fetch(`${baseUrl}${path}`, init);
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** One autocannon run; resolves with its result. */
function load(baseUrl, request, durationS) {
  return autocannon({
    url: baseUrl,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: durationS,
    requests: [request],
  });
}

function perOperation(snapshot, completed) {
  const per = (n) => (completed === 0 ? NaN : n / completed);
  let total = 0;
  let writes = 0;
  let reads = 0;
  const commands = Object.entries(snapshot)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([command, n]) => {
      total += n;
      if (WRITE_COMMANDS.has(command)) writes += n;
      else reads += n;
      return `${command.replace(/Command$/, '')} ${figure(per(n))}`;
    });
  return {
    total: per(total),
    writes: per(writes),
    reads: per(reads),
    breakdown: commands.join(', ') || 'none',
  };
}

/** Two decimals, trailing zeros dropped: 1 for exactly one, 1.01 when a few requests strayed. */
const figure = (n) => (Number.isFinite(n) ? String(Number(n.toFixed(2))) : 'n/a');
const latency = (ms) => (ms < 10 ? ms.toFixed(1) : String(Math.round(ms)));
const mark = (ok) => (ok ? '✓' : '✗');
// A little slack for the odd request that is not on the happy path (a client-cache refill).
const atMost = (value, limit) => value <= limit + 0.005;

async function scenario({ name, request, counter, server, baseUrl, budget, completedStatus }) {
  process.stderr.write(`${name}: warming up ${WARMUP_S} s, then ${DURATION_S} s measured\n`);
  await load(baseUrl, request, WARMUP_S);
  await server.drain();
  counter.reset();
  server.reset();
  const result = await load(baseUrl, request, DURATION_S);
  await server.drain();
  const completed = server.count(completedStatus);
  const db = perOperation(counter.snapshot(), completed);
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
    completed,
    db,
    budget: budget(db),
  };
}

/**
 * DynamoDB Local on its own: strongly consistent GetItems of one item (as the app reads a session)
 * from as many concurrent callers as the bench has connections. On a small machine this, not the
 * app, is often the ceiling, and the figure says how far the app is from it.
 */
async function dynamoDbAlone(config, key) {
  const client = createDynamoDbClient(config.dynamodb);
  try {
    const get = new GetItemCommand({
      TableName: config.dynamodb.tableName,
      Key: marshall(key),
      ConsistentRead: true,
    });
    let done = 0;
    const started = Date.now();
    const end = started + DB_ALONE_S * 1000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() < end) {
          await client.send(get);
          done += 1;
        }
      }),
    );
    return done / ((Date.now() - started) / 1000);
  } finally {
    client.destroy();
  }
}

function table(rows) {
  const header = [
    'operation',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'completed',
    'DynamoDB req/op',
    'per command (per op)',
    'budget',
  ];
  const cells = rows.map((row) => [
    row.name,
    row.rps.toFixed(1),
    latency(row.p50),
    latency(row.p99),
    String(row.errors),
    String(row.completed),
    figure(row.db.total),
    row.db.breakdown,
    row.budget,
  ]);
  const numeric = new Set([1, 2, 3, 4, 5, 6]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => [...c[i]].length)));
  const pad = (text, i) =>
    numeric.has(i) ? text.padStart(widths[i]) : text + ' '.repeat(widths[i] - [...text].length);
  const line = (values) => `| ${values.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}

async function main() {
  // Throughput and latency depend on what else the machine runs (the counts per operation do
  // not), so the table says how busy the machine was before the bench added its own load.
  const loadBefore = loadavg()[0].toFixed(1);
  const cleanups = [];
  const cleanUp = async () => {
    while (cleanups.length > 0) {
      try {
        await cleanups.pop()();
      } catch (error) {
        process.stderr.write(`cleanup: ${String(error)}\n`);
      }
    }
  };
  // Ctrl-C must not leave DynamoDB Local's Java process behind.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  }

  try {
    const dataDir = mkdtempSync(join(tmpdir(), 'session-bench-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // Registered before it has started: a Ctrl-C while Java is still starting must stop it too.
    const starting = startLocalDynamoDb(null);
    cleanups.push(() =>
      starting.then(
        (started) => started.stop(),
        () => undefined,
      ),
    );
    const dynamodb = await starting;

    const config = loadConfig({
      NODE_ENV: 'development',
      LOG_LEVEL: 'silent',
      DYNAMODB_ENDPOINT: dynamodb.endpoint,
      TABLE_NAME: 'bench',
      DATA_DIR: dataDir,
      // One user signs in over and over from one address, CONNECTIONS at a time: room for those
      // concurrent attempts in the lockout's pair, and for every session the bench starts (at
      // MAX_SESSIONS_PER_USER each sign-in would end the pool's sessions, which the refresh and
      // GET /user runs need).
      LOGIN_MAX_FAILURES: '100',
      MAX_SESSIONS_PER_USER: '10000',
    });
    const setupClient = createDynamoDbClient(config.dynamodb);
    await ensureTable(setupClient, config.dynamodb.tableName);
    setupClient.destroy();

    const app = await createApp(config);
    cleanups.push(() => app.close());
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address();
    const baseUrl = `http://127.0.0.1:${port}`;
    const counter = app.get(DynamoDbRequestCounter);
    const server = trackServer(app.getHttpServer());

    const user = await call(baseUrl, '/user', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    const passwordBody = form({
      grant_type: 'password',
      username: EMAIL,
      password: PASSWORD,
      client_id: CLIENT_ID,
    });
    const { access_token: accessToken } = await call(baseUrl, '/oauth/token', {
      method: 'POST',
      headers: FORM_HEADERS,
      body: passwordBody,
    });

    // Sessions made straight through the service (real DynamoDB writes): a pool of password
    // grants would spend seconds in argon2 before the refresh run even starts.
    const sessions = app.get(SessionsService);
    const refreshTokens = [];
    for (let i = 0; i < SESSION_POOL; i += 1) {
      const { refreshToken } = await sessions.start({
        userId: user.id,
        clientId: CLIENT_ID,
        scope: '',
        ttlSeconds: 3600,
      });
      refreshTokens.push(refreshToken);
    }

    const common = { counter, server, baseUrl };
    const rows = [];
    rows.push(
      await scenario({
        ...common,
        name: 'password grant',
        request: {
          method: 'POST',
          path: '/oauth/token',
          headers: FORM_HEADERS,
          body: passwordBody,
        },
        completedStatus: (status) => status >= 200 && status < 300,
        // 3 on AWS: the reservation and one read in parallel, then one transaction; DynamoDB Local
        // adds the transaction's confirming read (docs/DATA-MODEL.md).
        budget: (db) =>
          `3 + 1 confirming read here ${mark(atMost(db.total, 4) && atMost(db.writes, 2))}`,
      }),
    );
    rows.push(
      await scenario({
        ...common,
        name: 'refresh grant',
        request: {
          method: 'POST',
          path: '/oauth/token',
          headers: FORM_HEADERS,
          // Rotation: every request needs the current token of some session. Take the oldest
          // from the queue; the new one goes to the back when the 200 arrives. An empty queue
          // (tokens lost to errors) sends a token that fails, which shows up as errors.
          setupRequest: (req) => ({
            ...req,
            body: form({
              grant_type: 'refresh_token',
              refresh_token: refreshTokens.shift() ?? 'exhausted',
              client_id: CLIENT_ID,
            }),
          }),
          onResponse: (status, body) => {
            if (status === 200) refreshTokens.push(JSON.parse(body).refresh_token);
          },
        },
        // Only a rotation is a completed refresh; a refused token costs requests too.
        completedStatus: (status) => status === 200,
        budget: (db) =>
          `1 write ${mark(Math.abs(db.writes - 1) < 0.005)}, ≤ 2 requests ${mark(atMost(db.total, 2))}`,
      }),
    );
    rows.push(
      await scenario({
        ...common,
        name: 'GET /user',
        request: {
          method: 'GET',
          path: '/user',
          headers: { authorization: `Bearer ${accessToken}` },
        },
        completedStatus: (status) => status >= 200 && status < 300,
        // The bearer check's read of the session carries the profile GET /user returns.
        budget: (db) => `1 read ${mark(atMost(db.reads, 1) && db.writes === 0)}`,
      }),
    );

    process.stderr.write(`DynamoDB Local alone: ${DB_ALONE_S} s of GetItem\n`);
    const dbAlone = await dynamoDbAlone(config, keys.user(user.id));

    const cpu = cpus();
    process.stdout.write(
      `\n${new Date().toISOString()}, Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}; ` +
        `${CONNECTIONS} connections, ${DURATION_S} s each after ${WARMUP_S} s warm-up; ` +
        `app, autocannon and DynamoDB Local (in memory) on one machine over loopback; ` +
        `load average ${loadBefore} before the run\n\n`,
    );
    process.stdout.write(`${table(rows)}\n\n`);
    process.stdout.write(
      'DynamoDB req/op: requests counted by DynamoDbRequestCounter divided by the responses the ' +
        'server completed (2xx; 200 for refresh). errors: non-2xx + socket errors and timeouts.\n' +
        `DynamoDB Local alone, after the runs: ${dbAlone.toFixed(0)} consistent GetItem/s from ` +
        `${CONNECTIONS} concurrent callers (an operation making n requests cannot beat 1/n of it).\n`,
    );
  } finally {
    await cleanUp();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
