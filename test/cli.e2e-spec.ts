import { randomUUID } from 'node:crypto';
import { run, type CliDeps } from '../src/cli.js';
import { ClientsService } from '../src/clients/clients.service.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

/**
 * The CLI's run() in-process (spawning `node dist/cli.js` would need a build first), on the run's
 * DynamoDB Local with a table of its own that the CLI creates, as on a fresh data folder.
 */
describe('npm run cli -- clients … (DynamoDB Local)', () => {
  const tableName = `test-cli-${randomUUID()}`;

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const deps: CliDeps = {
      env: {
        NODE_ENV: 'test',
        DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT,
        TABLE_NAME: tableName,
        // Must be ignored: the CLI manages what is stored, it does not declare clients.
        DEMO_CLIENT: 'true',
      },
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    };
    const code = await run(argv, deps);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  let secret: string;

  it('lists no clients on a fresh table (and creates the table)', async () => {
    await expect(cli('clients', 'list')).resolves.toEqual({ code: 0, out: 'No clients.', err: '' });
  });

  it('creates a confidential client and prints its secret once, with a warning', async () => {
    const result = await cli(
      'clients',
      'create',
      '--id',
      'my-app',
      '--name',
      'My app',
      '--grant',
      'password',
      '--grant',
      'refresh_token',
      '--confidential',
      '--scope',
      'profile',
      '--access-token-ttl',
      '300',
    );
    expect(result.code).toBe(0);
    const match = /^client_secret: ([A-Za-z0-9_-]{43})$/m.exec(result.out);
    expect(match).not.toBeNull();
    secret = match![1];
    expect(result.out).toContain(
      'Created my-app (confidential) "My app"; grants: password, refresh_token; scopes: profile; lifetimes: access token 300s',
    );
    expect(result.err).toMatch(/shown only this once/);
  });

  it('creates a public client', async () => {
    const result = await cli('clients', 'create', '--id', 'spa', '--grant', 'password');
    expect(result).toEqual({
      code: 0,
      out: 'Created spa (public) "spa"; grants: password; scopes: (none)',
      err: '',
    });
  });

  it('creates a resource server that may introspect, with no grant', async () => {
    const result = await cli(
      'clients',
      'create',
      '--id',
      'my-api',
      '--confidential',
      '--introspection',
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'Created my-api (confidential) "my-api"; grants: (none); scopes: (none); may introspect tokens',
    );
    expect(result.out).toMatch(/^client_secret: [A-Za-z0-9_-]{43}$/m);
  });

  it('refuses to create a client whose id is taken', async () => {
    const result = await cli('clients', 'create', '--id', 'my-app', '--grant', 'password');
    expect(result).toEqual({ code: 1, out: '', err: 'client my-app already exists' });
  });

  it('refuses a grant type it does not know, naming the known ones', async () => {
    const result = await cli('clients', 'create', '--id', 'x', '--grant', 'implicit');
    expect(result).toEqual({
      code: 1,
      out: '',
      err: 'grant types: "implicit" is not one of password, refresh_token, client_credentials',
    });
  });

  it('lists the clients, as text and as JSON without secrets', async () => {
    const text = await cli('clients', 'list');
    expect(text.out.split('\n')).toEqual([
      'my-api (confidential) "my-api"; grants: (none); scopes: (none); may introspect tokens',
      'my-app (confidential) "My app"; grants: password, refresh_token; scopes: profile; lifetimes: access token 300s',
      'spa (public) "spa"; grants: password; scopes: (none)',
    ]);
    const json = await cli('clients', 'list', '--json');
    expect(JSON.parse(json.out)).toEqual([
      {
        id: 'my-api',
        name: 'my-api',
        type: 'confidential',
        grantTypes: [],
        scopes: [],
        introspection: true,
      },
      {
        id: 'my-app',
        name: 'My app',
        type: 'confidential',
        grantTypes: ['password', 'refresh_token'],
        scopes: ['profile'],
        accessTokenTtlSeconds: 300,
      },
      { id: 'spa', name: 'spa', type: 'public', grantTypes: ['password'], scopes: [] },
    ]);
    expect(json.out).not.toContain(secret);
  });

  describe('the server sees what the CLI did', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ TABLE_NAME: tableName, DEMO_CLIENT: 'false' });
    });
    afterAll(() => t.close());

    it('authenticates the created client with the printed secret', async () => {
      const clients = t.app.get(ClientsService);
      await expect(
        clients.authenticate({
          clientId: 'my-app',
          clientSecret: secret,
          method: 'client_secret_basic',
        }),
      ).resolves.toMatchObject({ client: { id: 'my-app', type: 'confidential' } });
      await expect(
        clients.authenticate({
          clientId: 'my-app',
          clientSecret: `${secret}x`,
          method: 'client_secret_basic',
        }),
      ).resolves.toEqual({ refusal: 'unknown-or-wrong-secret' });
    });
  });

  it('deletes a client, and says so when there is none', async () => {
    await expect(cli('clients', 'delete', '--id', 'spa')).resolves.toEqual({
      code: 0,
      out: 'Deleted client spa.',
      err: '',
    });
    await expect(cli('clients', 'delete', '--id', 'spa')).resolves.toEqual({
      code: 1,
      out: '',
      err: 'No client spa.',
    });
    const ids = JSON.parse((await cli('clients', 'list', '--json')).out) as { id: string }[];
    expect(ids.map((client) => client.id)).toEqual(['my-api', 'my-app']);
  });

  it('answers exit code 1 with one line when DynamoDB cannot be reached', async () => {
    const lines: string[] = [];
    const result = await run(['clients', 'list'], {
      env: { NODE_ENV: 'test', DYNAMODB_ENDPOINT: 'http://127.0.0.1:9', TABLE_NAME: tableName },
      out: () => undefined,
      err: (line) => lines.push(line),
    });
    expect(result).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^DynamoDB unavailable: .*ECONNREFUSED/)]);
  });

  it('answers exit code 1 with one line on a bad configuration', async () => {
    const lines: string[] = [];
    const result = await run(['clients', 'list'], {
      env: { NODE_ENV: 'test', DYNAMODB_ENDPOINT: 'http://127.0.0.1:9', TABLE_NAME: 'x' },
      out: () => undefined,
      err: (line) => lines.push(line),
    });
    expect(result).toBe(1);
    expect(lines).toEqual(['TABLE_NAME must be 3-255 of A-Z a-z 0-9 _ . -, got "x"']);
  });
});
