import { serverMetadata } from './server-metadata.js';

describe('serverMetadata (RFC 8414)', () => {
  const issuer = 'https://auth.example.com';

  it.each(['ES256', 'RS256'] as const)('publishes the endpoints and %s', (accessTokenAlg) => {
    const document = serverMetadata({
      issuer,
      grantTypes: ['password', 'refresh_token'],
      accessTokenAlg,
    });
    expect(document).toMatchObject({
      issuer,
      token_endpoint: `${issuer}/oauth/token`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      grant_types_supported: ['password', 'refresh_token'],
      access_token_signing_alg_values_supported: [accessTokenAlg],
    });
  });

  it('claims no OpenID Connect ID-token features', () => {
    const document = serverMetadata({ issuer, grantTypes: ['password'], accessTokenAlg: 'RS256' });
    // express-oauth2-jwt-bearer, for one, takes id_token_signing_alg_values_supported as the
    // algorithms it accepts for access tokens.
    expect(
      Object.keys(document).filter((name) => /id_token|userinfo|subject_types/.test(name)),
    ).toEqual([]);
  });
});
