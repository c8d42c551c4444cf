import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../../config/app-config.js';
import { Public } from '../../common/decorators.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { TokenService } from '../token/token.service.js';
import { serverMetadata } from './server-metadata.js';

/** Metadata and keys change only with a deploy or a restart: let clients keep them 5 minutes. */
const CACHE_FIVE_MINUTES = 'public, max-age=300';

@ApiTags('oauth2')
@Public()
@Controller('.well-known')
export class DiscoveryController {
  private readonly document: Record<string, unknown>;

  constructor(
    config: AppConfig,
    private readonly keys: SigningKeysService,
    tokens: TokenService,
  ) {
    this.document = serverMetadata({
      issuer: config.tokens.issuer,
      grantTypes: tokens.grantTypes,
      accessTokenAlg: keys.alg,
    });
  }

  @Get('oauth-authorization-server')
  @Header('Cache-Control', CACHE_FIVE_MINUTES)
  @ApiOperation({
    summary: 'Authorization server metadata (RFC 8414)',
    operationId: 'getAuthorizationServerMetadata',
  })
  @ApiOkResponse({ description: 'RFC 8414 metadata' })
  metadata(): Record<string, unknown> {
    return this.document;
  }

  /** The same document where OpenID discovery looks (API Gateway JWT authorizers, many libraries). */
  @Get('openid-configuration')
  @Header('Cache-Control', CACHE_FIVE_MINUTES)
  @ApiOperation({
    summary: 'The RFC 8414 metadata at the OpenID discovery path (no ID-token features)',
    operationId: 'getOpenIdConfiguration',
  })
  @ApiOkResponse({ description: 'RFC 8414 metadata, the same document' })
  openidConfiguration(): Record<string, unknown> {
    return this.document;
  }

  @Get('jwks.json')
  @Header('Cache-Control', CACHE_FIVE_MINUTES)
  @ApiOperation({
    summary: 'Public signing keys of access tokens (RFC 7517 JWK set)',
    operationId: 'getJwks',
  })
  @ApiOkResponse({ description: 'RFC 7517 JWK set: the current key first, then earlier ones' })
  jwks(): ReturnType<SigningKeysService['publicJwks']> {
    return this.keys.publicJwks();
  }
}
