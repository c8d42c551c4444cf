import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/** OWASP's argon2id parameters: m = 19 MiB, t = 2, p = 1. */
export const ARGON2_OPTIONS = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;

  /** argon2id, as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). */
  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  /** Constant-time comparison inside argon2; a malformed stored hash counts as a mismatch. */
  async verify(phc: string, password: string): Promise<boolean> {
    try {
      return await verify(phc, password);
    } catch {
      return false;
    }
  }

  /**
   * Spends the same time as a real verification, for unknown users, so that response time does
   * not tell whether an email is registered.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hash('dummy password for timing equalisation');
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
