import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { BadRequestError, ConflictError, NotFoundError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { normalizeEmail } from './email.js';
import { isLocked, lockedUntil } from './lockout.js';
import { PasswordHasher } from './password-hasher.js';
import { checkPassword } from './password-policy.js';
import type { User } from './user.js';
import { EmailTakenError, UsersRepository } from './users.repository.js';

export interface PublicUser {
  readonly id: string;
  readonly email: string;
}

const toPublic = (user: User): PublicUser => ({ id: user.id, email: user.email });

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly config: AppConfig,
  ) {}

  async register(email: string, password: string): Promise<PublicUser> {
    const problem = await checkPassword(password, this.config.passwords);
    if (problem) throw new BadRequestError(problem, { password: [problem] });
    const now = new Date().toISOString();
    const user: User = {
      id: randomUUID(),
      email: normalizeEmail(email),
      passwordHash: await this.hasher.hash(password),
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.users.create(user);
    } catch (error) {
      if (error instanceof EmailTakenError) {
        throw new ConflictError('an account with this email already exists');
      }
      throw error;
    }
    return toPublic(user);
  }

  /**
   * The user whose email and password these are, or undefined. Spends one argon2 verification
   * whether or not the email exists, so timing does not reveal registered emails. A locked
   * account (too many failures, see lockout.ts) is refused without looking at the password, with
   * the same answer and timing, so guesses made while locked are worth nothing.
   */
  async verifyCredentials(email: string, password: string): Promise<PublicUser | undefined> {
    const user = await this.users.findByEmail(normalizeEmail(email));
    const now = new Date();
    if (!user || isLocked(user.lockedUntil, now)) {
      await this.hasher.verifyAgainstDummy(password);
      return undefined;
    }
    if (!(await this.hasher.verify(user.passwordHash, password))) {
      const failures = (user.failedLogins ?? 0) + 1;
      await this.users.recordFailedLogin(user.id, lockedUntil(failures, now));
      return undefined;
    }
    if (user.failedLogins) await this.users.clearFailedLogins(user.id);
    return toPublic(user);
  }

  async getById(userId: string): Promise<PublicUser> {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundError('no such user');
    return toPublic(user);
  }
}
