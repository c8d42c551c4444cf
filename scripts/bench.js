#!/usr/bin/env node
// Load benchmark: the compiled app (dist/) in a process of its own (scripts/bench-server.js) on an
// in-memory DynamoDB Local, loaded over loopback by autocannon, one scenario at a time, in rounds
// (each scenario once per round, so that load on the machine falls on all of them alike): password
// grant, password grant at one connection, refresh grant, GET /user. Prints, per scenario, the
// median over the rounds of requests/s, latency, the server's CPU time per completed request and
// the DynamoDB requests each operation made, beside the targets (issue 11) and the request budgets
// of the design ("Data model"); then argon2id verification alone. Budgets and targets are
// reported, not asserted: the exit code is 0 unless the bench itself fails.
//
//   npm run bench                (nest build && node scripts/bench.js)
//   BENCH_DURATION=5 BENCH_CONNECTIONS=20 BENCH_ROUNDS=5 npm run bench
//   BENCH_ONLY=user,refresh BENCH_CPU_PROF=/tmp/prof npm run bench    (a .cpuprofile per run)
//
// Plain JavaScript against dist/ so that it runs on Node 20 without a TypeScript loader.
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import autocannon from 'autocannon';
import { createDynamoDbClient } from '../dist/database/dynamodb.client.js';
import { startLocalDynamoDb } from '../dist/database/local-dynamodb.js';
import { keys } from '../dist/database/table.schema.js';
import { ensureTable } from '../dist/database/table.setup.js';

const DURATION_S = positiveInt('BENCH_DURATION', 10);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 16);
const REQUESTED_ROUNDS = positiveInt('BENCH_ROUNDS', 3);
const ARGON2_RUNS = positiveInt('BENCH_ARGON2_RUNS', 20);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const PROFILE_DIR = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
/**
 * Another build of the app (a copy of dist/ under dist-compare/): run beside dist/, each scenario
 * on one then the other within every round, so that both meet the same machine load.
 */
const COMPARE = process.env.BENCH_COMPARE ? resolve(process.env.BENCH_COMPARE) : undefined;
/**
 * With two builds the order alternates every round, and the first run after a heavy scenario
 * (the password grants) is slower: an even number of rounds puts each build first equally often.
 */
const ROUNDS = COMPARE && REQUESTED_ROUNDS % 2 === 1 ? REQUESTED_ROUNDS + 1 : REQUESTED_ROUNDS;
/** Unmeasured load before each timed run, so JIT, sockets and caches are warm when we measure. */
const WARMUP_S = 2;
const DB_ALONE_S = 3;
/**
 * Refresh tokens in circulation: more than the connections, so a request never waits for a token
 * and each session is rotated by one request at a time (two would be reuse and end it).
 */
const SESSION_POOL = CONNECTIONS * 5;
const CLIENT_ID = 'demo-app';
const EMAIL = 'bench@example.com';
const PASSWORD = 'correct horse battery staple';
/** Issue 11's targets: server CPU per completed request, and the password grant over argon2. */
const CPU_TARGET_MS = 1.0;
const PASSWORD_OVER_ARGON2_MS = 6;
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

/** The app in its own process (scripts/bench-server.js), driven over the IPC channel. */
async function startServer(env, distDir) {
  const child = fork(join(dirname(fileURLToPath(import.meta.url)), 'bench-server.js'), [], {
    env: {
      ...process.env,
      BENCH_SERVER_ENV: JSON.stringify(env),
      ...(distDir && { BENCH_DIST: distDir }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let nextId = 0;
  const ready = new Promise((resolveReady, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
    child.on('message', (message) => {
      if (message.ready) return resolveReady(message.port);
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiting?.reject(new Error(message.error));
      else waiting?.resolve(message.result);
    });
  });
  const port = await ready;
  return {
    pid: child.pid,
    port,
    ask: (type, args = {}) =>
      new Promise((resolveAsk, reject) => {
        const id = (nextId += 1);
        pending.set(id, { resolve: resolveAsk, reject });
        child.send({ id, type, ...args });
      }),
    kill: () => child.kill(),
  };
}

async function call(baseUrl, path, init) {
  const response = await fetch(`${baseUrl}${path}`, init);
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** One autocannon run; resolves with its result. */
function load(baseUrl, request, durationS, connections) {
  return autocannon({
    url: baseUrl,
    connections,
    pipelining: 1,
    duration: durationS,
    requests: [request],
  });
}

/**
 * Requests per completed operation. The confirming reads DynamoDB Local alone gets after each
 * transaction (src/database/confirm-transactions.middleware.ts) are listed but left out of the
 * totals, which are what the operation costs on AWS.
 */
function perOperation(snapshot, completed) {
  const per = (n) => (completed === 0 ? NaN : n / completed);
  let total = 0;
  let writes = 0;
  let reads = 0;
  let confirming = 0;
  const commands = Object.entries(snapshot)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([command, n]) => {
      if (command.endsWith('(local confirmation)')) confirming += n;
      else if (WRITE_COMMANDS.has(command)) writes += n;
      else reads += n;
      if (!command.endsWith('(local confirmation)')) total += n;
      return `${command.replace(/Command/, '')} ${figure(per(n))}`;
    });
  return {
    total: per(total),
    writes: per(writes),
    reads: per(reads),
    confirming: per(confirming),
    breakdown: commands.join(', ') || 'none',
  };
}

/** Two decimals, trailing zeros dropped: 1 for exactly one, 1.01 when a few requests strayed. */
const figure = (n) => (Number.isFinite(n) ? String(Number(n.toFixed(2))) : 'n/a');
const latency = (ms) => (ms < 10 ? ms.toFixed(1) : String(Math.round(ms)));
const mark = (ok) => (ok ? '✓' : '✗');
// A little slack for the odd request that is not on the happy path (a client-cache refill).
const atMost = (value, limit) => value <= limit + 0.02;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One measured run of a scenario: warm-up, counters reset, load, drain, counters read. */
async function run(scenario, { server, baseUrl, round, label }) {
  const connections = scenario.connections ?? CONNECTIONS;
  process.stderr.write(
    `round ${round}, ${scenario.name}${label ? ` (${label})` : ''}: warming up ${WARMUP_S} s, then ${DURATION_S} s measured\n`,
  );
  await scenario.prepare?.();
  await load(baseUrl, scenario.request, WARMUP_S, connections);
  const profile =
    PROFILE_DIR &&
    join(PROFILE_DIR, `${scenario.key}${label ? `-${label}` : ''}-r${round}.cpuprofile`);
  await server.ask('stats', {}); // drains what the warm-up left in flight
  await scenario.prepare?.();
  await server.ask('reset', { profile: Boolean(profile) });
  const result = await load(baseUrl, scenario.request, DURATION_S, connections);
  const stats = await server.ask('stats', { profile });
  const completed = Object.entries(stats.byStatus).reduce(
    (sum, [status, n]) => sum + (scenario.completedStatus(Number(status)) ? n : 0),
    0,
  );
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
    completed,
    cpuMs: completed === 0 ? NaN : stats.cpuMicros / 1000 / completed,
    db: perOperation(stats.db, completed),
  };
}

/** The median of each figure over the rounds; the DynamoDB counts of the median-CPU run. */
function summarise(scenario, runs, argon2Ms) {
  const pick = (f) => median(runs.map(f));
  const cpuMs = pick((r) => r.cpuMs);
  const byCpu = [...runs].sort((a, b) => a.cpuMs - b.cpuMs)[Math.floor((runs.length - 1) / 2)];
  const row = {
    name: scenario.name,
    connections: scenario.connections ?? CONNECTIONS,
    rps: pick((r) => r.rps),
    p50: pick((r) => r.p50),
    p99: pick((r) => r.p99),
    cpuMs,
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    completed: runs.reduce((sum, r) => sum + r.completed, 0),
    db: byCpu.db,
    runs,
  };
  row.target = scenario.target(row, argon2Ms);
  return row;
}

/**
 * DynamoDB Local on its own: strongly consistent GetItems of one item (as the app reads a session)
 * from as many concurrent callers as the bench has connections. On a small machine this, not the
 * app, is often the ceiling, and the figure says how far the app is from it.
 */
async function dynamoDbAlone(dynamodb, key) {
  const client = createDynamoDbClient(dynamodb);
  try {
    const get = new GetItemCommand({
      TableName: dynamodb.tableName,
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
    'conns',
    'req/s',
    'p50 ms',
    'p99 ms',
    'CPU ms/req',
    'errors',
    'completed',
    'DynamoDB req/op (AWS)',
    'per command (per op)',
    'target / budget',
  ];
  const cells = rows.map((row) => [
    row.name,
    String(row.connections),
    row.rps.toFixed(1),
    latency(row.p50),
    latency(row.p99),
    Number.isFinite(row.cpuMs) ? row.cpuMs.toFixed(2) : 'n/a',
    String(row.errors),
    String(row.completed),
    figure(row.db.total),
    row.db.breakdown,
    row.target,
  ]);
  const numeric = new Set([1, 2, 3, 4, 5, 6, 7, 8]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => [...c[i]].length)));
  const pad = (text, i) =>
    numeric.has(i) ? text.padStart(widths[i]) : text + ' '.repeat(widths[i] - [...text].length);
  const line = (values) => `| ${values.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}

function scenarios({ passwordBody, accessToken, refreshTokens, topUp }) {
  const ok = (status) => status >= 200 && status < 300;
  const cpuTarget = (row) => `CPU ≤ ${CPU_TARGET_MS} ms ${mark(row.cpuMs <= CPU_TARGET_MS)}`;
  const passwordRequest = {
    method: 'POST',
    path: '/oauth/token',
    headers: FORM_HEADERS,
    body: passwordBody,
  };
  // 3 on AWS: the reservation and one read in parallel, then one transaction; DynamoDB Local
  // adds the transaction's confirming reads, one per item, in parallel (docs/DATA-MODEL.md).
  const passwordBudget = (row) =>
    `≤ 3 on AWS ${mark(atMost(row.db.total, 3) && atMost(row.db.writes, 2))}`;
  return [
    {
      key: 'password',
      name: 'password grant',
      request: passwordRequest,
      completedStatus: ok,
      target: passwordBudget,
    },
    {
      key: 'password1',
      name: 'password grant',
      connections: 1,
      request: passwordRequest,
      completedStatus: ok,
      target: (row, argon2Ms) => {
        const over = row.p50 - argon2Ms;
        return (
          `p50 − argon2 = ${over.toFixed(1)} ms ≤ ${PASSWORD_OVER_ARGON2_MS} ` +
          `${mark(over <= PASSWORD_OVER_ARGON2_MS)}; ${passwordBudget(row)}`
        );
      },
    },
    {
      key: 'refresh',
      name: 'refresh grant',
      // autocannon stops with requests in flight, whose rotated tokens it never sees: those
      // sessions are lost to the pool, so it is topped up before each run.
      prepare: topUp,
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
      target: (row) =>
        `${cpuTarget(row)}; 1 write ${mark(Math.abs(row.db.writes - 1) < 0.005)}, ` +
        `≤ 2 requests ${mark(atMost(row.db.total, 2))}`,
    },
    {
      key: 'user',
      name: 'GET /user',
      request: {
        method: 'GET',
        path: '/user',
        headers: { authorization: `Bearer ${accessToken}` },
      },
      completedStatus: ok,
      // The bearer check's read of the session carries the profile GET /user returns.
      target: (row) =>
        `${cpuTarget(row)}; 1 read ${mark(atMost(row.db.reads, 1) && row.db.writes === 0)}`,
    },
  ].filter((scenario) => !ONLY || ONLY.has(scenario.key));
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
    if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
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
    const tableName = 'bench';
    const setupClient = createDynamoDbClient({ region: 'local', endpoint: dynamodb.endpoint });
    await ensureTable(setupClient, tableName);
    setupClient.destroy();

    const serverEnv = {
      NODE_ENV: 'development',
      LOG_LEVEL: 'silent',
      DYNAMODB_ENDPOINT: dynamodb.endpoint,
      TABLE_NAME: tableName,
      DATA_DIR: dataDir,
      // One user signs in over and over from one address, CONNECTIONS at a time: room for those
      // concurrent attempts in the lockout's pair, and for every session the bench starts (at
      // MAX_SESSIONS_PER_USER each sign-in would end the pool's sessions, which the refresh and
      // GET /user runs need).
      LOGIN_MAX_FAILURES: '100',
      MAX_SESSIONS_PER_USER: '10000',
      // Every request comes from 127.0.0.1: the per-address limits at their maximum, so that they
      // are checked (and cost what they cost) on every request without refusing the bench.
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_CREDENTIALS_PER_MINUTE: '100000',
      // Room for CONNECTIONS concurrent password grants in the hashing queue.
      HASH_QUEUE_MAX: String(Math.max(32, CONNECTIONS * 2)),
    };
    const builds = [{ label: COMPARE ? 'dist' : '', dir: undefined }];
    if (COMPARE) builds.push({ label: COMPARE.split('/').pop(), dir: COMPARE });
    const servers = [];
    for (const build of builds) {
      const server = await startServer(serverEnv, build.dir);
      cleanups.push(() => server.ask('close').catch(() => server.kill()));
      servers.push({ ...build, server, baseUrl: `http://127.0.0.1:${server.port}` });
    }
    const [{ server, baseUrl }] = servers;

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

    process.stderr.write(`argon2id verification alone: ${ARGON2_RUNS} runs\n`);
    const argon2Times = await server.ask('argon2', { runs: ARGON2_RUNS, password: PASSWORD });
    const argon2Ms = median(argon2Times);

    for (const entry of servers) {
      // Sessions made straight through the service (real DynamoDB writes): a pool of password
      // grants would spend seconds in argon2 before the refresh run even starts. One pool per
      // server, topped up by that server.
      const refreshTokens = [];
      const topUp = async () => {
        const missing = SESSION_POOL - refreshTokens.length;
        if (missing <= 0) return;
        refreshTokens.push(
          ...(await entry.server.ask('sessions', {
            userId: user.id,
            clientId: CLIENT_ID,
            count: missing,
          })),
        );
      };
      entry.scenarios = scenarios({ passwordBody, accessToken, refreshTokens, topUp });
      entry.runs = entry.scenarios.map(() => []);
    }
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (let i = 0; i < servers[0].scenarios.length; i += 1) {
        // Alternating which build goes first, so neither always follows the other's load.
        const order = round % 2 === 1 ? servers : [...servers].reverse();
        for (const entry of order) {
          entry.runs[i].push(
            await run(entry.scenarios[i], {
              server: entry.server,
              baseUrl: entry.baseUrl,
              round,
              label: entry.label,
            }),
          );
        }
      }
    }
    const rows = servers[0].scenarios.flatMap((_scenario, i) =>
      servers.map((entry) => {
        const row = summarise(entry.scenarios[i], entry.runs[i], argon2Ms);
        return entry.label ? { ...row, name: `${row.name} [${entry.label}]` } : row;
      }),
    );

    process.stderr.write(`DynamoDB Local alone: ${DB_ALONE_S} s of GetItem\n`);
    const dbAlone = await dynamoDbAlone(
      { region: 'local', endpoint: dynamodb.endpoint, tableName },
      keys.user(user.id),
    );

    const cpu = cpus();
    process.stdout.write(
      `\n${new Date().toISOString()}, Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}; ` +
        `${DURATION_S} s per run after ${WARMUP_S} s warm-up, medians of ${ROUNDS} interleaved rounds; ` +
        `app (its own process), autocannon and DynamoDB Local (in memory) on one machine over loopback; ` +
        `load average ${loadBefore} before the run` +
        `${PROFILE_DIR ? `; CPU PROFILER ON (${PROFILE_DIR}): CPU figures inflated` : ''}\n\n`,
    );
    process.stdout.write(`${table(rows)}\n\n`);
    process.stdout.write(
      `argon2id verification alone (the app's PasswordHasher, one at a time, idle server): ` +
        `p50 ${argon2Ms.toFixed(1)} ms, min ${Math.min(...argon2Times).toFixed(1)}, ` +
        `max ${Math.max(...argon2Times).toFixed(1)} (${ARGON2_RUNS} runs)\n` +
        'Per round (req/s, CPU ms/req): ' +
        rows
          .map(
            (row) =>
              `${row.name}${row.connections === 1 ? ' (1 conn)' : ''} ` +
              row.runs.map((r) => `${r.rps.toFixed(0)}/${r.cpuMs.toFixed(2)}`).join(' '),
          )
          .join('; ') +
        '\n' +
        'CPU ms/req: user + system CPU of the server process over the measured run, divided by the ' +
        'responses it completed (2xx; 200 for refresh). DynamoDB req/op: requests counted by ' +
        'DynamoDbRequestCounter over the same, without the confirming reads DynamoDB Local alone gets ' +
        'after a transaction (listed as "(local confirmation)": one per item written, in parallel, ' +
        'src/database/confirm-transactions.middleware.ts). errors: non-2xx + socket errors and timeouts, all rounds.\n' +
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
