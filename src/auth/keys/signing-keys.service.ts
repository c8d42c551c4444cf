import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import type { AccessTokenAlg } from '../../config/signing-keys.config.js';
import {
  loadOrCreateLocalKeys,
  toSigningKeys,
  type PublishedJwk,
  type SigningKey,
} from './signing-keys.js';

export type CurrentSigningKey = SigningKey & {
  readonly privateKey: NonNullable<SigningKey['privateKey']>;
};

/**
 * The keys of the configured algorithm that sign access tokens (the first) and verify them (all),
 * made into key objects once, at start: from JWT_SIGNING_KEYS, or generated under DATA_DIR.
 * Loaded in onModuleInit rather than the constructor so that a bad local key file fails
 * `app.init()` with its one-line ConfigError (Nest ends the process on constructor errors).
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  readonly alg: AccessTokenAlg;
  private keys: readonly SigningKey[] = [];
  private byKid: ReadonlyMap<string, SigningKey> = new Map();
  private currentKey?: CurrentSigningKey;

  constructor(private readonly config: AppConfig) {
    this.alg = config.tokens.accessTokenAlg;
  }

  onModuleInit(): void {
    const configured = this.config.tokens.signingKeys;
    this.keys = configured
      ? toSigningKeys(configured, this.alg)
      : loadOrCreateLocalKeys(this.config.dataDir, this.alg);
    this.byKid = new Map(this.keys.map((key) => [key.kid, key]));
    // parseSigningKeySet refuses a set whose first key has no private part.
    this.currentKey = this.keys[0] as CurrentSigningKey;
  }

  /** The key that signs new tokens: the first of the set. */
  current(): CurrentSigningKey {
    if (!this.currentKey) throw new Error('signing keys are not loaded yet');
    return this.currentKey;
  }

  find(kid: string): SigningKey | undefined {
    return this.byKid.get(kid);
  }

  /** RFC 7517 JWK set of the public keys, current first. */
  publicJwks(): { keys: PublishedJwk[] } {
    return { keys: this.keys.map((key) => key.publicJwk) };
  }
}
