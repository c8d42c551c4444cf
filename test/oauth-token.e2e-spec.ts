import { decodeJwt, decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { DynamoDbRequestCounter } from '../src/database/dynamodb.client.js';
import { SessionsService } from '../src/sessions/sessions.service.js';
import {
  BOOTSTRAP_CLIENTS,
  CONFIDENTIAL,
  PASSWORD,
  passwordGrant,
  refresh,
  registerUser,
  signIn,
  uniqueEmail,
} from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('POST /oauth/token', () => {
  let t: TestApp;
  let email: string;

  beforeAll(async () => {
    t = await createTestApp({ BOOTSTRAP_CLIENTS });
    email = await registerUser(t, uniqueEmail('token'));
  });
  afterAll(() => t.close());

  describe('password grant', () => {
    it('issues an RFC 9068 access token and a refresh token, uncached', async () => {
      const response = await request(t.server)
        .post('/oauth/token')
        .type('form')
        .send({
          grant_type: 'password',
          username: email,
          password: PASSWORD,
          client_id: 'demo-app',
        })
        .expect(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['pragma']).toBe('no-cache');
      expect(response.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 900,
        refresh_token: expect.stringMatching(/^[0-9a-f-]{36}\.0\.[A-Za-z0-9_-]{43}$/),
      });
      const header = decodeProtectedHeader(response.body.access_token);
      expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
      const claims = decodeJwt(response.body.access_token);
      expect(claims).toEqual({
        iss: t.config.tokens.issuer,
        sub: expect.any(String),
        aud: t.config.tokens.audience,
        client_id: 'demo-app',
        sid: (response.body.refresh_token as string).split('.')[0],
        scope: '',
        iat: expect.any(Number),
        exp: expect.any(Number),
        jti: expect.any(String),
      });
      expect(claims.exp! - claims.iat!).toBe(900);
    });

    it('accepts a JSON body and echoes a granted scope', async () => {
      const response = await request(t.server)
        .post('/oauth/token')
        .send({
          grant_type: 'password',
          username: email,
          password: PASSWORD,
          client_id: 'demo-app',
          scope: 'profile',
        })
        .expect(200);
      expect(response.body.scope).toBe('profile');
      expect(decodeJwt(response.body.access_token).scope).toBe('profile');
    });

    it('matches the email whatever its case', async () => {
      await passwordGrant(t, email.toUpperCase());
    });

    it.each([
      ['HTTP Basic', { authorization: basic(CONFIDENTIAL.id, CONFIDENTIAL.secret) }, {}],
      [
        'client_secret_post',
        {},
        { client_id: CONFIDENTIAL.id, client_secret: CONFIDENTIAL.secret },
      ],
    ])('authenticates a confidential client by %s', async (_how, headers, body) => {
      const response = await request(t.server)
        .post('/oauth/token')
        .set(headers)
        .type('form')
        .send({ grant_type: 'password', username: email, password: PASSWORD, ...body })
        .expect(200);
      expect(decodeJwt(response.body.access_token).client_id).toBe(CONFIDENTIAL.id);
    });
  });

  describe('refresh_token grant', () => {
    it('rotates: a new pair, and the old refresh token stops working', async () => {
      const { tokens } = await signIn(t);
      const first = await refresh(t, tokens.refresh_token).expect(200);
      expect(first.headers['cache-control']).toBe('no-store');
      expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
      expect(first.body.access_token).not.toBe(tokens.access_token);
      expect(decodeJwt(first.body.access_token).sid).toBe(decodeJwt(tokens.access_token).sid);
      const again = await refresh(t, tokens.refresh_token).expect(400);
      expect(again.body.error).toBe('invalid_grant');
    });

    it('narrows scope on request and never widens it', async () => {
      const { tokens } = await signIn(t);
      const wide = await refresh(t, tokens.refresh_token).expect(200);
      const narrowed = await request(t.server)
        .post('/oauth/token')
        .type('form')
        .send({
          grant_type: 'refresh_token',
          refresh_token: wide.body.refresh_token,
          client_id: 'demo-app',
          scope: 'profile',
        })
        .expect(200);
      // The session was granted no scope, so asking for profile on refresh grants nothing.
      expect(narrowed.body.scope).toBeUndefined();
      expect(decodeJwt(narrowed.body.access_token).scope).toBe('');
    });
  });

  describe("DynamoDB requests (the design's budgets, docs/DATA-MODEL.md)", () => {
    const counted = async (action: () => Promise<unknown>) => {
      const counter = t.app.get(DynamoDbRequestCounter);
      counter.reset();
      await action();
      return counter.snapshot();
    };

    it('a password grant: the reservation and one read, then one transaction (+ its confirming reads on DynamoDB Local)', async () => {
      await passwordGrant(t, email); // the client is in the cache from here on
      expect(await counted(() => passwordGrant(t, email))).toEqual({
        UpdateItemCommand: 1,
        BatchGetItemCommand: 1,
        TransactWriteItemsCommand: 1,
        // DynamoDB Local only: a confirming read of each item the transaction wrote (the session,
        // the credential, the lockout pair), docs/DATA-MODEL.md.
        'GetItemCommand (local confirmation)': 3,
      });
    });

    it.each([
      ['a wrong password', () => email, 'not the password'],
      ['an unknown email', () => uniqueEmail('nobody'), PASSWORD],
    ])(
      'a refused password grant (%s): the reservation, one read, one write',
      async (_case, username, password) => {
        expect(
          await counted(() =>
            request(t.server)
              .post('/oauth/token')
              .type('form')
              .send({
                grant_type: 'password',
                username: username(),
                password,
                client_id: 'demo-app',
              })
              .expect(400),
          ),
        ).toEqual({ UpdateItemCommand: 2, BatchGetItemCommand: 1 });
      },
    );

    it('a refresh: one conditional write', async () => {
      const { tokens } = await signIn(t);
      expect(await counted(() => refresh(t, tokens.refresh_token).expect(200))).toEqual({
        UpdateItemCommand: 1,
      });
    });

    it("GET /user: one read, the bearer check's read of the session", async () => {
      const { tokens } = await signIn(t);
      const me = await counted(() =>
        request(t.server).get('/user').auth(tokens.access_token, { type: 'bearer' }).expect(200),
      );
      expect(me).toEqual({ GetItemCommand: 1 });
    });
  });

  describe('errors (RFC 6749 §5.2)', () => {
    const form = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      request(t.server).post('/oauth/token').set(headers).type('form').send(body);

    it.each([
      [
        'unknown client',
        {
          grant_type: 'password',
          username: 'x@example.com',
          password: PASSWORD,
          client_id: 'nobody',
        },
        {},
        401,
        'invalid_client',
      ],
      [
        'no client at all',
        { grant_type: 'password', username: 'x@example.com', password: PASSWORD },
        {},
        401,
        'invalid_client',
      ],
      [
        'wrong secret (post)',
        {
          grant_type: 'password',
          username: 'x@example.com',
          password: PASSWORD,
          client_id: CONFIDENTIAL.id,
          client_secret: 'wrong',
        },
        {},
        401,
        'invalid_client',
      ],
      [
        'confidential client without its secret',
        {
          grant_type: 'password',
          username: 'x@example.com',
          password: PASSWORD,
          client_id: CONFIDENTIAL.id,
        },
        {},
        401,
        'invalid_client',
      ],
      [
        'grant not allowed for the client',
        {
          grant_type: 'password',
          username: 'x@example.com',
          password: PASSWORD,
          client_id: 'refresh-only',
        },
        {},
        400,
        'unauthorized_client',
      ],
      ['missing grant_type', { client_id: 'demo-app' }, {}, 400, 'invalid_request'],
      [
        'missing username',
        { grant_type: 'password', password: PASSWORD, client_id: 'demo-app' },
        {},
        400,
        'invalid_request',
      ],
      [
        'missing password',
        { grant_type: 'password', username: 'x@example.com', client_id: 'demo-app' },
        {},
        400,
        'invalid_request',
      ],
      [
        'missing refresh_token',
        { grant_type: 'refresh_token', client_id: 'demo-app' },
        {},
        400,
        'invalid_request',
      ],
      [
        'unsupported grant type',
        { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: 'demo-app' },
        {},
        400,
        'unsupported_grant_type',
      ],
      [
        'authorization_code',
        { grant_type: 'authorization_code', code: 'x', client_id: 'demo-app' },
        {},
        400,
        'unsupported_grant_type',
      ],
      [
        'unknown user',
        {
          grant_type: 'password',
          username: 'nobody@example.com',
          password: PASSWORD,
          client_id: 'demo-app',
        },
        {},
        400,
        'invalid_grant',
      ],
      [
        'malformed refresh token',
        { grant_type: 'refresh_token', refresh_token: 'garbage', client_id: 'demo-app' },
        {},
        400,
        'invalid_grant',
      ],
    ])('%s', async (_case, body, headers, status, error) => {
      const response = await form(body, headers).expect(status);
      expect(response.body).toEqual({ error, error_description: expect.any(String) });
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it.each([
      ['a scope the client may not have', 'admin'],
      ['a malformed scope', 'a"b'],
    ])('%s → 400 invalid_scope', async (_case, scope) => {
      const response = await form({
        grant_type: 'password',
        username: email,
        password: PASSWORD,
        client_id: 'demo-app',
        scope,
      }).expect(400);
      expect(response.body).toEqual({
        error: 'invalid_scope',
        error_description: expect.any(String),
      });
    });

    it('wrong password → 400 invalid_grant', async () => {
      const response = await form({
        grant_type: 'password',
        username: email,
        password: 'not the password at all',
        client_id: 'demo-app',
      }).expect(400);
      expect(response.body.error).toBe('invalid_grant');
    });

    it('wrong secret by HTTP Basic → 401 invalid_client with WWW-Authenticate', async () => {
      const response = await form(
        { grant_type: 'password', username: email, password: PASSWORD },
        { authorization: basic(CONFIDENTIAL.id, 'wrong-secret') },
      ).expect(401);
      expect(response.body.error).toBe('invalid_client');
      expect(response.headers['www-authenticate']).toMatch(/^Basic /);
    });

    it('a repeated parameter → 400 invalid_request', async () => {
      const response = await request(t.server)
        .post('/oauth/token')
        .type('form')
        .send('grant_type=password&grant_type=refresh_token&client_id=demo-app')
        .expect(400);
      expect(response.body.error).toBe('invalid_request');
    });

    it('a revoked refresh token → 400 invalid_grant', async () => {
      const { tokens } = await signIn(t);
      await request(t.server)
        .post('/oauth/revoke')
        .type('form')
        .send({ token: tokens.refresh_token, client_id: 'demo-app' })
        .expect(200);
      const response = await refresh(t, tokens.refresh_token).expect(400);
      expect(response.body.error).toBe('invalid_grant');
    });

    it('an expired session → 400 invalid_grant', async () => {
      const sessions = t.app.get(SessionsService);
      const { refreshToken } = await sessions.start({
        userId: 'someone',
        clientId: 'demo-app',
        scope: '',
        ttlSeconds: -1,
      });
      const response = await refresh(t, refreshToken).expect(400);
      expect(response.body).toEqual({
        error: 'invalid_grant',
        error_description: 'the session has expired',
      });
    });

    it("another client's refresh token → 400 invalid_grant", async () => {
      const { tokens } = await signIn(t);
      const response = await request(t.server)
        .post('/oauth/token')
        .type('form')
        .send({
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token,
          client_id: CONFIDENTIAL.id,
          client_secret: CONFIDENTIAL.secret,
        })
        .expect(400);
      expect(response.body.error).toBe('invalid_grant');
      await refresh(t, tokens.refresh_token).expect(200); // and it did not end the session
    });
  });

  describe('reuse detection (RFC 9700 §4.14.2)', () => {
    it('presenting a rotated-away token revokes the whole session', async () => {
      const { tokens } = await signIn(t);
      const rotated = await refresh(t, tokens.refresh_token).expect(200);
      await request(t.server)
        .get('/user')
        .auth(rotated.body.access_token, { type: 'bearer' })
        .expect(200);

      const reuse = await refresh(t, tokens.refresh_token).expect(400);
      expect(reuse.body.error).toBe('invalid_grant');

      // The newest refresh token and access token of the session are refused too.
      expect((await refresh(t, rotated.body.refresh_token).expect(400)).body.error).toBe(
        'invalid_grant',
      );
      await request(t.server)
        .get('/user')
        .auth(rotated.body.access_token, { type: 'bearer' })
        .expect(401);
      await request(t.server)
        .get('/user')
        .auth(tokens.access_token, { type: 'bearer' })
        .expect(401);
    });

    it('a token that was never issued revokes nothing', async () => {
      const { tokens } = await signIn(t);
      const [sid] = tokens.refresh_token.split('.');
      const forged = `${sid}.0.${'A'.repeat(43)}`;
      expect((await refresh(t, forged).expect(400)).body.error).toBe('invalid_grant');
      const forgedOld = `${sid}.7.${'B'.repeat(43)}`;
      expect((await refresh(t, forgedOld).expect(400)).body.error).toBe('invalid_grant');
      await refresh(t, tokens.refresh_token).expect(200);
    });
  });
});

describe('50 concurrent refreshes with one refresh token', () => {
  it.each([
    ['no grace period', '0'],
    ['a 30 s grace period', '30'],
  ])('with %s: exactly one 200, and the session ends', async (_case, grace) => {
    const t = await createTestApp({ REFRESH_REUSE_GRACE: grace });
    try {
      const { tokens } = await signIn(t);
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => refresh(t, tokens.refresh_token)),
      );
      const winners = responses.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      const losers = responses.filter((r) => r.status !== 200);
      expect(losers.every((r) => r.status === 400 && r.body.error === 'invalid_grant')).toBe(true);
      // Without a grace the losers are reuse; with one, the grace covers one return of the token
      // and the second ends the session: 49 holders of one token are no lost response.
      const winner = winners[0].body;
      await refresh(t, winner.refresh_token).expect(400);
      await request(t.server)
        .get('/user')
        .auth(winner.access_token, { type: 'bearer' })
        .expect(401);
    } finally {
      await t.close();
    }
  });
});

describe('the grace period (REFRESH_REUSE_GRACE)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ REFRESH_REUSE_GRACE: '30' });
  });
  afterAll(() => t.close());

  it('refuses the token just rotated away once, alone; a second return ends the session', async () => {
    const { tokens } = await signIn(t);
    const rotated = (await refresh(t, tokens.refresh_token).expect(200)).body;
    const retried = await refresh(t, tokens.refresh_token).expect(400);
    expect(retried.body).toEqual({
      error: 'invalid_grant',
      error_description: 'the refresh token was just used',
    });
    await request(t.server).get('/user').auth(rotated.access_token, { type: 'bearer' }).expect(200);

    const again = await refresh(t, tokens.refresh_token).expect(400);
    expect(again.body.error_description).toBe(
      'the refresh token was already used; the session has been ended',
    );
    await refresh(t, rotated.refresh_token).expect(400);
    await request(t.server).get('/user').auth(rotated.access_token, { type: 'bearer' }).expect(401);
  });

  it('gives each rotation its own one return', async () => {
    const { tokens } = await signIn(t);
    const second = (await refresh(t, tokens.refresh_token).expect(200)).body;
    await refresh(t, tokens.refresh_token).expect(400);
    const third = (await refresh(t, second.refresh_token).expect(200)).body;
    await refresh(t, second.refresh_token).expect(400);
    await refresh(t, third.refresh_token).expect(200);
  });
});
