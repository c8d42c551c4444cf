import { Controller, Delete, Get, HttpCode, Param, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
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
// Not named Response: decorator metadata would read the global Response (Node's fetch), whose
// first access loads undici, ~20 ms of a Lambda cold start.
import type { Response as ExpressResponse } from 'express';
import { CurrentPrincipal } from '../common/decorators.js';
import type { UserPrincipal } from '../common/principal.js';
import { SessionIdParams } from './dto/session-id.params.js';
import { SessionResponse } from './dto/session.response.js';
import { SESSIONS_PAGE_DEFAULT, SessionsPageQuery } from './dto/sessions-page.query.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('sessions')
@ApiBearerAuth('bearer')
@ApiOAuth2([], 'oauth2')
@ApiUnauthorizedResponse({ description: 'Missing, invalid, expired or revoked access token.' })
@ApiRefusesClientTokens()
@Controller('user/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  /**
   * The body stays an array (what clients of this route already read); the next page, when there
   * is one, is in a `Link` header (RFC 8288), as GitHub's API pages its lists.
   */
  @Get()
  @ApiOperation({ summary: "The caller's live sessions (devices)", operationId: 'listSessions' })
  @ApiOkResponse({
    type: [SessionResponse],
    description:
      "The caller's live sessions, newest first, at most `limit` of them. When more follow, the " +
      'Link header names the next page.',
    headers: {
      Link: {
        description:
          'RFC 8288: `<?limit=…&cursor=…>; rel="next"` (a query-only reference: this path, the next page) when another page follows; absent on the last page.',
        schema: { type: 'string' },
      },
    },
  })
  @ApiBadRequestResponse({ description: 'limit out of 1…100, or a cursor not from this API.' })
  async list(
    @CurrentPrincipal() principal: UserPrincipal,
    @Query() query: SessionsPageQuery,
    @Res({ passthrough: true }) response: ExpressResponse,
  ): Promise<SessionResponse[]> {
    const limit = query.limit ?? SESSIONS_PAGE_DEFAULT;
    const page = await this.sessions.page(principal.userId, { limit, cursor: query.cursor });
    if (page.next) {
      // A query-only reference (RFC 3986 §5.2.2): the path the client asked for, whatever prefix
      // (an API Gateway stage) lies in front of it, with the next page's query.
      const next = new URLSearchParams({ limit: String(limit), cursor: page.next });
      response.setHeader('Link', `<?${next.toString()}>; rel="next"`);
    }
    return page.sessions.map((session) => ({
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
