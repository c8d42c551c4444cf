import type { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from './config-error.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Settings that hold secrets and, on AWS, come from SSM Parameter Store: `<NAME>_PARAMETER` names a
 * SecureString parameter whose decrypted value becomes `<NAME>`. The Lambda environment (and the
 * CloudFormation template) then holds only parameter names, never key material.
 */
export const SECRET_SETTINGS = ['JWT_SIGNING_KEYS', 'BOOTSTRAP_CLIENTS'] as const;
export const PARAMETER_SUFFIX = '_PARAMETER';

/** SSM parameter names as this service uses them: a path (`/session-service/prod/...`). */
const PARAMETER_NAME = /^\/[A-Za-z0-9_.\-/]{1,1010}$/;

export interface AwsParameterOptions {
  /** For tests: the SSM client to use (a real one with a stubbed transport). */
  readonly client?: SSMClient;
}

/**
 * `env` with every `<NAME>_PARAMETER` resolved into `<NAME>`: one GetParameters request with
 * decryption for all of them. Each parameter must exist and be a SecureString (a String would mean
 * the secret sits unencrypted in Parameter Store). Without any `_PARAMETER` variable (local runs,
 * tests) nothing is read and the AWS SDK is not even loaded. Problems are ConfigErrors that name
 * the variable and the parameter, never a value.
 */
export async function withAwsParameters(
  env: Environment,
  options: AwsParameterOptions = {},
): Promise<Environment> {
  const wanted = new Map<string, string>(); // parameter name → setting
  for (const setting of SECRET_SETTINGS) {
    const variable = `${setting}${PARAMETER_SUFFIX}`;
    const parameter = env[variable]?.trim();
    if (!parameter) continue;
    if (env[setting]?.trim()) {
      throw new ConfigError(`set ${setting} or ${variable}, not both`);
    }
    if (!PARAMETER_NAME.test(parameter)) {
      throw new ConfigError(
        `${variable} must be an SSM parameter path such as /service/stage/name`,
      );
    }
    wanted.set(parameter, setting);
  }
  if (wanted.size === 0) return env;

  // Loaded only here: local runs never load the SSM client.
  const { GetParametersCommand, SSMClient } = await import('./ssm-client.js');
  const client = options.client ?? new SSMClient({ region: env.AWS_REGION });
  const { Parameters = [], InvalidParameters = [] } = await client.send(
    new GetParametersCommand({ Names: [...wanted.keys()], WithDecryption: true }),
  );
  if (InvalidParameters.length > 0) {
    const missing = InvalidParameters.map(
      (name) => `${wanted.get(name)}${PARAMETER_SUFFIX} (${name})`,
    );
    throw new ConfigError(
      `SSM has no parameter for ${missing.join(', ')}, or this role may not read it`,
    );
  }
  const resolved: Record<string, string | undefined> = { ...env };
  for (const { Name, Type, Value } of Parameters) {
    const setting = Name === undefined ? undefined : wanted.get(Name);
    if (setting === undefined) continue;
    if (Type !== 'SecureString') {
      throw new ConfigError(
        `${setting}${PARAMETER_SUFFIX} (${Name}) must be a SecureString parameter, not ${Type}`,
      );
    }
    resolved[setting] = Value;
  }
  return resolved;
}

/**
 * Starts reading the parameters now (at module top level: Lambda's init phase, before the first
 * event) and returns a function that gives the result: the same read for every call, so once per
 * container. A failed read is forgotten, so the next call (the next event) tries again.
 */
export function prefetchAwsParameters(
  env: Environment,
  options: AwsParameterOptions = {},
): () => Promise<Environment> {
  let pending: Promise<Environment> | undefined;
  const read = (): Promise<Environment> => {
    pending ??= withAwsParameters(env, options).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  // Nobody awaits the first read until an event comes: keep its failure from being unhandled.
  read().catch(() => undefined);
  return read;
}
