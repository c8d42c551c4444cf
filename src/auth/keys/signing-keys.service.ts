import { join } from 'node:path';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { JWK } from 'jose';
import { AppConfig } from '../../config/app-config.js';
import { loadOrCreateLocalKeys, parseSigningKeys, type SigningKey } from './signing-keys.js';

/** The keys that sign access tokens (the first) and verify them (all), loaded once at start. */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private keys: SigningKey[] = [];
  private byKid = new Map<string, SigningKey>();

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const configured = this.config.tokens.signingKeys;
    this.keys = configured
      ? await parseSigningKeys(configured, 'JWT_SIGNING_KEYS')
      : await loadOrCreateLocalKeys(join(this.config.dataDir, 'signing-keys.json'));
    this.byKid = new Map(this.keys.map((key) => [key.kid, key]));
  }

  current(): SigningKey & { privateKey: NonNullable<SigningKey['privateKey']> } {
    const key = this.keys[0];
    if (!key?.privateKey) throw new Error('signing keys are not loaded');
    return key as SigningKey & { privateKey: NonNullable<SigningKey['privateKey']> };
  }

  find(kid: string): SigningKey | undefined {
    return this.byKid.get(kid);
  }

  /** RFC 7517 JWK set of the public keys, current first. */
  publicJwks(): { keys: JWK[] } {
    return { keys: this.keys.map((key) => key.publicJwk) };
  }
}
