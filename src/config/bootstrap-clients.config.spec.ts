import { parseBootstrapClients } from './bootstrap-clients.config.js';
import { ConfigError } from './config-error.js';

const SECRET = 's'.repeat(32);

describe('parseBootstrapClients', () => {
  it('reads nothing when BOOTSTRAP_CLIENTS is unset', () => {
    expect(parseBootstrapClients(undefined)).toEqual([]);
  });

  it('reads a confidential client with every field', () => {
    const raw = JSON.stringify([
      {
        client_id: 'backend',
        client_secret: SECRET,
        grant_types: ['password', 'refresh_token'],
        name: 'Back end',
        scopes: ['profile', 'sessions:read'],
        access_token_ttl: 300,
        session_ttl: 86_400,
        refresh_reuse_grace: 30,
      },
    ]);
    expect(parseBootstrapClients(raw)).toEqual([
      {
        id: 'backend',
        secret: SECRET,
        grantTypes: ['password', 'refresh_token'],
        name: 'Back end',
        scopes: ['profile', 'sessions:read'],
        accessTokenTtlSeconds: 300,
        sessionTtlSeconds: 86_400,
        refreshReuseGraceSeconds: 30,
      },
    ]);
  });

  it('reads a resource server that may introspect and needs no grant', () => {
    const raw = JSON.stringify([
      { client_id: 'api', client_secret: SECRET, grant_types: [], introspection: true },
    ]);
    expect(parseBootstrapClients(raw)).toEqual([
      { id: 'api', name: 'api', grantTypes: [], scopes: [], secret: SECRET, introspection: true },
    ]);
  });

  it('leaves introspection out when it is false, as when it is absent', () => {
    const raw = JSON.stringify([
      { client_id: 'app', client_secret: SECRET, grant_types: ['password'], introspection: false },
    ]);
    expect(parseBootstrapClients(raw)[0]).not.toHaveProperty('introspection');
  });

  it('reads a public client with defaults: name = id, no scopes, no secret', () => {
    const [client] = parseBootstrapClients('[{"client_id":"spa","grant_types":["password"]}]');
    expect(client).toMatchObject({ id: 'spa', name: 'spa', scopes: [], grantTypes: ['password'] });
    expect(client.secret).toBeUndefined();
  });

  const entry = (fields: Record<string, unknown>) =>
    JSON.stringify([{ client_id: 'app', grant_types: ['password'], ...fields }]);

  it.each([
    ['not JSON', '[{', 'BOOTSTRAP_CLIENTS must be valid JSON'],
    [
      'an object, not an array',
      '{"client_id":"app"}',
      'BOOTSTRAP_CLIENTS must be a JSON array of clients',
    ],
    ['an entry that is not an object', '["app"]', 'BOOTSTRAP_CLIENTS[0]: must be an object'],
    [
      'no client_id',
      '[{"grant_types":["password"]}]',
      'BOOTSTRAP_CLIENTS[0]: client_id is required',
    ],
    [
      'no grant_types',
      '[{"client_id":"app"}]',
      'BOOTSTRAP_CLIENTS[0] ("app"): grant_types is required',
    ],
    [
      'an unknown grant type',
      entry({ grant_types: ['password', 'implicit'] }),
      'BOOTSTRAP_CLIENTS[0] ("app"): grant_types: "implicit" is not one of password, refresh_token, client_credentials',
    ],
    [
      'empty grant_types',
      entry({ grant_types: [] }),
      'BOOTSTRAP_CLIENTS[0] ("app"): grant_types must list at least one of password, refresh_token, client_credentials',
    ],
    [
      'grant_types as a string',
      entry({ grant_types: 'password' }),
      'BOOTSTRAP_CLIENTS[0] ("app"): grant_types must be an array of strings',
    ],
    [
      'a misspelt key',
      entry({ grant_type: ['password'] }),
      'BOOTSTRAP_CLIENTS[0] ("app"): unknown key "grant_type"; known: client_id, client_secret, grant_types, name, scopes, introspection, access_token_ttl, session_ttl, refresh_reuse_grace',
    ],
    [
      'a __proto__ key',
      '[{"client_id":"app","grant_types":["password"],"__proto__":{"client_secret":"x"}}]',
      'BOOTSTRAP_CLIENTS[0] ("app"): unknown key "__proto__"; known: client_id, client_secret, grant_types, name, scopes, introspection, access_token_ttl, session_ttl, refresh_reuse_grace',
    ],
    [
      'a null secret',
      entry({ client_secret: null }),
      'BOOTSTRAP_CLIENTS[0] ("app"): client_secret must be a string',
    ],
    [
      'introspection as a string',
      entry({ client_secret: SECRET, introspection: 'yes' }),
      'BOOTSTRAP_CLIENTS[0] ("app"): introspection must be true or false',
    ],
    [
      'introspection for a public client',
      entry({ introspection: true }),
      'BOOTSTRAP_CLIENTS[0] ("app"): introspection is only for confidential clients (with a client_secret)',
    ],
    [
      'an empty grant_types without introspection',
      entry({ client_secret: SECRET, grant_types: [] }),
      'BOOTSTRAP_CLIENTS[0] ("app"): grant_types must list at least one of password, refresh_token, client_credentials',
    ],
    [
      'a scope over 64 characters',
      entry({ scopes: ['s'.repeat(65)] }),
      `BOOTSTRAP_CLIENTS[0] ("app"): scopes: "${'s'.repeat(65)}" is not a valid scope (RFC 6749 §3.3: 1-64 printable characters, no spaces, quotes or backslashes)`,
    ],
    [
      'a short secret',
      entry({ client_secret: 'x'.repeat(31) }),
      'BOOTSTRAP_CLIENTS[0] ("app"): client_secret must be 32-256 characters (got 31)',
    ],
    [
      'a numeric secret',
      entry({ client_secret: 12345 }),
      'BOOTSTRAP_CLIENTS[0] ("app"): client_secret must be a string',
    ],
    [
      'refresh_reuse_grace over 60',
      entry({ refresh_reuse_grace: 61 }),
      'BOOTSTRAP_CLIENTS[0] ("app"): refresh_reuse_grace must be a whole number of seconds from 0 to 60, got 61',
    ],
    [
      'a negative refresh_reuse_grace',
      entry({ refresh_reuse_grace: -1 }),
      'BOOTSTRAP_CLIENTS[0] ("app"): refresh_reuse_grace must be a whole number of seconds from 0 to 60, got -1',
    ],
    [
      'a fractional access_token_ttl',
      entry({ access_token_ttl: 1.5 }),
      'BOOTSTRAP_CLIENTS[0] ("app"): access_token_ttl must be a whole number of seconds',
    ],
    [
      'an access_token_ttl under a minute',
      entry({ access_token_ttl: 59 }),
      'BOOTSTRAP_CLIENTS[0] ("app"): access_token_ttl must be a whole number of seconds from 60 to 86400, got 59',
    ],
    [
      'a client_id with a colon',
      '[{"client_id":"a:b","grant_types":["password"]}]',
      'BOOTSTRAP_CLIENTS[0] ("a:b"): client_id must be 1-128 of A-Z a-z 0-9 . _ ~ - and start with a letter or digit, got "a:b"',
    ],
    [
      'a scope with a space',
      entry({ scopes: ['read write'] }),
      'BOOTSTRAP_CLIENTS[0] ("app"): scopes: "read write" is not a valid scope (RFC 6749 §3.3: 1-64 printable characters, no spaces, quotes or backslashes)',
    ],
    [
      'the same client twice',
      `[${entry({}).slice(1, -1)},${entry({}).slice(1, -1)}]`,
      'BOOTSTRAP_CLIENTS[1] ("app"): client_id appears twice',
    ],
  ])('refuses %s with one line naming BOOTSTRAP_CLIENTS', (_case, raw, message) => {
    expect(() => parseBootstrapClients(raw)).toThrow(new ConfigError(message));
  });

  it('never repeats a secret in its message', () => {
    const secret = 'short-but-secret';
    expect(() => parseBootstrapClients(entry({ client_secret: secret }))).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
  });
});
