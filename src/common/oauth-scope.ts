/**
 * RFC 6749 §3.3: scope = scope-token *( SP scope-token ), scope-token = 1*NQCHAR, that is
 * %x21 / %x23-5B / %x5D-7E (printable ASCII without space, '"' and '\'). The one statement of the
 * grammar: the token endpoint parses requested scopes with it, client registration checks a
 * client's allowed scopes with it.
 */
export const SCOPE_TOKEN_MAX_LENGTH = 64;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function isScopeToken(value: string): boolean {
  return value.length <= SCOPE_TOKEN_MAX_LENGTH && SCOPE_TOKEN.test(value);
}
