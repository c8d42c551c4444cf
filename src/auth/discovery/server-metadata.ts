import type { AccessTokenAlg } from '../../config/signing-keys.config.js';

/** Client authentication methods (RFC 8414 §2, the IANA OAuth registry), per endpoint. */
const CLIENT_AUTH = ['client_secret_basic', 'client_secret_post', 'none'];
const CONFIDENTIAL_CLIENT_AUTH = ['client_secret_basic', 'client_secret_post'];

export interface ServerMetadataInput {
  readonly issuer: string;
  readonly grantTypes: readonly string[];
  readonly accessTokenAlg: AccessTokenAlg;
}

/**
 * RFC 8414 §2 authorization server metadata: the one document served both at
 * `/.well-known/oauth-authorization-server` and at `/.well-known/openid-configuration`, where API
 * Gateway's JWT authorizers and many resource-server libraries look for `issuer` and `jwks_uri`.
 * It claims no OpenID Connect feature: no ID-token fields (some libraries read
 * `id_token_signing_alg_values_supported` as the algorithms to accept for access tokens).
 */
export function serverMetadata({
  issuer,
  grantTypes,
  accessTokenAlg,
}: ServerMetadataInput): Record<string, unknown> {
  return {
    issuer,
    token_endpoint: `${issuer}/oauth/token`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    grant_types_supported: [...grantTypes],
    // No authorization endpoint: only token-endpoint grants are offered.
    response_types_supported: [],
    token_endpoint_auth_methods_supported: CLIENT_AUTH,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH,
    introspection_endpoint_auth_methods_supported: CONFIDENTIAL_CLIENT_AUTH,
    // The algorithm of the JWT access tokens (RFC 9068) and of the keys in jwks_uri.
    access_token_signing_alg_values_supported: [accessTokenAlg],
    service_documentation: `${issuer}/docs`,
  };
}
