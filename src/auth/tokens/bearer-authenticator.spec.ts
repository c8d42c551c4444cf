import { JwtService } from '@nestjs/jwt';
import { RecordingAuditLog } from '../../../test/setup/audit.js';
import { TestClock } from '../../../test/setup/clock.js';
import { InMemorySessionsRepository } from '../../../test/setup/in-memory-repositories.js';
import { loadConfig } from '../../config/load-config.js';
import { DatabaseUnavailableError } from '../../database/database-unavailable.error.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { generateSigningKeySet } from '../keys/signing-keys.js';
import { AccessTokenService } from './access-token.service.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { BearerAuthenticator } from './bearer-authenticator.js';

/**
 * The bearer check: which principal a token's payload becomes and what it reads (principal), and
 * which Authorization headers are refused how (authenticate). The forged-token table is
 * test/bearer-guard.e2e-spec.ts.
 */
describe('BearerAuthenticator', () => {
  const config = loadConfig({ JWT_SIGNING_KEYS: generateSigningKeySet('ES256') });
  const keys = new SigningKeysService(config);
  keys.onModuleInit();
  const clock = new TestClock(new Date());
  const repository = new InMemorySessionsRepository();
  const sessions = new SessionsService(repository, clock, new RecordingAuditLog());
  const verifier = new AccessTokenVerifier(keys, new JwtService(), config);
  const authenticator = new BearerAuthenticator(verifier, sessions);
  const tokens = new AccessTokenService(keys, new JwtService(), verifier, config);
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
    const principal = await authenticator.principal({
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
    const principal = await authenticator.principal({
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
    await expect(authenticator.principal({ ...common, ...claims })).rejects.toMatchObject({
      status: 401,
      error: 'invalid_token',
    });
  });

  describe('authenticate', () => {
    const liveSession = async () =>
      (
        await sessions.start({
          userId: 'user-2',
          clientId: 'demo-app',
          scope: '',
          ttlSeconds: 3600,
        })
      ).session;
    const tokenOf = async (sessionId: string, ttlSeconds = 300) =>
      (
        await tokens.issue({
          userId: 'user-2',
          clientId: 'demo-app',
          sessionId,
          scope: '',
          ttlSeconds,
          notAfter: Math.floor(Date.now() / 1000) + 3600,
        })
      ).token;

    it("makes a live session's bearer token its user principal, with one read of the session", async () => {
      const session = await liveSession();
      const token = await tokenOf(session.id);
      repository.calls.length = 0;
      await expect(authenticator.authenticate(`Bearer ${token}`)).resolves.toMatchObject({
        kind: 'user',
        userId: 'user-2',
        sessionId: session.id,
      });
      expect(repository.calls).toEqual(['findById']);
    });

    it.each([
      ['no Authorization header', undefined],
      ['another scheme', 'Basic dXNlcjpwYXNz'],
      ['a token that is not a JWT', 'Bearer not-a-jwt'],
    ])('refuses %s with 401 invalid_token, reading nothing', async (_case, header) => {
      await expect(authenticator.authenticate(header)).rejects.toMatchObject({
        status: 401,
        error: 'invalid_token',
        description: 'the access token is missing, invalid, expired or revoked',
      });
      expect(repository.calls).toEqual([]);
    });

    it('says so when the token has expired', async () => {
      const session = await liveSession();
      const token = await tokenOf(session.id, -10);
      await expect(authenticator.authenticate(`Bearer ${token}`)).rejects.toMatchObject({
        status: 401,
        description: 'the access token has expired',
      });
    });

    it('refuses the token of an ended session', async () => {
      const session = await liveSession();
      const token = await tokenOf(session.id);
      await sessions.revoke(session.id);
      await expect(authenticator.authenticate(`Bearer ${token}`)).rejects.toMatchObject({
        status: 401,
        description: 'the session of this access token has ended',
      });
    });

    it('keeps a failure to read the session a DatabaseUnavailableError (503), not a 401', async () => {
      const session = await liveSession();
      const token = await tokenOf(session.id);
      const down = new DatabaseUnavailableError('DynamoDB unavailable');
      const findById = repository.findById.bind(repository);
      repository.findById = () => Promise.reject(down);
      try {
        await expect(authenticator.authenticate(`Bearer ${token}`)).rejects.toBe(down);
      } finally {
        repository.findById = findById;
      }
    });
  });
});
