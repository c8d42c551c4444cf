import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  Headers,
  HttpCode,
  Ip,
  Post,
  Put,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiRefusesClientTokens } from '../common/client-tokens.js';
import { CurrentPrincipal, Public } from '../common/decorators.js';
import type { Principal, UserPrincipal } from '../common/principal.js';
import type { OAuthClient } from '../clients/client.js';
import { CreateSessionDto } from './dto/create-session.dto.js';
import { RefreshSessionDto } from './dto/refresh-session.dto.js';
import {
  SessionEndedResponse,
  SessionExpiryResponse,
  SessionTokensResponse,
} from './dto/session-tokens.response.js';
import { CLIENT_ID_HEADER } from './legacy-client.js';
import { LegacyClient, LegacyClientGuard, LegacyGrant } from './legacy-client.guard.js';
import { LegacySessionService } from './legacy-session.service.js';

/** The original (2016) session API, kept for the clients written against it. */
@ApiTags('legacy')
@ApiHeader({
  name: CLIENT_ID_HEADER,
  required: true,
  description:
    'The id of a registered public client, e.g. demo-app. Confidential clients must use /oauth/token with their secret.',
})
@ApiBadRequestResponse({
  description: `invalid_request: ${CLIENT_ID_HEADER} missing or the body invalid (fields says which); unauthorized_client: the client may not use this grant.`,
})
@UseGuards(LegacyClientGuard)
@Controller('session')
export class LegacySessionController {
  constructor(private readonly sessions: LegacySessionService) {}

  @Post()
  @Public()
  @LegacyGrant('password')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary: 'Sign in: start a session (the password grant)',
    operationId: 'startLegacySession',
    description:
      'Same session, tokens and lifetimes as POST /oauth/token with grant_type=password.',
  })
  @ApiOkResponse({ type: SessionTokensResponse })
  @ApiUnauthorizedResponse({
    description:
      'invalid_client: unknown or confidential client; invalid_grant: wrong email or password.',
  })
  create(
    @LegacyClient() client: OAuthClient,
    @Body() body: CreateSessionDto,
    @Ip() sourceAddress: string | undefined,
  ): Promise<SessionTokensResponse> {
    return this.sessions.start(client, body, sourceAddress);
  }

  // @Public(): the bearer token here may have expired, so the service checks it itself.
  @Put()
  @Public()
  @LegacyGrant('refresh_token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Refresh: new access and refresh tokens (rotation)',
    operationId: 'refreshLegacySession',
    description:
      'Authorization must carry the latest access token of the session (it may have expired); the refresh token must be the current one of that session. A refresh token used before ends the session.',
  })
  @ApiOkResponse({ type: SessionTokensResponse })
  @ApiUnauthorizedResponse({
    description:
      'invalid_token: the access token is not ours, of another client, not the latest, or its session ended; invalid_grant: the refresh token is of another session, or was used already (which ends the session).',
  })
  refresh(
    @LegacyClient() client: OAuthClient,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: RefreshSessionDto,
  ): Promise<SessionTokensResponse> {
    return this.sessions.refresh(client, authorization, body.refresh_token);
  }

  @Get()
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'Seconds left on the access token', operationId: 'getLegacySession' })
  @ApiOkResponse({ type: SessionExpiryResponse })
  @ApiRefusesClientTokens()
  @ApiUnauthorizedResponse({
    description:
      'invalid_token: missing, expired or revoked access token, or one issued to another client; invalid_client: unknown or confidential client.',
  })
  get(@CurrentPrincipal() principal: Principal): SessionExpiryResponse {
    return { access_token_expires_in: this.sessions.remaining(principal) };
  }

  @Delete()
  @HttpCode(200)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Sign out: end the session',
    operationId: 'endLegacySession',
    description:
      'Every later use of its access or refresh tokens is refused, on this API and on /oauth/token alike.',
  })
  @ApiOkResponse({ type: SessionEndedResponse })
  @ApiRefusesClientTokens()
  @ApiUnauthorizedResponse({
    description:
      'invalid_token: missing, expired or revoked access token, or one issued to another client; invalid_client: unknown or confidential client.',
  })
  async end(@CurrentPrincipal() principal: UserPrincipal): Promise<SessionEndedResponse> {
    await this.sessions.end(principal);
    return { message: 'session ended' };
  }
}
