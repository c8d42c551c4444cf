// rxjs's package exports pick its CommonJS build for Node, whose index loads every operator
// (~170 KB, ~20 ms at import). Its ES module build lets esbuild keep only the operators Nest
// imports (rxjs declares itself free of side effects).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function rxjsAsEsm(root) {
  const require = createRequire(join(root, 'package.json'));
  return {
    name: 'rxjs-as-esm',
    setup(b) {
      const dir = dirname(require.resolve('rxjs/package.json'));
      b.onResolve({ filter: /^rxjs(\/operators)?$/ }, (args) => ({
        path: join(dir, 'dist/esm', args.path === 'rxjs' ? '' : 'operators', 'index.js'),
        sideEffects: false,
      }));
    },
  };
}
