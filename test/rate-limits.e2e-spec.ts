import { jest } from '@jest/globals';
import type { Spied } from 'jest-mock';
import { AuditLog } from '../src/common/audit-log.js';
import { PASSWORD } from './setup/password.js';
import {
  formBody,
  jsonBody,
  listenOnLoopback,
  type SourcedResponse as Reply,
  type Send,
} from './setup/loopback-sources.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

const CREDENTIALS_PER_MINUTE = 5;
const PER_MINUTE = 12;

/** A sign-in attempt that costs no hashing: an unknown client is refused before any password. */
const tokenAttempt = (send: Send) =>
  send(
    'POST',
    '/oauth/token',
    formBody({
      grant_type: 'password',
      client_id: 'no-such-client',
      username: 'a@example.com',
      password: 'x',
    }),
  );

function expectRateLimited(reply: Reply): void {
  expect(reply.status).toBe(429);
  expect(reply.body).toEqual({ error: 'too_many_requests', error_description: expect.any(String) });
  // Whole seconds until the oldest counted request leaves the one-minute window.
  const retryAfter = Number(reply.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(reply.headers['cache-control']).toBe('no-store');
}

/**
 * Rate limits per source address (RATE_LIMIT_CREDENTIALS_PER_MINUTE, RATE_LIMIT_PER_MINUTE), with
 * distinct loopback addresses as distinct clients. Each test uses addresses of its own: the
 * counters last a minute.
 */
describe('rate limits per source address', () => {
  let t: TestApp;
  let loopback: Awaited<ReturnType<typeof listenOnLoopback>>;
  let audit: Spied<AuditLog['record']>;

  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_CREDENTIALS_PER_MINUTE: String(CREDENTIALS_PER_MINUTE),
      RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
    });
    loopback = await listenOnLoopback(t);
    audit = jest.spyOn(t.app.get(AuditLog), 'record');
  });
  afterAll(async () => {
    loopback?.close();
    await t?.close();
  });

  it('gives a burst from one address 429 with Retry-After once over the limit, while another address is served', async () => {
    const attacker = loopback.from('127.0.0.2');
    const bystander = loopback.from('127.0.0.3');
    const burst = await Promise.all(
      Array.from({ length: CREDENTIALS_PER_MINUTE + 10 }, () => tokenAttempt(attacker)),
    );
    const statuses = burst.map((reply) => reply.status);
    // Exactly the limit is served (401 invalid_client here); every request beyond it is 429.
    expect(statuses.filter((status) => status === 401)).toHaveLength(CREDENTIALS_PER_MINUTE);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    for (const reply of burst.filter((r) => r.status === 429)) expectRateLimited(reply);

    // Meanwhile another address is answered as usual, on the same route.
    expect((await tokenAttempt(bystander)).status).toBe(401);
    // And the limited address still reaches the routes under the other limit.
    expect((await attacker('GET', '/health')).status).toBe(200);
  });

  it('counts every credentials route against one budget per address', async () => {
    const client = loopback.from('127.0.0.4');
    const session = { account_type: 'traditional', email: 'a@example.com', password: PASSWORD };
    const served = [
      await tokenAttempt(client),
      await client('POST', '/session', jsonBody(session)),
      await client('POST', '/user', jsonBody({ email: 'not an email', password: PASSWORD })),
      await client('PUT', '/session', jsonBody({ refresh_token: 'x' })),
      await tokenAttempt(client),
    ];
    expect(served.map((reply) => reply.status)).toEqual([401, 400, 400, 400, 401]);
    // The budget of 5 is spent whichever routes spent it.
    expectRateLimited(await client('POST', '/user', jsonBody({ email: 'x', password: PASSWORD })));
    expectRateLimited(await client('POST', '/session', jsonBody(session)));
  });

  it('limits every other route at RATE_LIMIT_PER_MINUTE, bad bearer tokens included', async () => {
    const client = loopback.from('127.0.0.5');
    const replies = await Promise.all(
      Array.from({ length: PER_MINUTE + 4 }, (_, i) =>
        i % 2 === 0
          ? client('GET', '/health')
          : client('GET', '/user', { headers: { authorization: 'Bearer forged.token.value' } }),
      ),
    );
    const statuses = replies.map((reply) => reply.status);
    // The limit runs before the bearer guard: a flood of bad tokens is limited like the rest.
    expect(statuses.filter((status) => status !== 429)).toHaveLength(PER_MINUTE);
    expect(statuses.filter((status) => status === 429)).toHaveLength(4);
    expect(new Set(statuses.filter((status) => status !== 429))).toEqual(new Set([200, 401]));
    for (const reply of replies.filter((r) => r.status === 429)) expectRateLimited(reply);
    // Its credentials budget is its own.
    expect((await tokenAttempt(client)).status).toBe(401);
  });

  it('records a rate.limited audit event for each refusal, naming the limit', async () => {
    audit.mockClear();
    const client = loopback.from('127.0.0.6');
    for (let i = 0; i < CREDENTIALS_PER_MINUTE + 2; i++) await tokenAttempt(client);
    const limited = audit.mock.calls.filter(([event]) => event === 'rate.limited');
    expect(limited).toEqual([
      ['rate.limited', { reason: 'credentials' }],
      ['rate.limited', { reason: 'credentials' }],
    ]);
  });
});
