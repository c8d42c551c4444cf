// argon2's loader probes the platform for the right binary (reading /usr/bin/ldd, else
// generating a process report, else spawning `ldd --version`); the bundle ships exactly one, for
// the architecture in serverless.yml, so it loads that one directly.
import { sourcePatch } from '../source-patch.js';

export function argon2OneBinary(argon2Package) {
  return sourcePatch({
    name: 'argon2-one-binary',
    file: /@node-rs[\\/]argon2[\\/]index\.js$/,
    replace: [
      [
        /^[\s\S]*\nmodule\.exports = nativeBinding\n/,
        `const nativeBinding = require('${argon2Package}')\nmodule.exports = nativeBinding\n`,
      ],
    ],
  });
}
