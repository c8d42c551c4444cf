import { Controller, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
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
import { PasswordCredentialsGuard } from '../guards/password-credentials.guard.js';
import type { OAuthRequest } from '../oauth-request.js';
import { GrantTypeGuard } from './grant-type.guard.js';
import { AccessTokenResponse } from './token-response.js';
import { TokenService } from './token.service.js';

@ApiTags('oauth2')
@Controller('oauth')
export class TokenController {
  constructor(private readonly tokens: TokenService) {}

  /**
   * RFC 6749 §3.2, as a chain of steps: the client, the grant type it may use, (password grant)
   * the user, then the grant itself.
   */
  @Post('token')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @UseGuards(OAuthClientGuard, GrantTypeGuard, PasswordCredentialsGuard)
  @ApiOperation({
    summary: 'Token endpoint: grant_type=password, refresh_token or client_credentials',
    operationId: 'requestToken',
    description:
      'Form-encoded (JSON accepted). Public clients send client_id; confidential ones HTTP Basic or client_id + client_secret.\n\n' +
      '**client_credentials** (RFC 6749 §4.4) is for a confidential client registered for it, acting as itself (a backend job, ' +
      'one service calling another): no user is involved. The access token has `sub` = `client_id` = the client id, no `sid`, ' +
      "and the requested `scope` (within the client's; when none is requested, every scope the client is registered for). " +
      'No refresh token (§4.4.3): ask again with the client credentials. The token has no session, so revoking it revokes ' +
      'nothing (`POST /oauth/revoke` answers 200): its short lifetime (`expires_in`) is the control. User routes (`/user`, ' +
      '`/user/sessions`, `/session`) answer it 403 `insufficient_scope`. A public client, or one not registered for the grant, ' +
      'gets 400 `unauthorized_client`.',
  })
  // Client authentication (RFC 6749 §2.3): HTTP Basic, or none in the header (body credentials).
  @ApiSecurity({})
  @ApiBasicAuth('client')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['grant_type'],
      properties: {
        grant_type: {
          type: 'string',
          enum: ['password', 'refresh_token', 'client_credentials'],
        },
        username: { type: 'string', description: 'the email (password grant)' },
        password: { type: 'string', description: 'password grant' },
        refresh_token: { type: 'string', description: 'refresh_token grant' },
        scope: {
          type: 'string',
          description:
            "space-separated, within the client's scopes. Omitted: none for password; the session's for refresh_token; all of the client's for client_credentials",
        },
        client_id: { type: 'string', example: 'demo-app' },
        client_secret: {
          type: 'string',
          description: 'confidential clients (client_credentials needs one), unless HTTP Basic',
        },
      },
    },
  })
  @ApiOkResponse({
    type: AccessTokenResponse,
    description:
      'The tokens. `refresh_token` for password and refresh_token; none for client_credentials.',
  })
  @ApiBadRequestResponse({
    description:
      'RFC 6749 §5.2: invalid_request, invalid_grant, unsupported_grant_type, invalid_scope, unauthorized_client.',
  })
  @ApiUnauthorizedResponse({ description: 'invalid_client' })
  token(@Req() request: OAuthRequest): Promise<AccessTokenResponse> {
    if (!request.grant) throw new Error('GrantTypeGuard did not run on the token endpoint');
    return this.tokens.exchange(request.grant, {
      client: request.oauthClient,
      params: request.oauthParams,
      user: request.user,
    });
  }
}
