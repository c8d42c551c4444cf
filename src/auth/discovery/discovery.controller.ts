import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../../config/app-config.js';
import { Public } from '../../common/decorators.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { TokenService } from '../token/token.service.js';
import { ACCESS_TOKEN_ALG } from '../tokens/access-token.service.js';

@ApiTags('oauth2')
@Public()
@Controller('.well-known')
export class DiscoveryController {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
    private readonly tokens: TokenService,
  ) {}

  /** RFC 8414 authorization server metadata. */
  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'Authorization server metadata (RFC 8414)',
    operationId: 'getAuthorizationServerMetadata',
  })
  @ApiOkResponse({ description: 'RFC 8414 metadata' })
  metadata(): Record<string, unknown> {
    const issuer = this.config.tokens.issuer;
    return {
      issuer,
      token_endpoint: `${issuer}/oauth/token`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      grant_types_supported: this.tokens.grantTypes,
      // No authorization endpoint: only token-endpoint grants are offered.
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      revocation_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'none',
      ],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      access_token_signing_alg_values_supported: [ACCESS_TOKEN_ALG],
      service_documentation: `${issuer}/docs`,
    };
  }

  /** RFC 7517 JWK set: the current key and any previous ones still trusted. */
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'The public keys that verify access tokens (JWK set, RFC 7517)',
    operationId: 'getJwks',
  })
  @ApiOkResponse({ description: 'RFC 7517 JWK set' })
  jwks(): ReturnType<SigningKeysService['publicJwks']> {
    return this.keys.publicJwks();
  }
}
