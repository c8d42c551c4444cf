import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PASSWORD } from './setup/oauth.js';
import { freePort } from './setup/free-port.js';

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

  describe('with NODE_ENV=production', () => {
    /** A JWK set as operators make one (README): production requires configured keys. */
    function signingKeys(): string {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = privateKey.export({ format: 'jwk' });
      return JSON.stringify({ keys: [{ ...jwk, kid: 'start-test', alg: 'ES256', use: 'sig' }] });
    }

    /** dist/main.js until it listens; `stop` ends it. */
    async function serve(env: Record<string, string>) {
      const port = await freePort();
      const server = spawn(process.execPath, ['dist/main.js'], {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'production',
          PORT: String(port),
          DATA_DIR: mkdtempSync(join(tmpdir(), 'prod-')),
          JWT_SIGNING_KEYS: signingKeys(),
          LOG_LEVEL: 'warn',
          ...env,
        },
      });
      let output = '';
      server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      for (let i = 0; i < 300 && !output.includes('listening') && server.exitCode === null; i++) {
        await sleep(100);
      }
      if (!output.includes('listening')) {
        server.kill('SIGKILL');
        throw new Error(`the server did not start:\n${output}`);
      }
      const stopped = new Promise((resolve) => server.once('exit', resolve));
      return {
        base: `http://127.0.0.1:${port}`,
        stop: async () => {
          server.kill('SIGTERM');
          await stopped;
        },
      };
    }

    /** A password grant for nobody: 400 invalid_grant once the client is accepted, 401 if not. */
    async function tryDemoApp(base: string) {
      const response = await fetch(`${base}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          username: `nobody-${randomUUID()}@example.com`,
          password: PASSWORD,
          client_id: 'demo-app',
        }),
      });
      return { status: response.status, body: (await response.json()) as { error: string } };
    }

    it('refuses to start without DYNAMODB_ENDPOINT, in one line, starting no DynamoDB Local', () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'prod-'));
      const result = start({
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        JWT_SIGNING_KEYS: signingKeys(),
        DATA_DIR: dataDir,
      });
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(
        'Cannot start: DYNAMODB_ENDPOINT is required when NODE_ENV=production outside Lambda (DynamoDB Local is for development): set it to your DynamoDB, e.g. https://dynamodb.us-east-1.amazonaws.com',
      );
      // DynamoDB Local keeps its files in DATA_DIR: it never ran.
      expect(readdirSync(dataDir)).toEqual([]);
    });

    it('has no demo-app unless DEMO_CLIENT=true', async () => {
      const env = {
        DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT ?? '',
        TABLE_NAME: `prod-${randomUUID()}`,
      };
      const without = await serve(env);
      try {
        expect(await tryDemoApp(without.base)).toEqual({
          status: 401,
          body: expect.objectContaining({ error: 'invalid_client' }),
        });
      } finally {
        await without.stop();
      }
      const withDemo = await serve({ ...env, DEMO_CLIENT: 'true' });
      try {
        expect(await tryDemoApp(withDemo.base)).toEqual({
          status: 400,
          body: expect.objectContaining({ error: 'invalid_grant' }),
        });
      } finally {
        await withDemo.stop();
      }
    });
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
