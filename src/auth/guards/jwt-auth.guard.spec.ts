import { Controller, Get, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { JwtService } from '@nestjs/jwt';
import { RecordingAuditLog } from '../../../test/setup/audit.js';
import { TestClock } from '../../../test/setup/clock.js';
import { InMemorySessionsRepository } from '../../../test/setup/in-memory-repositories.js';
import { Public } from '../../common/decorators.js';
import { loadConfig } from '../../config/load-config.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { generateSigningKeySet } from '../keys/signing-keys.js';
import { AccessTokenService } from '../tokens/access-token.service.js';
import { AccessTokenVerifier } from '../tokens/access-token.verifier.js';
import { BearerAuthenticator } from '../tokens/bearer-authenticator.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';

@Controller()
class Routes {
  @Get('open')
  @Public()
  open(): void {}

  @Get('closed')
  closed(): void {}
}

/** The global bearer guard: @Public() routes pass as they are; every other route needs a token. */
describe('JwtAuthGuard', () => {
  const config = loadConfig({ JWT_SIGNING_KEYS: generateSigningKeySet('ES256') });
  const keys = new SigningKeysService(config);
  keys.onModuleInit();
  const repository = new InMemorySessionsRepository();
  const sessions = new SessionsService(
    repository,
    new TestClock(new Date()),
    new RecordingAuditLog(),
  );
  const verifier = new AccessTokenVerifier(keys, new JwtService(), config);
  const tokens = new AccessTokenService(keys, new JwtService(), verifier, config);
  const guard = new JwtAuthGuard(new Reflector(), new BearerAuthenticator(verifier, sessions));

  function contextFor(route: 'open' | 'closed', authorization?: string) {
    const request: { headers: Record<string, string>; user?: unknown } = {
      headers: authorization === undefined ? {} : { authorization },
    };
    const context = new ExecutionContextHost([request, {}], Routes, Routes.prototype[route]);
    return { context: context as ExecutionContext, request };
  }

  it('lets a @Public() route through without a token, reading nothing', () => {
    repository.calls.length = 0;
    const { context, request } = contextFor('open');
    expect(guard.canActivate(context)).toBe(true);
    expect(request.user).toBeUndefined();
    expect(repository.calls).toEqual([]);
  });

  it('refuses any other route without a token: 401 invalid_token', async () => {
    const { context } = contextFor('closed');
    await expect(guard.canActivate(context)).rejects.toMatchObject({
      status: 401,
      error: 'invalid_token',
    });
  });

  it("puts a live session's principal on the request", async () => {
    const { session } = await sessions.start({
      userId: 'user-1',
      clientId: 'demo-app',
      scope: '',
      ttlSeconds: 3600,
    });
    const { token } = await tokens.issue({
      userId: 'user-1',
      clientId: 'demo-app',
      sessionId: session.id,
      scope: '',
      ttlSeconds: 300,
      notAfter: Math.floor(Date.now() / 1000) + 3600,
    });
    const { context, request } = contextFor('closed', `Bearer ${token}`);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.user).toMatchObject({ kind: 'user', userId: 'user-1', sessionId: session.id });
  });
});
