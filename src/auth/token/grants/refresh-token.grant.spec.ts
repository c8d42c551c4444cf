import { CLIENTS, readAccessToken, tokenEndpoint } from '../../../../test/setup/token-endpoint.js';
import type { OAuthClient } from '../../../clients/client.js';

/** A session of `client` with scope `email profile`, and its first refresh token. */
async function signedIn(client: OAuthClient = CLIENTS.demo, ttlSeconds = 3600) {
  const world = tokenEndpoint();
  const { session, refreshToken } = await world.sessions.start({
    userId: 'user-1',
    clientId: client.id,
    scope: client === CLIENTS.demo ? 'email profile' : '',
    ttlSeconds,
  });
  const refresh = (token: string, params: Record<string, string> = {}, as = client) =>
    world.refreshGrant.handle({
      client: as,
      params: { grant_type: 'refresh_token', refresh_token: token, ...params },
    });
  return { ...world, session, refreshToken, refresh };
}

describe('RefreshTokenGrant (RFC 6749 §6, RFC 9700 §4.14.2)', () => {
  it('rotates in one write: a new refresh token, an access token of the same session', async () => {
    const { refresh, refreshToken, session, repository } = await signedIn();
    repository.calls.length = 0;
    const body = await refresh(refreshToken);
    expect(repository.calls).toEqual(['rotateIfCurrent']);
    expect(body.refresh_token).toMatch(new RegExp(`^${session.id}\\.1\\.`));
    expect(body.scope).toBe('email profile');
    expect(readAccessToken(body.access_token)).toMatchObject({
      sessionId: session.id,
      userId: 'user-1',
      scope: 'email profile',
    });
  });

  it.each([
    ['narrows to part of the session scope', 'email profile', 'profile', 'profile'],
    ['never widens it, though the client may have more', 'profile', 'profile email', 'profile'],
  ])('%s', async (_case, sessionScope, requested, granted) => {
    const world = tokenEndpoint();
    const { refreshToken } = await world.sessions.start({
      userId: 'user-1',
      clientId: 'demo-app',
      scope: sessionScope,
      ttlSeconds: 3600,
    });
    const body = await world.refreshGrant.handle({
      client: CLIENTS.demo,
      params: { grant_type: 'refresh_token', refresh_token: refreshToken, scope: requested },
    });
    expect(body.scope).toBe(granted);
    expect(readAccessToken(body.access_token).scope).toBe(granted);
  });

  it('refuses a scope beyond the client before rotating, so the token still works', async () => {
    const { refresh, refreshToken } = await signedIn();
    await expect(refresh(refreshToken, { scope: 'admin' })).rejects.toMatchObject({
      error: 'invalid_scope',
    });
    await expect(refresh(refreshToken)).resolves.toBeDefined();
  });

  it('needs refresh_token', async () => {
    const { refreshGrant } = tokenEndpoint();
    await expect(
      refreshGrant.handle({ client: CLIENTS.demo, params: { grant_type: 'refresh_token' } }),
    ).rejects.toMatchObject({ status: 400, error: 'invalid_request' });
  });

  describe('refusals: 400 invalid_grant', () => {
    it('ends the session when a rotated-away token comes back', async () => {
      const { refresh, refreshToken, session, repository } = await signedIn();
      const rotated = await refresh(refreshToken);
      await expect(refresh(refreshToken)).rejects.toMatchObject({
        status: 400,
        error: 'invalid_grant',
        description: 'the refresh token was already used; the session has been ended',
      });
      expect(repository.items.get(session.id)?.revokeReason).toBe('refresh_token_reuse');
      await expect(refresh(rotated.refresh_token)).rejects.toMatchObject({
        description: 'the session has ended',
      });
    });

    it("refuses the token just rotated away within the client's grace, alone", async () => {
      const { refresh, refreshToken, clock } = await signedIn(CLIENTS.lenient);
      const rotated = await refresh(refreshToken);
      clock.advance(10);
      await expect(refresh(refreshToken)).rejects.toMatchObject({
        error: 'invalid_grant',
        description: 'the refresh token was just used',
      });
      await expect(refresh(rotated.refresh_token)).resolves.toBeDefined();
    });

    it.each([
      ['a malformed token', 'garbage', 'the refresh token is invalid'],
      ['a token never issued', 'forged', 'the refresh token is invalid'],
    ])('%s', async (_case, token, description) => {
      const { refresh, session } = await signedIn();
      const presented = token === 'forged' ? `${session.id}.0.${'A'.repeat(43)}` : token;
      await expect(refresh(presented)).rejects.toMatchObject({
        status: 400,
        error: 'invalid_grant',
        description,
      });
    });

    it('a token of another client, which keeps its session', async () => {
      const { refresh, refreshToken } = await signedIn();
      await expect(refresh(refreshToken, {}, CLIENTS.lenient)).rejects.toMatchObject({
        error: 'invalid_grant',
        description: 'the refresh token was issued to another client',
      });
      await expect(refresh(refreshToken)).resolves.toBeDefined();
    });

    it('a token of an expired session', async () => {
      const { refresh, refreshToken, clock } = await signedIn(CLIENTS.demo, 60);
      clock.advance(60);
      await expect(refresh(refreshToken)).rejects.toMatchObject({
        error: 'invalid_grant',
        description: 'the session has expired',
      });
    });
  });
});
