import { Injectable, Optional } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import pLimit, { type LimitFunction } from 'p-limit';
import { BusyError } from '../common/busy.error.js';
import { currentRequestSignal } from '../common/request-context.js';
import { AppConfig } from '../config/app-config.js';

/** OWASP's argon2id parameters: m = 19 MiB, t = 2, p = 1. */
export const ARGON2_OPTIONS = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * argon2id hashing and verification, bounded: at most `hashing.concurrency` operations run at once
 * (each holds 19 MiB and a CPU), at most `hashing.queueMax` wait, and any more are refused at once
 * with BusyError rather than queued without end: under a flood the server keeps answering
 * (the rest of the API, 503s with Retry-After) instead of piling up memory and latency. A queued
 * operation whose client has gone (the request's signal, request-context.ts) is dropped when its
 * turn comes instead of run. Built by hand without AppConfig (unit tests), it has no bound.
 */
@Injectable()
export class PasswordHasher {
  private readonly limit: LimitFunction;
  private readonly queueMax: number;
  private dummyHash?: Promise<string>;

  constructor(@Optional() config?: AppConfig) {
    this.limit = pLimit(config?.hashing.concurrency ?? Number.POSITIVE_INFINITY);
    this.queueMax = config?.hashing.queueMax ?? Number.POSITIVE_INFINITY;
  }

  /** argon2id, as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). */
  hash(password: string): Promise<string> {
    return this.bounded(() => hash(password, ARGON2_OPTIONS));
  }

  /** Constant-time comparison inside argon2; a malformed stored hash counts as a mismatch. */
  verify(phc: string, password: string): Promise<boolean> {
    return this.bounded(async () => {
      try {
        return await verify(phc, password);
      } catch {
        return false;
      }
    });
  }

  /**
   * Spends the same time as a real verification, for unknown users, so that response time does
   * not tell whether an email is registered.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    // Made once, outside the bound (a refusal must not be remembered); forgotten if it fails.
    this.dummyHash ??= hash('dummy password for timing equalisation', ARGON2_OPTIONS).catch(
      (error: unknown) => {
        this.dummyHash = undefined;
        throw error;
      },
    );
    await this.verify(await this.dummyHash, password);
    return false;
  }

  /** Runs `operation` within the bound, or refuses it (BusyError) when the queue is full. */
  private bounded<T>(operation: () => Promise<T>): Promise<T> {
    if (
      this.limit.activeCount >= this.limit.concurrency &&
      this.limit.pendingCount >= this.queueMax
    ) {
      return Promise.reject(new BusyError('password hashing'));
    }
    const signal = currentRequestSignal();
    return this.limit(() => {
      // Checked when the operation's turn comes: a client that has gone costs no hashing.
      signal?.throwIfAborted();
      return operation();
    });
  }
}
