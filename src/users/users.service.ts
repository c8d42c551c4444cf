import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { normalizeEmail } from './email.js';
import { isLocked, lockedUntil } from './lockout.js';
import { PasswordHasher } from './password-hasher.js';
import { checkPassword } from './password-policy.js';
import type { User } from './user.js';
import {
  AccountLockedError,
  BadCredentialsError,
  UserNotFoundError,
  WeakPasswordError,
} from './users.errors.js';
import { UsersRepository } from './users.repository.js';

export interface PublicUser {
  readonly id: string;
  readonly email: string;
}

const toPublic = (user: User): PublicUser => ({ id: user.id, email: user.email });

/** Accounts: registration, sign-in, lookup. Refusals are the domain errors of users.errors.ts. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** A new account; WeakPasswordError, or EmailTakenError (from the repository's transaction). */
  async register(email: string, password: string): Promise<PublicUser> {
    const problem = await checkPassword(password, this.config.passwords);
    if (problem) throw new WeakPasswordError(problem);
    const now = this.clock.now().toISOString();
    const user: User = {
      id: randomUUID(),
      email: normalizeEmail(email),
      passwordHash: await this.hasher.hash(password),
      createdAt: now,
      updatedAt: now,
    };
    await this.users.create(user);
    return toPublic(user);
  }

  /**
   * The one password check, for every API: the user whose email and password these are, else
   * BadCredentialsError (unknown email or wrong password alike) or AccountLockedError. Spends one
   * argon2 verification whether or not the email exists, so timing does not reveal registered
   * emails. A locked account (too many failures, see lockout.ts) is refused without looking at the
   * password, with the same timing, so guesses made while locked are worth nothing.
   */
  async authenticate(email: string, password: string): Promise<PublicUser> {
    const user = await this.users.findByEmail(normalizeEmail(email));
    const now = this.clock.now();
    if (!user) {
      await this.hasher.verifyAgainstDummy(password);
      throw new BadCredentialsError();
    }
    if (isLocked(user.lockedUntil, now)) {
      await this.hasher.verifyAgainstDummy(password);
      throw new AccountLockedError();
    }
    if (!(await this.hasher.verify(user.passwordHash, password))) {
      const failures = (user.failedLogins ?? 0) + 1;
      await this.users.recordFailedLogin(user.id, lockedUntil(failures, now));
      throw new BadCredentialsError();
    }
    if (user.failedLogins) await this.users.clearFailedLogins(user.id);
    return toPublic(user);
  }

  async getById(userId: string): Promise<PublicUser> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    return toPublic(user);
  }
}
