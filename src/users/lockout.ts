import type { AppConfig } from '../config/app-config.js';

/**
 * Throttling password guessing (NIST SP 800-63B §5.2.2), as pure rules over what DynamoDB hands
 * back; the repository's conditional writes make them hold under concurrency.
 *
 * Per (typed email, source address) pair: every attempt is counted (reserved) before the password
 * is looked at, by one conditional update that succeeds only while the pair holds fewer than
 * LOGIN_MAX_FAILURES attempts; a success deletes the pair. So at most LOGIN_MAX_FAILURES passwords
 * are ever checked for a pair, however many requests race, and a pair that is full is locked for
 * LOGIN_LOCK_SECONDS × 2^level (level: locks served so far) up to LOGIN_LOCK_MAX_SECONDS. The
 * owner signing in from another source is not affected (Auth0's brute-force protection, rather
 * than Cognito's account-wide lock, which anyone can turn on a victim).
 *
 * Per typed email, account-wide: failures from every source in a fixed window of
 * LOGIN_ACCOUNT_WINDOW_SECONDS; at LOGIN_ACCOUNT_MAX_FAILURES the account is locked for every
 * source until the window ends. Fixed windows allow up to twice the ceiling across a boundary.
 */
export type LoginSettings = AppConfig['login'];

/** A pair's counter as stored. */
export interface PairState {
  /** Attempts counted since the pair (re)started, right or wrong (a success deletes the pair). */
  readonly attempts: number;
  /** Locks the pair has served: the next one lasts LOGIN_LOCK_SECONDS × 2^level. */
  readonly level: number;
  /** When the last counted attempt was reserved, epoch milliseconds. */
  readonly lastAt: number;
}

/** What the reservation found: whether this attempt was counted, and the pair as it was before. */
export type Reservation =
  | { readonly reserved: true; readonly before?: PairState }
  | { readonly reserved: false; readonly before: PairState };

/** Doubling stops long before this; it only keeps 2^level finite. */
const MAX_DOUBLINGS = 20;

/** How long the pair's lock at this level lasts, in seconds. */
export function lockSeconds(level: number, settings: LoginSettings): number {
  const doubled = settings.lockSeconds * 2 ** Math.min(level, MAX_DOUBLINGS);
  return Math.min(doubled, settings.lockMaxSeconds);
}

/** When the lock of a full pair ends, epoch milliseconds. */
export function lockEndsAt(pair: PairState, settings: LoginSettings): number {
  return pair.lastAt + lockSeconds(pair.level, settings) * 1000;
}

/**
 * The pair's verdict on this attempt:
 * - `open`: counted; check the password.
 * - `open_stale`: counted, but the pair had been quiet for longer than LOGIN_LOCK_MAX_SECONDS, so
 *   its earlier attempts and locks are forgotten: restart it (one attempt, level 0), then check.
 * - `locked`: the pair is full and its lock runs until `until`; the password is not checked.
 * - `lock_expired`: the pair is full but its lock has ended: restart it (one attempt, `level`), and
 *   check the password only if this request's restart wins (concurrent ones are refused). The
 *   level doubles the next lock, unless the pair stayed quiet for LOGIN_LOCK_MAX_SECONDS after the
 *   lock ended, when it starts again at 0.
 */
export type PairVerdict =
  | { readonly kind: 'open' }
  | { readonly kind: 'open_stale' }
  | { readonly kind: 'locked'; readonly until: number }
  | { readonly kind: 'lock_expired'; readonly level: number };

export function judgePair(
  reservation: Reservation,
  now: Date,
  settings: LoginSettings,
): PairVerdict {
  const { before } = reservation;
  const quietMs = settings.lockMaxSeconds * 1000;
  if (reservation.reserved) {
    const stale = before !== undefined && now.getTime() - before.lastAt > quietMs;
    return stale ? { kind: 'open_stale' } : { kind: 'open' };
  }
  const until = lockEndsAt(reservation.before, settings);
  if (now.getTime() < until) return { kind: 'locked', until };
  const quiet = now.getTime() - until > quietMs;
  return { kind: 'lock_expired', level: quiet ? 0 : reservation.before.level + 1 };
}

/** Whether the account-wide ceiling has been reached in the current window. */
export function overAccountCeiling(accountFailures: number, settings: LoginSettings): boolean {
  return accountFailures >= settings.accountMaxFailures;
}

/** The account-wide failure window `now` falls in, and when its item may go (TTL, epoch s). */
export function accountWindow(
  now: Date,
  settings: LoginSettings,
): { readonly number: number; readonly expiresAt: number } {
  const seconds = Math.floor(now.getTime() / 1000);
  const number = Math.floor(seconds / settings.accountWindowSeconds);
  return { number, expiresAt: (number + 1) * settings.accountWindowSeconds + 60 };
}

/**
 * When a pair touched now may go (TTL, epoch s): its lock lasts at most LOGIN_LOCK_MAX_SECONDS
 * and its level is forgotten after as long again of quiet, so nothing of it matters after that.
 */
export function pairExpiresAt(now: Date, settings: LoginSettings): number {
  return Math.floor(now.getTime() / 1000) + 2 * settings.lockMaxSeconds + 60;
}
