import { InvalidGrantError, InvalidRequestError } from '../common/oauth-errors.js';
import { EMAIL_MAX_LENGTH } from '../users/email.js';

/** The parameters of an OAuth request body, each a single string (RFC 6749 §3.2). */
export type OAuthParams = Readonly<Record<string, string>>;

/**
 * The longest value each parameter may have, in characters: every value this service issues or
 * stores fits with room to spare, and anything longer is refused before a lookup (DynamoDB keys
 * hold at most 2048 bytes) or a hash sees it.
 */
export const PARAM_MAX_LENGTHS: Readonly<Record<string, number>> = {
  grant_type: 64,
  client_id: 128, // CLIENT_ID_PATTERN
  client_secret: 256, // the longest secret a client can be registered with
  username: EMAIL_MAX_LENGTH, // the email
  password: 1024, // as the original API's sign-in (legacy/dto/create-session.dto.ts)
  refresh_token: 512, // ours are about 90
  scope: 1024,
  token: 4096, // an access token (about 1 KB at most) or a refresh token
  token_type_hint: 64,
};

/** Parameters this service does not read (RFC 6749 §3.1: ignored), bounded all the same. */
export const OTHER_PARAM_MAX_LENGTH = 1024;

/**
 * The resource owner's credentials and the refresh token: when one of them is unusable the grant
 * is invalid (RFC 6749 §5.2 `invalid_grant`), as for a wrong one, rather than the request.
 */
const GRANT_PARAMS = new Set(['username', 'password', 'refresh_token']);

/**
 * Reads the form (or JSON) body: parameters must not repeat (RFC 6749 §3.2), must be strings and
 * within PARAM_MAX_LENGTHS; empty values count as absent (RFC 6749 §3.1).
 */
export function readParams(body: unknown): OAuthParams {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidRequestError('the request body must be a set of parameters');
  }
  // No prototype: a parameter named like an Object.prototype member stays a plain entry.
  const params = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(value)) throw new InvalidRequestError(`${name} must not be repeated`);
    if (typeof value !== 'string') throw new InvalidRequestError(`${name} must be a string`);
    const max = Object.hasOwn(PARAM_MAX_LENGTHS, name)
      ? PARAM_MAX_LENGTHS[name]
      : OTHER_PARAM_MAX_LENGTH;
    if (value.length > max) {
      const description = `${name} must be at most ${max} characters`;
      throw GRANT_PARAMS.has(name)
        ? new InvalidGrantError(description)
        : new InvalidRequestError(description);
    }
    if (value !== '') params[name] = value;
  }
  return params;
}

export function requireParam(params: OAuthParams, name: string): string {
  const value = params[name];
  if (value === undefined) throw new InvalidRequestError(`${name} is required`);
  return value;
}
