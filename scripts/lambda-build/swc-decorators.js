// esbuild does not emit decorator metadata (`emitDecoratorMetadata`), which Nest's dependency
// injection and Swagger read, so our TypeScript goes through swc first, with the options of
// `.swcrc`: the ones `nest build` and the tests (jest.config.js) use too.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { transform } from '@swc/core';

/** `.swcrc` as swc reads it (plain JSON here: no comments in it). */
export function readSwcrc(root) {
  return JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
}

export function swcDecorators(root) {
  const options = { ...readSwcrc(root), sourceMaps: false };
  return {
    name: 'swc-decorators',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${'/'}node_modules${'/'}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        const { code } = await transform(source, { ...options, filename: args.path });
        return { contents: code, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}
