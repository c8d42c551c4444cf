// The orders API's function. API Gateway's JWT authorizer has checked the access token before
// this runs (signature through the issuer's JWKS, iss, aud, exp, nbf, iat, and the route's
// scopes); the verified claims arrive in the event (HTTP API payload format 2.0), as strings.
export async function orders(event) {
  const { claims, scopes } = event.requestContext.authorizer.jwt;
  const body =
    event.requestContext.http.method === 'POST'
      ? { created: true, by: claims.sub }
      : { user: claims.sub, client: claims.client_id, session: claims.sid, scopes, orders: [] };
  return {
    statusCode: event.requestContext.http.method === 'POST' ? 201 : 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}
