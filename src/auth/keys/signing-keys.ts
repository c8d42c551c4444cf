import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MIN_RSA_BITS,
  parseSigningKeySet,
  type AccessTokenAlg,
  type SigningJwk,
} from '../../config/signing-keys.config.js';
import { jwkThumbprint, publicJwk } from './jwk.js';

/** A published key as the JWKS shows it (RFC 7517 §4): public members, `kid`, `alg`, `use`. */
export type PublishedJwk = JsonWebKey & { kid: string; alg: AccessTokenAlg; use: 'sig' };

/** A signing key with its node:crypto key objects, made once at start and never per request. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: AccessTokenAlg;
  readonly publicJwk: PublishedJwk;
  readonly publicKey: KeyObject;
  /** Only the current key (the first of the set) needs its private part. */
  readonly privateKey?: KeyObject;
}

/** Key objects for validated JWKs (see parseSigningKeySet), in the set's order. */
export function toSigningKeys(jwks: readonly SigningJwk[], alg: AccessTokenAlg): SigningKey[] {
  return jwks.map((jwk) => {
    const publicPart = publicJwk(jwk);
    return {
      kid: jwk.kid,
      alg,
      publicJwk: { ...publicPart, kid: jwk.kid, alg, use: 'sig' },
      publicKey: createPublicKey({ key: publicPart, format: 'jwk' }),
      privateKey: jwk.d === undefined ? undefined : createPrivateKey({ key: jwk, format: 'jwk' }),
    };
  });
}

/**
 * A new key set of one private key for `alg` (EC P-256, or RSA of 2048 bits), its kid the RFC 7638
 * thumbprint: for local runs, and for operators (docs/DEPLOY.md).
 */
export function generateSigningKeySet(alg: AccessTokenAlg): string {
  const { privateKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: MIN_RSA_BITS })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  return JSON.stringify({ keys: [{ ...jwk, kid: jwkThumbprint(jwk), alg, use: 'sig' }] }, null, 2);
}

/**
 * Local runs keep one key set per algorithm under DATA_DIR, so tokens survive restarts and
 * switching ACCESS_TOKEN_ALG back and forth finds each algorithm's key again:
 * `signing-keys.json` for ES256 (the name it always had), `signing-keys.rs256.json` for RS256.
 */
export function localKeyFile(dataDir: string, alg: AccessTokenAlg): string {
  return join(dataDir, alg === 'ES256' ? 'signing-keys.json' : 'signing-keys.rs256.json');
}

/** The local key set for `alg`, generated on first use; a file that does not suit `alg` is refused. */
export function loadOrCreateLocalKeys(dataDir: string, alg: AccessTokenAlg): SigningKey[] {
  const path = localKeyFile(dataDir, alg);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    // Written aside, then linked into place: of two processes starting at once, one key wins
    // and neither reads a half-written file.
    const draft = `${path}.${process.pid}.tmp`;
    writeFileSync(draft, generateSigningKeySet(alg), { mode: 0o600 });
    try {
      linkSync(draft, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  return toSigningKeys(parseSigningKeySet(readFileSync(path, 'utf8'), alg, path), alg);
}
