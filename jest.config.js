import { readFileSync } from 'node:fs';
import { CJS_REQUIRING_ESM, esmBundle } from './test/setup/esm-bundles.js';

// Nest 12 ships ESM only, so jest runs in ESM mode (NODE_OPTIONS=--experimental-vm-modules)
// and @swc/jest compiles TypeScript with decorator metadata, keeping `import` statements, with
// the options of `.swcrc`: the ones `nest build` and the Lambda bundle use too.
const swcrc = JSON.parse(readFileSync(new URL('.swcrc', import.meta.url), 'utf8'));

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swcrc] },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // CommonJS packages that require ESM-only Nest: jest loads an ES-module bundle of each.
    ...Object.fromEntries(CJS_REQUIRING_ESM.map((name) => [`^${name}$`, esmBundle(name)])),
  },
  testEnvironment: 'node',
};

export default {
  // A global option (ignored inside projects): e2e hooks start apps and hash passwords, which on a
  // loaded 2-core machine can take longer than jest's 5 s default.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.js',
      globalTeardown: '<rootDir>/test/setup/global-teardown.js',
    },
    {
      // Not part of `npm test`: `npm run test:reliability` (real processes, faults, a soak).
      ...common,
      displayName: 'reliability',
      roots: ['<rootDir>/test/reliability'],
      testMatch: ['**/*.reliability-spec.ts'],
      globalSetup: '<rootDir>/test/reliability/support/global-setup.js',
    },
  ],
};
