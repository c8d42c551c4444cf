import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOAuth2,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiRefusesClientTokens } from '../common/client-tokens.js';
import { CurrentPrincipal } from '../common/decorators.js';
import type { UserPrincipal } from '../common/principal.js';
import { SessionIdParams } from './dto/session-id.params.js';
import { SessionResponse } from './dto/session.response.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('sessions')
@ApiBearerAuth('bearer')
@ApiOAuth2([], 'oauth2')
@ApiUnauthorizedResponse({ description: 'Missing, invalid, expired or revoked access token.' })
@ApiRefusesClientTokens()
@Controller('user/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({ summary: "The caller's live sessions (devices)", operationId: 'listSessions' })
  @ApiOkResponse({ type: [SessionResponse], description: "The caller's live sessions." })
  async list(@CurrentPrincipal() principal: UserPrincipal): Promise<SessionResponse[]> {
    const sessions = await this.sessions.listLive(principal.userId);
    return sessions.map((session) => ({
      id: session.id,
      client_id: session.clientId,
      scope: session.scope,
      created_at: session.createdAt,
      last_used_at: session.lastUsedAt,
      expires_at: new Date(session.expiresAt * 1000).toISOString(),
      current: session.id === principal.sessionId,
    }));
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Sign out everywhere: end every session of the caller',
    operationId: 'endAllSessions',
  })
  @ApiNoContentResponse({ description: 'Every session of the caller has ended.' })
  async revokeAll(@CurrentPrincipal() principal: UserPrincipal): Promise<void> {
    await this.sessions.revokeAllOwn(principal.userId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: "End one of the caller's sessions", operationId: 'endSession' })
  @ApiNoContentResponse({ description: 'The session has ended.' })
  @ApiNotFoundResponse({ description: 'The caller has no live session with this id.' })
  async revokeOne(
    @CurrentPrincipal() principal: UserPrincipal,
    @Param() params: SessionIdParams,
  ): Promise<void> {
    await this.sessions.revokeOwn(principal.userId, params.id);
  }
}
