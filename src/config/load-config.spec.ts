import { availableParallelism } from 'node:os';
import { generateSigningKeySet } from '../auth/keys/signing-keys.js';
import { ConfigError, loadConfig } from './load-config.js';

const SIGNING_KEYS = generateSigningKeySet('ES256');
const PARSED_KEYS = (JSON.parse(SIGNING_KEYS) as { keys: unknown[] }).keys;

/** What production needs besides NODE_ENV, so each case below changes one thing only. */
const PRODUCTION = {
  NODE_ENV: 'production',
  DYNAMODB_ENDPOINT: 'https://dynamodb.eu-west-1.amazonaws.com',
  JWT_SIGNING_KEYS: SIGNING_KEYS,
};

describe('loadConfig', () => {
  it('has working defaults for a local run', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      env: 'development',
      onLambda: false,
      port: 3000,
      dataDir: '.data',
      logLevel: 'info',
      dynamodb: { endpoint: undefined, region: 'us-east-1', tableName: 'session-service' },
      tokens: {
        issuer: 'http://localhost:3000',
        audience: 'http://localhost:3000',
        accessTokenTtlSeconds: 900,
        sessionTtlSeconds: 30 * 86_400,
        refreshReuseGraceSeconds: 0,
        accessTokenAlg: 'ES256',
        signingKeys: undefined,
      },
      passwords: { minLength: 12, maxLength: 256 },
      clients: { demoClient: true, bootstrap: [], cacheSeconds: 60 },
      login: {
        maxFailures: 5,
        lockSeconds: 60,
        lockMaxSeconds: 900,
        accountMaxFailures: 100,
        accountWindowSeconds: 86_400,
      },
      rateLimits: { credentialsPerMinute: 120, perMinute: 1200 },
      trustProxy: 0,
      hashing: { concurrency: availableParallelism(), queueMax: 32 },
      sessions: { maxPerUser: 50 },
      mail: { publicUrl: 'http://localhost:3000', from: 'no-reply@localhost' },
      accounts: {
        emailTokenTtlSeconds: 86_400,
        resetTokenTtlSeconds: 900,
        requireVerifiedEmail: false,
      },
      corsOrigins: [],
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      DATA_DIR: '/var/lib/sessions',
      ISSUER: 'https://auth.example.com/',
      ACCESS_TOKEN_AUDIENCE: 'https://api.example.com',
      ACCESS_TOKEN_TTL: '300',
      SESSION_TTL: '86400',
      REFRESH_REUSE_GRACE: '10',
      PASSWORD_MIN_LENGTH: '15',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      TABLE_NAME: 'sessions-dev',
      AWS_REGION: 'eu-central-1',
      JWT_SIGNING_KEYS: SIGNING_KEYS,
      ACCESS_TOKEN_ALG: 'ES256',
      DEMO_CLIENT: 'false',
      BOOTSTRAP_CLIENTS: '[{"client_id":"spa","grant_types":["password"]}]',
      CLIENT_CACHE_SECONDS: '2',
      LOGIN_MAX_FAILURES: '3',
      LOGIN_LOCK_SECONDS: '30',
      LOGIN_LOCK_MAX_SECONDS: '600',
      LOGIN_ACCOUNT_MAX_FAILURES: '50',
      LOGIN_ACCOUNT_WINDOW_SECONDS: '3600',
      RATE_LIMIT_CREDENTIALS_PER_MINUTE: '60',
      RATE_LIMIT_PER_MINUTE: '600',
      TRUST_PROXY: '1',
      HASH_CONCURRENCY: '1',
      HASH_QUEUE_MAX: '2',
      MAX_SESSIONS_PER_USER: '10',
      PUBLIC_URL: 'https://app.example.com/',
      MAIL_FROM: 'Example <no-reply@example.com>',
      SMTP_URL: 'smtp://user:pass@mail.example.com:587',
      EMAIL_TOKEN_TTL: '3600',
      RESET_TOKEN_TTL: '600',
      REQUIRE_VERIFIED_EMAIL: 'true',
      LOG_LEVEL: 'debug',
      CORS_ORIGINS: 'https://a.example, https://b.example/',
    });
    expect(config).toEqual({
      env: 'development',
      onLambda: false,
      port: 8080,
      dataDir: '/var/lib/sessions',
      logLevel: 'debug',
      dynamodb: {
        endpoint: 'http://127.0.0.1:8000',
        region: 'eu-central-1',
        tableName: 'sessions-dev',
      },
      tokens: {
        issuer: 'https://auth.example.com',
        audience: 'https://api.example.com',
        accessTokenTtlSeconds: 300,
        sessionTtlSeconds: 86_400,
        refreshReuseGraceSeconds: 10,
        accessTokenAlg: 'ES256',
        signingKeys: PARSED_KEYS,
      },
      passwords: { minLength: 15, maxLength: 256 },
      clients: {
        demoClient: false,
        bootstrap: [{ id: 'spa', name: 'spa', grantTypes: ['password'], scopes: [] }],
        cacheSeconds: 2,
      },
      login: {
        maxFailures: 3,
        lockSeconds: 30,
        lockMaxSeconds: 600,
        accountMaxFailures: 50,
        accountWindowSeconds: 3600,
      },
      rateLimits: { credentialsPerMinute: 60, perMinute: 600 },
      trustProxy: 1,
      hashing: { concurrency: 1, queueMax: 2 },
      sessions: { maxPerUser: 10 },
      mail: {
        publicUrl: 'https://app.example.com',
        from: 'Example <no-reply@example.com>',
        smtpUrl: 'smtp://user:pass@mail.example.com:587',
      },
      accounts: {
        emailTokenTtlSeconds: 3600,
        resetTokenTtlSeconds: 600,
        requireVerifiedEmail: true,
      },
      corsOrigins: ['https://a.example', 'https://b.example'],
    });
  });

  it('takes an empty or blank variable as unset', () => {
    expect(loadConfig({ PORT: '', ISSUER: '  ', DEMO_CLIENT: '' })).toMatchObject({
      port: 3000,
      tokens: { issuer: 'http://localhost:3000' },
      clients: { demoClient: true },
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a whole number from 1 to 65535, got "eighty"'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 1 to 65535, got "70000"'],
    [{ PORT: '1e3' }, 'PORT must be a whole number from 1 to 65535, got "1e3"'],
    [
      { ACCESS_TOKEN_TTL: '-5' },
      'ACCESS_TOKEN_TTL must be a whole number from 60 to 86400, got "-5"',
    ],
    [{ SESSION_TTL: '299' }, 'SESSION_TTL must be a whole number from 300 to 31536000, got "299"'],
    [
      { REFRESH_REUSE_GRACE: '61' },
      'REFRESH_REUSE_GRACE must be a whole number from 0 to 60, got "61"',
    ],
    [
      { PASSWORD_MIN_LENGTH: '4' },
      'PASSWORD_MIN_LENGTH must be a whole number from 8 to 64, got "4"',
    ],
    [{ ISSUER: 'not a url' }, 'ISSUER must be an http(s) URL, got "not a url"'],
    [{ DYNAMODB_ENDPOINT: 'ftp://x' }, 'DYNAMODB_ENDPOINT must be an http(s) URL, got "ftp://x"'],
    [{ PUBLIC_URL: 'example.com' }, 'PUBLIC_URL must be an http(s) URL, got "example.com"'],
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
    [
      { NODE_ENV: 'staging' },
      'NODE_ENV must be one of development, production, test, got "staging"',
    ],
    [{ TABLE_NAME: 'a b' }, 'TABLE_NAME must be 3-255 of A-Z a-z 0-9 _ . -, got "a b"'],
    [{ AWS_REGION: 'Europe' }, 'AWS_REGION must be an AWS region such as eu-west-1, got "Europe"'],
    [{ DEMO_CLIENT: 'yes' }, 'DEMO_CLIENT must be true or false, got "yes"'],
    [{ REQUIRE_VERIFIED_EMAIL: '1' }, 'REQUIRE_VERIFIED_EMAIL must be true or false, got "1"'],
    [
      { CLIENT_CACHE_SECONDS: '3601' },
      'CLIENT_CACHE_SECONDS must be a whole number from 0 to 3600, got "3601"',
    ],
    [
      { LOGIN_MAX_FAILURES: '0' },
      'LOGIN_MAX_FAILURES must be a whole number from 1 to 100, got "0"',
    ],
    [
      { LOGIN_LOCK_SECONDS: 'soon' },
      'LOGIN_LOCK_SECONDS must be a whole number from 1 to 86400, got "soon"',
    ],
    [
      { LOGIN_LOCK_SECONDS: '120', LOGIN_LOCK_MAX_SECONDS: '60' },
      'LOGIN_LOCK_MAX_SECONDS must be at least LOGIN_LOCK_SECONDS (120), got "60"',
    ],
    [
      { LOGIN_ACCOUNT_MAX_FAILURES: '4' },
      'LOGIN_ACCOUNT_MAX_FAILURES must be at least LOGIN_MAX_FAILURES (5), got "4"',
    ],
    [
      { LOGIN_ACCOUNT_WINDOW_SECONDS: '59' },
      'LOGIN_ACCOUNT_WINDOW_SECONDS must be a whole number from 60 to 2592000, got "59"',
    ],
    [
      { RATE_LIMIT_CREDENTIALS_PER_MINUTE: '0' },
      'RATE_LIMIT_CREDENTIALS_PER_MINUTE must be a whole number from 1 to 100000, got "0"',
    ],
    [
      { RATE_LIMIT_PER_MINUTE: 'many' },
      'RATE_LIMIT_PER_MINUTE must be a whole number from 1 to 1000000, got "many"',
    ],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY must be a whole number from 0 to 10, got "true"'],
    [{ HASH_CONCURRENCY: '0' }, 'HASH_CONCURRENCY must be a whole number from 1 to 256, got "0"'],
    [{ HASH_QUEUE_MAX: '-1' }, 'HASH_QUEUE_MAX must be a whole number from 0 to 10000, got "-1"'],
    [
      { MAX_SESSIONS_PER_USER: '0' },
      'MAX_SESSIONS_PER_USER must be a whole number from 1 to 10000, got "0"',
    ],
    [
      { EMAIL_TOKEN_TTL: '60' },
      'EMAIL_TOKEN_TTL must be a whole number from 300 to 2592000, got "60"',
    ],
    [
      { RESET_TOKEN_TTL: '86401' },
      'RESET_TOKEN_TTL must be a whole number from 60 to 86400, got "86401"',
    ],
    [
      { MAIL_FROM: 'nobody' },
      'MAIL_FROM must be an email address, optionally as "Name <address>", got "nobody"',
    ],
    [{ SMTP_URL: 'http://mail.example.com' }, 'SMTP_URL must be an smtp:// or smtps:// URL'],
    [
      { CORS_ORIGINS: 'https://a.example,https://b.example/path' },
      'CORS_ORIGINS must be a comma-separated list of origins (scheme://host[:port]) or *, got "https://b.example/path"',
    ],
    [{ JWT_SIGNING_KEYS: '{"keys":' }, 'JWT_SIGNING_KEYS must be valid JSON'],
    [{ BOOTSTRAP_CLIENTS: '[{' }, 'BOOTSTRAP_CLIENTS must be valid JSON'],
    [
      { BOOTSTRAP_CLIENTS: '[{"client_id":"x","grant_types":["implicit"]}]' },
      'BOOTSTRAP_CLIENTS[0] ("x"): grant_types: "implicit" is not one of password, refresh_token, client_credentials',
    ],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  it('reports the first problem in the order of the configuration table', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(/^PORT /);
  });

  it.each([
    ['JWT_SIGNING_KEYS', 'a JWK set with a secret in it'],
    ['SMTP_URL', 'smtp-but-not://user:hunter2@mail.example.com'],
    [
      'BOOTSTRAP_CLIENTS',
      '[{"client_id":"x","grant_types":["password"],"client_secret":"hunter2"}]',
    ],
  ])('never quotes the value of %s, which may hold a secret', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
    expect(() => loadConfig({ [name]: value })).toThrow(
      expect.objectContaining({ message: expect.stringContaining(name) }),
    );
  });

  describe('with NODE_ENV=production', () => {
    it('starts with an endpoint and keys, without demo-app and with info logs', () => {
      const config = loadConfig(PRODUCTION);
      expect(config).toMatchObject({ env: 'production', logLevel: 'info' });
      expect(config.clients.demoClient).toBe(false);
    });

    it('has demo-app only when asked for', () => {
      expect(loadConfig({ ...PRODUCTION, DEMO_CLIENT: 'true' }).clients.demoClient).toBe(true);
    });

    it.each([
      [
        { DYNAMODB_ENDPOINT: '' },
        'DYNAMODB_ENDPOINT is required when NODE_ENV=production outside Lambda (DynamoDB Local is for development): set it to your DynamoDB, e.g. https://dynamodb.us-east-1.amazonaws.com',
      ],
      [{ JWT_SIGNING_KEYS: '' }, 'JWT_SIGNING_KEYS is required when NODE_ENV=production'],
      [
        { CORS_ORIGINS: 'https://a.example,*' },
        'CORS_ORIGINS must not be * when NODE_ENV=production',
      ],
    ])('refuses %j', (change, message) => {
      expect(() => loadConfig({ ...PRODUCTION, ...change })).toThrow(new ConfigError(message));
    });

    it('needs no DYNAMODB_ENDPOINT on Lambda, where it means the regional DynamoDB', () => {
      const config = loadConfig({
        ...PRODUCTION,
        DYNAMODB_ENDPOINT: undefined,
        AWS_LAMBDA_FUNCTION_NAME: 'fn',
      });
      expect(config.dynamodb.endpoint).toBeUndefined();
      expect(config.onLambda).toBe(true);
    });
  });

  it('turns the demo client off on Lambda unless asked for', () => {
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'fn' }).clients.demoClient).toBe(false);
    expect(
      loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'fn', DEMO_CLIENT: 'true' }).clients.demoClient,
    ).toBe(true);
  });

  it('is silent under test unless LOG_LEVEL says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    expect(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ HOME: '/root', PATH: '/bin' })).toEqual(loadConfig({}));
  });
});
