import { ConfigError } from '../config/load-config.js';
import type { GrantType } from './client.js';
import {
  checkRegistration,
  type ClientRegistration,
  type FieldLabels,
} from './client-registration.js';

/** The keys of one BOOTSTRAP_CLIENTS entry, named as in OAuth client metadata (RFC 7591). */
const LABELS: FieldLabels = {
  id: 'client_id',
  secret: 'client_secret',
  grantTypes: 'grant_types',
  name: 'name',
  scopes: 'scopes',
  accessTokenTtlSeconds: 'access_token_ttl',
  sessionTtlSeconds: 'session_ttl',
  refreshReuseGraceSeconds: 'refresh_reuse_grace',
};
const KNOWN_KEYS: readonly string[] = Object.values(LABELS);

class EntryProblem extends Error {}

function optionalString(entry: Record<string, unknown>, key: string): string | undefined {
  const value = entry[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new EntryProblem(`${key} must be a string`);
  return value;
}

function optionalStrings(entry: Record<string, unknown>, key: string): string[] | undefined {
  const value = entry[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new EntryProblem(`${key} must be an array of strings`);
  }
  return value;
}

function optionalInteger(entry: Record<string, unknown>, key: string): number | undefined {
  const value = entry[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new EntryProblem(`${key} must be a whole number of seconds`);
  }
  return value;
}

function toRegistration(entry: unknown): ClientRegistration {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new EntryProblem('must be an object');
  }
  const fields = entry as Record<string, unknown>;
  // A misspelt key (say "grant_type") would otherwise be silently ignored.
  const unknown = Object.keys(fields).find((key) => !KNOWN_KEYS.includes(key));
  if (unknown !== undefined) {
    throw new EntryProblem(
      `unknown key ${JSON.stringify(unknown)}; known: ${KNOWN_KEYS.join(', ')}`,
    );
  }
  const id = optionalString(fields, 'client_id');
  if (id === undefined) throw new EntryProblem('client_id is required');
  const grantTypes = optionalStrings(fields, 'grant_types');
  if (grantTypes === undefined) throw new EntryProblem('grant_types is required');
  const registration: ClientRegistration = {
    id,
    name: optionalString(fields, 'name') ?? id,
    // Checked against GRANT_TYPES by checkRegistration below.
    grantTypes: grantTypes as GrantType[],
    scopes: optionalStrings(fields, 'scopes') ?? [],
    secret: optionalString(fields, 'client_secret'),
    accessTokenTtlSeconds: optionalInteger(fields, 'access_token_ttl'),
    sessionTtlSeconds: optionalInteger(fields, 'session_ttl'),
    refreshReuseGraceSeconds: optionalInteger(fields, 'refresh_reuse_grace'),
  };
  const problem = checkRegistration(registration, LABELS);
  if (problem) throw new EntryProblem(problem);
  return registration;
}

/**
 * Reads BOOTSTRAP_CLIENTS: a JSON array of `{client_id, client_secret?, grant_types, name?, scopes?,
 * access_token_ttl?, session_ttl?, refresh_reuse_grace?}`. A client_secret makes the client
 * confidential. Any problem stops the start with one ConfigError line naming the entry.
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
