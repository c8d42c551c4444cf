import { PASSWORD } from '../../../../test/setup/password.js';
import { CLIENTS, readAccessToken, tokenEndpoint } from '../../../../test/setup/token-endpoint.js';
import type { OAuthClient } from '../../../clients/client.js';

describe('PasswordGrant (RFC 6749 §4.3)', () => {
  /** The grant for Ada, whose password PasswordCredentialsGuard has checked. */
  const grant = async (client: OAuthClient, params: Record<string, string> = {}) => {
    const world = tokenEndpoint();
    const user = await world.users.register('ada@example.com', PASSWORD);
    const signIn = await world.users.authenticate({
      email: user.email,
      password: PASSWORD,
      sourceAddress: '198.51.100.7',
    });
    const response = world.passwordGrant.handle({
      client,
      params: { grant_type: 'password', ...params },
      user: signIn,
    });
    return { ...world, user, response };
  };

  it('starts a session for the user, in one transaction, and answers its first tokens', async () => {
    const { response, repository, clock, units, user } = await grant(CLIENTS.demo, {
      scope: 'email profile',
    });
    const body = await response;
    const [session] = repository.items.values();
    expect(repository.calls).toEqual(['addCreate']);
    expect(units.begun).toHaveLength(1);
    expect(units.begun[0].committed).toBe(true);
    expect(session).toMatchObject({
      userId: user.id,
      profile: { email: 'ada@example.com', emailVerified: false },
      clientId: 'demo-app',
      scope: 'email profile',
      generation: 0,
      expiresAt: Math.floor(clock.now().getTime() / 1000) + 30 * 86_400,
    });
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      refresh_token: expect.stringMatching(new RegExp(`^${session.id}\\.0\\.`)),
      scope: 'email profile',
    });
    expect(readAccessToken(body.access_token)).toMatchObject({
      userId: user.id,
      clientId: 'demo-app',
      sessionId: session.id,
      scope: 'email profile',
      notAfter: session.expiresAt,
    });
  });

  it('grants no scope when none is asked, and says none', async () => {
    const body = await (await grant(CLIENTS.demo)).response;
    expect(body.scope).toBeUndefined();
    expect(readAccessToken(body.access_token).scope).toBe('');
  });

  it("uses the client's own lifetimes", async () => {
    const { response, repository, clock } = await grant(CLIENTS.lenient);
    const body = await response;
    expect(body.expires_in).toBe(60);
    expect([...repository.items.values()][0].expiresAt).toBe(
      Math.floor(clock.now().getTime() / 1000) + 3600,
    );
  });

  it.each([
    ['a scope the client may not have', 'profile admin', /admin/],
    ['a malformed scope', 'a"b', /malformed/],
  ])('refuses %s with invalid_scope, starting nothing', async (_case, scope, description) => {
    const { response, repository } = await grant(CLIENTS.demo, { scope });
    await expect(response).rejects.toMatchObject({
      status: 400,
      error: 'invalid_scope',
      description: expect.stringMatching(description),
    });
    expect(repository.items.size).toBe(0);
  });

  it.each([
    ['no user', undefined],
    ['a user that is no verified sign-in', { id: 'user-1', email: 'ada@example.com' }],
  ])('is a server bug, not a refusal, with %s', async (_case, user) => {
    const { passwordGrant } = tokenEndpoint();
    await expect(
      passwordGrant.handle({ client: CLIENTS.demo, params: { grant_type: 'password' }, user }),
    ).rejects.toThrow(/PasswordCredentialsGuard/);
  });
});
