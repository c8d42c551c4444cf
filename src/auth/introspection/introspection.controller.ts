import { Controller, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
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
  @ApiOperation({ summary: 'RFC 7662 introspection (confidential clients)' })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['token'],
      properties: { token: { type: 'string' }, token_type_hint: { type: 'string' } },
    },
  })
  @ApiOkResponse({ description: '{active, sub, client_id, exp, iat, scope, sid, token_type}' })
  @ApiUnauthorizedResponse({ description: 'invalid_client, or a public client' })
  introspect(@Req() request: OAuthRequest): Promise<Introspection> {
    return this.introspection.introspect(request.oauthClient, request.oauthParams);
  }
}
