import request from 'supertest';
import { DynamoDbRequestCounter } from '../src/database/dynamodb.client.js';
import { passwordGrant, refresh, registerUser, signIn, type Tokens } from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

const sid = (refreshToken: string): string => refreshToken.split('.')[0];

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

  describe('pages (limit, cursor)', () => {
    /** Follows the Link header's rel="next" until the last page; the ids of each page. */
    async function allPages(token: string, limit: number): Promise<string[][]> {
      const pages: string[][] = [];
      let path: string | undefined = `/user/sessions?limit=${limit}`;
      while (path) {
        const response = await request(t.server)
          .get(path)
          .auth(token, { type: 'bearer' })
          .expect(200);
        pages.push((response.body as Array<{ id: string }>).map((session) => session.id));
        const link = response.headers.link as string | undefined;
        const next = link && /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
        // Resolved against the URL called, as a client does (RFC 3986 §5.2).
        const url: URL | undefined = next ? new URL(next, `http://host${path}`) : undefined;
        path = url && `${url.pathname}${url.search}`;
      }
      return pages;
    }

    it('pages newest first, every live session once, the body an array as before', async () => {
      const email = await registerUser(t);
      const sessions: Tokens[] = [];
      for (let i = 0; i < 5; i++) sessions.push(await passwordGrant(t, email));
      const pages = await allPages(sessions[0].access_token, 2);
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(sessions.map((s) => sid(s.refresh_token)).reverse());
    });

    it('sends no Link header on the last page', async () => {
      const { tokens } = await signIn(t);
      const response = await as(tokens.access_token).list().expect(200);
      expect(response.headers.link).toBeUndefined();
      expect(response.body).toHaveLength(1);
    });

    it.each([
      ['limit=0', 'limit must be at least 1'],
      ['limit=101', 'limit must be at most 100'],
      ['limit=two', 'limit must be a whole number'],
      ['cursor=not-a-cursor', 'cursor must be a cursor from a previous page'],
      [
        `cursor=${Buffer.from('USER#someone-else').toString('base64url')}`,
        'cursor must be a cursor from a previous page',
      ],
    ])('refuses %s with 400, naming the problem', async (query, message) => {
      const { tokens } = await signIn(t);
      const response = await request(t.server)
        .get(`/user/sessions?${query}`)
        .auth(tokens.access_token, { type: 'bearer' })
        .expect(400);
      expect(response.body).toMatchObject({ error: 'invalid_request', error_description: message });
    });

    it("cannot page through someone else's sessions with their cursor", async () => {
      // Mallory's one session is older than the victim's: it comes after the cursor's position.
      const mallory = await signIn(t);
      const victim = await registerUser(t);
      const victimSessions: string[] = [];
      for (let i = 0; i < 3; i++)
        victimSessions.push(sid((await passwordGrant(t, victim)).refresh_token));
      const victimTokens = await passwordGrant(t, victim);
      const first = await as(victimTokens.access_token).list().query({ limit: 1 }).expect(200);
      const cursor = /cursor=([^&>]+)/.exec(first.headers.link)?.[1];
      expect(cursor).toBeDefined();
      const response = await request(t.server)
        .get(`/user/sessions?limit=10&cursor=${cursor}`)
        .auth(mallory.tokens.access_token, { type: 'bearer' })
        .expect(200);
      // The cursor is a position only: the caller's own id completes the key.
      expect((response.body as Array<{ id: string }>).map((session) => session.id)).toEqual([
        sid(mallory.tokens.refresh_token),
      ]);
      expect(victimSessions).toHaveLength(3);
    });
  });

  it('signs out everywhere with more sessions than one batch (25)', async () => {
    const email = await registerUser(t);
    const sessions: Tokens[] = [];
    for (let i = 0; i < 30; i++) sessions.push(await passwordGrant(t, email));
    const counter = t.app.get(DynamoDbRequestCounter);
    counter.reset();
    await as(sessions[0].access_token).endAll().expect(204);
    // The bearer check's read, two Query pages, one conditional write per session.
    expect(counter.snapshot()).toEqual({
      GetItemCommand: 1,
      QueryCommand: 2,
      UpdateItemCommand: 30,
    });
    for (const tokens of [sessions[0], sessions[24], sessions[25], sessions[29]]) {
      await refresh(t, tokens.refresh_token).expect(400);
    }
    const again = await passwordGrant(t, email);
    expect((await as(again.access_token).list().expect(200)).body).toHaveLength(1);
  });
});

describe('at most MAX_SESSIONS_PER_USER sessions per user', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ MAX_SESSIONS_PER_USER: '3' });
  });
  afterAll(() => t.close());

  it('a sign-in beyond the limit ends the least recently used session', async () => {
    const email = await registerUser(t);
    const a = await passwordGrant(t, email);
    const b = await passwordGrant(t, email);
    const c = await passwordGrant(t, email);
    // a is used again: b is now the least recently used.
    const aRefreshed = (await refresh(t, a.refresh_token).expect(200)).body as Tokens;
    const d = await passwordGrant(t, email);
    const ended = await refresh(t, b.refresh_token).expect(400);
    expect(ended.body.error_description).toBe('the session has ended');
    await request(t.server).get('/user').auth(b.access_token, { type: 'bearer' }).expect(401);
    const live = await request(t.server)
      .get('/user/sessions')
      .auth(d.access_token, { type: 'bearer' })
      .expect(200);
    expect((live.body as Array<{ id: string }>).map((s) => s.id).sort()).toEqual(
      [a, c, d].map((s) => sid(s.refresh_token)).sort(),
    );
    await refresh(t, aRefreshed.refresh_token).expect(200);
    await refresh(t, c.refresh_token).expect(200);
  });

  it('keeps counting right after sessions end some other way', async () => {
    const email = await registerUser(t);
    const first = await passwordGrant(t, email);
    await passwordGrant(t, email);
    await passwordGrant(t, email);
    await request(t.server)
      .delete('/user/sessions')
      .auth(first.access_token, { type: 'bearer' })
      .expect(204);
    // Three sign-ins counted, none live: the next sign-in lists the sessions and corrects the count.
    const tokens: Tokens[] = [];
    for (let i = 0; i < 3; i++) tokens.push(await passwordGrant(t, email));
    const live = await request(t.server)
      .get('/user/sessions')
      .auth(tokens[0].access_token, { type: 'bearer' })
      .expect(200);
    expect(live.body).toHaveLength(3);
    for (const session of tokens) await refresh(t, session.refresh_token).expect(200);
  });
});
