import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import request from 'supertest';
import { DynamoDbRequestCounter } from '../src/database/dynamodb.client.js';
import { mailTo, tokenOf, VERIFY_SUBJECT } from './setup/account-mail.js';
import { lockoutItems } from './setup/lockout-items.js';
import { PASSWORD, passwordGrant, registerUser, uniqueEmail } from './setup/oauth.js';
import { createTestAppWithClock, ShiftedClock, type TestApp } from './setup/test-app.js';

const EMAIL_TOKEN_TTL = 86_400;
const NOT_VERIFIED =
  'the email address of this account has not been verified: follow the link in the verification mail (POST /user/email/verify/resend sends a new one)';

const verify = (t: TestApp, token: unknown) =>
  request(t.server).post('/user/email/verify').send({ token });
const getUser = (t: TestApp, accessToken: string) =>
  request(t.server).get('/user').set('Authorization', `Bearer ${accessToken}`);
const resend = (t: TestApp, accessToken: string) =>
  request(t.server).post('/user/email/verify/resend').set('Authorization', `Bearer ${accessToken}`);

const REFUSED = {
  error: 'invalid_grant',
  error_description: 'the verification token is invalid, expired or already used',
};

describe('email verification (POST /user/email/verify, …/resend, GET /user email_verified)', () => {
  const clock = new ShiftedClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestAppWithClock(clock, {
      EMAIL_TOKEN_TTL: String(EMAIL_TOKEN_TTL),
      PUBLIC_URL: 'https://app.example.com/accounts',
      RATE_LIMIT_CREDENTIALS_PER_MINUTE: '100000',
    });
  });
  afterAll(() => t.close());

  it('registration mails a link whose token verifies the email once; GET /user says so in one read', async () => {
    const email = await registerUser(t, uniqueEmail('verify'));
    const tokens = await passwordGrant(t, email);
    expect((await getUser(t, tokens.access_token).expect(200)).body).toMatchObject({
      email,
      email_verified: false,
    });

    const mail = await mailTo(t, email, VERIFY_SUBJECT);
    expect(mail.link).toMatch(/^https:\/\/app\.example\.com\/accounts\/verify-email\?token=/);
    await verify(t, tokenOf(mail)).expect(204);

    // The live session's snapshot was updated: still one read, which now says verified.
    const counter = t.app.get(DynamoDbRequestCounter);
    counter.reset();
    const me = await getUser(t, tokens.access_token).expect(200);
    expect(me.body).toEqual({ id: expect.any(String), email, email_verified: true });
    expect(counter.snapshot()).toEqual({ GetItemCommand: 1 });
    // A session started afterwards reads it from the credential.
    const later = await passwordGrant(t, email);
    expect((await getUser(t, later.access_token).expect(200)).body.email_verified).toBe(true);

    // Single use.
    expect((await verify(t, tokenOf(mail)).expect(400)).body).toEqual(REFUSED);
  });

  it('stores only the hash of the token', async () => {
    const email = await registerUser(t, uniqueEmail('hashed'));
    const token = tokenOf(await mailTo(t, email, VERIFY_SUBJECT));
    const secret = token.split('.')[1];
    const stored: string[] = [];
    const pages = paginateScan(
      { client: t.app.get(DynamoDBClient) },
      { TableName: t.config.dynamodb.tableName, ConsistentRead: true },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) stored.push(JSON.stringify(unmarshall(item)));
    }
    expect(stored.some((item) => item.includes(email) && item.includes('verifyHash'))).toBe(true);
    expect(stored.filter((item) => item.includes(secret))).toEqual([]);
  });

  it('resend (bearer) mails a new token that replaces the older one: 202', async () => {
    const email = await registerUser(t, uniqueEmail('resend'));
    const first = await mailTo(t, email, VERIFY_SUBJECT);
    const tokens = await passwordGrant(t, email);
    await resend(t, tokens.access_token).expect(202);
    const second = await mailTo(t, email, VERIFY_SUBJECT, { after: first });
    expect(tokenOf(second)).not.toBe(tokenOf(first));

    expect((await verify(t, tokenOf(first)).expect(400)).body).toEqual(REFUSED);
    await verify(t, tokenOf(second)).expect(204);
    // Nothing left to verify.
    const refused = await resend(t, tokens.access_token).expect(409);
    expect(refused.body).toEqual({
      error: 'conflict',
      error_description: 'the email address is already verified',
    });
  });

  it('resend needs a bearer token', async () => {
    await request(t.server).post('/user/email/verify/resend').expect(401);
  });

  it.each([
    ['not a token', 'not-a-token'],
    ['a token of no account', `${crypto.randomUUID()}.${'A'.repeat(43)}`],
  ])('refuses %s: 400 invalid_grant', async (_case, token) => {
    expect((await verify(t, token).expect(400)).body).toEqual(REFUSED);
  });

  it('refuses a token past EMAIL_TOKEN_TTL, and takes one just before it (injected clock)', async () => {
    const late = await registerUser(t, uniqueEmail('late'));
    const lateToken = tokenOf(await mailTo(t, late, VERIFY_SUBJECT));
    const onTime = await registerUser(t, uniqueEmail('ontime'));
    const onTimeToken = tokenOf(await mailTo(t, onTime, VERIFY_SUBJECT));

    clock.advance(EMAIL_TOKEN_TTL - 30);
    await verify(t, onTimeToken).expect(204);
    clock.advance(31);
    expect((await verify(t, lateToken).expect(400)).body).toEqual(REFUSED);
  });
});

describe('REQUIRE_VERIFIED_EMAIL=true', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestAppWithClock(new ShiftedClock(), {
      REQUIRE_VERIFIED_EMAIL: 'true',
      LOGIN_MAX_FAILURES: '3',
      RATE_LIMIT_CREDENTIALS_PER_MINUTE: '100000',
    });
  });
  afterAll(() => t.close());

  const grant = (username: string, password: string) =>
    request(t.server).post('/oauth/token').type('form').send({
      grant_type: 'password',
      username,
      password,
      client_id: 'demo-app',
    });
  const legacySignIn = (email: string, password: string) =>
    request(t.server)
      .post('/session')
      .set('x-koms-clientid', 'demo-app')
      .send({ account_type: 'traditional', email, password });

  it('refuses an unverified account only once the password is right, saying why; then signs in once verified', async () => {
    const email = await registerUser(t, uniqueEmail('required'));
    // A wrong password learns nothing about the account's state.
    expect((await grant(email, 'not the password').expect(400)).body).toEqual({
      error: 'invalid_grant',
      error_description: 'the username or password is incorrect',
    });
    expect((await grant(email, PASSWORD).expect(400)).body).toEqual({
      error: 'invalid_grant',
      error_description: NOT_VERIFIED,
    });
    // The original API says the same with its own status (its refusals are 401 invalid_grant).
    expect((await legacySignIn(email, PASSWORD).expect(401)).body).toEqual({
      error: 'invalid_grant',
      error_description: NOT_VERIFIED,
    });

    await verify(t, tokenOf(await mailTo(t, email, VERIFY_SUBJECT))).expect(204);
    await grant(email, PASSWORD).expect(200);
    await legacySignIn(email, PASSWORD).expect(200);
  });

  it('lets in an owner who lost the verification mail through a password reset, whose mail verifies the email', async () => {
    const email = await registerUser(t, uniqueEmail('lost-mail'));
    await grant(email, PASSWORD).expect(400);
    await request(t.server).post('/user/password/reset').send({ email }).expect(202);
    const token = tokenOf(await mailTo(t, email, /reset your password/i));
    await request(t.server)
      .post('/user/password/reset/confirm')
      .send({ token, new_password: 'a brand new passphrase of mine' })
      .expect(204);
    const tokens = (await grant(email, 'a brand new passphrase of mine').expect(200)).body as {
      access_token: string;
    };
    expect((await getUser(t, tokens.access_token).expect(200)).body.email_verified).toBe(true);
  });

  it('does not lock out an owner who keeps signing in before verifying: the attempts are given back', async () => {
    const email = await registerUser(t, uniqueEmail('patient'));
    // More than LOGIN_MAX_FAILURES (3) right-password attempts: each is refused for the email,
    // never by the lockout.
    for (let i = 0; i < 6; i++) {
      expect((await grant(email, PASSWORD).expect(400)).body.error_description).toBe(NOT_VERIFIED);
    }
    expect((await lockoutItems(t, email, '127.0.0.1')).pair).toBeUndefined();
  });
});
