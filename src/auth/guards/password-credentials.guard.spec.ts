import type { ExecutionContext } from '@nestjs/common';
import { PASSWORD } from '../../../test/setup/password.js';
import { CLIENTS, tokenEndpoint } from '../../../test/setup/token-endpoint.js';
import { DatabaseUnavailableError } from '../../database/database-unavailable.error.js';
import { VerifiedSignIn } from '../../users/verified-sign-in.js';
import type { OAuthParams } from '../oauth-params.js';
import type { OAuthRequest } from '../oauth-request.js';
import { LocalStrategy } from '../strategies/local.strategy.js';
import { PasswordCredentialsGuard } from './password-credentials.guard.js';

const SOURCE = '198.51.100.7';

/** The token endpoint's world with Ada registered; `through` runs a request through the guard. */
async function world() {
  const endpoint = tokenEndpoint();
  const ada = await endpoint.users.register('ada@example.com', PASSWORD);
  // passport-local is registered by LocalStrategy's constructor, over the real SignInService.
  new LocalStrategy(endpoint.signIn);
  const through = (params: OAuthParams, ip = SOURCE) => {
    const request = {
      body: params,
      oauthParams: params,
      oauthClient: CLIENTS.demo,
      ip,
      grant: endpoint.tokens.grantFor(CLIENTS.demo, params),
    } as unknown as OAuthRequest;
    const context = {
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
    } as unknown as ExecutionContext;
    return { request, pass: () => new PasswordCredentialsGuard().canActivate(context) };
  };
  return { ...endpoint, ada, through };
}

const password = (username: string, secret: string, scope?: string): OAuthParams => ({
  grant_type: 'password',
  username,
  password: secret,
  ...(scope ? { scope } : {}),
});

describe('PasswordCredentialsGuard', () => {
  it('lets other grants through without looking for a user', async () => {
    const { through, usersRepository, attempts } = await world();
    const { request, pass } = through({ grant_type: 'refresh_token' });
    attempts.calls.length = 0;
    usersRepository.calls.length = 0;
    expect(await pass()).toBe(true);
    expect(request.user).toBeUndefined();
    expect([...usersRepository.calls, ...attempts.calls]).toEqual([]);
  });

  it("puts the verified sign-in on the request, counted against the request's address", async () => {
    const { through, ada } = await world();
    const { request, pass } = through(password('ADA@example.com', PASSWORD));
    expect(await pass()).toBe(true);
    expect(request.user).toBeInstanceOf(VerifiedSignIn);
    expect(request.user).toMatchObject({ id: ada.id, email: ada.email, source: SOURCE });
  });

  it.each([
    ['username', { grant_type: 'password', password: PASSWORD }],
    ['password', { grant_type: 'password', username: 'ada@example.com' }],
  ])('needs %s (400 invalid_request)', async (name, params) => {
    const { through } = await world();
    expect(() => through(params).pass()).toThrow(
      expect.objectContaining({
        status: 400,
        error: 'invalid_request',
        description: `${name} is required`,
      }),
    );
  });

  it('refuses a scope beyond the client before spending a password check', async () => {
    const { through, attempts } = await world();
    attempts.calls.length = 0;
    expect(() => through(password('ada@example.com', PASSWORD, 'admin')).pass()).toThrow(
      expect.objectContaining({ status: 400, error: 'invalid_scope' }),
    );
    expect(attempts.calls).toEqual([]);
  });

  it.each([
    ['a wrong password', 'ada@example.com', 'not the password', 'login.failed', 'wrong_password'],
    ['an unknown email', 'nobody@example.com', PASSWORD, 'login.failed', 'unknown_account'],
  ])(
    'answers %s with 400 invalid_grant, audited without what was typed',
    async (_case, username, secret, event, reason) => {
      const { through, audit } = await world();
      await expect(through(password(username, secret)).pass()).rejects.toMatchObject({
        status: 400,
        error: 'invalid_grant',
        description: 'the username or password is incorrect',
      });
      expect(audit.of(event as 'login.failed')).toEqual([
        expect.objectContaining({ clientId: 'demo-app', reason }),
      ]);
      expect(JSON.stringify(audit.events)).not.toContain(username);
      expect(JSON.stringify(audit.events)).not.toContain(secret);
    },
  );

  it('answers a locked pair exactly as a wrong password, and audits it as a lock', async () => {
    const { through, audit, ada } = await world();
    for (let i = 0; i < 5; i++) {
      await Promise.resolve(through(password('ada@example.com', `wrong ${i}`)).pass()).catch(
        () => undefined,
      );
    }
    await expect(through(password('ada@example.com', PASSWORD)).pass()).rejects.toMatchObject({
      status: 400,
      error: 'invalid_grant',
      description: 'the username or password is incorrect',
    });
    expect(audit.of('login.locked')).toEqual([
      { event: 'login.locked', userId: ada.id, clientId: 'demo-app', reason: 'source_locked' },
    ]);
    // Another address is another pair.
    await expect(
      through(password('ada@example.com', PASSWORD), '203.0.113.9').pass(),
    ).resolves.toBe(true);
  });

  it('lets an outage through as it is, for the exception filter to answer 503', async () => {
    const { through, usersRepository } = await world();
    usersRepository.findForSignIn = () => Promise.reject(new DatabaseUnavailableError('no answer'));
    await expect(through(password('ada@example.com', PASSWORD)).pass()).rejects.toBeInstanceOf(
      DatabaseUnavailableError,
    );
  });
});
