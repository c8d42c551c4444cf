import { JwtService } from '@nestjs/jwt';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { OAuthClient } from '../../../clients/client.js';
import { loadConfig } from '../../../config/load-config.js';
import { SigningKeysService } from '../../keys/signing-keys.service.js';
import { generateSigningKeySet } from '../../keys/signing-keys.js';
import { AccessTokenService } from '../../tokens/access-token.service.js';
import { AccessTokenVerifier, isClientToken } from '../../tokens/access-token.verifier.js';
import { TokenIssuer } from '../token-issuer.js';
import { TokenService } from '../token.service.js';
import { ClientCredentialsGrant } from './client-credentials.grant.js';
import type { GrantHandler } from './grant-handler.js';

const MACHINE: OAuthClient = {
  id: 'reports-job',
  name: 'Reports job',
  type: 'confidential',
  grantTypes: ['client_credentials'],
  scopes: ['reports:read', 'reports:write'],
  accessTokenTtlSeconds: 300,
};

/** The grant over the real signer and verifier: the tokens are read back as a resource server would. */
function world() {
  const config = loadConfig({
    ISSUER: 'https://auth.example.com',
    JWT_SIGNING_KEYS: generateSigningKeySet('ES256'),
  });
  const keys = new SigningKeysService(config);
  keys.onModuleInit();
  const jwt = new JwtService();
  const verifier = new AccessTokenVerifier(keys, jwt, config);
  const accessTokens = new AccessTokenService(keys, jwt, verifier, config);
  const grant = new ClientCredentialsGrant(new TokenIssuer(accessTokens, config));
  const handle = (client: OAuthClient, params: Record<string, string> = {}) =>
    grant.handle({ client, params: { grant_type: 'client_credentials', ...params } });
  return { grant, handle, verifier, accessTokens };
}

describe('ClientCredentialsGrant (RFC 6749 §4.4)', () => {
  it('answers an access token for the client itself and no refresh token (§4.4.3)', async () => {
    const { handle } = world();
    const body = await handle(MACHINE, { scope: 'reports:read' });
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'reports:read',
    });
  });

  it('signs an RFC 9068 token whose subject is the client, with no session', async () => {
    const { handle, verifier } = world();
    const { access_token: token } = await handle(MACHINE, { scope: 'reports:read' });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const claims = decodeJwt(token);
    expect(claims).toEqual({
      iss: 'https://auth.example.com',
      sub: 'reports-job',
      aud: 'https://auth.example.com',
      client_id: 'reports-job',
      scope: 'reports:read',
      iat: expect.any(Number),
      exp: (claims.iat ?? 0) + 300,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const verified = verifier.verify(token);
    expect(verified && isClientToken(verified)).toBe(true);
  });

  it("grants every scope of the client when none is asked (§3.3's pre-defined default)", async () => {
    const { handle } = world();
    const body = await handle(MACHINE);
    expect(body.scope).toBe('reports:read reports:write');
    expect(decodeJwt(body.access_token).scope).toBe('reports:read reports:write');
  });

  it('grants no scope, and says none, to a client registered for none', async () => {
    const { handle } = world();
    const body = await handle({ ...MACHINE, scopes: [] });
    expect(body).not.toHaveProperty('scope');
    expect(decodeJwt(body.access_token).scope).toBe('');
  });

  it('uses the configured access-token lifetime when the client has none of its own', async () => {
    const { handle } = world();
    const withDefaults: OAuthClient = { ...MACHINE, accessTokenTtlSeconds: undefined };
    expect((await handle(withDefaults)).expires_in).toBe(900);
  });

  it.each([
    ['a scope beyond the client', 'reports:read admin', /admin/],
    ['a malformed scope', 'reports:"read"', /malformed/],
  ])('refuses %s with invalid_scope', async (_case, scope, description) => {
    await expect(world().handle(MACHINE, { scope })).rejects.toMatchObject({
      status: 400,
      error: 'invalid_scope',
      description: expect.stringMatching(description),
    });
  });

  it('refuses a public client with unauthorized_client, even one stored with the grant', async () => {
    const publicClient: OAuthClient = { ...MACHINE, type: 'public' };
    await expect(world().handle(publicClient)).rejects.toMatchObject({
      status: 400,
      error: 'unauthorized_client',
      description: 'client_credentials is only for confidential clients',
    });
  });

  describe('in the registry (TokenService)', () => {
    const { grant } = world();
    const tokens = new TokenService([grant]);

    it('is offered, so the metadata lists it', () => {
      expect(tokens.grantTypes).toEqual(['client_credentials']);
    });

    it('is refused to a confidential client not registered for it', () => {
      const other: OAuthClient = { ...MACHINE, grantTypes: ['password'] };
      expect(() => tokens.grantFor(other, { grant_type: 'client_credentials' })).toThrow(
        expect.objectContaining({ status: 400, error: 'unauthorized_client' }),
      );
    });

    it('hands a grant only the parameters it declares (others ignored, §3.2)', async () => {
      const seen: Record<string, string>[] = [];
      const recording: GrantHandler = {
        grantType: grant.grantType,
        parameters: grant.parameters,
        handle: (context) => {
          seen.push({ ...context.params });
          return grant.handle(context);
        },
      };
      const params = { grant_type: 'client_credentials', scope: 'reports:read', username: 'x' };
      const body = await new TokenService([recording]).exchange(recording, {
        client: MACHINE,
        params,
      });
      expect(seen).toEqual([{ scope: 'reports:read' }]);
      expect(body.scope).toBe('reports:read');
    });
  });
});
