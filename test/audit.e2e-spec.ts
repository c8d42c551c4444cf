import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './setup/free-port.js';
import { closeSources, requestFrom, type Body } from './setup/loopback-sources.js';
import { CONFIDENTIAL, PASSWORD } from './setup/oauth.js';

interface LogLine {
  event?: string;
  /** The logger's: `audit` for the audit trail (other lines, e.g. mail.written, have events too). */
  context?: string;
  level?: number;
  requestId?: string;
  sourceAddress?: string;
  userId?: string;
  clientId?: string;
  sessionId?: string;
  reason?: string;
}

/**
 * The audit trail as operators get it: the built server (dist/main.js) in a process of its own at
 * LOG_LEVEL=info, its stdout read line by line. One JSON line per security event, with its fields,
 * and nothing in the whole log that is a password, a token, a secret or a typed username.
 */
describe('audit events in the log', () => {
  let server: ChildProcess;
  let output = '';
  let port: number;
  const source = '127.0.8.1';
  const email = `audit-${randomUUID()}@example.com`;
  const victim = `audit-victim-${randomUUID()}@example.com`;
  const typedUnknown = `typed-unknown-${randomUUID()}@example.com`;
  const wrongPasswords = Array.from({ length: 6 }, (_, i) => `wrong-guess-${i}-${randomUUID()}`);
  const secrets: string[] = [PASSWORD, CONFIDENTIAL.secret, email, victim, typedUnknown];

  const call = (
    method: string,
    path: string,
    options: { body?: Body; headers?: Record<string, string> } = {},
  ) => requestFrom(source, port, method, path, options);
  const token = (form: Record<string, string>) =>
    call('POST', '/oauth/token', { body: { form: { client_id: 'demo-app', ...form } } });
  const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });

  beforeAll(async () => {
    execFileSync(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build'], {
      stdio: 'ignore',
    });
    port = await freePort();
    server = spawn(process.execPath, ['dist/main.js'], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        LOG_LEVEL: 'info',
        DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT ?? '',
        TABLE_NAME: `audit-${randomUUID()}`,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'audit-')),
        REFRESH_REUSE_GRACE: '30',
        BOOTSTRAP_CLIENTS: JSON.stringify([
          {
            client_id: CONFIDENTIAL.id,
            client_secret: CONFIDENTIAL.secret,
            grant_types: ['password', 'refresh_token'],
          },
        ]),
      },
    });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let i = 0; i < 300 && !output.includes('listening'); i++) await sleep(100);
    if (!output.includes('listening')) throw new Error(`the server did not start:\n${output}`);
  });

  afterAll(() => {
    closeSources();
    server.kill('SIGINT');
  });

  /** The audit lines so far (after a moment for stdout to arrive). */
  async function events(): Promise<LogLine[]> {
    await sleep(300);
    return output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.event !== undefined && line.context === 'audit');
  }

  it('records each security event with its fields, and the log holds no secret', async () => {
    const registered = await call('POST', '/user', {
      body: { json: { email, password: PASSWORD } },
    });
    expect(registered.status).toBe(201);
    const userId = registered.body.id as string;
    const victimId = (
      await call('POST', '/user', { body: { json: { email: victim, password: PASSWORD } } })
    ).body.id as string;

    // Sign in, refresh, then present the rotated-away token twice within the grace.
    const first = await token({ grant_type: 'password', username: email, password: PASSWORD });
    expect(first.status).toBe(200);
    const firstTokens = first.body as { access_token: string; refresh_token: string };
    const sessionId = firstTokens.refresh_token.split('.')[0];
    const second = await token({
      grant_type: 'refresh_token',
      refresh_token: firstTokens.refresh_token,
    });
    expect(second.status).toBe(200);
    const secondTokens = second.body as { access_token: string; refresh_token: string };
    for (let i = 0; i < 2; i++) {
      await token({ grant_type: 'refresh_token', refresh_token: firstTokens.refresh_token });
    }

    // A wrong password and an unknown email; then the victim's pair locked from this address.
    await token({ grant_type: 'password', username: email, password: wrongPasswords[0] });
    await token({ grant_type: 'password', username: typedUnknown, password: wrongPasswords[1] });
    for (const guess of wrongPasswords.slice(0, 5)) {
      await token({ grant_type: 'password', username: victim, password: guess });
    }
    const locked = await token({ grant_type: 'password', username: victim, password: PASSWORD });
    expect(locked.status).toBe(400);

    // Sessions ended by the user and by revocation.
    const third = (await token({ grant_type: 'password', username: email, password: PASSWORD }))
      .body as { access_token: string; refresh_token: string };
    const thirdId = third.refresh_token.split('.')[0];
    const fourth = (await token({ grant_type: 'password', username: email, password: PASSWORD }))
      .body as { access_token: string; refresh_token: string };
    const fourthId = fourth.refresh_token.split('.')[0];
    expect(
      (await call('DELETE', `/user/sessions/${thirdId}`, { headers: bearer(fourth.access_token) }))
        .status,
    ).toBe(204);
    const revoked = await call('POST', '/oauth/revoke', {
      body: { form: { token: fourth.refresh_token, client_id: 'demo-app' } },
    });
    expect(revoked.status).toBe(200);

    // The original API refusing clients.
    const legacy = (clientId: string) =>
      call('POST', '/session', {
        body: { json: { account_type: 'traditional', email, password: PASSWORD } },
        headers: { 'x-koms-clientid': clientId },
      });
    expect((await legacy('no-such-client')).status).toBe(401);
    expect((await legacy(CONFIDENTIAL.id)).status).toBe(401);

    const audit = await events();
    const expected: Array<Partial<LogLine>> = [
      { event: 'user.registered', userId },
      { event: 'user.registered', userId: victimId },
      { event: 'login.succeeded', userId, clientId: 'demo-app', sessionId },
      { event: 'token.refreshed', userId, clientId: 'demo-app', sessionId },
      { event: 'refresh_token.reused', userId, sessionId, reason: 'within_grace' },
      { event: 'refresh_token.reused', userId, sessionId, reason: 'reuse' },
      { event: 'session.ended', userId, sessionId, reason: 'refresh_token_reuse' },
      { event: 'login.failed', userId, clientId: 'demo-app', reason: 'wrong_password' },
      { event: 'login.failed', clientId: 'demo-app', reason: 'unknown_account' },
      ...Array.from({ length: 5 }, () => ({
        event: 'login.failed',
        userId: victimId,
        reason: 'wrong_password',
      })),
      { event: 'login.locked', userId: victimId, clientId: 'demo-app', reason: 'source_locked' },
      { event: 'login.succeeded', userId, sessionId: thirdId },
      { event: 'login.succeeded', userId, sessionId: fourthId },
      { event: 'session.ended', userId, sessionId: thirdId, reason: 'signed_out' },
      { event: 'session.ended', userId, sessionId: fourthId, reason: 'revoked' },
      { event: 'client.refused', reason: 'unknown_client' },
      { event: 'client.refused', clientId: CONFIDENTIAL.id, reason: 'confidential_client' },
    ];
    expect(audit).toEqual(expected.map((fields): unknown => expect.objectContaining(fields)));
    // Every line says which request it was, from where, and is kept at LOG_LEVEL=warn too.
    for (const line of audit) {
      expect(line).toMatchObject({
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        sourceAddress: expect.stringMatching(/(^|:)127\.0\.8\.1$/),
        level: 40,
      });
    }
    // The unknown email's refusal names nobody.
    expect(audit[8].userId).toBeUndefined();
    expect(audit.find((line) => line.reason === 'unknown_client')?.clientId).toBeUndefined();

    for (const value of [
      ...secrets,
      ...wrongPasswords,
      firstTokens.access_token,
      firstTokens.refresh_token,
      secondTokens.access_token,
      secondTokens.refresh_token,
      third.access_token,
      third.refresh_token,
      fourth.refresh_token,
    ]) {
      expect(output).not.toContain(value);
    }
    // Nor the secret parts of the refresh tokens alone.
    expect(output).not.toContain(firstTokens.refresh_token.split('.')[2]);
  });
});
