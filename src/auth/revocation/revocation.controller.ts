import { Controller, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Public } from '../../common/decorators.js';
import { OAuthClientGuard } from '../guards/oauth-client.guard.js';
import type { OAuthRequest } from '../oauth-request.js';
import { RevocationService } from './revocation.service.js';

@ApiTags('oauth2')
@Controller('oauth')
export class RevocationController {
  constructor(private readonly revocation: RevocationService) {}

  @Post('revoke')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @UseGuards(OAuthClientGuard)
  @ApiOperation({
    summary: 'RFC 7009 revocation: ends the session of a refresh or access token',
    operationId: 'revokeToken',
    description:
      "Revoking a refresh token, or an access token of a user's session, ends that whole session. " +
      'A client_credentials access token has no session: revoking it revokes nothing (the answer ' +
      'is still 200) and it stays valid until it expires, so keep its lifetime short ' +
      '(`access_token_ttl` per client). Tokens of other clients, unknown and malformed tokens are ' +
      'ignored.',
  })
  // Client authentication (RFC 6749 §2.3): HTTP Basic, or none in the header (body credentials).
  @ApiSecurity({})
  @ApiBasicAuth('client')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['token'],
      properties: {
        token: { type: 'string' },
        token_type_hint: { type: 'string', enum: ['refresh_token', 'access_token'] },
        client_id: { type: 'string', example: 'demo-app' },
        client_secret: { type: 'string' },
      },
    },
  })
  @ApiOkResponse({ description: 'Revoked, or nothing to revoke (always 200).' })
  @ApiUnauthorizedResponse({ description: 'invalid_client' })
  async revoke(@Req() request: OAuthRequest): Promise<Record<string, never>> {
    await this.revocation.revoke(request.oauthClient, request.oauthParams);
    return {};
  }
}
