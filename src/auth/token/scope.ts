import { InvalidScopeError } from '../../common/oauth-errors.js';
import { isScopeToken } from '../../common/oauth-scope.js';

/** RFC 6749 §3.3: a space-delimited list of scope tokens (grammar in common/oauth-scope.ts). */
export function parseScope(scope: string | undefined): string[] {
  if (scope === undefined) return [];
  const tokens = scope.split(' ').filter(Boolean);
  if (!tokens.every(isScopeToken)) throw new InvalidScopeError('scope is malformed');
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
