import { JwtService } from '@nestjs/jwt';
import { RecordingAuditLog } from '../../../test/setup/audit.js';
import { TestClock } from '../../../test/setup/clock.js';
import { InMemorySessionsRepository } from '../../../test/setup/in-memory-repositories.js';
import { loadConfig } from '../../config/load-config.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { generateSigningKeySet } from '../keys/signing-keys.js';
import { AccessTokenVerifier } from '../tokens/access-token.verifier.js';
import { JwtStrategy } from './jwt.strategy.js';

/**
 * The strategy's validate step, after jsonwebtoken has checked the signature (the forged-token
 * table is test/bearer-guard.e2e-spec.ts): which principal a payload becomes, and what it reads.
 */
describe('JwtStrategy.validate', () => {
  const config = loadConfig({ JWT_SIGNING_KEYS: generateSigningKeySet('ES256') });
  const keys = new SigningKeysService(config);
  keys.onModuleInit();
  const clock = new TestClock(new Date());
  const repository = new InMemorySessionsRepository();
  const sessions = new SessionsService(repository, clock, new RecordingAuditLog());
  const strategy = new JwtStrategy(
    new AccessTokenVerifier(keys, new JwtService(), config),
    sessions,
  );
  const common = {
    iss: config.tokens.issuer,
    aud: config.tokens.audience,
    scope: 'reports:read',
    iat: 1_700_000_000,
    exp: 1_700_000_300,
    jti: 'jti-1',
  };

  beforeEach(() => {
    repository.calls.length = 0;
  });

  it('makes a client_credentials token a client principal, reading nothing', async () => {
    const principal = await strategy.validate({
      ...common,
      sub: 'reports-job',
      client_id: 'reports-job',
    });
    expect(principal).toEqual({
      kind: 'client',
      clientId: 'reports-job',
      scope: 'reports:read',
      jti: 'jti-1',
      issuedAt: 1_700_000_000,
      expiresAt: 1_700_000_300,
    });
    expect(repository.calls).toEqual([]);
  });

  it("makes a session's token a user principal once its session is read and live", async () => {
    const { session } = await sessions.start({
      userId: 'user-1',
      clientId: 'demo-app',
      scope: '',
      ttlSeconds: 3600,
    });
    repository.calls.length = 0;
    const principal = await strategy.validate({
      ...common,
      sub: 'user-1',
      client_id: 'demo-app',
      sid: session.id,
    });
    expect(principal).toEqual({
      kind: 'user',
      userId: 'user-1',
      sessionId: session.id,
      clientId: 'demo-app',
      scope: 'reports:read',
      jti: 'jti-1',
      issuedAt: 1_700_000_000,
      expiresAt: 1_700_000_300,
    });
    expect(repository.calls).toEqual(['findById']);
  });

  it.each([
    [
      'a session token whose session is unknown',
      { sub: 'user-1', client_id: 'demo-app', sid: 's' },
    ],
    ['no sid, and a sub that is not the client', { sub: 'user-1', client_id: 'demo-app' }],
  ])('refuses %s with 401 invalid_token', async (_case, claims) => {
    await expect(strategy.validate({ ...common, ...claims })).rejects.toMatchObject({
      status: 401,
      error: 'invalid_token',
    });
  });
});
