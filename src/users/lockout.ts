/** Consecutive failed sign-ins before an account is locked for a while. */
export const LOCKOUT_THRESHOLD = 5;
const FIRST_LOCK_MS = 60_000;
const LONGEST_LOCK_MS = 15 * 60_000;

/**
 * Throttles password guessing per account, across every instance (the count is in DynamoDB):
 * from the 5th consecutive failure the account is locked for 1 minute, doubling with each
 * further failure up to 15 minutes (OWASP Authentication Cheat Sheet). Short locks keep the
 * cost of someone locking a victim out on purpose low. Undefined: no lock.
 */
export function lockedUntil(failedLogins: number, now: Date): Date | undefined {
  if (failedLogins < LOCKOUT_THRESHOLD) return undefined;
  const doublings = Math.min(failedLogins - LOCKOUT_THRESHOLD, 10);
  const duration = Math.min(FIRST_LOCK_MS * 2 ** doublings, LONGEST_LOCK_MS);
  return new Date(now.getTime() + duration);
}

export function isLocked(lockedUntilIso: string | undefined, now: Date): boolean {
  return lockedUntilIso !== undefined && Date.parse(lockedUntilIso) > now.getTime();
}
