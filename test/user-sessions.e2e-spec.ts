import request from 'supertest';
import { passwordGrant, refresh, registerUser, signIn } from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

describe('session management: /user/sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const as = (token: string) => ({
    list: () => request(t.server).get('/user/sessions').auth(token, { type: 'bearer' }),
    end: (id: string) =>
      request(t.server).delete(`/user/sessions/${id}`).auth(token, { type: 'bearer' }),
    endAll: () => request(t.server).delete('/user/sessions').auth(token, { type: 'bearer' }),
  });
  const sid = (refreshToken: string): string => refreshToken.split('.')[0];

  it("lists the caller's live sessions, marking the current one", async () => {
    const email = await registerUser(t);
    const laptop = await passwordGrant(t, email);
    const phone = await passwordGrant(t, email);
    const response = await as(laptop.access_token).list().expect(200);
    expect(response.body).toHaveLength(2);
    const byId = Object.fromEntries(
      (response.body as Array<{ id: string }>).map((session) => [session.id, session]),
    );
    expect(byId[sid(laptop.refresh_token)]).toEqual({
      id: sid(laptop.refresh_token),
      client_id: 'demo-app',
      scope: '',
      created_at: expect.any(String),
      last_used_at: expect.any(String),
      expires_at: expect.any(String),
      current: true,
    });
    expect(byId[sid(phone.refresh_token)]).toMatchObject({ current: false });
  });

  it('ends one session: its tokens are refused, the others keep working', async () => {
    const email = await registerUser(t);
    const laptop = await passwordGrant(t, email);
    const phone = await passwordGrant(t, email);
    await as(laptop.access_token).end(sid(phone.refresh_token)).expect(204);
    await refresh(t, phone.refresh_token).expect(400);
    await request(t.server).get('/user').auth(phone.access_token, { type: 'bearer' }).expect(401);
    const remaining = await as(laptop.access_token).list().expect(200);
    expect((remaining.body as Array<{ id: string }>).map((s) => s.id)).toEqual([
      sid(laptop.refresh_token),
    ]);
  });

  it("answers 404 for someone else's session and leaves it alone", async () => {
    const mallory = await signIn(t);
    const victim = await signIn(t);
    await as(mallory.tokens.access_token).end(sid(victim.tokens.refresh_token)).expect(404);
    await refresh(t, victim.tokens.refresh_token).expect(200);
  });

  it('answers 400 for a malformed session id', async () => {
    const { tokens } = await signIn(t);
    const response = await as(tokens.access_token).end('not-a-uuid').expect(400);
    expect(response.body.error).toBe('invalid_request');
  });

  it('signs out everywhere', async () => {
    const email = await registerUser(t);
    const sessions = [
      await passwordGrant(t, email),
      await passwordGrant(t, email),
      await passwordGrant(t, email),
    ];
    await as(sessions[0].access_token).endAll().expect(204);
    for (const tokens of sessions) {
      await request(t.server)
        .get('/user')
        .auth(tokens.access_token, { type: 'bearer' })
        .expect(401);
      await refresh(t, tokens.refresh_token).expect(400);
    }
  });

  it.each([
    ['GET', '/user/sessions'],
    ['DELETE', '/user/sessions'],
    ['DELETE', '/user/sessions/00000000-0000-4000-8000-000000000000'],
    ['GET', '/user'],
  ])('%s %s needs a bearer token', async (method, path) => {
    const response = await request(t.server)[method === 'GET' ? 'get' : 'delete'](path).expect(401);
    expect(response.body.error).toBe('invalid_token');
  });
});
