import { Controller, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiBody,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Public } from '../../common/decorators.js';
import { OAuthClientGuard } from '../guards/oauth-client.guard.js';
import type { OAuthRequest } from '../oauth-request.js';
import { IntrospectionService, type Introspection } from './introspection.service.js';

@ApiTags('oauth2')
@Controller('oauth')
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  @Post('introspect')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @UseGuards(OAuthClientGuard)
  @ApiOperation({
    summary: 'RFC 7662 token introspection (clients with "introspection": true)',
    operationId: 'introspectToken',
    description:
      'For resource servers: a confidential client registered with `"introspection": true` (a ' +
      'BOOTSTRAP_CLIENTS key, or `clients create --introspection`) authenticates with HTTP Basic ' +
      'or `client_id` + `client_secret` in the body. An access token is described to any such ' +
      'client; a refresh token only to the client it was issued to (to others it is ' +
      '`{"active": false}`). A client_credentials access token (no user, no session) is active ' +
      'until it expires, with `sub` = `client_id` = the client and no `sid`. ' +
      '`token_type` is the RFC 6749 §5.1 type (RFC 7662 §2.2): `"Bearer"` ' +
      'for access tokens; a refresh token has no such type, so its answer has no `token_type` ' +
      '(nor `iss`, `aud`, `jti`). Anything expired, revoked, rotated away or unknown is ' +
      '`{"active": false}` and nothing more.',
  })
  // Client authentication (RFC 6749 §2.3): HTTP Basic, or client_id + client_secret in the body.
  @ApiSecurity({})
  @ApiBasicAuth('client')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['token'],
      properties: {
        token: { type: 'string' },
        token_type_hint: { type: 'string', enum: ['access_token', 'refresh_token'] },
      },
    },
  })
  @ApiOkResponse({
    description: 'The token is described, or `{"active": false}`',
    schema: {
      type: 'object',
      required: ['active'],
      properties: {
        active: { type: 'boolean' },
        sub: {
          type: 'string',
          description: 'the user id; the client id for a client_credentials token',
        },
        client_id: { type: 'string', description: 'the client the token was issued to' },
        exp: { type: 'integer' },
        iat: { type: 'integer' },
        scope: { type: 'string' },
        sid: {
          type: 'string',
          description: 'the session id; absent for a client_credentials token',
        },
        token_type: {
          type: 'string',
          enum: ['Bearer'],
          description: 'access tokens only; absent for a refresh token',
        },
        iss: { type: 'string', description: 'access tokens only' },
        aud: { type: 'string', description: 'access tokens only' },
        jti: { type: 'string', description: 'access tokens only' },
      },
    },
  })
  @ApiBadRequestResponse({ description: 'invalid_request: no `token`' })
  @ApiUnauthorizedResponse({
    description:
      'invalid_client: unknown client, wrong secret, or a public client (no client authentication)',
  })
  @ApiForbiddenResponse({
    description:
      'unauthorized_client: the client authenticated but may not introspect (no `"introspection": true`)',
  })
  introspect(@Req() request: OAuthRequest): Promise<Introspection> {
    return this.introspection.introspect(request.oauthClient, request.oauthParams);
  }
}
