import { isScopeToken, SCOPE_TOKEN_MAX_LENGTH } from '../common/oauth-scope.js';
import { LIFETIME_LIMITS, type Lifetime } from '../config/lifetime-limits.js';
import { GRANT_TYPES, type GrantType } from './client.js';

/** What it takes to register (or re-declare) a client; `secret` makes it confidential. */
export interface ClientRegistration {
  readonly id: string;
  readonly name: string;
  readonly grantTypes: readonly GrantType[];
  readonly scopes: readonly string[];
  /** The plaintext secret of a confidential client; hashed before it is stored. */
  readonly secret?: string;
  /** May call the introspection endpoint (RFC 7662 §2.1); confidential clients only. */
  readonly introspection?: boolean;
  readonly accessTokenTtlSeconds?: number;
  readonly sessionTtlSeconds?: number;
  readonly refreshReuseGraceSeconds?: number;
}

/** A registration that cannot be stored; the message names the field as the caller knows it. */
export class InvalidClientRegistrationError extends Error {
  override readonly name = 'InvalidClientRegistrationError';
}

/**
 * Client ids are URL-safe unreserved characters: they travel in HTTP Basic (where a ':' would need
 * encoding), in form bodies and in the legacy `x-koms-clientid` header, and are part of a DynamoDB key.
 */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/;

/** The shape of a user id (users are keyed by random UUIDs). */
const USER_ID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const CLIENT_SECRET_MIN_LENGTH = 32;
const CLIENT_SECRET_MAX_LENGTH = 256;
const NAME_MAX_LENGTH = 100;

/** What each field is called where it came from (BOOTSTRAP_CLIENTS keys, CLI flags, …). */
export type FieldLabels = Readonly<Record<keyof ClientRegistration, string>>;

export const PLAIN_LABELS: FieldLabels = {
  id: 'client id',
  name: 'name',
  grantTypes: 'grant types',
  scopes: 'scopes',
  secret: 'client secret',
  introspection: 'introspection',
  accessTokenTtlSeconds: 'access token lifetime',
  sessionTtlSeconds: 'session lifetime',
  refreshReuseGraceSeconds: 'refresh reuse grace',
};

/** The first problem with a registration, or undefined when it can be stored. */
export function checkRegistration(
  registration: ClientRegistration,
  labels: FieldLabels = PLAIN_LABELS,
): string | undefined {
  const { id, name, grantTypes, scopes, secret, introspection } = registration;
  if (!CLIENT_ID_PATTERN.test(id)) {
    return `${labels.id} must be 1-128 of A-Z a-z 0-9 . _ ~ - and start with a letter or digit, got ${JSON.stringify(id)}`;
  }
  if (name.trim() === '' || name.length > NAME_MAX_LENGTH) {
    return `${labels.name} must be 1-${NAME_MAX_LENGTH} characters`;
  }
  // A resource server that only introspects needs no grant; any other client would be useless.
  if (grantTypes.length === 0 && introspection !== true) {
    return `${labels.grantTypes} must list at least one of ${GRANT_TYPES.join(', ')}`;
  }
  const unknownGrant = grantTypes.find(
    (grant) => !(GRANT_TYPES as readonly string[]).includes(grant),
  );
  if (unknownGrant !== undefined) {
    return `${labels.grantTypes}: ${JSON.stringify(unknownGrant)} is not one of ${GRANT_TYPES.join(', ')}`;
  }
  if (new Set(grantTypes).size !== grantTypes.length) {
    return `${labels.grantTypes} lists a grant type twice`;
  }
  const badScope = scopes.find((scope) => !isScopeToken(scope));
  if (badScope !== undefined) {
    return `${labels.scopes}: ${JSON.stringify(badScope)} is not a valid scope (RFC 6749 §3.3: 1-${SCOPE_TOKEN_MAX_LENGTH} printable characters, no spaces, quotes or backslashes)`;
  }
  if (new Set(scopes).size !== scopes.length) return `${labels.scopes} lists a scope twice`;
  if (
    secret !== undefined &&
    (secret.length < CLIENT_SECRET_MIN_LENGTH || secret.length > CLIENT_SECRET_MAX_LENGTH)
  ) {
    // Never echo the secret itself: this message ends up in logs.
    return `${labels.secret} must be ${CLIENT_SECRET_MIN_LENGTH}-${CLIENT_SECRET_MAX_LENGTH} characters (got ${secret.length})`;
  }
  if (grantTypes.includes('client_credentials') && secret === undefined) {
    // RFC 6749 §4.4: "The client credentials grant type MUST only be used by confidential clients."
    return `${labels.grantTypes}: client_credentials is only for confidential clients (with a ${labels.secret})`;
  }
  if (grantTypes.includes('client_credentials') && USER_ID_SHAPE.test(id)) {
    // RFC 9068 §5: a client_credentials token's sub is the client id; user ids are UUIDs, so a
    // client id of that shape could pass for a user's sub at a resource server.
    return `${labels.id} of a client_credentials client must not look like a user id (a UUID)`;
  }
  if (introspection === true && secret === undefined) {
    // RFC 7662 §2.1: the endpoint must be protected, and a public client proves nothing.
    return `${labels.introspection} is only for confidential clients (with a ${labels.secret})`;
  }
  for (const field of Object.keys(LIFETIME_LIMITS) as Lifetime[]) {
    const value = registration[field];
    const { min, max } = LIFETIME_LIMITS[field];
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      return `${labels[field]} must be a whole number of seconds from ${min} to ${max}, got ${value}`;
    }
  }
  return undefined;
}
