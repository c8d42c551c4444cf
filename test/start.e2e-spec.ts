import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PASSWORD } from './setup/oauth.js';

/** The local server as `npm start` runs it (dist/main.js), in a process of its own. */
describe('starting the local server', () => {
  beforeAll(() => {
    execFileSync(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build'], {
      stdio: 'ignore',
    });
  });

  function start(env: Record<string, string>) {
    return spawnSync(process.execPath, ['dist/main.js'], {
      env: { DATA_DIR: mkdtempSync(join(tmpdir(), 'start-')), ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
  }

  it('says in one line that Java is missing, and the way out', () => {
    const result = start({ PATH: '/nonexistent' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Cannot start: DynamoDB Local needs Java 17+ and `java` was not found: install a Java runtime, or set DYNAMODB_ENDPOINT to a DynamoDB you run yourself.',
    );
  });

  it('refuses a bad setting with one line naming the variable', () => {
    const result = start({ PATH: process.env.PATH ?? '', PORT: 'eighty' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Cannot start: PORT must be a whole number from 1 to 65535, got "eighty"',
    );
  });

  it('logs requests as JSON lines with a request id, and never a password or token', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const server = spawn(process.execPath, ['dist/main.js'], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        LOG_LEVEL: 'trace',
        DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT ?? '',
        TABLE_NAME: `logs-${randomUUID()}`,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'logs-')),
      },
    });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 100 && !output.includes('listening'); i++) await sleep(100);
      const email = `logs-${randomUUID()}@example.com`;
      const json = { 'content-type': 'application/json' };
      await fetch(`${base}/user`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      const form = (body: Record<string, string>) =>
        fetch(`${base}/oauth/token`, { method: 'POST', body: new URLSearchParams(body) });
      const tokens = (await (
        await form({
          grant_type: 'password',
          username: email,
          password: PASSWORD,
          client_id: 'demo-app',
        })
      ).json()) as { access_token: string; refresh_token: string };
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const me = await fetch(`${base}/user`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(me.status).toBe(200);
      await form({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: 'demo-app',
      });
      await fetch(`${base}/oauth/revoke?token=${tokens.refresh_token}`, { method: 'POST' });
      await sleep(200);

      const lines = output.split('\n').filter((line) => line.startsWith('{'));
      const requests = lines
        .map((line) => JSON.parse(line) as { req?: { id?: string; path?: string } })
        .filter((entry) => entry.req);
      expect(requests.map((entry) => entry.req?.path)).toEqual(
        expect.arrayContaining(['/user', '/oauth/token', '/oauth/revoke']),
      );
      expect(requests.every((entry) => typeof entry.req?.id === 'string')).toBe(true);
      expect(output).toContain('[redacted]');
      for (const secret of [PASSWORD, tokens.access_token, tokens.refresh_token]) {
        expect(output).not.toContain(secret);
      }
      expect(output).not.toContain(encodeURIComponent(PASSWORD));
    } finally {
      server.kill('SIGINT');
    }
  });
});
