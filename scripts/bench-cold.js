#!/usr/bin/env node
// Cold-start benchmark of the Lambda bundle: fresh Node processes, each importing the bundle and
// answering one API Gateway event, median of 10, interleaved with two yardsticks measured in the
// same run: bare `node -e 0`, and a one-controller Nest app (scripts/cold-baseline/lambda.ts)
// bundled with the same esbuild options (scripts/lambda-build/esbuild-options.js). For each, the
// time from spawn to the answer, split into Node's own start, the module's load (Lambda's init
// phase: with top-level await this includes whatever the module builds before its first event)
// and the first invoke (the event, from handler call to result). Plus the bundle's sizes.
//
//   npm run bench:cold                       (builds dist-lambda/ first)
//   BENCH_COLD_DIR=/tmp/old-dist-lambda node scripts/bench-cold.js   (another build)
//   BENCH_COLD_COMPARE=/tmp/old-dist-lambda npm run bench:cold       (both, interleaved)
//
// The bundles run from copies outside the project, so they cannot lean on its node_modules.
// NODE_EXTRA_CA_CERTS is unset in every child: this machine sets it, it costs about 85 ms per Node
// start, and Lambda has no such bundle. The event is a registration with a bad body (400):
// routing, body parsing, validation and the error filter, with no DynamoDB call, so the figure is
// the service's own start, not a database's. DYNAMODB_ENDPOINT points at a closed port: a bundle
// that touched DynamoDB on this path would answer 503 and fail the bench.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundleSizes, lambdaBundleOptions } from './lambda-build/esbuild-options.js';
import { nestLoggerLazyDateFormat } from './lambda-build/patches/nest-logger-lazy-date-format.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
/** Issue 11's targets: the whole cold start within 1.2× the one-controller app's, and the first
 * event answered within 40 ms of the module having loaded. */
const COLD_START_RATIO = 1.2;
const FIRST_INVOKE_MS = 40;
const BUNDLE_BUDGET_BYTES = 1.5 * 1024 * 1024;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = process.env.BENCH_COLD_DIR
  ? resolve(process.env.BENCH_COLD_DIR)
  : join(root, 'dist-lambda');
/** Another build of dist-lambda/, measured in the same rounds (before/after comparisons). */
const compare = process.env.BENCH_COLD_COMPARE
  ? resolve(process.env.BENCH_COLD_COMPARE)
  : undefined;

/** A throwaway ES256 signing key set, as JWT_SIGNING_KEYS holds in AWS. */
function signingKeys() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return JSON.stringify({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench' }] });
}

/**
 * Imports the bundle, answers one event, reports on fd 3 (stdout carries the app's logs):
 * milliseconds since the process started (performance.timeOrigin) at the import, after it, and
 * after the answer.
 */
function driver(bundleUrl) {
  return `
import { writeSync } from 'node:fs';
const beforeImport = performance.now();
const { handler } = await import(${JSON.stringify(bundleUrl)});
const loaded = performance.now();
const result = await handler({
  version: '2.0',
  routeKey: 'POST /user',
  rawPath: '/user',
  rawQueryString: '',
  headers: { 'content-type': 'application/json', host: 'bench.execute-api.us-east-1.amazonaws.com' },
  requestContext: { stage: '$default', http: { method: 'POST', path: '/user', sourceIp: '127.0.0.1' } },
  body: '{"email":"not-an-email"}',
  isBase64Encoded: false,
}, {});
const answered = performance.now();
writeSync(3, JSON.stringify({ status: result.statusCode, beforeImport, loaded, answered }));
process.exit(0);
`;
}

/** Milliseconds from spawn to the child's answer on fd 3 (or to its exit), and its own timings. */
function timeOnce(args, env, { untilExit }) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let report = '';
    let answeredAt;
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.stdio[3].on('data', (chunk) => {
      answeredAt ??= performance.now() - started;
      report += String(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (untilExit) return resolvePromise({ ms: performance.now() - started });
      if (code !== 0 || answeredAt === undefined) {
        return reject(new Error(`child failed (${code}): ${stderr}`));
      }
      const { status, beforeImport, loaded, answered } = JSON.parse(report);
      resolvePromise({
        ms: answeredAt,
        status,
        load: loaded - beforeImport,
        invoke: answered - loaded,
      });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The one-controller yardstick, bundled as the service is; its directory. */
async function buildBaseline(dir) {
  const result = await build(
    lambdaBundleOptions({
      root,
      entryPoints: { lambda: 'scripts/cold-baseline/lambda.ts' },
      outdir: dir,
      // The service's source patches that apply to this little app's dependencies.
      plugins: [nestLoggerLazyDateFormat],
    }),
  );
  return bundleSizes(
    result.metafile,
    Object.keys(result.metafile.outputs).find((p) => p.endsWith('/lambda.mjs')),
  );
}

/** Size of the .mjs files under a directory, in bytes. */
function jsBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.mjs')) {
      total += statSync(join(entry.parentPath ?? entry.path, entry.name)).size;
    }
  }
  return total;
}

async function main() {
  if (!existsSync(join(built, 'lambda.mjs'))) {
    throw new Error(`${built}/lambda.mjs is missing: run npm run build:lambda first`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-cold-'));
  try {
    const service = join(dir, 'service');
    const baseline = join(dir, 'baseline');
    cpSync(built, service, { recursive: true });
    const other = join(dir, 'compare');
    if (compare) cpSync(compare, other, { recursive: true });
    const baselineSizes = await buildBaseline(baseline);
    const baseEnv = { ...process.env };
    delete baseEnv.NODE_EXTRA_CA_CERTS;
    delete baseEnv.NODE_OPTIONS;
    const lambdaEnv = {
      ...baseEnv,
      NODE_ENV: 'production',
      AWS_LAMBDA_FUNCTION_NAME: 'session-service-bench-credentials',
      AWS_REGION: 'us-east-1',
      TABLE_NAME: 'session-service-bench',
      ISSUER: 'https://bench.execute-api.us-east-1.amazonaws.com',
      JWT_SIGNING_KEYS: signingKeys(),
      // Never contacted by this event; set so nothing reaches for real AWS.
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
      LOG_LEVEL: 'info',
    };
    const series = { bare: [], baseline: [], service: [], compare: [] };
    const bundleArgs = (path) => [
      '--input-type=module',
      '-e',
      driver(pathToFileURL(join(path, 'lambda.mjs')).href),
    ];
    // Interleaved, so that load on the machine affects every series alike.
    for (let i = 0; i < RUNS; i++) {
      series.bare.push(await timeOnce(['-e', '0'], baseEnv, { untilExit: true }));
      for (const [name, path] of [
        ['baseline', baseline],
        ['service', service],
        ...(compare ? [['compare', other]] : []),
      ]) {
        const run = await timeOnce(bundleArgs(path), lambdaEnv, { untilExit: false });
        if (run.status !== 400) throw new Error(`${name}: expected a 400, got ${run.status}`);
        series[name].push(run);
      }
    }
    const m = (runs, key) => median(runs.map((run) => run[key]));
    const widths = [44, 12, 6, 12, 6, 6];
    const line = (cells) =>
      `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
    const ms = (value) => (value === undefined ? '' : value.toFixed(0));
    const row = (name, runs) =>
      line([
        name,
        ms(m(runs, 'ms')),
        ms(runs[0].load === undefined ? undefined : m(runs, 'load')),
        ms(runs[0].invoke === undefined ? undefined : m(runs, 'invoke')),
        ms(Math.min(...runs.map((r) => r.ms))),
        ms(Math.max(...runs.map((r) => r.ms))),
      ]);
    console.log(
      `Cold start, ${RUNS} fresh processes each, interleaved, medians (ms). spawn → answer: the ` +
        `whole cold start; load: import() of the bundle (Lambda's init phase); first invoke: the ` +
        `handler's first event.\n`,
    );
    console.log(line(['process', 'spawn→answer', 'load', 'first invoke', 'min', 'max']));
    console.log(
      `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    );
    console.log(row('node -e 0', series.bare));
    console.log(row('one-controller Nest bundle, POST /user (400)', series.baseline));
    console.log(row('service bundle, POST /user (400)', series.service));
    if (compare) console.log(row(`${compare.split('/').pop()}, POST /user (400)`, series.compare));
    const ratio = m(series.service, 'ms') / m(series.baseline, 'ms');
    const invoke = m(series.service, 'invoke');
    console.log(
      `\nservice / one-controller: ${ratio.toFixed(2)}× (target ≤ ${COLD_START_RATIO}× ` +
        `${ratio <= COLD_START_RATIO ? '✓' : '✗'}); first invoke ${invoke.toFixed(0)} ms ` +
        `(target ≤ ${FIRST_INVOKE_MS} ms ${invoke <= FIRST_INVOKE_MS ? '✓' : '✗'})`,
    );
    console.log(
      `bundle: ${built}: ${existsSync(join(built, 'chunks')) ? 'entry + chunks' : 'lambda.mjs'} ` +
        `${(jsBytes(built) / 1024).toFixed(0)} KB of JavaScript in all (the build's own report ` +
        `says what loads at start; budget ${(BUNDLE_BUDGET_BYTES / 1024).toFixed(0)} KB); ` +
        `one-controller bundle ${(baselineSizes.startBytes / 1024).toFixed(0)} KB; Node ${process.version}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`bench:cold failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
