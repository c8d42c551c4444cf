import request from 'supertest';
import { PASSWORD } from './password.js';
import type { TestApp } from './test-app.js';

export { PASSWORD };
export const CONFIDENTIAL = { id: 'backend', secret: 'backend-secret-0123456789abcdefghijklmnop' };

/** BOOTSTRAP_CLIENTS for tests: a confidential client (allowed to introspect) besides the public demo-app. */
export const BOOTSTRAP_CLIENTS = JSON.stringify([
  {
    client_id: CONFIDENTIAL.id,
    client_secret: CONFIDENTIAL.secret,
    grant_types: ['password', 'refresh_token'],
    scopes: ['profile', 'admin'],
    name: 'Backend',
    // A resource server too: it may call POST /oauth/introspect.
    introspection: true,
  },
  { client_id: 'refresh-only', grant_types: ['refresh_token'], name: 'No password grant' },
]);

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: string;
  scope?: string;
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${Date.now()}-${counter}@example.com`;
}

export async function registerUser(t: TestApp, email = uniqueEmail()): Promise<string> {
  await request(t.server).post('/user').send({ email, password: PASSWORD }).expect(201);
  return email;
}

export async function passwordGrant(
  t: TestApp,
  email: string,
  extra: Record<string, string> = {},
): Promise<Tokens> {
  const response = await request(t.server)
    .post('/oauth/token')
    .type('form')
    .send({
      grant_type: 'password',
      username: email,
      password: PASSWORD,
      client_id: 'demo-app',
      ...extra,
    })
    .expect(200);
  return response.body as Tokens;
}

export function refresh(t: TestApp, refreshToken: string, clientId = 'demo-app') {
  return request(t.server)
    .post('/oauth/token')
    .type('form')
    .send({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });
}

/** A signed-in user: email and a first token pair from the password grant. */
export async function signIn(t: TestApp): Promise<{ email: string; tokens: Tokens }> {
  const email = await registerUser(t);
  return { email, tokens: await passwordGrant(t, email) };
}
