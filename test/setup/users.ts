import type { AppConfig } from '../../src/config/app-config.js';
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
} as AppConfig;

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
    clock?: TestClock;
    hasher?: PasswordHasher;
  } = {},
) {
  const config = {
    ...USERS_CONFIG,
    login: { ...USERS_CONFIG.login, ...overrides.login },
    sessions: { ...USERS_CONFIG.sessions, ...overrides.sessions },
  } as AppConfig;
  const clock = overrides.clock ?? new TestClock('2026-03-01T12:00:00.000Z');
  const attempts = new InMemoryLoginAttemptsRepository();
  const repository = new InMemoryUsersRepository(attempts);
  const audit = new RecordingAuditLog();
  const hasher = overrides.hasher ?? passwordHasher();
  const users = new UsersService(repository, attempts, hasher, config, clock, audit);
  return { config, clock, attempts, repository, audit, hasher, users };
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
