// Nest's ValidationPipe loads class-validator with import(), which keeps every validator in the
// bundle (~200 KB, most of it the validator library); importing by name the members the pipe uses
// (read from its source, so a new one is never missed) lets esbuild drop the rest.
import { sourcePatch } from '../source-patch.js';

const membersUsed = (source) => [
  ...new Set([...source.matchAll(/classValidator\.(\w+)/g)].map((match) => match[1])),
];

export const validationPipeNamedImports = sourcePatch({
  name: 'validation-pipe-named-imports',
  file: /@nestjs[\\/]common[\\/]pipes[\\/]validation\.pipe\.js$/,
  prepend: (source) =>
    `import { ${membersUsed(source)
      .map((name) => `${name} as __cv_${name}`)
      .join(', ')} } from 'class-validator';\n`,
  replace: [
    [
      "() => import('class-validator')",
      (source) =>
        `() => Promise.resolve({ ${membersUsed(source)
          .map((name) => `${name}: __cv_${name}`)
          .join(', ')} })`,
    ],
  ],
});
