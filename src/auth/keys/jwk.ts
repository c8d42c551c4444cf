import { createHash, type JsonWebKey } from 'node:crypto';

/**
 * RFC 7638 §3.2: the members a key's thumbprint covers, which are also all that its public JWK
 * needs (RFC 7518 §6.2.1 for EC, §6.3.1 for RSA), in lexicographic order.
 */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
};

function publicMembers(jwk: JsonWebKey): readonly string[] {
  const members = jwk.kty === undefined ? undefined : PUBLIC_MEMBERS[jwk.kty];
  if (!members) throw new Error('only EC and RSA keys are supported');
  return members;
}

/** The public part of a (private or public) EC or RSA JWK: its key type and public members. */
export function publicJwk(jwk: JsonWebKey): JsonWebKey {
  return Object.fromEntries(publicMembers(jwk).map((name) => [name, jwk[name]]));
}

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url): the hash of the required members as JSON with no
 * whitespace, in lexicographic order. Base64url strings need no escaping, so JSON.stringify of an
 * object built in that order is the canonical form.
 */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify(publicJwk(jwk));
  return createHash('sha256').update(canonical).digest('base64url');
}
