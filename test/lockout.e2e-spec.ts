import request from 'supertest';
import { PASSWORD, registerUser } from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

describe('account lockout against password guessing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const signIn = (username: string, password: string) =>
    request(t.server)
      .post('/oauth/token')
      .type('form')
      .send({ grant_type: 'password', username, password, client_id: 'demo-app' });

  async function fail(email: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) {
      const response = await signIn(email, `wrong password number ${i}`).expect(400);
      expect(response.body.error).toBe('invalid_grant');
    }
  }

  it('locks an account after 5 consecutive failures, answering as for a wrong password', async () => {
    const email = await registerUser(t);
    await fail(email, 5);
    const locked = await signIn(email, PASSWORD).expect(400);
    expect(locked.body).toEqual({
      error: 'invalid_grant',
      error_description: 'the username or password is incorrect',
    });
  });

  it('leaves other accounts alone', async () => {
    const victim = await registerUser(t);
    const bystander = await registerUser(t);
    await fail(victim, 5);
    await signIn(bystander, PASSWORD).expect(200);
  });

  it('counts consecutive failures only: a success starts the count again', async () => {
    const email = await registerUser(t);
    await fail(email, 4);
    await signIn(email, PASSWORD).expect(200);
    await fail(email, 4);
    await signIn(email, PASSWORD).expect(200);
  });
});
