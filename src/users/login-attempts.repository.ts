import type { UnitOfWork } from '../database/unit-of-work.js';
import type { PairState, Reservation } from './lockout.js';

/** A (typed email, source) pair (lockout.ts). */
export interface LoginPair {
  readonly email: string;
  readonly source: string;
}

/**
 * Storage of the lockout's counters: per (typed email, source) pair and per email and fixed
 * window. Keyed by what the client typed, so unknown emails are counted exactly like known ones.
 */
export abstract class LoginAttemptsRepository {
  /**
   * Counts an attempt before its password is checked: one conditional update that succeeds only
   * while the pair holds fewer than `maxAttempts`; either way it hands back the pair as it was.
   */
  abstract reserve(
    pair: LoginPair,
    maxAttempts: number,
    now: Date,
    expiresAt: number,
  ): Promise<Reservation>;
  /**
   * Starts the pair again (this attempt counted, `level`), only if it still is as `seen`: of
   * several concurrent requests one restarts it; false for the others.
   */
  abstract restart(
    pair: LoginPair,
    seen: Pick<PairState, 'attempts' | 'lastAt'>,
    level: number,
    now: Date,
    expiresAt: number,
  ): Promise<boolean>;
  /** A checked, wrong password (or unknown email): one more failure toward the account ceiling. */
  abstract countFailure(email: string, window: number, expiresAt: number): Promise<void>;
  /**
   * A refusal by the lockout: a write of the same cost as countFailure on the same item, which
   * does not count toward the ceiling (else one address could keep an account locked for all).
   */
  abstract countRefusal(email: string, window: number, expiresAt: number): Promise<void>;
  /** Adds the deletion of the pair to a successful sign-in's unit of work. */
  abstract reset(work: UnitOfWork, pair: LoginPair): void;
  /**
   * Forgets every lockout item of the typed email (all its pairs and windows): a password reset
   * proves the owner is back, so whatever was counted against the account no longer holds.
   */
  abstract clear(email: string): Promise<void>;
}
