// jsonwebtoken (under @nestjs/jwt and passport-jwt) asks semver, when imported, whether this Node
// has features every Node since 16.9 has; loading semver for that costs ~10 ms. Lambda runs 22.
import { sourcePatch } from '../source-patch.js';

export const jsonwebtokenWithoutSemver = sourcePatch({
  name: 'jsonwebtoken-without-semver',
  file: /jsonwebtoken[\\/]lib[\\/](asymmetricKeyDetailsSupported|psSupported|rsaPssKeyDetailsSupported)\.js$/,
  files: 3,
  replace: [
    [
      /^(?:const|var) semver = require\('semver'\);\s*module\.exports = semver\.satisfies\(process\.version, '[^']+'\);\s*$/,
      'module.exports = true;\n',
    ],
  ],
});
