#!/usr/bin/env node
// Summarises V8 CPU profiles (.cpuprofile, from `node --cpu-prof` or `BENCH_CPU_PROF=dir npm run
// bench`): the functions with the most self time, and self time by package, as % of all samples.
//
//   node scripts/profile-summary.js /tmp/prof/user-r1.cpuprofile [more.cpuprofile ...] [--top 25]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;

/** `node_modules/@scope/name` or `node_modules/name` → the package; node: internals; ours. */
function owner(url) {
  if (!url) return '(native / V8)';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1];
  if (url.startsWith('node:'))
    return `node:${url.slice(5).split('/')[0] === 'internal' ? 'internal' : url.slice(5)}`;
  if (/\/(dist|src)\//.test(url)) return 'service (dist/)';
  return url;
}

/** Coarser than packages: the layers a request goes through. */
function area(url, functionName) {
  if (!url) {
    if (functionName === 'writev' || functionName.startsWith('write'))
      return 'socket writes (native)';
    if (functionName === '(garbage collector)') return 'GC';
    if (['verify', 'sign', 'digest', 'update'].includes(functionName)) return 'crypto (native)';
    return 'other native / V8';
  }
  const pkg = owner(url);
  if (/^@smithy|^@aws-sdk/.test(pkg)) return 'AWS SDK (JS)';
  if (/passport|jsonwebtoken|^jws$|^jwa$|ecdsa|@nestjs\/jwt/.test(pkg)) return 'JWT (+ passport)';
  if (/pino/.test(pkg)) return 'request log (pino)';
  if (/throttler/.test(pkg)) return 'rate limits (throttler)';
  if (
    /^@nestjs\/|^router$|^express$|path-to-regexp|body-parser|type-is|content-type|reflect-metadata|^qs$|raw-body|parseurl|forwarded|proxy-addr/.test(
      pkg,
    )
  ) {
    return 'Nest + Express';
  }
  if (pkg.startsWith('node:')) return 'Node core (http, net, streams, async hooks)';
  if (pkg === 'service (dist/)') return 'service code';
  return pkg;
}

for (const file of args) {
  const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const selfTime = new Map();
  let total = 0;
  samples.forEach((id, i) => {
    const delta = timeDeltas[i] ?? 0;
    selfTime.set(id, (selfTime.get(id) ?? 0) + delta);
    total += delta;
  });
  const functions = new Map();
  const packages = new Map();
  const areas = new Map();
  let idle = 0;
  for (const [id, time] of selfTime) {
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)') {
      idle += time;
      continue;
    }
    const where = callFrame.url
      ? `${callFrame.url.replace(/^.*node_modules\//, '')}:${callFrame.lineNumber + 1}`
      : '';
    const key = `${callFrame.functionName || '(anonymous)'} ${where}`;
    functions.set(key, (functions.get(key) ?? 0) + time);
    const pkg = owner(callFrame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + time);
    // The profiler's own work when started through node:inspector (bench-server.js).
    if (callFrame.functionName !== 'dispatch') {
      const layer = area(callFrame.url, callFrame.functionName);
      areas.set(layer, (areas.get(layer) ?? 0) + time);
    }
  }
  const busy = total - idle;
  const pct = (time) => `${((100 * time) / busy).toFixed(1).padStart(5)}%`;
  console.log(
    `\n${file}: ${(busy / 1000).toFixed(0)} ms busy of ${(total / 1000).toFixed(0)} ms sampled (percentages of busy time)`,
  );
  console.log('\nself time by function:');
  for (const [key, time] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${pct(time)}  ${key}`);
  }
  console.log('\nself time by area:');
  for (const [key, time] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 14)) {
    console.log(`  ${pct(time)}  ${key}`);
  }
  console.log('\nself time by package:');
  for (const [key, time] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
    console.log(`  ${pct(time)}  ${key}`);
  }
}
