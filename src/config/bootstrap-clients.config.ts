import {
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsString,
  ValidateIf,
  validateSync,
  type ValidationError,
} from 'class-validator';
import type { GrantType } from '../clients/client.js';
import {
  checkRegistration,
  type ClientRegistration,
  type FieldLabels,
} from '../clients/client-registration.js';
import { ConfigError } from './config-error.js';

/** Absent is fine; null is not (it is a value of the wrong type, not a missing key). */
const Optional = () => ValidateIf((_entry, value) => value !== undefined);
const STRINGS = (key: string) => `${key} must be an array of strings`;
const SECONDS = (key: string) => `${key} must be a whole number of seconds`;

/**
 * One BOOTSTRAP_CLIENTS entry, keys as in OAuth client metadata (RFC 7591). The types are checked
 * here; what makes a registration acceptable (id syntax, known grants, scope grammar, lifetimes)
 * is checkRegistration's, the same rule the CLI goes through.
 */
class BootstrapClientEntry {
  @IsDefined({ message: 'client_id is required' })
  @IsString({ message: 'client_id must be a string' })
  client_id!: string;

  /** Makes the client confidential. */
  @Optional()
  @IsString({ message: 'client_secret must be a string' })
  client_secret?: string;

  @IsDefined({ message: 'grant_types is required' })
  @IsArray({ message: STRINGS('grant_types') })
  @IsString({ each: true, message: STRINGS('grant_types') })
  grant_types!: string[];

  @Optional()
  @IsString({ message: 'name must be a string' })
  name?: string;

  @Optional()
  @IsArray({ message: STRINGS('scopes') })
  @IsString({ each: true, message: STRINGS('scopes') })
  scopes?: string[];

  /** May call POST /oauth/introspect (RFC 7662 §2.1). */
  @Optional()
  @IsBoolean({ message: 'introspection must be true or false' })
  introspection?: boolean;

  @Optional()
  @IsInt({ message: SECONDS('access_token_ttl') })
  access_token_ttl?: number;

  @Optional()
  @IsInt({ message: SECONDS('session_ttl') })
  session_ttl?: number;

  @Optional()
  @IsInt({ message: SECONDS('refresh_reuse_grace') })
  refresh_reuse_grace?: number;
}

/** How checkRegistration names each field in its messages: by the entry's keys. */
const LABELS: FieldLabels = {
  id: 'client_id',
  secret: 'client_secret',
  grantTypes: 'grant_types',
  name: 'name',
  scopes: 'scopes',
  introspection: 'introspection',
  accessTokenTtlSeconds: 'access_token_ttl',
  sessionTtlSeconds: 'session_ttl',
  refreshReuseGraceSeconds: 'refresh_reuse_grace',
};
const KNOWN_KEYS: readonly string[] = Object.values(LABELS);

class EntryProblem extends Error {}

function firstMessage(errors: readonly ValidationError[]): string | undefined {
  const [first] = errors;
  return first && Object.values(first.constraints ?? {})[0];
}

function toRegistration(entry: unknown): ClientRegistration {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new EntryProblem('must be an object');
  }
  // A misspelt key (say "grant_type") would otherwise be silently ignored. Checked before the
  // entry is copied anywhere, so a "__proto__" key is refused rather than obeyed.
  const unknown = Object.keys(entry).find((key) => !KNOWN_KEYS.includes(key));
  if (unknown !== undefined) {
    throw new EntryProblem(
      `unknown key ${JSON.stringify(unknown)}; known: ${KNOWN_KEYS.join(', ')}`,
    );
  }
  const fields = Object.assign(new BootstrapClientEntry(), entry);
  const typeProblem = firstMessage(validateSync(fields, { stopAtFirstError: true }));
  if (typeProblem !== undefined) throw new EntryProblem(typeProblem);
  const registration: ClientRegistration = {
    id: fields.client_id,
    name: fields.name ?? fields.client_id,
    // Checked against GRANT_TYPES by checkRegistration below.
    grantTypes: fields.grant_types as GrantType[],
    scopes: fields.scopes ?? [],
    ...(fields.client_secret !== undefined && { secret: fields.client_secret }),
    ...(fields.introspection === true && { introspection: true }),
    ...(fields.access_token_ttl !== undefined && {
      accessTokenTtlSeconds: fields.access_token_ttl,
    }),
    ...(fields.session_ttl !== undefined && { sessionTtlSeconds: fields.session_ttl }),
    ...(fields.refresh_reuse_grace !== undefined && {
      refreshReuseGraceSeconds: fields.refresh_reuse_grace,
    }),
  };
  const problem = checkRegistration(registration, LABELS);
  if (problem !== undefined) throw new EntryProblem(problem);
  return registration;
}

/**
 * Reads BOOTSTRAP_CLIENTS: a JSON array of `{client_id, client_secret?, grant_types, name?, scopes?,
 * introspection?, access_token_ttl?, session_ttl?, refresh_reuse_grace?}`. Any problem stops the
 * start with one ConfigError line naming the entry, and never quoting a secret.
 */
export function parseBootstrapClients(raw: string | undefined): ClientRegistration[] {
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('BOOTSTRAP_CLIENTS must be valid JSON');
  }
  if (!Array.isArray(parsed)) {
    throw new ConfigError('BOOTSTRAP_CLIENTS must be a JSON array of clients');
  }
  const seen = new Set<string>();
  return parsed.map((entry: unknown, index) => {
    const id = (entry as { client_id?: unknown } | null)?.client_id;
    const where = `BOOTSTRAP_CLIENTS[${index}]${typeof id === 'string' ? ` (${JSON.stringify(id)})` : ''}`;
    try {
      const registration = toRegistration(entry);
      if (seen.has(registration.id)) throw new EntryProblem('client_id appears twice');
      seen.add(registration.id);
      return registration;
    } catch (error) {
      if (error instanceof EntryProblem) throw new ConfigError(`${where}: ${error.message}`);
      throw error;
    }
  });
}
