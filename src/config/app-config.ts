import type { AccessTokenAlg, SigningJwk } from './signing-keys.config.js';

/** The service's whole configuration, typed. Built once by `loadConfig` and injected as `AppConfig`. */
export abstract class AppConfig {
  abstract readonly env: 'development' | 'production' | 'test';
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
    /** Whether the public `demo-app` client is created at start (on for local runs). */
    readonly demoClient: boolean;
    readonly bootstrap?: string;
  };
  abstract readonly corsOrigins: readonly string[];
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
