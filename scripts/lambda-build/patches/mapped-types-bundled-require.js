// @nestjs/mapped-types loads class-validator and class-transformer through
// `createRequire(import.meta.url)`, which esbuild cannot follow (evanw/esbuild#1828): in the
// bundle those calls would look for node_modules that Lambda does not have, and PartialType,
// PickType, ... would silently copy no validation metadata. They become static imports. The
// storage must be the one the rest of the bundle registers into, so its path is resolved the way
// esbuild resolves `class-transformer`.
import { dirname, join } from 'node:path';
import { sourcePatch } from '../source-patch.js';

export function mappedTypesBundledRequire(root) {
  return sourcePatch({
    name: 'mapped-types-bundled-require',
    file: /@nestjs[\\/]mapped-types[\\/]dist[\\/]type-helpers\.utils\.js$/,
    facts: async (b) => {
      const main = await b.resolve('class-transformer', {
        kind: 'import-statement',
        resolveDir: root,
      });
      if (main.errors.length > 0) throw new Error('cannot resolve class-transformer');
      return { classTransformerStorage: join(dirname(main.path), 'storage.js') };
    },
    replace: [
      [
        'const require = createRequire(import.meta.url);',
        (_source, { classTransformerStorage }) =>
          [
            "import { IsOptional, ValidateIf, getMetadataStorage } from 'class-validator';",
            `import { defaultMetadataStorage } from ${JSON.stringify(classTransformerStorage)};`,
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
  });
}
