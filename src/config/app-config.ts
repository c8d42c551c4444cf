import type { ClientRegistration } from '../clients/client-registration.js';
import type { AccessTokenAlg, SigningJwk } from './signing-keys.config.js';
/**
 * The service's whole configuration, typed and already checked. Built once at start by
 * `loadConfig` (load-config.ts, from the variables declared in environment.schema.ts) and injected
 * as `AppConfig`; nothing else reads the environment. Durations are in seconds.
 */
export abstract class AppConfig {
  abstract readonly env: 'development' | 'production' | 'test';
  /** Running in AWS Lambda (AWS_LAMBDA_FUNCTION_NAME is set): SES for mail, no local files. */
  abstract readonly onLambda: boolean;
  abstract readonly port: number;
  abstract readonly dataDir: string;
  abstract readonly logLevel: LogLevel;
  abstract readonly dynamodb: {
    /** Set for DynamoDB Local or another endpoint; unset means AWS's regional endpoint. */
    readonly endpoint?: string;
    readonly region: string;
    readonly tableName: string;
  };
  abstract readonly tokens: {
    readonly issuer: string;
    readonly audience: string;
    readonly accessTokenTtlSeconds: number;
    readonly sessionTtlSeconds: number;
    readonly refreshReuseGraceSeconds: number;
    /** ES256, or RS256 (ACCESS_TOKEN_ALG). */
    readonly accessTokenAlg: AccessTokenAlg;
    /** Validated private JWKs (the first signs) from the environment; unset locally, where keys are generated. */
    readonly signingKeys?: readonly SigningJwk[];
  };
  abstract readonly passwords: {
    readonly minLength: number;
    readonly maxLength: number;
  };
  abstract readonly clients: {
    /** Whether the public `demo-app` client is declared at start (on for local development). */
    readonly demoClient: boolean;
    /** BOOTSTRAP_CLIENTS, parsed and checked: declared (created or updated) at start. */
    readonly bootstrap: readonly ClientRegistration[];
    /** How long a process trusts a client it has read; a change elsewhere shows within this. */
    readonly cacheSeconds: number;
  };
  /** Failed sign-ins, per (account, source address) and per account (NIST SP 800-63B §5.2.2). */
  abstract readonly login: {
    /** Failures of one (account, source) pair before that pair is locked. */
    readonly maxFailures: number;
    /** The first lock of a pair; each further lock doubles it, up to lockMaxSeconds. */
    readonly lockSeconds: number;
    readonly lockMaxSeconds: number;
    /** Failures of one account from all sources, within accountWindowSeconds, that lock it for all. */
    readonly accountMaxFailures: number;
    readonly accountWindowSeconds: number;
  };
  /** Requests per minute per source address. */
  abstract readonly rateLimits: {
    /** POST /oauth/token, POST and PUT /session, POST /user, the password-reset routes. */
    readonly credentialsPerMinute: number;
    /** Every other route. */
    readonly perMinute: number;
  };
  /** Proxy hops in front of the server whose X-Forwarded-For is believed; 0 = the socket's address. */
  abstract readonly trustProxy: number;
  /** Bounded argon2 work: at most `concurrency` hashes at once, `queueMax` waiting, then 503. */
  abstract readonly hashing: {
    readonly concurrency: number;
    readonly queueMax: number;
  };
  abstract readonly sessions: {
    /** Live sessions per user; a new sign-in beyond it ends the least recently used. */
    readonly maxPerUser: number;
  };
  abstract readonly mail: {
    /** The base of links in mails (verify email, reset password). */
    readonly publicUrl: string;
    /** The sender, `addr` or `Name <addr>`. */
    readonly from: string;
    /** Send through this SMTP server; unset: `.eml` files under DATA_DIR/outbox/ (SES on Lambda). */
    readonly smtpUrl?: string;
  };
  abstract readonly accounts: {
    readonly emailTokenTtlSeconds: number;
    readonly resetTokenTtlSeconds: number;
    /** The password grant refuses accounts whose email is not verified. */
    readonly requireVerifiedEmail: boolean;
  };
  abstract readonly corsOrigins: readonly string[];
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const NODE_ENVS = ['development', 'production', 'test'] as const;
