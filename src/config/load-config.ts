import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { AppConfig } from './app-config.js';
import { parseBootstrapClients } from './bootstrap-clients.config.js';
import { ConfigError } from './config-error.js';
import { Environment } from './environment.schema.js';
import { signingKeysConfig } from './signing-keys.config.js';

// Re-exported: the entry points (main, lambda, the CLI) catch it from here.
export { ConfigError } from './config-error.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Trimmed values; an empty variable counts as unset, as shells and templates often leave them. */
function present(env: Env): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const trimmed = value?.trim();
    if (trimmed) values[name] = trimmed;
  }
  return values;
}

/** The schema's checks, then the rules between variables; the first problem is the error. */
function validated(env: Env): Environment {
  const schema = plainToInstance(Environment, present(env), {
    excludeExtraneousValues: true,
    exposeDefaultValues: true,
  });
  const [first] = validateSync(schema, { skipUndefinedProperties: true, stopAtFirstError: true });
  if (first) throw new ConfigError(Object.values(first.constraints ?? {})[0]);

  const production = schema.NODE_ENV === 'production';
  const onLambda = schema.AWS_LAMBDA_FUNCTION_NAME !== undefined;
  if (production && !onLambda && schema.DYNAMODB_ENDPOINT === undefined) {
    // Without it the local server would start an embedded DynamoDB Local: a development tool.
    throw new ConfigError(
      'DYNAMODB_ENDPOINT is required when NODE_ENV=production outside Lambda (DynamoDB Local is for development): set it to your DynamoDB, e.g. https://dynamodb.us-east-1.amazonaws.com',
    );
  }
  if (production && schema.JWT_SIGNING_KEYS === undefined) {
    throw new ConfigError('JWT_SIGNING_KEYS is required when NODE_ENV=production');
  }
  if (schema.LOGIN_LOCK_MAX_SECONDS < schema.LOGIN_LOCK_SECONDS) {
    throw new ConfigError(
      `LOGIN_LOCK_MAX_SECONDS must be at least LOGIN_LOCK_SECONDS (${schema.LOGIN_LOCK_SECONDS}), got "${schema.LOGIN_LOCK_MAX_SECONDS}"`,
    );
  }
  if (schema.LOGIN_ACCOUNT_MAX_FAILURES < schema.LOGIN_MAX_FAILURES) {
    // A lower account-wide ceiling would make the per-source lock, which spares the owner, moot.
    throw new ConfigError(
      `LOGIN_ACCOUNT_MAX_FAILURES must be at least LOGIN_MAX_FAILURES (${schema.LOGIN_MAX_FAILURES}), got "${schema.LOGIN_ACCOUNT_MAX_FAILURES}"`,
    );
  }
  if (production && schema.CORS_ORIGINS.includes('*')) {
    throw new ConfigError('CORS_ORIGINS must not be * when NODE_ENV=production');
  }
  return schema;
}

/**
 * Reads and checks the whole environment once, at start (callers pass `process.env`): a bad value
 * stops the start with one ConfigError line naming the variable. Fills in the defaults that depend
 * on other variables, and parses BOOTSTRAP_CLIENTS into registrations.
 */
export function loadConfig(env: Env): AppConfig {
  const e = validated(env);
  const onLambda = e.AWS_LAMBDA_FUNCTION_NAME !== undefined;
  const issuer = e.ISSUER ?? `http://localhost:${e.PORT}`;
  const { accessTokenAlg, signingKeys } = signingKeysConfig({
    alg: e.ACCESS_TOKEN_ALG,
    keys: e.JWT_SIGNING_KEYS,
  });
  return {
    env: e.NODE_ENV,
    onLambda,
    port: e.PORT,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    dynamodb: {
      endpoint: e.DYNAMODB_ENDPOINT,
      region: e.AWS_REGION,
      tableName: e.TABLE_NAME,
    },
    tokens: {
      issuer,
      audience: e.ACCESS_TOKEN_AUDIENCE ?? issuer,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL,
      sessionTtlSeconds: e.SESSION_TTL,
      refreshReuseGraceSeconds: e.REFRESH_REUSE_GRACE,
      accessTokenAlg,
      signingKeys,
    },
    passwords: { minLength: e.PASSWORD_MIN_LENGTH, maxLength: 256 },
    clients: {
      // demo-app is a public client anyone may use: only where someone is trying things out.
      demoClient: e.DEMO_CLIENT ?? (e.NODE_ENV !== 'production' && !onLambda),
      bootstrap: parseBootstrapClients(e.BOOTSTRAP_CLIENTS),
      cacheSeconds: e.CLIENT_CACHE_SECONDS,
    },
    login: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      lockSeconds: e.LOGIN_LOCK_SECONDS,
      lockMaxSeconds: e.LOGIN_LOCK_MAX_SECONDS,
      accountMaxFailures: e.LOGIN_ACCOUNT_MAX_FAILURES,
      accountWindowSeconds: e.LOGIN_ACCOUNT_WINDOW_SECONDS,
    },
    rateLimits: {
      credentialsPerMinute: e.RATE_LIMIT_CREDENTIALS_PER_MINUTE,
      perMinute: e.RATE_LIMIT_PER_MINUTE,
    },
    trustProxy: e.TRUST_PROXY,
    hashing: { concurrency: e.HASH_CONCURRENCY, queueMax: e.HASH_QUEUE_MAX },
    sessions: { maxPerUser: e.MAX_SESSIONS_PER_USER },
    mail: {
      publicUrl: e.PUBLIC_URL ?? issuer,
      from: e.MAIL_FROM,
      ...(e.SMTP_URL !== undefined && { smtpUrl: e.SMTP_URL }),
    },
    accounts: {
      emailTokenTtlSeconds: e.EMAIL_TOKEN_TTL,
      resetTokenTtlSeconds: e.RESET_TOKEN_TTL,
      requireVerifiedEmail: e.REQUIRE_VERIFIED_EMAIL,
    },
    corsOrigins: e.CORS_ORIGINS,
  };
}
