import { AppConfig, LOG_LEVELS, type LogLevel } from './app-config.js';
import { signingKeysConfig } from './signing-keys.config.js';

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function url(env: Env, name: string, fallback: string): string {
  const raw = read(env, name) ?? fallback;
  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function oneOf<T extends string>(env: Env, name: string, options: readonly T[], fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!(options as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${options.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function json(env: Env, name: string): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  try {
    JSON.parse(raw);
  } catch {
    throw new ConfigError(`${name} must be valid JSON`);
  }
  return raw;
}

const DAY = 86_400;

/**
 * Reads and validates the environment once, at start. The only place that reads `process.env`
 * values (callers pass it in), so a bad value stops the start with one line naming the variable.
 */
export function loadConfig(env: Env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'], 'development');
  const port = integer(env, 'PORT', 3000, 1, 65_535);
  const issuer = url(env, 'ISSUER', `http://localhost:${port}`);
  const onLambda = read(env, 'AWS_LAMBDA_FUNCTION_NAME') !== undefined;
  const passwordMin = integer(env, 'PASSWORD_MIN_LENGTH', 12, 8, 64);
  const { accessTokenAlg, signingKeys } = signingKeysConfig({
    alg: read(env, 'ACCESS_TOKEN_ALG'),
    keys: read(env, 'JWT_SIGNING_KEYS'),
  });
  if (nodeEnv === 'production' && signingKeys === undefined) {
    throw new ConfigError('JWT_SIGNING_KEYS is required when NODE_ENV=production');
  }
  const tableName = read(env, 'TABLE_NAME') ?? 'session-service';
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(tableName)) {
    throw new ConfigError(`TABLE_NAME must be 3-255 of A-Z a-z 0-9 _ . -, got "${tableName}"`);
  }
  const corsOrigins = (read(env, 'CORS_ORIGINS') ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (nodeEnv === 'production' && corsOrigins.includes('*')) {
    throw new ConfigError('CORS_ORIGINS must not be * when NODE_ENV=production');
  }

  return {
    env: nodeEnv,
    port,
    dataDir: read(env, 'DATA_DIR') ?? '.data',
    logLevel: oneOf<LogLevel>(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    dynamodb: {
      endpoint: read(env, 'DYNAMODB_ENDPOINT') && url(env, 'DYNAMODB_ENDPOINT', ''),
      region: read(env, 'AWS_REGION') ?? 'us-east-1',
      tableName,
    },
    tokens: {
      issuer,
      audience: read(env, 'ACCESS_TOKEN_AUDIENCE') ?? issuer,
      accessTokenTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL', 900, 60, DAY),
      sessionTtlSeconds: integer(env, 'SESSION_TTL', 30 * DAY, 300, 365 * DAY),
      refreshReuseGraceSeconds: integer(env, 'REFRESH_REUSE_GRACE', 0, 0, 60),
      accessTokenAlg,
      signingKeys,
    },
    passwords: { minLength: passwordMin, maxLength: 256 },
    clients: {
      demoClient: (read(env, 'DEMO_CLIENT') ?? (onLambda ? 'false' : 'true')) === 'true',
      bootstrap: json(env, 'BOOTSTRAP_CLIENTS'),
    },
    corsOrigins,
  };
}
