import { InMemoryUnitOfWork } from '../../test/setup/in-memory-repositories.js';
import { PASSWORD } from '../../test/setup/password.js';
import { countingHasher, USERS_CONFIG, usersWorld } from '../../test/setup/users.js';
import type { AppConfig } from '../config/app-config.js';
import { accountWindow } from './lockout.js';
import {
  AccountLockedError,
  BadCredentialsError,
  EmailTakenError,
  UserNotFoundError,
  WeakPasswordError,
} from './users.errors.js';
import type { SignInAttempt } from './users.service.js';
import { VerifiedSignIn } from './verified-sign-in.js';

const EMAIL = 'ada@example.com';
const HOME = '198.51.100.7';
const ELSEWHERE = '203.0.113.9';

/** A registered account (the world's users service), its hasher counting verifications. */
async function registered(login: Partial<AppConfig['login']> = {}) {
  const counting = countingHasher();
  const world = usersWorld({ login, hasher: counting.hasher });
  const user = await world.users.register(EMAIL, PASSWORD);
  const hash = world.repository.credentials.get(EMAIL)!.passwordHash;
  const attempt = (password: string, sourceAddress = HOME, email = EMAIL) =>
    world.users.authenticate({ email, password, sourceAddress } satisfies SignInAttempt);
  const fail = async (times: number, sourceAddress = HOME) => {
    for (let i = 0; i < times; i++) {
      await expect(attempt(`wrong ${i}`, sourceAddress)).rejects.toBeInstanceOf(
        BadCredentialsError,
      );
    }
  };
  /** Finishes a sign-in as SignInService does, in a committed unit of work. */
  const finish = async (signIn: VerifiedSignIn) => {
    const work = new InMemoryUnitOfWork();
    world.users.recordSignIn(work, signIn);
    await work.commit();
  };
  /** Real checks against the account's hash, and dummy ones, since the last reset. */
  const spent = () => ({
    checked: counting.counts.checkedHashes.filter((h) => h === hash).length,
    dummies: counting.counts.dummies,
  });
  const resetCounts = () => {
    counting.counts.checkedHashes.length = 0;
    counting.counts.dummies = 0;
    world.attempts.calls.length = 0;
    world.repository.calls.length = 0;
  };
  return { ...world, user, attempt, fail, finish, spent, resetCounts };
}

describe('UsersService', () => {
  describe('register', () => {
    it('stores a normalised email and an argon2id hash on the credential only, never the password', async () => {
      const { users, repository, audit } = usersWorld();
      const user = await users.register('  Ada@Example.COM ', PASSWORD);
      expect(user).toEqual({ id: expect.any(String), email: EMAIL });
      expect(repository.credentials.get(EMAIL)).toMatchObject({
        userId: user.id,
        passwordHash: expect.stringMatching(/^\$argon2id\$/),
        emailVerified: false,
        sessionCount: 0,
      });
      expect(repository.profiles.get(user.id)).toEqual({
        id: user.id,
        email: EMAIL,
        emailVerified: false,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(JSON.stringify([...repository.credentials.values()])).not.toContain(PASSWORD);
      expect(audit.events).toEqual([{ event: 'user.registered', userId: user.id }]);
    });

    it('raises WeakPasswordError naming the problem, and stores nothing', async () => {
      const { users, repository, audit } = usersWorld();
      const refusal = users.register(EMAIL, 'qwerty123456');
      await expect(refusal).rejects.toBeInstanceOf(WeakPasswordError);
      await expect(refusal).rejects.toMatchObject({
        problem: 'password is too common; choose another',
      });
      expect(repository.credentials.size).toBe(0);
      expect(audit.events).toEqual([]);
    });

    it('raises EmailTakenError for an email already registered, in any case', async () => {
      const { users } = usersWorld();
      await users.register(EMAIL, PASSWORD);
      await expect(users.register('ADA@example.com', PASSWORD)).rejects.toBeInstanceOf(
        EmailTakenError,
      );
    });
  });

  describe('authenticate', () => {
    it('returns the verified sign-in for the right password, whatever the email case', async () => {
      const { users, user, repository } = await registered();
      const signIn = await users.authenticate({
        email: ' ADA@example.com',
        password: PASSWORD,
        sourceAddress: '::ffff:198.51.100.7',
      });
      expect(signIn).toBeInstanceOf(VerifiedSignIn);
      expect(signIn).toMatchObject({
        id: user.id,
        userId: user.id,
        email: EMAIL,
        emailVerified: false,
        // An IPv4-mapped address is its IPv4 address: one source, however the socket spells it.
        source: HOME,
        sessionCount: repository.credentials.get(EMAIL)!.sessionCount,
      });
    });

    it.each([
      ['an unknown email', 'nobody@example.com', PASSWORD, { reason: 'unknown_account' }],
      ['a wrong password', EMAIL, 'not the password', { reason: 'wrong_password', userId: true }],
    ])('raises BadCredentialsError for %s, saying why', async (_case, email, password, detail) => {
      const { attempt, user } = await registered();
      const refusal = attempt(password, HOME, email);
      await expect(refusal).rejects.toBeInstanceOf(BadCredentialsError);
      await expect(refusal).rejects.toHaveProperty(
        'detail',
        'userId' in detail ? { reason: detail.reason, userId: user.id } : { reason: detail.reason },
      );
    });

    it('refuses an email longer than any account can have without touching storage', async () => {
      const { attempt, resetCounts, repository, attempts } = await registered();
      resetCounts();
      await expect(attempt(PASSWORD, HOME, `${'a'.repeat(250)}@example.com`)).rejects.toEqual(
        new BadCredentialsError({ reason: 'unknown_account' }),
      );
      expect([...repository.calls, ...attempts.calls]).toEqual([]);
    });

    it.each([
      ['success', 0, PASSWORD, 'checked', []],
      ['unknown email', 0, 'nobody', 'dummy', ['countFailure']],
      ['wrong password', 0, 'wrong', 'checked', ['countFailure']],
      ['locked pair', 5, PASSWORD, 'dummy', ['countRefusal']],
    ] as const)(
      'costs the same on every path (%s): one reservation, one read, one argon2id verification, one write',
      async (path, failuresBefore, password, verification, write) => {
        const { attempt, fail, resetCounts, repository, attempts, spent } = await registered();
        await fail(failuresBefore);
        resetCounts();
        const email = path === 'unknown email' ? 'nobody@example.com' : EMAIL;
        await attempt(password, HOME, email).catch(() => undefined);
        expect([...attempts.calls, ...repository.calls].sort()).toEqual(
          ['reserve', 'findForSignIn', ...write].sort(),
        );
        expect(spent()).toEqual(
          verification === 'checked' ? { checked: 1, dummies: 0 } : { checked: 0, dummies: 1 },
        );
      },
    );

    it('locks the (email, source) pair after 5 failures: even the right password is refused', async () => {
      const { attempt, fail, user } = await registered();
      await fail(5);
      const refusal = attempt(PASSWORD);
      await expect(refusal).rejects.toBeInstanceOf(AccountLockedError);
      await expect(refusal).rejects.toMatchObject({
        detail: { reason: 'source_locked', userId: user.id },
      });
    });

    it('leaves the owner signing in from another source alone', async () => {
      const { attempt, fail } = await registered();
      await fail(5);
      await expect(attempt(PASSWORD, ELSEWHERE)).resolves.toBeInstanceOf(VerifiedSignIn);
    });

    it('counts an IPv6 source by its /64 network', async () => {
      const { attempt, fail } = await registered();
      await fail(5, '2001:db8:1:2::1');
      await expect(attempt(PASSWORD, '2001:db8:1:2:ffff::9')).rejects.toBeInstanceOf(
        AccountLockedError,
      );
      await expect(attempt(PASSWORD, '2001:db8:1:3::1')).resolves.toBeDefined();
    });

    it('counts unknown emails exactly like known ones', async () => {
      const { attempt } = await registered();
      for (let i = 0; i < 5; i++) {
        await expect(attempt(PASSWORD, HOME, 'nobody@example.com')).rejects.toBeInstanceOf(
          BadCredentialsError,
        );
      }
      await expect(attempt(PASSWORD, HOME, 'nobody@example.com')).rejects.toBeInstanceOf(
        AccountLockedError,
      );
    });

    it('checks at most 5 passwords of a pair, however many guesses race', async () => {
      const { attempt, resetCounts, spent } = await registered();
      resetCounts();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => attempt(`guess ${i}`)),
      );
      expect(results.every((result) => result.status === 'rejected')).toBe(true);
      expect(spent()).toEqual({ checked: 5, dummies: 15 });
    });

    it('lifts the lock after a minute, then doubles it for the next 5 failures', async () => {
      const { attempt, fail, clock } = await registered();
      await fail(5);
      clock.advance(59);
      await expect(attempt(PASSWORD)).rejects.toBeInstanceOf(AccountLockedError);
      clock.advance(1);
      // The first attempt after the lock restarts the pair: it and 4 more are checked.
      await fail(5);
      await expect(attempt(PASSWORD)).rejects.toBeInstanceOf(AccountLockedError);
      clock.advance(119);
      await expect(attempt(PASSWORD)).rejects.toBeInstanceOf(AccountLockedError);
      clock.advance(1);
      await expect(attempt(PASSWORD)).resolves.toBeInstanceOf(VerifiedSignIn);
    });

    it('restarts an expired lock once, whoever races for it: the others are refused', async () => {
      const { attempt, fail, clock, resetCounts, spent } = await registered();
      await fail(5);
      clock.advance(60);
      resetCounts();
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => attempt('wrong again')),
      );
      const reasons: unknown[] = results.map((r) =>
        r.status === 'rejected' ? (r.reason as unknown) : r.value,
      );
      expect(reasons.filter((r) => r instanceof BadCredentialsError)).toHaveLength(1);
      expect(reasons.filter((r) => r instanceof AccountLockedError)).toHaveLength(9);
      expect(spent()).toEqual({ checked: 1, dummies: 9 });
    });

    it('forgets a pair quiet for longer than LOGIN_LOCK_MAX_SECONDS', async () => {
      const { attempt, fail, clock } = await registered();
      await fail(4);
      clock.advance(901);
      await fail(4);
      await expect(attempt(PASSWORD)).resolves.toBeInstanceOf(VerifiedSignIn);
    });

    it('a success resets its pair, and only its pair', async () => {
      const { attempt, fail, finish } = await registered();
      await fail(4);
      await fail(4, ELSEWHERE);
      await finish(await attempt(PASSWORD));
      await fail(4);
      await expect(attempt(PASSWORD)).resolves.toBeDefined();
      await fail(1, ELSEWHERE);
      await expect(attempt(PASSWORD, ELSEWHERE)).rejects.toBeInstanceOf(AccountLockedError);
    });

    it('does not count refused attempts toward the account-wide ceiling', async () => {
      const { attempt, fail, attempts, clock } = await registered();
      await fail(5);
      for (let i = 0; i < 10; i++) await attempt(PASSWORD).catch(() => undefined);
      const window = accountWindow(clock.now(), USERS_CONFIG.login);
      expect(attempts.window(EMAIL, window.number)).toEqual({ failures: 5, refusals: 10 });
    });

    it('locks the account for every source at the ceiling, until the window ends', async () => {
      const { attempt, fail, user, clock } = await registered({
        accountMaxFailures: 6,
        accountWindowSeconds: 3600,
      });
      clock.set('2026-03-01T12:00:00.000Z');
      await fail(3, '192.0.2.1');
      await fail(3, '192.0.2.2');
      const refusal = attempt(PASSWORD, ELSEWHERE);
      await expect(refusal).rejects.toBeInstanceOf(AccountLockedError);
      await expect(refusal).rejects.toMatchObject({
        detail: { reason: 'account_ceiling', userId: user.id },
      });
      clock.advance(3600);
      await expect(attempt(PASSWORD, ELSEWHERE)).resolves.toBeInstanceOf(VerifiedSignIn);
    });
  });

  describe('recordSignIn', () => {
    it('counts one more session, or sets the count after a trim, in the unit of work', async () => {
      const { users, attempt, repository } = await registered();
      const signIn = await attempt(PASSWORD);
      const work = new InMemoryUnitOfWork();
      users.recordSignIn(work, signIn);
      expect(repository.credentials.get(EMAIL)!.sessionCount).toBe(0);
      await work.commit();
      expect(repository.credentials.get(EMAIL)!.sessionCount).toBe(1);
      const trimmed = new InMemoryUnitOfWork();
      users.recordSignIn(trimmed, await attempt(PASSWORD), 2);
      await trimmed.commit();
      expect(repository.credentials.get(EMAIL)!.sessionCount).toBe(3);
    });

    it('refuses to commit when the account went away after the password check', async () => {
      const { users, attempt, repository } = await registered();
      const signIn = await attempt(PASSWORD);
      repository.credentials.delete(EMAIL);
      const work = new InMemoryUnitOfWork();
      users.recordSignIn(work, signIn);
      await expect(work.commit()).rejects.toBeInstanceOf(BadCredentialsError);
    });
  });

  describe('profileOf', () => {
    it("answers from the session's snapshot without a read", async () => {
      const { users, repository } = usersWorld();
      await expect(
        users.profileOf('user-1', { email: EMAIL, emailVerified: true }),
      ).resolves.toEqual({ id: 'user-1', email: EMAIL, emailVerified: true });
      expect(repository.calls).toEqual([]);
    });

    it('reads the profile for a session without one, or raises UserNotFoundError', async () => {
      const { users } = usersWorld();
      const user = await users.register(EMAIL, PASSWORD);
      await expect(users.profileOf(user.id)).resolves.toEqual({ ...user, emailVerified: false });
      await expect(users.profileOf('nobody')).rejects.toBeInstanceOf(UserNotFoundError);
    });
  });
});
