import type { User } from './user.js';

/** Storage of accounts; the abstract class is the injection token. */
export abstract class UsersRepository {
  /** Writes the user and claims its email in one transaction; EmailTakenError if claimed. */
  abstract create(user: User): Promise<void>;
  /** Account by normalized email (login). */
  abstract findByEmail(normalizedEmail: string): Promise<User | undefined>;
  /** Account by id (bearer-authenticated reads). */
  abstract findById(userId: string): Promise<User | undefined>;
  /** Counts a failed sign-in (one write); sets the lock when one is due. */
  abstract recordFailedLogin(userId: string, lockedUntil: Date | undefined): Promise<void>;
  /** Clears the failure count after a successful sign-in (only written when there was one). */
  abstract clearFailedLogins(userId: string): Promise<void>;
}
