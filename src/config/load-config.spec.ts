import { ConfigError, loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('has working defaults for a local run', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      dataDir: '.data',
      dynamodb: { endpoint: undefined, region: 'us-east-1', tableName: 'session-service' },
      tokens: {
        issuer: 'http://localhost:3000',
        audience: 'http://localhost:3000',
        accessTokenTtlSeconds: 900,
        sessionTtlSeconds: 30 * 86_400,
        refreshReuseGraceSeconds: 0,
      },
      passwords: { minLength: 12, maxLength: 256 },
      clients: { demoClient: true },
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      ISSUER: 'https://auth.example.com/',
      ACCESS_TOKEN_AUDIENCE: 'https://api.example.com',
      ACCESS_TOKEN_TTL: '300',
      SESSION_TTL: '86400',
      REFRESH_REUSE_GRACE: '10',
      PASSWORD_MIN_LENGTH: '15',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      TABLE_NAME: 'sessions-dev',
      LOG_LEVEL: 'debug',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config.port).toBe(8080);
    expect(config.tokens.issuer).toBe('https://auth.example.com');
    expect(config.tokens.audience).toBe('https://api.example.com');
    expect(config.tokens.accessTokenTtlSeconds).toBe(300);
    expect(config.tokens.refreshReuseGraceSeconds).toBe(10);
    expect(config.passwords.minLength).toBe(15);
    expect(config.dynamodb).toEqual({
      endpoint: 'http://127.0.0.1:8000',
      region: 'us-east-1',
      tableName: 'sessions-dev',
    });
    expect(config.logLevel).toBe('debug');
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT must be a whole number from 1 to 65535/],
    [{ PORT: '70000' }, /^PORT must be/],
    [{ ACCESS_TOKEN_TTL: '-5' }, /^ACCESS_TOKEN_TTL must be/],
    [{ REFRESH_REUSE_GRACE: '61' }, /^REFRESH_REUSE_GRACE must be a whole number from 0 to 60/],
    [{ PASSWORD_MIN_LENGTH: '4' }, /^PASSWORD_MIN_LENGTH must be/],
    [{ ISSUER: 'not a url' }, /^ISSUER must be an http\(s\) URL/],
    [{ DYNAMODB_ENDPOINT: 'ftp://x' }, /^DYNAMODB_ENDPOINT must be an http\(s\) URL/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV must be one of/],
    [{ TABLE_NAME: 'a b' }, /^TABLE_NAME must be/],
    [{ BOOTSTRAP_CLIENTS: '[{' }, /^BOOTSTRAP_CLIENTS must be valid JSON/],
    [{ NODE_ENV: 'production' }, /^JWT_SIGNING_KEYS is required when NODE_ENV=production/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('turns the demo client off on Lambda unless asked for', () => {
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'fn' }).clients.demoClient).toBe(false);
    expect(
      loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'fn', DEMO_CLIENT: 'true' }).clients.demoClient,
    ).toBe(true);
  });
});
