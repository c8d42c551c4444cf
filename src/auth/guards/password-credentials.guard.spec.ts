import type { ExecutionContext } from '@nestjs/common';
import { TestClock } from '../../../test/setup/clock.js';
import { InMemoryUsersRepository } from '../../../test/setup/in-memory-repositories.js';
import { PASSWORD } from '../../../test/setup/password.js';
import { CLIENTS, tokenEndpoint } from '../../../test/setup/token-endpoint.js';
import type { AppConfig } from '../../config/app-config.js';
import { DatabaseUnavailableError } from '../../database/database-unavailable.error.js';
import { PasswordHasher } from '../../users/password-hasher.js';
import { UsersService } from '../../users/users.service.js';
import type { OAuthParams, OAuthRequest } from '../oauth-request.js';
import { LocalStrategy } from '../strategies/local.strategy.js';
import { PasswordCredentialsGuard } from './password-credentials.guard.js';

const config = { passwords: { minLength: 12, maxLength: 256 } } as AppConfig;

/** The request as it reaches this guard: client authenticated, grant resolved. */
function tokenRequest(params: OAuthParams, repository: InMemoryUsersRepository) {
  const { tokens } = tokenEndpoint();
  const request = {
    body: params,
    oauthParams: params,
    oauthClient: CLIENTS.demo,
    grant: tokens.grantFor(CLIENTS.demo, params),
  } as unknown as OAuthRequest;
  const context = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
  // passport-local is registered by LocalStrategy's constructor, over the real UsersService.
  new LocalStrategy(new UsersService(repository, new PasswordHasher(), config, new TestClock()));
  return { request, pass: () => new PasswordCredentialsGuard().canActivate(context) };
}

describe('PasswordCredentialsGuard', () => {
  let repository: InMemoryUsersRepository;
  let ada: { id: string; email: string };
  beforeAll(async () => {
    repository = new InMemoryUsersRepository();
    ada = await new UsersService(
      repository,
      new PasswordHasher(),
      config,
      new TestClock(),
    ).register('ada@example.com', PASSWORD);
  });

  const password = (username: string, secret: string): OAuthParams => ({
    grant_type: 'password',
    username,
    password: secret,
  });

  it('lets other grants through without looking for a user', async () => {
    const { request, pass } = tokenRequest({ grant_type: 'refresh_token' }, repository);
    repository.calls.length = 0;
    expect(await pass()).toBe(true);
    expect(request.user).toBeUndefined();
    expect(repository.calls).toEqual([]);
  });

  it('puts the user whose credentials these are on the request', async () => {
    const { request, pass } = tokenRequest(password('ADA@example.com', PASSWORD), repository);
    expect(await pass()).toBe(true);
    expect(request.user).toEqual(ada);
  });

  it.each([
    ['username', { grant_type: 'password', password: PASSWORD }],
    ['password', { grant_type: 'password', username: 'ada@example.com' }],
  ])('needs %s (400 invalid_request)', (name, params) => {
    const { pass } = tokenRequest(params, repository);
    expect(() => pass()).toThrow(
      expect.objectContaining({
        status: 400,
        error: 'invalid_request',
        description: `${name} is required`,
      }),
    );
  });

  it.each([
    ['a wrong password', 'ada@example.com', 'not the password'],
    ['an unknown email', 'nobody@example.com', PASSWORD],
  ])('answers %s with 400 invalid_grant', async (_case, username, secret) => {
    const { pass } = tokenRequest(password(username, secret), repository);
    await expect(pass()).rejects.toMatchObject({
      status: 400,
      error: 'invalid_grant',
      description: 'the username or password is incorrect',
    });
  });

  it('answers a locked account exactly as a wrong password', async () => {
    const locked = new InMemoryUsersRepository();
    const users = new UsersService(locked, new PasswordHasher(), config, new TestClock());
    await users.register('ada@example.com', PASSWORD);
    for (let i = 0; i < 5; i++) {
      await users.authenticate('ada@example.com', `wrong ${i}`).catch(() => undefined);
    }
    const { pass } = tokenRequest(password('ada@example.com', PASSWORD), locked);
    await expect(pass()).rejects.toMatchObject({
      status: 400,
      error: 'invalid_grant',
      description: 'the username or password is incorrect',
    });
  });

  it('lets an outage through as it is, for the exception filter to answer 503', async () => {
    class Unreachable extends InMemoryUsersRepository {
      override findByEmail(): never {
        throw new DatabaseUnavailableError('DynamoDB did not answer');
      }
    }
    const { pass } = tokenRequest(password('ada@example.com', PASSWORD), new Unreachable());
    await expect(pass()).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });
});
