import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { BOOTSTRAP_CLIENTS, CONFIDENTIAL, PASSWORD, registerUser } from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';
import { freePort } from './setup/free-port.js';

/**
 * A standard OAuth2 client library (oauth4webapi) against the running app over a real socket:
 * discovery, password grant, refresh, introspection and revocation, with no special-casing.
 */
describe('interoperability with oauth4webapi and jose', () => {
  let t: TestApp;
  let issuer: URL;
  let as: oauth.AuthorizationServer;
  let email: string;
  const insecure = { [oauth.allowInsecureRequests]: true }; // loopback http in tests only
  const client: oauth.Client = { client_id: 'demo-app' };

  beforeAll(async () => {
    const port = await freePort();
    issuer = new URL(`http://127.0.0.1:${port}`);
    t = await createTestApp({ ISSUER: issuer.href, BOOTSTRAP_CLIENTS });
    await t.app.listen(port, '127.0.0.1');
    email = await registerUser(t);
    const discovery = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure });
    as = await oauth.processDiscoveryResponse(issuer, discovery);
  });
  afterAll(() => t.close());

  it('discovers the RFC 8414 metadata', () => {
    expect(as).toMatchObject({
      issuer: issuer.href.replace(/\/$/, ''),
      token_endpoint: `${issuer.origin}/oauth/token`,
      revocation_endpoint: `${issuer.origin}/oauth/revoke`,
      introspection_endpoint: `${issuer.origin}/oauth/introspect`,
      jwks_uri: `${issuer.origin}/.well-known/jwks.json`,
      grant_types_supported: expect.arrayContaining(['password', 'refresh_token']),
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    });
  });

  it('finds the same metadata through OpenID discovery (/.well-known/openid-configuration)', async () => {
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure });
    expect(new URL(response.url).pathname).toBe('/.well-known/openid-configuration');
    // processDiscoveryResponse checks that the document's issuer is the one asked for.
    const openid = await oauth.processDiscoveryResponse(issuer, response);
    expect(openid).toEqual(as);
    expect(openid.jwks_uri).toBe(as.jwks_uri);
  });

  it('runs password grant, refresh and revocation; tokens verify against the JWKS', async () => {
    const granted = await oauth.processGenericTokenEndpointResponse(
      as,
      client,
      await oauth.genericTokenEndpointRequest(
        as,
        client,
        oauth.None(),
        'password',
        { username: email, password: PASSWORD, scope: 'profile' },
        insecure,
      ),
    );
    expect(granted.token_type).toBe('bearer'); // oauth4webapi lower-cases it
    expect(granted.scope).toBe('profile');

    // A resource server verifies statelessly with jose and the published keys.
    const jwks = createRemoteJWKSet(new URL(as.jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(granted.access_token, jwks, {
      issuer: as.issuer,
      audience: t.config.tokens.audience,
      algorithms: ['ES256'],
      typ: 'at+jwt',
    });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload).toMatchObject({ client_id: 'demo-app', scope: 'profile' });

    // oauth4webapi's own RFC 9068 validation, as a resource server would use it.
    const claims = await oauth.validateJwtAccessToken(
      as,
      new Request(`${issuer.origin}/api`, {
        headers: { authorization: `Bearer ${granted.access_token}` },
      }),
      t.config.tokens.audience,
      insecure,
    );
    expect(claims.sub).toBe(payload.sub);

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(
        as,
        client,
        oauth.None(),
        granted.refresh_token!,
        insecure,
      ),
    );
    expect(refreshed.refresh_token).not.toBe(granted.refresh_token);

    const resourceServer: oauth.Client = { client_id: CONFIDENTIAL.id };
    const introspected = await oauth.processIntrospectionResponse(
      as,
      resourceServer,
      await oauth.introspectionRequest(
        as,
        resourceServer,
        oauth.ClientSecretBasic(CONFIDENTIAL.secret),
        refreshed.access_token,
        insecure,
      ),
    );
    expect(introspected).toMatchObject({ active: true, client_id: 'demo-app', sub: payload.sub });

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, oauth.None(), refreshed.refresh_token!, insecure),
    );
    const afterRevocation = await oauth.refreshTokenGrantRequest(
      as,
      client,
      oauth.None(),
      refreshed.refresh_token!,
      insecure,
    );
    await expect(
      oauth.processRefreshTokenResponse(as, client, afterRevocation),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
