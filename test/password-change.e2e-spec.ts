import request from 'supertest';
import { lockoutItems } from './setup/lockout-items.js';
import { PASSWORD, passwordGrant, refresh, registerUser, uniqueEmail } from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

const NEW_PASSWORD = 'a brand new passphrase of mine';
const WRONG = { error: 'invalid_grant', error_description: 'the password is incorrect' };

describe('PUT /user/password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      LOGIN_MAX_FAILURES: '3',
      RATE_LIMIT_CREDENTIALS_PER_MINUTE: '100000',
    });
  });
  afterAll(() => t.close());

  const change = (accessToken: string, body: unknown) =>
    request(t.server)
      .put('/user/password')
      .set('Authorization', `Bearer ${accessToken}`)
      .send(body as object);
  const getUser = (accessToken: string) =>
    request(t.server).get('/user').set('Authorization', `Bearer ${accessToken}`);
  const grant = (username: string, password: string) =>
    request(t.server)
      .post('/oauth/token')
      .type('form')
      .send({ grant_type: 'password', username, password, client_id: 'demo-app' });

  it('changes the password: 204; the calling session stays, every other one ends', async () => {
    const email = await registerUser(t, uniqueEmail('change'));
    const caller = await passwordGrant(t, email);
    const other = await passwordGrant(t, email);
    const third = await passwordGrant(t, email);

    await change(caller.access_token, {
      current_password: PASSWORD,
      new_password: NEW_PASSWORD,
    }).expect(204);

    await getUser(caller.access_token).expect(200);
    await refresh(t, caller.refresh_token).expect(200);
    for (const ended of [other, third]) {
      await getUser(ended.access_token).expect(401);
      await refresh(t, ended.refresh_token).expect(400);
    }
    expect((await grant(email, PASSWORD).expect(400)).body.error).toBe('invalid_grant');
    await grant(email, NEW_PASSWORD).expect(200);
  });

  it('refuses a new password the registration policy refuses, naming the field, before checking the current one', async () => {
    const email = await registerUser(t, uniqueEmail('weak'));
    const tokens = await passwordGrant(t, email);
    const response = await change(tokens.access_token, {
      current_password: 'not even the right one',
      new_password: 'short',
    }).expect(400);
    expect(response.body).toEqual({
      error: 'invalid_request',
      error_description: 'new_password must be at least 12 characters',
      fields: { new_password: ['new_password must be at least 12 characters'] },
    });
    // No lockout attempt spent on it.
    expect((await lockoutItems(t, email, '127.0.0.1')).failures).toBe(0);
    await grant(email, PASSWORD).expect(200);
  });

  it('answers a wrong current password 400 invalid_grant and counts it as a failed sign-in, up to the lockout', async () => {
    const email = await registerUser(t, uniqueEmail('wrong'));
    const tokens = await passwordGrant(t, email);
    const wrong = { current_password: 'not the password', new_password: NEW_PASSWORD };

    expect((await change(tokens.access_token, wrong).expect(400)).body).toEqual(WRONG);
    expect(await lockoutItems(t, email, '127.0.0.1')).toMatchObject({
      pair: { attempts: 1 },
      failures: 1,
    });
    await change(tokens.access_token, wrong).expect(400);
    await change(tokens.access_token, wrong).expect(400);
    // LOGIN_MAX_FAILURES (3) reached for this (email, source): the right password is refused
    // too, on this route and on the token endpoint alike, with the same answer.
    const right = { current_password: PASSWORD, new_password: NEW_PASSWORD };
    expect((await change(tokens.access_token, right).expect(400)).body).toEqual(WRONG);
    expect((await grant(email, PASSWORD).expect(400)).body).toEqual({
      error: 'invalid_grant',
      error_description: 'the username or password is incorrect',
    });
    expect(await lockoutItems(t, email, '127.0.0.1')).toMatchObject({
      failures: 3,
      refusals: 2,
    });
    // The session is untouched and the password is the old one.
    await getUser(tokens.access_token).expect(200);
  });

  it('resets the lockout pair on success (a success is a successful sign-in)', async () => {
    const email = await registerUser(t, uniqueEmail('reset-pair'));
    const tokens = await passwordGrant(t, email);
    await change(tokens.access_token, {
      current_password: 'not the password',
      new_password: NEW_PASSWORD,
    }).expect(400);
    await change(tokens.access_token, {
      current_password: PASSWORD,
      new_password: NEW_PASSWORD,
    }).expect(204);
    expect((await lockoutItems(t, email, '127.0.0.1')).pair).toBeUndefined();
  });

  it('needs a bearer token', async () => {
    await request(t.server)
      .put('/user/password')
      .send({ current_password: PASSWORD, new_password: NEW_PASSWORD })
      .expect(401);
  });
});
