import type { AppConfig } from '../../src/config/app-config.js';
import { AccountMails } from '../../src/mail/account-mails.js';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { UsersService } from '../../src/users/users.service.js';
import { RecordingAuditLog } from './audit.js';
import { TestClock } from './clock.js';
import {
  InMemoryLoginAttemptsRepository,
  InMemoryUsersRepository,
} from './in-memory-repositories.js';

/** The settings specs of accounts and sign-in need: DESIGN.md's defaults. */
export const USERS_CONFIG = {
  passwords: { minLength: 12, maxLength: 256 },
  login: {
    maxFailures: 5,
    lockSeconds: 60,
    lockMaxSeconds: 900,
    accountMaxFailures: 100,
    accountWindowSeconds: 86_400,
  },
  sessions: { maxPerUser: 50 },
  accounts: {
    emailTokenTtlSeconds: 86_400,
    resetTokenTtlSeconds: 900,
    requireVerifiedEmail: false,
  },
} as AppConfig;

/** The account mails as sent, for specs: to whom, which kind, and the token they carry. */
export class RecordingAccountMails extends AccountMails {
  readonly sent: Array<{ kind: 'verification' | 'reset'; to: string; token: string }> = [];
  /** Set to make the next sends fail, as a mailer that cannot deliver. */
  failWith?: Error;

  constructor() {
    // The mailer is never reached: both sends are replaced below.
    super(undefined as never, undefined as never);
  }

  override sendVerification(to: string, token: string): Promise<void> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.sent.push({ kind: 'verification', to, token });
    return Promise.resolve();
  }

  override sendPasswordReset(to: string, token: string): Promise<void> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.sent.push({ kind: 'reset', to, token });
    return Promise.resolve();
  }

  /** The newest mail of a kind to `to`. */
  latest(kind: 'verification' | 'reset', to: string) {
    return this.sent.filter((mail) => mail.kind === kind && mail.to === to).at(-1);
  }
}

/** The one place specs make a PasswordHasher (the real one: argon2id). */
export function passwordHasher(): PasswordHasher {
  return new PasswordHasher();
}

/**
 * UsersService for real over in-memory repositories, a test clock and a recording audit log;
 * `login` and `sessions` override the defaults.
 */
export function usersWorld(
  overrides: {
    login?: Partial<AppConfig['login']>;
    sessions?: Partial<AppConfig['sessions']>;
    accounts?: Partial<AppConfig['accounts']>;
    clock?: TestClock;
    hasher?: PasswordHasher;
  } = {},
) {
  const config = {
    ...USERS_CONFIG,
    login: { ...USERS_CONFIG.login, ...overrides.login },
    sessions: { ...USERS_CONFIG.sessions, ...overrides.sessions },
    accounts: { ...USERS_CONFIG.accounts, ...overrides.accounts },
  } as AppConfig;
  const clock = overrides.clock ?? new TestClock('2026-03-01T12:00:00.000Z');
  const attempts = new InMemoryLoginAttemptsRepository();
  const repository = new InMemoryUsersRepository(attempts);
  const audit = new RecordingAuditLog();
  const hasher = overrides.hasher ?? passwordHasher();
  const mails = new RecordingAccountMails();
  const users = new UsersService(repository, attempts, hasher, config, clock, audit, mails);
  return { config, clock, attempts, repository, audit, hasher, users, mails };
}

/**
 * The real hasher, counting at its boundary what sign-ins spend: verifications against a stored
 * hash (`checked`, with the hashes they used) and against the dummy one (`dummies`).
 */
export function countingHasher(inner: PasswordHasher = passwordHasher()) {
  const counts = { checkedHashes: [] as string[], dummies: 0 };
  const hasher = {
    hash: (password: string) => inner.hash(password),
    verify: (phc: string, password: string) => {
      counts.checkedHashes.push(phc);
      return inner.verify(phc, password);
    },
    verifyAgainstDummy: (password: string) => {
      counts.dummies += 1;
      return inner.verifyAgainstDummy(password);
    },
  } as unknown as PasswordHasher;
  return { hasher, counts };
}
