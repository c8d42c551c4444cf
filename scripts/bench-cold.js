#!/usr/bin/env node
// Cold-start benchmark of the Lambda bundle: the time from spawning a fresh Node process to the
// first answered API Gateway event, median of 10, next to bare `node -e 0` measured in the same
// run, plus the bundle's size.
//
//   npm run bench:cold          (builds dist-lambda/ first)
//
// The bundle runs from a copy outside the project, so it cannot lean on the project's
// node_modules. NODE_EXTRA_CA_CERTS is unset in every child: this machine sets it, it costs about
// 85 ms per Node start, and Lambda has no such bundle. The event is a registration with a bad
// body (400): routing, body parsing, validation and the error filter, with no DynamoDB call, so
// the figure is the service's own start, not a database's.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const BUDGET_ABOVE_NODE_MS = 250;
const BUNDLE_BUDGET_BYTES = 3 * 1024 * 1024;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist-lambda');

/** A throwaway ES256 signing key set, as JWT_SIGNING_KEYS holds in AWS. */
function signingKeys() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return JSON.stringify({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench' }] });
}

/** Imports the bundle, answers one event, reports on fd 3 (stdout carries the app's logs). */
function driver(bundleUrl) {
  return `
import { writeSync } from 'node:fs';
const { handler } = await import(${JSON.stringify(bundleUrl)});
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
writeSync(3, String(result.statusCode));
process.exit(0);
`;
}

/** Milliseconds from spawn to the child's first word on fd 3 (or to its exit). */
function timeOnce(args, env, { untilExit }) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let answered;
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.stdio[3].on('data', (chunk) => {
      answered ??= { ms: performance.now() - started, status: String(chunk) };
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (untilExit) return resolvePromise({ ms: performance.now() - started });
      if (code !== 0 || !answered) return reject(new Error(`child failed (${code}): ${stderr}`));
      resolvePromise(answered);
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  if (!existsSync(join(built, 'lambda.mjs'))) {
    throw new Error('dist-lambda/lambda.mjs is missing: run npm run build:lambda first');
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-cold-'));
  try {
    cpSync(built, dir, { recursive: true });
    const bundleUrl = pathToFileURL(join(dir, 'lambda.mjs')).href;
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
    const bare = [];
    const bundle = [];
    // Interleaved, so that load on the machine affects both series alike.
    for (let i = 0; i < RUNS; i++) {
      bare.push((await timeOnce(['-e', '0'], baseEnv, { untilExit: true })).ms);
      const run = await timeOnce(['--input-type=module', '-e', driver(bundleUrl)], lambdaEnv, {
        untilExit: false,
      });
      if (run.status !== '400') throw new Error(`expected a 400, got ${run.status}`);
      bundle.push(run.ms);
    }
    const bundleBytes = statSync(join(built, 'lambda.mjs')).size;
    const over = median(bundle) - median(bare);
    const row = (name, values) =>
      `| ${name.padEnd(38)} | ${median(values).toFixed(0).padStart(6)} | ${Math.min(...values)
        .toFixed(0)
        .padStart(4)} | ${Math.max(...values)
        .toFixed(0)
        .padStart(4)} |`;
    console.log(`Cold start, spawn to first answered event, ${RUNS} fresh processes each (ms):\n`);
    console.log(`| ${'process'.padEnd(38)} | median |  min |  max |`);
    console.log(`| ${'-'.repeat(38)} | -----: | ---: | ---: |`);
    console.log(row('node -e 0', bare));
    console.log(row('bundle, POST /user (400)', bundle));
    console.log(
      `\nabove bare Node: ${over.toFixed(0)} ms (budget ${BUDGET_ABOVE_NODE_MS} ms)` +
        `\nbundle: dist-lambda/lambda.mjs ${(bundleBytes / 1024).toFixed(0)} KB` +
        ` (budget ${(BUNDLE_BUDGET_BYTES / 1024).toFixed(0)} KB), Node ${process.version}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`bench:cold failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
