import type { Request } from 'express';
import { InvalidRequestError } from '../common/oauth-errors.js';
import type { OAuthClient } from '../clients/client.js';
import type { PublicUser } from '../users/users.service.js';
import type { GrantHandler } from './token/grants/grant-handler.js';

/** A request to an OAuth endpoint once the client has authenticated (OAuthClientGuard). */
export interface OAuthRequest extends Request {
  oauthClient: OAuthClient;
  /** The body's parameters, read once by OAuthClientGuard. */
  oauthParams: OAuthParams;
  /** The token endpoint's grant, once supported and allowed to the client (GrantTypeGuard). */
  grant?: GrantHandler;
  /** Set by passport-local for the password grant. */
  user?: PublicUser;
}

/** The parameters of an OAuth request body, each a single string (RFC 6749 §3.2). */
export type OAuthParams = Readonly<Record<string, string>>;

/**
 * Reads the form (or JSON) body: parameters must not repeat (RFC 6749 §3.2) and must be strings;
 * empty values count as absent (RFC 6749 §3.1).
 */
export function readParams(body: unknown): OAuthParams {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidRequestError('the request body must be a set of parameters');
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(value)) throw new InvalidRequestError(`${name} must not be repeated`);
    if (typeof value !== 'string') throw new InvalidRequestError(`${name} must be a string`);
    if (value !== '') params[name] = value;
  }
  return params;
}

export function requireParam(params: OAuthParams, name: string): string {
  const value = params[name];
  if (value === undefined) throw new InvalidRequestError(`${name} is required`);
  return value;
}
