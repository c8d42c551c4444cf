import { TestClock } from '../../test/setup/clock.js';
import { InMemoryUsersRepository } from '../../test/setup/in-memory-repositories.js';
import { PASSWORD } from '../../test/setup/password.js';
import type { AppConfig } from '../config/app-config.js';
import { PasswordHasher } from './password-hasher.js';
import {
  AccountLockedError,
  BadCredentialsError,
  EmailTakenError,
  UserNotFoundError,
  WeakPasswordError,
} from './users.errors.js';
import { UsersService } from './users.service.js';

const config = { passwords: { minLength: 12, maxLength: 256 } } as AppConfig;

function setUp() {
  const repository = new InMemoryUsersRepository();
  const clock = new TestClock('2026-03-01T12:00:00.000Z');
  const service = new UsersService(repository, new PasswordHasher(), config, clock);
  return { repository, clock, service };
}

describe('UsersService', () => {
  describe('register', () => {
    it('stores a normalised email and an argon2id hash, never the password', async () => {
      const { service, repository } = setUp();
      const user = await service.register('  Ada@Example.COM ', PASSWORD);
      expect(user).toEqual({ id: expect.any(String), email: 'ada@example.com' });
      const stored = repository.items.get(user.id)!;
      expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
      expect(JSON.stringify(stored)).not.toContain(PASSWORD);
    });

    it('raises WeakPasswordError naming the problem, and stores nothing', async () => {
      const { service, repository } = setUp();
      const refusal = service.register('ada@example.com', 'qwerty123456');
      await expect(refusal).rejects.toBeInstanceOf(WeakPasswordError);
      await expect(refusal).rejects.toMatchObject({
        problem: 'password is too common; choose another',
      });
      expect(repository.items.size).toBe(0);
    });

    it('raises EmailTakenError for an email already registered, in any case', async () => {
      const { service } = setUp();
      await service.register('ada@example.com', PASSWORD);
      await expect(service.register('ADA@example.com', PASSWORD)).rejects.toBeInstanceOf(
        EmailTakenError,
      );
    });
  });

  describe('authenticate', () => {
    async function registered() {
      const context = setUp();
      const user = await context.service.register('ada@example.com', PASSWORD);
      return { ...context, user };
    }
    const failTimes = async (service: UsersService, times: number) => {
      for (let i = 0; i < times; i++) {
        await expect(service.authenticate('ada@example.com', `wrong ${i}`)).rejects.toBeInstanceOf(
          BadCredentialsError,
        );
      }
    };

    it('returns the user for the right password, whatever the email case', async () => {
      const { service, user } = await registered();
      await expect(service.authenticate(' ADA@example.com', PASSWORD)).resolves.toEqual(user);
    });

    it.each([
      ['an unknown email', 'nobody@example.com', PASSWORD],
      ['a wrong password', 'ada@example.com', 'not the password'],
    ])('raises BadCredentialsError for %s', async (_case, email, password) => {
      const { service } = await registered();
      await expect(service.authenticate(email, password)).rejects.toBeInstanceOf(
        BadCredentialsError,
      );
    });

    it('locks after 5 consecutive failures, even the right password, for a minute', async () => {
      const { service, clock } = await registered();
      await failTimes(service, 5);
      await expect(service.authenticate('ada@example.com', PASSWORD)).rejects.toBeInstanceOf(
        AccountLockedError,
      );
      clock.advance(59);
      await expect(service.authenticate('ada@example.com', PASSWORD)).rejects.toBeInstanceOf(
        AccountLockedError,
      );
      clock.advance(1);
      await expect(service.authenticate('ada@example.com', PASSWORD)).resolves.toBeDefined();
    });

    it('counts consecutive failures only: a success clears them', async () => {
      const { service, repository, user } = await registered();
      await failTimes(service, 4);
      await service.authenticate('ada@example.com', PASSWORD);
      expect(repository.items.get(user.id)?.failedLogins).toBeUndefined();
      await failTimes(service, 4);
      await expect(service.authenticate('ada@example.com', PASSWORD)).resolves.toEqual(user);
    });

    it('does not count guesses made while locked', async () => {
      const { service, repository, user } = await registered();
      await failTimes(service, 5);
      await expect(service.authenticate('ada@example.com', 'wrong again')).rejects.toBeInstanceOf(
        AccountLockedError,
      );
      expect(repository.items.get(user.id)?.failedLogins).toBe(5);
    });
  });

  describe('getById', () => {
    it('returns the public fields, or raises UserNotFoundError', async () => {
      const { service } = setUp();
      const user = await service.register('ada@example.com', PASSWORD);
      await expect(service.getById(user.id)).resolves.toEqual(user);
      await expect(service.getById('nobody')).rejects.toBeInstanceOf(UserNotFoundError);
    });
  });
});
