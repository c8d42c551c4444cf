/** An account, as the services see it (never the stored item). */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Consecutive failed sign-ins, and the lock they caused (see lockout.ts). */
  readonly failedLogins?: number;
  readonly lockedUntil?: string;
}
