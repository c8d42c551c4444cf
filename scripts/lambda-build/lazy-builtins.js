// In an ES module bundle esbuild hoists every `import ... from 'node:x'` to the top of the file,
// so each Node built-in that any bundled code mentions loads at start-up, even for code that never
// runs (the SDK's credential providers bring child_process, fs/promises and readline along).
// Routed through require() instead, a built-in loads when the code that needs it first runs; and
// marked free of side effects, so that an import whose importer esbuild drops as unused (the SDK's
// HTTP/2 handler, which would load node:http2) goes with it. (Names with digits too: http2.)
import { builtinModules } from 'node:module';

export const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const builtins = new Set(builtinModules);
    b.onResolve({ filter: /^(node:)?[a-z0-9_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!builtins.has(name)) return undefined;
      // require() calls are lazy already; leave them to Node.
      if (args.kind === 'require-call') return { path: args.path, external: true };
      return { path: name, namespace: 'builtin', sideEffects: false };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require('node:${args.path}');`,
      loader: 'js',
    }));
  },
};
