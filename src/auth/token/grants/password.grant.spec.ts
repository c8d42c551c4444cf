import { CLIENTS, readAccessToken, tokenEndpoint } from '../../../../test/setup/token-endpoint.js';
import type { OAuthClient } from '../../../clients/client.js';

const USER = { id: 'user-1', email: 'ada@example.com' };

describe('PasswordGrant (RFC 6749 §4.3)', () => {
  const grant = (client: OAuthClient, params: Record<string, string> = {}) => {
    const world = tokenEndpoint();
    const response = world.passwordGrant.handle({
      client,
      params: { grant_type: 'password', ...params },
      user: USER,
    });
    return { ...world, response };
  };

  it('starts a session for the user, in one write, and answers its first tokens', async () => {
    const { response, repository, clock } = grant(CLIENTS.demo, { scope: 'email profile' });
    const body = await response;
    const [session] = repository.items.values();
    expect(repository.calls).toEqual(['create']);
    expect(session).toMatchObject({
      userId: USER.id,
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
      userId: USER.id,
      clientId: 'demo-app',
      sessionId: session.id,
      scope: 'email profile',
      notAfter: session.expiresAt,
    });
  });

  it('grants no scope when none is asked, and says none', async () => {
    const body = await grant(CLIENTS.demo).response;
    expect(body.scope).toBeUndefined();
    expect(readAccessToken(body.access_token).scope).toBe('');
  });

  it("uses the client's own lifetimes", async () => {
    const { response, repository, clock } = grant(CLIENTS.lenient);
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
    const { response, repository } = grant(CLIENTS.demo, { scope });
    await expect(response).rejects.toMatchObject({
      status: 400,
      error: 'invalid_scope',
      description: expect.stringMatching(description),
    });
    expect(repository.items.size).toBe(0);
  });

  it('is a server bug, not a refusal, without the user PasswordCredentialsGuard sets', async () => {
    const { passwordGrant } = tokenEndpoint();
    await expect(
      passwordGrant.handle({ client: CLIENTS.demo, params: { grant_type: 'password' } }),
    ).rejects.toThrow(/PasswordCredentialsGuard/);
  });
});
