import { InvalidScopeError } from '../../common/oauth-errors.js';

/** RFC 6749 §3.3: scope is a space-delimited list of NQCHAR tokens. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function parseScope(scope: string | undefined): string[] {
  if (scope === undefined) return [];
  const tokens = scope.split(' ').filter(Boolean);
  if (!tokens.every((token) => SCOPE_TOKEN.test(token))) {
    throw new InvalidScopeError('scope is malformed');
  }
  return [...new Set(tokens)];
}

/** The requested scope if every part is allowed; no scope requested grants none. */
export function grantScope(requested: string | undefined, allowed: readonly string[]): string {
  const tokens = parseScope(requested);
  const refused = tokens.filter((token) => !allowed.includes(token));
  if (refused.length > 0) {
    throw new InvalidScopeError(`scope not allowed for this client: ${refused.join(' ')}`);
  }
  return tokens.join(' ');
}
