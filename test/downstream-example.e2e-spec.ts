// CloudFormation templates are untyped JSON, read here as `any`; the assertions are the checks.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { passwordGrant, registerUser } from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';
import { freePort } from './setup/free-port.js';
import { packageOffline } from './setup/serverless-package.js';

/**
 * examples/downstream-api: another team's HTTP API behind an API Gateway HTTP API JWT authorizer
 * on this service's issuer (docs/DEPLOY.md). Its `serverless package` runs offline; the template's
 * authorizer, read back, must accept this service's RS256 tokens the way API Gateway's documented
 * checks do, against a running service; and its handler answers with the claims it is given.
 */

const root = resolve(import.meta.dirname, '..');
const example = join(root, 'examples/downstream-api');

/** `serverless package` (osls) in the example's folder: dummy credentials, no network if possible. */
function packageExample(issuerUrl: string): Promise<string> {
  return packageOffline(example, [`--param=issuerUrl=${issuerUrl}`], 'sls-downstream-');
}

const ofType = (resources: Record<string, any>, type: string): any[] =>
  Object.values(resources).filter((resource) => resource.Type === type);

describe('examples/downstream-api: an HTTP API behind a JWT authorizer on our issuer', () => {
  let t: TestApp;
  let issuer: string;
  let out: string;
  let resources: Record<string, any>;
  let authorizer: any;
  let routes: Map<string, any>;
  let email: string;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    // As the recipe says: RS256, and a client that may ask for the API's scopes.
    t = await createTestApp({
      ISSUER: issuer,
      ACCESS_TOKEN_ALG: 'RS256',
      BOOTSTRAP_CLIENTS: JSON.stringify([
        {
          client_id: 'orders-app',
          grant_types: ['password', 'refresh_token'],
          scopes: ['orders:read', 'orders:write'],
        },
      ]),
    });
    await t.app.listen(port, '127.0.0.1');
    email = await registerUser(t);

    out = await packageExample(issuer);
    const template = JSON.parse(
      readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as { Resources: Record<string, any> };
    resources = template.Resources;
    [authorizer] = ofType(resources, 'AWS::ApiGatewayV2::Authorizer');
    routes = new Map(
      ofType(resources, 'AWS::ApiGatewayV2::Route').map((route) => [
        route.Properties.RouteKey as string,
        route.Properties,
      ]),
    );
  }, 180_000);

  afterAll(async () => {
    await t.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('packages a JWT authorizer on our issuer and audience, reading the bearer header', () => {
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: issuer, Audience: [t.config.tokens.audience] },
    });
  });

  it('puts every route behind it, each with its scope', () => {
    expect([...routes.keys()].sort()).toEqual(['GET /orders', 'POST /orders']);
    const authorizerRef = {
      Ref: Object.keys(resources).find((name) => resources[name] === authorizer),
    };
    expect(routes.get('GET /orders')).toMatchObject({
      AuthorizationType: 'JWT',
      AuthorizerId: authorizerRef,
      AuthorizationScopes: ['orders:read'],
    });
    expect(routes.get('POST /orders')).toMatchObject({
      AuthorizationType: 'JWT',
      AuthorizerId: authorizerRef,
      AuthorizationScopes: ['orders:write'],
    });
  });

  /**
   * API Gateway's documented checks for HTTP API JWT authorizers, with the packaged settings:
   * discovery at `{Issuer}/.well-known/openid-configuration`, an RSA key of its jwks_uri named by
   * the token's kid, iss equal to Issuer, aud one of Audience, exp/nbf/iat, and at least one of
   * the route's scopes in the `scope` claim.
   */
  async function apiGatewayAllows(token: string, routeKey: string): Promise<boolean> {
    const { Issuer, Audience } = authorizer.Properties.JwtConfiguration;
    const discovery = await fetch(`${Issuer}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    const metadata = (await discovery.json()) as { issuer: string; jwks_uri: string };
    expect(metadata.issuer).toBe(Issuer);
    const jwks = (await (await fetch(metadata.jwks_uri)).json()) as { keys: { kty: string }[] };
    expect(jwks.keys.map((key) => key.kty)).toEqual(jwks.keys.map(() => 'RSA'));
    try {
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(metadata.jwks_uri)), {
        algorithms: ['RS256'],
        issuer: Issuer as string,
        audience: Audience as string[],
      });
      const granted = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      const required = routes.get(routeKey).AuthorizationScopes as string[];
      return required.some((scope) => granted.includes(scope));
    } catch {
      return false;
    }
  }

  it('lets our RS256 token with the route scope through, and nothing else', async () => {
    const reader = await passwordGrant(t, email, { client_id: 'orders-app', scope: 'orders:read' });
    expect(decodeProtectedHeader(reader.access_token)).toMatchObject({ alg: 'RS256' });
    expect(await apiGatewayAllows(reader.access_token, 'GET /orders')).toBe(true);
    // Without the route's scope.
    expect(await apiGatewayAllows(reader.access_token, 'POST /orders')).toBe(false);
    // Tampered with.
    const [head, body, signature] = reader.access_token.split('.');
    const flipped = Buffer.from(signature, 'base64url');
    flipped[0] ^= 0x01;
    expect(
      await apiGatewayAllows(`${head}.${body}.${flipped.toString('base64url')}`, 'GET /orders'),
    ).toBe(false);
  });

  it("answers with the authorizer's claims (the example handler)", async () => {
    const { orders } = (await import(pathToFileURL(join(example, 'handler.js')).href)) as {
      orders: (event: object) => Promise<{ statusCode: number; body: string }>;
    };
    const event = (method: string, scopes: string[]) => ({
      version: '2.0',
      routeKey: `${method} /orders`,
      rawPath: '/orders',
      requestContext: {
        http: { method, path: '/orders' },
        authorizer: {
          jwt: { claims: { sub: 'user-1', client_id: 'orders-app', sid: 'session-1' }, scopes },
        },
      },
    });
    const listed = await orders(event('GET', ['orders:read']));
    expect(listed.statusCode).toBe(200);
    expect(JSON.parse(listed.body)).toEqual({
      user: 'user-1',
      client: 'orders-app',
      session: 'session-1',
      scopes: ['orders:read'],
      orders: [],
    });
    expect((await orders(event('POST', ['orders:write']))).statusCode).toBe(201);
  });
});
