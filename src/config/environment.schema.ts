import { availableParallelism } from 'node:os';
import { LOG_LEVELS, NODE_ENVS, type LogLevel } from './app-config.js';
import { LIFETIME_LIMITS } from './lifetime-limits.js';
import {
  Flag,
  HttpUrl,
  JsonText,
  Mailbox,
  OneOf,
  Origins,
  Pattern,
  SmtpUrl,
  Text,
  WholeNumber,
} from './setting.decorators.js';

const { accessTokenTtlSeconds, sessionTtlSeconds, refreshReuseGraceSeconds } = LIFETIME_LIMITS;
const MINUTE = 60;
const DAY = 86_400;

/**
 * Every environment variable the service reads, with its type, bounds and fixed default: the one
 * schema. Defaults that depend on another variable (ISSUER on PORT, DEMO_CLIENT on NODE_ENV, …)
 * are filled in by load-config.ts. Declaration order is the order problems are reported in.
 * README's configuration table documents each one.
 */
export class Environment {
  @OneOf(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  /** Set by AWS Lambda itself; its presence is all that is read. */
  @Text()
  AWS_LAMBDA_FUNCTION_NAME?: string;

  @WholeNumber(1, 65_535)
  PORT = 3000;

  @Text()
  DATA_DIR = '.data';

  @HttpUrl()
  ISSUER?: string;

  @Text()
  ACCESS_TOKEN_AUDIENCE?: string;

  @HttpUrl()
  DYNAMODB_ENDPOINT?: string;

  @Pattern(/^[A-Za-z0-9_.-]{3,255}$/, '3-255 of A-Z a-z 0-9 _ . -')
  TABLE_NAME = 'session-service';

  @Pattern(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1')
  AWS_REGION = 'us-east-1';

  /** ES256 or RS256; checked with the keys it must match (signing-keys.config.ts). */
  @Text()
  ACCESS_TOKEN_ALG?: string;

  /** Parsed into keys by signing-keys.config.ts; here only checked to be JSON. */
  @JsonText()
  JWT_SIGNING_KEYS?: string;

  @WholeNumber(accessTokenTtlSeconds.min, accessTokenTtlSeconds.max)
  ACCESS_TOKEN_TTL = 15 * MINUTE;

  @WholeNumber(sessionTtlSeconds.min, sessionTtlSeconds.max)
  SESSION_TTL = 30 * DAY;

  @WholeNumber(refreshReuseGraceSeconds.min, refreshReuseGraceSeconds.max)
  REFRESH_REUSE_GRACE = 0;

  /** Parsed entry by entry by bootstrap-clients.config.ts. */
  @Text()
  BOOTSTRAP_CLIENTS?: string;

  @Flag()
  DEMO_CLIENT?: boolean;

  /** 0 turns the cache off: every client lookup reads DynamoDB. */
  @WholeNumber(0, 3600)
  CLIENT_CACHE_SECONDS = 60;

  @WholeNumber(8, 64)
  PASSWORD_MIN_LENGTH = 12;

  @WholeNumber(1, 100)
  LOGIN_MAX_FAILURES = 5;

  @WholeNumber(1, DAY)
  LOGIN_LOCK_SECONDS = MINUTE;

  @WholeNumber(1, DAY)
  LOGIN_LOCK_MAX_SECONDS = 15 * MINUTE;

  @WholeNumber(1, 100_000)
  LOGIN_ACCOUNT_MAX_FAILURES = 100;

  @WholeNumber(MINUTE, 30 * DAY)
  LOGIN_ACCOUNT_WINDOW_SECONDS = DAY;

  @WholeNumber(1, 100_000)
  RATE_LIMIT_CREDENTIALS_PER_MINUTE = 120;

  @WholeNumber(1, 1_000_000)
  RATE_LIMIT_PER_MINUTE = 1200;

  @WholeNumber(0, 10)
  TRUST_PROXY = 0;

  @WholeNumber(1, 256)
  HASH_CONCURRENCY = availableParallelism();

  @WholeNumber(0, 10_000)
  HASH_QUEUE_MAX = 32;

  @WholeNumber(1, 10_000)
  MAX_SESSIONS_PER_USER = 50;

  @HttpUrl()
  PUBLIC_URL?: string;

  @Mailbox()
  MAIL_FROM = 'no-reply@localhost';

  @SmtpUrl()
  SMTP_URL?: string;

  @WholeNumber(5 * MINUTE, 30 * DAY)
  EMAIL_TOKEN_TTL = DAY;

  @WholeNumber(MINUTE, DAY)
  RESET_TOKEN_TTL = 15 * MINUTE;

  @Flag()
  REQUIRE_VERIFIED_EMAIL = false;

  @Origins()
  CORS_ORIGINS: string[] = [];

  @OneOf(LOG_LEVELS)
  LOG_LEVEL?: LogLevel;
}
