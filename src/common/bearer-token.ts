/** RFC 6750 §2.1: `Authorization: Bearer <b64token>`, b64token = 1*( ALPHA / DIGIT / "-._~+/" ) *"=". */
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/** The bearer token of an Authorization header, or undefined when there is none or it is malformed. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
}
