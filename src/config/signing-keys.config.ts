import {
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { ConfigError } from './config-error.js';

/**
 * The algorithms access tokens may be signed with: ES256 (the default), or RS256 for API Gateway
 * HTTP API JWT authorizers, which verify RSA signatures only.
 */
export const ACCESS_TOKEN_ALGS = ['ES256', 'RS256'] as const;
export type AccessTokenAlg = (typeof ACCESS_TOKEN_ALGS)[number];

/** A private or public JWK of a signing key set, as validated here: it always has a `kid`. */
export type SigningJwk = JsonWebKey & { readonly kid: string };

/** NIST SP 800-57 and RFC 7518 §3.3: RSA keys for RS256 are at least 2048 bits. */
export const MIN_RSA_BITS = 2048;

const KEY_TYPE: Readonly<Record<AccessTokenAlg, { matches(key: KeyObject): boolean; is: string }>> =
  {
    ES256: {
      is: 'an EC P-256 key',
      matches: (key) =>
        key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1',
    },
    RS256: {
      is: `an RSA key of at least ${MIN_RSA_BITS} bits`,
      matches: (key) =>
        key.asymmetricKeyType === 'rsa' &&
        (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS,
    },
  };

/** ACCESS_TOKEN_ALG: unset means ES256. */
export function accessTokenAlg(raw: string | undefined): AccessTokenAlg {
  if (raw === undefined) return 'ES256';
  const alg = ACCESS_TOKEN_ALGS.find((known) => known === raw);
  if (!alg) {
    throw new ConfigError(
      `ACCESS_TOKEN_ALG must be one of ${ACCESS_TOKEN_ALGS.join(', ')}, got "${raw}"`,
    );
  }
  return alg;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function publicKeyOf(jwk: JsonWebKey): KeyObject | undefined {
  try {
    return createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return undefined;
  }
}

function privateKeyOf(jwk: JsonWebKey): KeyObject | undefined {
  try {
    return createPrivateKey({ key: jwk, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/**
 * One key of the set, checked for the configured algorithm. Messages name the key by its place
 * and never quote what it holds.
 */
function checkKey(value: unknown, index: number, alg: AccessTokenAlg, source: string): SigningJwk {
  const where = `${source}: keys[${index}]`;
  if (!isObject(value)) throw new ConfigError(`${where} must be a JWK object`);
  const jwk = value as JsonWebKey;
  if (typeof jwk.kid !== 'string' || jwk.kid === '') {
    throw new ConfigError(`${where} needs a kid (a name for the key, unique in the set)`);
  }
  const publicKey = publicKeyOf(jwk);
  if (!publicKey) throw new ConfigError(`${where} is not a valid public or private JWK`);
  if (!KEY_TYPE[alg].matches(publicKey)) {
    throw new ConfigError(
      `${where} is not ${KEY_TYPE[alg].is}, which ACCESS_TOKEN_ALG=${alg} needs`,
    );
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    throw new ConfigError(`${where} is marked for another algorithm than ACCESS_TOKEN_ALG=${alg}`);
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    throw new ConfigError(`${where} is marked for a use other than signing ("use" must be "sig")`);
  }
  if (jwk.d !== undefined) {
    const privateKey = privateKeyOf(jwk);
    if (!privateKey) throw new ConfigError(`${where} has a private part that is not valid`);
    // A private part from another key would sign tokens that its own public key cannot verify
    // (node:crypto keeps a JWK's x and y as given, so comparing public parts would not tell).
    const probe = Buffer.from('signing-key-check');
    if (!verify('sha256', probe, publicKey, sign('sha256', probe, privateKey))) {
      throw new ConfigError(`${where}: its private part does not belong to its public part`);
    }
  }
  return jwk as SigningJwk;
}

/**
 * Parses and validates a JWK set (RFC 7517 §5) of signing keys: the first key signs access tokens
 * and needs its private part; every key verifies (so a key can rotate without logging anyone
 * out); all are keys for `alg`, with distinct kids. `source` names the variable or file in errors.
 */
export function parseSigningKeySet(
  json: string,
  alg: AccessTokenAlg,
  source: string,
): readonly SigningJwk[] {
  let set: unknown;
  try {
    set = JSON.parse(json);
  } catch {
    throw new ConfigError(`${source} must be a JSON JWK set {"keys":[...]}`);
  }
  if (!isObject(set) || !Array.isArray(set.keys) || set.keys.length === 0) {
    throw new ConfigError(`${source} must be a JWK set {"keys":[...]} with at least one key`);
  }
  const keys = set.keys.map((key: unknown, index) => checkKey(key, index, alg, source));
  if (keys[0].d === undefined) {
    throw new ConfigError(`${source}: keys[0] signs tokens and needs its private part (d)`);
  }
  if (new Set(keys.map((key) => key.kid)).size !== keys.length) {
    throw new ConfigError(`${source}: two keys have the same kid; every key needs its own`);
  }
  return keys;
}

/**
 * ACCESS_TOKEN_ALG and JWT_SIGNING_KEYS, read together because the keys must suit the algorithm.
 * Unset JWT_SIGNING_KEYS means local keys, generated under DATA_DIR at start.
 */
export function signingKeysConfig(raw: { alg?: string; keys?: string }): {
  accessTokenAlg: AccessTokenAlg;
  signingKeys: readonly SigningJwk[] | undefined;
} {
  const alg = accessTokenAlg(raw.alg);
  return {
    accessTokenAlg: alg,
    signingKeys:
      raw.keys === undefined ? undefined : parseSigningKeySet(raw.keys, alg, 'JWT_SIGNING_KEYS'),
  };
}
