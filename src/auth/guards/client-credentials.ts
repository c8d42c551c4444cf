import { InvalidClientError, InvalidRequestError } from '../../common/oauth-errors.js';
import type { ClientCredentials } from '../../clients/client.js';

const BASIC = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i;

/**
 * RFC 6749 §2.3.1: in HTTP Basic, client_id and client_secret are each form-urlencoded
 * (application/x-www-form-urlencoded, so '+' is a space) before being joined with ':'.
 */
function formUrlDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function malformedBasic(): InvalidClientError {
  return new InvalidClientError('malformed HTTP Basic client credentials', true);
}

function parseBasic(header: string): ClientCredentials {
  const match = BASIC.exec(header);
  if (!match) throw malformedBasic();
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw malformedBasic();
  let clientId: string;
  let clientSecret: string;
  try {
    clientId = formUrlDecode(decoded.slice(0, colon));
    clientSecret = formUrlDecode(decoded.slice(colon + 1));
  } catch {
    throw malformedBasic(); // a stray '%' that is not an escape
  }
  if (clientId === '') throw malformedBasic();
  return {
    clientId,
    // An empty password is a client identifying itself without a secret (a public client).
    ...(clientSecret !== '' && { clientSecret }),
    method: 'client_secret_basic',
  };
}

/** RFC 6749 §3.2: a parameter must not be sent more than once; empty counts as absent. */
function bodyValue(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new InvalidRequestError(`${name} must be a single string`);
  return value;
}

/**
 * How the client presented itself (RFC 6749 §2.3.1): HTTP Basic, or client_id (and client_secret)
 * in the body — never both (§2.3: one method per request). A body client_id equal to the Basic
 * one is tolerated: it identifies rather than authenticates, and some client libraries send it.
 * Only `Basic` is client authentication; another Authorization scheme is left to others.
 */
export function parseClientCredentials(
  authorizationHeader: string | undefined,
  body: Record<string, unknown> | undefined,
): ClientCredentials {
  const fields = body ?? {};
  const bodyId = bodyValue(fields, 'client_id');
  const bodySecret = bodyValue(fields, 'client_secret');
  const header = authorizationHeader?.trim();
  if (header !== undefined && /^Basic(\s|$)/i.test(header)) {
    const basic = parseBasic(header);
    if (bodySecret !== undefined || (bodyId !== undefined && bodyId !== basic.clientId)) {
      throw new InvalidRequestError('use one client authentication method, not Basic and the body');
    }
    return basic;
  }
  if (bodyId === undefined) {
    if (bodySecret !== undefined) throw new InvalidRequestError('client_secret needs client_id');
    throw new InvalidClientError('client authentication is required');
  }
  return bodySecret === undefined
    ? { clientId: bodyId, method: 'none' }
    : { clientId: bodyId, clientSecret: bodySecret, method: 'client_secret_post' };
}
