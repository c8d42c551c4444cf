// Jest (30, on Node 20) cannot require() an ES module: a CommonJS package that requires
// @nestjs/common or @nestjs/core, which are ESM-only since Nest 12, fails to load under jest even
// though Node itself (20.19+, require(esm)) and the Lambda bundle (esbuild) load it fine. For those
// packages, jest.config.js maps the import to an ES-module bundle of the package made here with
// esbuild: the package's own files bundled, the Nest packages left as imports (so the app and the
// package share one Nest, as at run time), and every other require() served by Node's.
import { buildSync } from 'esbuild';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = dirname(dirname(import.meta.dirname));
const require = createRequire(join(root, 'package.json'));

/** CommonJS packages that require ESM-only Nest packages. */
export const CJS_REQUIRING_ESM = ['@nestjs/throttler'];
const NEST = ['@nestjs/common', '@nestjs/core'];

const banner = [
  ...NEST.map((name, i) => `import * as __nest${i} from '${name}';`),
  "import { createRequire as __createRequire } from 'node:module';",
  'const __nodeRequire = __createRequire(import.meta.url);',
  `const __nest = { ${NEST.map((name, i) => `'${name}': __nest${i}`).join(', ')} };`,
  // esbuild's require shim calls this `require` for anything left external.
  'const require = (id) => __nest[id] ?? __nodeRequire(id);',
].join('\n');

/** Path of the ES-module bundle of `name` for jest, (re)built when the package changes. */
export function esmBundle(name) {
  const entry = require.resolve(name);
  const outfile = join(root, 'node_modules/.cache/jest-esm', `${name.replace('/', '__')}.mjs`);
  if (!existsSync(outfile) || statSync(outfile).mtimeMs < statSync(entry).mtimeMs) {
    // A CommonJS entry gives an ES module with a default export only: name the exports, which
    // Node (require(esm)) can list.
    const names = Object.keys(require(name)).filter((key) => /^[A-Za-z_$][\w$]*$/.test(key));
    buildSync({
      stdin: {
        contents: `import m from ${JSON.stringify(entry)};\nexport const { ${names.join(', ')} } = m;\nexport default m;`,
        resolveDir: root,
        sourcefile: `${name}.mjs`,
      },
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      external: NEST,
      banner: { js: banner },
      logLevel: 'error',
    });
  }
  return outfile;
}
