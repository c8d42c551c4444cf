import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { ConfigError } from '../../config/load-config.js';

export interface SigningKey {
  readonly kid: string;
  readonly publicJwk: JWK;
  readonly publicKey: KeyObject;
  /** The public key as SPKI PEM, for passport-jwt (jsonwebtoken), computed once. */
  readonly publicPem: string;
  /** Only the current key (the first of the set) needs its private part. */
  readonly privateKey?: KeyObject;
}

interface JwkSet {
  keys: JWK[];
}

const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y'] as const;

function isEs256(jwk: JWK): boolean {
  return jwk.kty === 'EC' && jwk.crv === 'P-256' && !!jwk.x && !!jwk.y;
}

async function toSigningKey(jwk: JWK, source: string, index: number): Promise<SigningKey> {
  if (!isEs256(jwk)) {
    throw new ConfigError(`${source}: key ${index} must be an EC P-256 (ES256) JWK`);
  }
  const publicPart: JWK = Object.fromEntries(PUBLIC_MEMBERS.map((name) => [name, jwk[name]]));
  const kid = jwk.kid ?? (await calculateJwkThumbprint(publicPart));
  const publicKey = createPublicKey({ key: publicPart, format: 'jwk' });
  return {
    kid,
    publicJwk: { ...publicPart, kid, alg: 'ES256', use: 'sig' },
    publicKey,
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }) as string,
    privateKey: jwk.d ? createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }) : undefined,
  };
}

/** Parses a JWK set: the first key signs, every key verifies (so keys rotate without logouts). */
export async function parseSigningKeys(json: string, source: string): Promise<SigningKey[]> {
  let set: Partial<JwkSet>;
  try {
    set = JSON.parse(json) as Partial<JwkSet>;
  } catch {
    throw new ConfigError(`${source} must be a JSON JWK set`);
  }
  if (!Array.isArray(set.keys) || set.keys.length === 0) {
    throw new ConfigError(`${source} must be a JWK set {"keys":[...]} with at least one key`);
  }
  const keys = await Promise.all(set.keys.map((jwk, i) => toSigningKey(jwk, source, i)));
  if (!keys[0].privateKey) {
    throw new ConfigError(`${source}: the first key signs tokens and needs its private part (d)`);
  }
  if (new Set(keys.map((key) => key.kid)).size !== keys.length) {
    throw new ConfigError(`${source}: every key needs a distinct kid`);
  }
  return keys;
}

/** A new ES256 key as a private JWK set, for local runs and for operators (see the README). */
export async function generateSigningKeySet(): Promise<string> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
  return JSON.stringify({ keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] }, null, 2);
}

/** Local runs keep a generated key under DATA_DIR, so tokens survive restarts. */
export async function loadOrCreateLocalKeys(path: string): Promise<SigningKey[]> {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await generateSigningKeySet(), { mode: 0o600, flag: 'wx' });
  }
  return parseSigningKeys(readFileSync(path, 'utf8'), path);
}
