import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { AccessTokenService } from '../src/auth/tokens/access-token.service.js';
import { DynamoDbRequestCounter } from '../src/database/dynamodb.client.js';
import {
  BOOTSTRAP_CLIENTS,
  CONFIDENTIAL,
  PASSWORD,
  passwordGrant,
  refresh,
  registerUser,
  uniqueEmail,
} from './setup/oauth.js';
import { nextSecondAfter } from './setup/clock.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

const HEADER = 'x-koms-clientid';

/** The shared test clients plus two public ones: another app, and one without refresh_token. */
const CLIENTS = JSON.stringify([
  ...(JSON.parse(BOOTSTRAP_CLIENTS) as object[]),
  { client_id: 'other-app', grant_types: ['password', 'refresh_token'], name: 'Another app' },
  { client_id: 'password-only', grant_types: ['password'], name: 'No refresh_token grant' },
]);

interface LegacyTokens {
  access_token: string;
  refresh_token: string;
  access_token_expires_in: number;
}

describe('the original /user and /session API', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ BOOTSTRAP_CLIENTS: CLIENTS });
  });
  afterAll(() => t.close());

  const signIn = (email: string, clientId = 'demo-app') =>
    request(t.server)
      .post('/session')
      .set(HEADER, clientId)
      .send({ account_type: 'traditional', email, password: PASSWORD });

  /** A registered user with a session from POST /session. */
  async function legacySession(clientId = 'demo-app'): Promise<LegacyTokens> {
    const email = await registerUser(t, uniqueEmail('legacy'));
    return (await signIn(email, clientId).expect(200)).body as LegacyTokens;
  }

  const putSession = (accessToken: string, refreshToken: string, clientId = 'demo-app') =>
    request(t.server)
      .put('/session')
      .set(HEADER, clientId)
      .auth(accessToken, { type: 'bearer' })
      .send({ refresh_token: refreshToken });

  const getSession = (accessToken: string, clientId = 'demo-app') =>
    request(t.server).get('/session').set(HEADER, clientId).auth(accessToken, { type: 'bearer' });

  const deleteSession = (accessToken: string, clientId = 'demo-app') =>
    request(t.server)
      .delete('/session')
      .set(HEADER, clientId)
      .auth(accessToken, { type: 'bearer' });

  /** Until a rotation now would be in a later second than this token's `iat` (see below). */
  const afterIssueOf = (accessToken: string) => nextSecondAfter(decodeJwt(accessToken).iat!);

  const getUser = (accessToken: string) =>
    request(t.server).get('/user').set(HEADER, 'demo-app').auth(accessToken, { type: 'bearer' });

  it('walks the original flow, and afterwards refuses every token of the ended session', async () => {
    const email = uniqueEmail('flow');
    const registered = await request(t.server)
      .post('/user')
      .set(HEADER, 'demo-app')
      .send({ email, password: PASSWORD })
      .expect(201);

    const created = await signIn(email).expect(200);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      access_token_expires_in: 900,
    });
    const first = created.body as LegacyTokens;
    expect(decodeJwt(first.access_token)).toMatchObject({
      sub: registered.body.id,
      client_id: 'demo-app',
      sid: first.refresh_token.split('.')[0],
    });

    const me = await getUser(first.access_token).expect(200);
    expect(me.body).toEqual({ id: registered.body.id, email, email_verified: false });

    const left = await getSession(first.access_token).expect(200);
    expect(left.body).toEqual({ access_token_expires_in: expect.any(Number) });
    expect(Number.isInteger(left.body.access_token_expires_in)).toBe(true);
    expect(left.body.access_token_expires_in).toBeGreaterThan(890);
    expect(left.body.access_token_expires_in).toBeLessThanOrEqual(900);

    const refreshed = await putSession(first.access_token, first.refresh_token).expect(200);
    expect(refreshed.headers['cache-control']).toBe('no-store');
    expect(refreshed.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      access_token_expires_in: 900,
    });
    const second = refreshed.body as LegacyTokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(decodeJwt(second.access_token).sid).toBe(decodeJwt(first.access_token).sid);
    await getUser(second.access_token).expect(200);

    const ended = await deleteSession(second.access_token).expect(200);
    expect(ended.body).toEqual({ message: 'session ended' });

    for (const { access_token } of [first, second]) {
      await getUser(access_token).expect(401);
      await getSession(access_token).expect(401);
      await deleteSession(access_token).expect(401);
    }
    for (const { refresh_token } of [first, second]) {
      await putSession(second.access_token, refresh_token).expect(401);
      expect((await refresh(t, refresh_token).expect(400)).body.error).toBe('invalid_grant');
    }
  });

  describe(`the ${HEADER} header on /session`, () => {
    let live: LegacyTokens;
    beforeAll(async () => {
      live = await legacySession();
    });

    type Call = (headers: Record<string, string>) => request.Test;
    const routes: [string, Call][] = [
      [
        'POST',
        (headers) =>
          request(t.server)
            .post('/session')
            .set(headers)
            .send({ account_type: 'traditional', email: 'a@example.com', password: PASSWORD }),
      ],
      [
        'PUT',
        (headers) =>
          request(t.server)
            .put('/session')
            .set(headers)
            .auth(live.access_token, { type: 'bearer' })
            .send({ refresh_token: live.refresh_token }),
      ],
      [
        'GET',
        (headers) =>
          request(t.server)
            .get('/session')
            .set(headers)
            .auth(live.access_token, { type: 'bearer' }),
      ],
      [
        'DELETE',
        (headers) =>
          request(t.server)
            .delete('/session')
            .set(headers)
            .auth(live.access_token, { type: 'bearer' }),
      ],
    ];
    const cases: [string, Record<string, string>, number, string, RegExp][] = [
      ['missing', {}, 400, 'invalid_request', new RegExp(`${HEADER} header is required`)],
      ['empty', { [HEADER]: '' }, 400, 'invalid_request', /is required/],
      ['an unknown client', { [HEADER]: 'nobody' }, 401, 'invalid_client', /unknown client/],
      [
        'a confidential client',
        { [HEADER]: CONFIDENTIAL.id },
        401,
        'invalid_client',
        /confidential.*\/oauth\/token.*secret/,
      ],
    ];
    const table = routes.flatMap(([method, call]) =>
      cases.map(([what, headers, status, error, description]) => ({
        method,
        what,
        call,
        headers,
        status,
        error,
        description,
      })),
    );

    it.each(table)(
      '$method /session with $what → $status $error',
      async ({ call, headers, status, error, description }) => {
        const response = await call(headers).expect(status);
        expect(response.body).toEqual({ error, error_description: expect.any(String) });
        expect(response.body.error_description).toMatch(description);
      },
    );

    it('left the session alone through all of that', async () => {
      await getSession(live.access_token).expect(200);
      await putSession(live.access_token, live.refresh_token).expect(200);
    });

    it.each([
      ['POST', 'refresh-only', 'password'],
      ['PUT', 'password-only', 'refresh_token'],
    ])(
      '%s /session by a client without the grant (%s) → 400 unauthorized_client',
      async (method, clientId, grant) => {
        const response = await routes.find(([m]) => m === method)![1]({ [HEADER]: clientId });
        expect(response.status).toBe(400);
        expect(response.body).toEqual({
          error: 'unauthorized_client',
          error_description: `this client may not use the ${grant} grant`,
        });
      },
    );
  });

  describe('POST /session', () => {
    let email: string;
    beforeAll(async () => {
      email = await registerUser(t, uniqueEmail('signin'));
    });

    it('costs what the password grant costs: the reservation and one read, then one transaction', async () => {
      await signIn(email).expect(200); // the client is in the cache from here on
      const counter = t.app.get(DynamoDbRequestCounter);
      counter.reset();
      await signIn(email).expect(200);
      expect(counter.snapshot()).toEqual({
        UpdateItemCommand: 1,
        BatchGetItemCommand: 1,
        TransactWriteItemsCommand: 1,
        // DynamoDB Local only: a confirming read of each item the transaction wrote (the session,
        // the credential, the lockout pair), docs/DATA-MODEL.md.
        'GetItemCommand (local confirmation)': 3,
      });
    });

    // CreateSessionDto's spec has every bad body; this one shows the route checks its body.
    it('account_type "facebook" → 400 invalid_request naming "traditional"', async () => {
      const response = await request(t.server)
        .post('/session')
        .set(HEADER, 'demo-app')
        .send({ account_type: 'facebook', email, password: PASSWORD })
        .expect(400);
      expect(response.body).toMatchObject({ error: 'invalid_request' });
      expect(response.body.error_description).toMatch(/"traditional"/);
    });

    it.each([
      ['a wrong password', () => email, 'not the password at all'],
      ['an unknown email', () => uniqueEmail('nobody'), PASSWORD],
    ])('%s → 401 invalid_grant, as the original answered', async (_case, who, password) => {
      const response = await request(t.server)
        .post('/session')
        .set(HEADER, 'demo-app')
        .send({ account_type: 'traditional', email: who(), password })
        .expect(401);
      expect(response.body).toEqual({
        error: 'invalid_grant',
        error_description: 'the email or password is incorrect',
      });
    });

    it('matches the email whatever its case', async () => {
      await signIn(`  ${email.toUpperCase()} `).expect(200);
    });
  });

  describe('a token is bound to the client it was issued to', () => {
    it.each([
      ['GET', (at: string) => getSession(at, 'other-app')],
      ['DELETE', (at: string) => deleteSession(at, 'other-app')],
    ])('%s /session under another client id → 401', async (_method, call) => {
      const tokens = await legacySession();
      const response = await call(tokens.access_token).expect(401);
      expect(response.body).toEqual({
        error: 'invalid_token',
        error_description: 'the access token was issued to another client',
      });
      await getSession(tokens.access_token).expect(200);
    });

    it('PUT /session under another client id → 401, and the session is not ended', async () => {
      const tokens = await legacySession();
      const response = await putSession(
        tokens.access_token,
        tokens.refresh_token,
        'other-app',
      ).expect(401);
      expect(response.body.error_description).toBe('the access token was issued to another client');
      await putSession(tokens.access_token, tokens.refresh_token).expect(200);
    });

    it("a token from /oauth/token for a confidential client is refused under the public client's id", async () => {
      const email = await registerUser(t, uniqueEmail('backend'));
      const tokens = await passwordGrant(t, email, {
        client_id: CONFIDENTIAL.id,
        client_secret: CONFIDENTIAL.secret,
      });
      await getSession(tokens.access_token).expect(401);
      await getSession(tokens.access_token, CONFIDENTIAL.id).expect(401);
    });
  });

  describe('PUT /session', () => {
    // "Latest" is told from the token's iat, in whole seconds, against the session's last
    // rotation: a token from the same second as the rotation that replaced it still counts as
    // latest (src/legacy/latest-access-token.ts). Tests of a stale token rotate a second later.
    it('refuses an older access token (401) and leaves the session alone', async () => {
      const first = await legacySession();
      await afterIssueOf(first.access_token);
      const second = (await putSession(first.access_token, first.refresh_token).expect(200))
        .body as LegacyTokens;
      const response = await putSession(first.access_token, second.refresh_token).expect(401);
      expect(response.body).toEqual({
        error: 'invalid_token',
        error_description: 'this is not the latest access token of its session',
      });
      await putSession(second.access_token, second.refresh_token).expect(200);
    });

    it('costs one read (the session) and one write (the rotation)', async () => {
      const tokens = await legacySession(); // and the client is in the cache now
      const counter = t.app.get(DynamoDbRequestCounter);
      counter.reset();
      await putSession(tokens.access_token, tokens.refresh_token).expect(200);
      expect(counter.snapshot()).toEqual({ GetItemCommand: 1, UpdateItemCommand: 1 });
    });

    it('refuses a refresh token of another session (401) and ends neither', async () => {
      const mine = await legacySession();
      const theirs = await legacySession();
      const response = await putSession(mine.access_token, theirs.refresh_token).expect(401);
      expect(response.body).toEqual({
        error: 'invalid_grant',
        error_description: 'the refresh token does not belong to the session of this access token',
      });
      await putSession(mine.access_token, mine.refresh_token).expect(200);
      await putSession(theirs.access_token, theirs.refresh_token).expect(200);
    });

    it.each([
      ['with the latest access token', (_first: LegacyTokens, second: LegacyTokens) => second],
      ['with the older access token', (first: LegacyTokens) => first],
    ])('a used refresh token %s → 401, and the session is revoked', async (_case, pickAccess) => {
      const first = await legacySession();
      const second = (await putSession(first.access_token, first.refresh_token).expect(200))
        .body as LegacyTokens;
      const response = await putSession(
        pickAccess(first, second).access_token,
        first.refresh_token,
      ).expect(401);
      expect(response.body).toEqual({
        error: 'invalid_grant',
        error_description: 'the refresh token was already used; the session has been ended',
      });
      await getSession(second.access_token).expect(401);
      await getUser(second.access_token).expect(401);
      await putSession(second.access_token, second.refresh_token).expect(401);
      expect((await refresh(t, second.refresh_token).expect(400)).body.error).toBe('invalid_grant');
    });

    it('renews with an expired access token when it is the latest one', async () => {
      const tokens = await legacySession();
      const claims = decodeJwt(tokens.access_token);
      // A token of the session issued after its last rotation and already expired: what a client
      // holds when it comes to refresh.
      const expired = await t.app.get(AccessTokenService).issue({
        userId: claims.sub!,
        clientId: 'demo-app',
        sessionId: claims.sid as string,
        scope: '',
        jti: randomUUID(),
        ttlSeconds: -60,
        notAfter: claims.exp! + 3600,
      });
      expect(decodeJwt(expired.token).exp).toBeLessThan(Date.now() / 1000);

      const refused = await getSession(expired.token).expect(401);
      expect(refused.body.error_description).toBe('the access token has expired');
      const renewed = await putSession(expired.token, tokens.refresh_token).expect(200);
      await getSession(renewed.body.access_token).expect(200);
    });

    it.each([
      ['no Authorization header', undefined],
      ['a Basic Authorization header', 'Basic ZGVtby1hcHA6eA=='],
      [
        'a token that is not ours',
        'Bearer eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo',
      ],
    ])('%s → 401 invalid_token', async (_case, authorization) => {
      const tokens = await legacySession();
      const call = request(t.server).put('/session').set(HEADER, 'demo-app');
      if (authorization) void call.set('authorization', authorization);
      const response = await call.send({ refresh_token: tokens.refresh_token }).expect(401);
      expect(response.body.error).toBe('invalid_token');
      await putSession(tokens.access_token, tokens.refresh_token).expect(200);
    });

    it.each([
      ['no refresh_token', 400, 'invalid_request', {}],
      ['refresh_token not a string', 400, 'invalid_request', { refresh_token: 42 }],
      ['a malformed refresh_token', 401, 'invalid_grant', { refresh_token: 'garbage' }],
    ])('%s → %d %s', async (_case, status, error, body) => {
      const tokens = await legacySession();
      const response = await request(t.server)
        .put('/session')
        .set(HEADER, 'demo-app')
        .auth(tokens.access_token, { type: 'bearer' })
        .send(body)
        .expect(status);
      expect(response.body.error).toBe(error);
    });
  });

  describe(`POST /user with ${HEADER}`, () => {
    it.each([
      ['an unknown client', 401, { [HEADER]: 'nobody' }],
      ['an empty value', 401, { [HEADER]: '' }],
      ['a public client', 201, { [HEADER]: 'demo-app' }],
      // Registering grants no tokens, so a confidential client's id names it well enough here.
      ['a confidential client', 201, { [HEADER]: CONFIDENTIAL.id }],
      ['no header at all', 201, {}],
    ])('%s → %d', async (_case, status, headers) => {
      const email = uniqueEmail('register');
      const response = await request(t.server)
        .post('/user')
        .set(headers)
        .send({ email, password: PASSWORD })
        .expect(status);
      if (status === 401) {
        expect(response.body).toEqual({
          error: 'invalid_client',
          error_description: `unknown client id in ${HEADER}`,
        });
        // Nothing was created: the same email registers afterwards.
        await request(t.server).post('/user').send({ email, password: PASSWORD }).expect(201);
      }
    });
  });

  it('DELETE /session ignores a refresh_token in the body, which the 2016 code read', async () => {
    const tokens = await legacySession();
    await deleteSession(tokens.access_token)
      .send({ refresh_token: tokens.refresh_token })
      .expect(200, { message: 'session ended' });
    await putSession(tokens.access_token, tokens.refresh_token).expect(401);
  });

  describe('both APIs share one session', () => {
    it('a session from POST /session refreshes at /oauth/token, then again at PUT /session', async () => {
      const tokens = await legacySession();
      await afterIssueOf(tokens.access_token);
      const oauth = await refresh(t, tokens.refresh_token, 'demo-app').expect(200);
      expect(decodeJwt(oauth.body.access_token).sid).toBe(decodeJwt(tokens.access_token).sid);
      // The legacy pair is now stale on both counts; the OAuth pair is the session's latest.
      await putSession(tokens.access_token, oauth.body.refresh_token).expect(401);
      await putSession(oauth.body.access_token, oauth.body.refresh_token).expect(200);
    });

    it('a session from the password grant ends with DELETE /session', async () => {
      const email = await registerUser(t, uniqueEmail('mixed'));
      const tokens = await passwordGrant(t, email);
      await getSession(tokens.access_token).expect(200);
      await deleteSession(tokens.access_token).expect(200);
      const response = await refresh(t, tokens.refresh_token).expect(400);
      expect(response.body.error).toBe('invalid_grant');
      await getUser(tokens.access_token).expect(401);
    });
  });
});
