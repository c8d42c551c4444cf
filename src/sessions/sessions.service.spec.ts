import { TestClock } from '../../test/setup/clock.js';
import { InMemorySessionsRepository } from '../../test/setup/in-memory-repositories.js';
import type { RotateRequest, RotateResult } from './sessions.repository.js';
import { SessionNotFoundError } from './sessions.errors.js';
import { SessionsService, type RotationResult } from './sessions.service.js';

const DAY = 86_400;

function setUp(repository = new InMemorySessionsRepository()) {
  const clock = new TestClock('2026-03-01T12:00:00.000Z');
  const service = new SessionsService(repository, clock);
  const start = (userId = 'user-1', clientId = 'demo-app', ttlSeconds = DAY) =>
    service.start({ userId, clientId, scope: 'profile', ttlSeconds });
  const rotate = (refreshToken: string, clientId = 'demo-app', reuseGraceSeconds = 0) =>
    service.rotate({ refreshToken, clientId, reuseGraceSeconds });
  return { clock, repository, service, start, rotate };
}

function rotated(result: RotationResult) {
  if (result.outcome !== 'rotated') throw new Error(`expected a rotation, got ${result.outcome}`);
  return result;
}

describe('SessionsService', () => {
  describe('start', () => {
    it('stores a session of generation 0 that ends after its lifetime', async () => {
      const { start, repository, clock } = setUp();
      const { session, refreshToken } = await start('user-1', 'demo-app', 3600);
      expect(refreshToken.startsWith(`${session.id}.0.`)).toBe(true);
      expect(repository.items.get(session.id)).toMatchObject({
        userId: 'user-1',
        clientId: 'demo-app',
        scope: 'profile',
        generation: 0,
        createdAt: clock.now().toISOString(),
        expiresAt: Math.floor(clock.now().getTime() / 1000) + 3600,
      });
    });
  });

  describe('rotate', () => {
    it('rotates with one conditional write and no read', async () => {
      const { start, rotate, repository } = setUp();
      const first = await start();
      repository.calls.length = 0;
      const result = rotated(await rotate(first.refreshToken));
      expect(repository.calls).toEqual(['rotateIfCurrent']);
      expect(result.refreshToken.startsWith(`${first.session.id}.1.`)).toBe(true);
      expect(result.session).toMatchObject({ generation: 1, scope: 'profile' });
      expect(rotated(await rotate(result.refreshToken)).session.generation).toBe(2);
    });

    it('ends the whole session on reuse', async () => {
      const { start, rotate, repository } = setUp();
      const first = await start();
      const second = rotated(await rotate(first.refreshToken));
      await expect(rotate(first.refreshToken)).resolves.toEqual({ outcome: 'reused' });
      expect(repository.items.get(first.session.id)).toMatchObject({
        revokeReason: 'refresh_token_reuse',
      });
      await expect(rotate(second.refreshToken)).resolves.toEqual({ outcome: 'revoked' });
    });

    it('refuses the token just rotated away within the grace, leaving the session alone', async () => {
      const { start, rotate, clock } = setUp();
      const first = await start();
      const second = rotated(await rotate(first.refreshToken));
      clock.advance(30);
      await expect(rotate(first.refreshToken, 'demo-app', 30)).resolves.toEqual({
        outcome: 'within_grace',
      });
      expect(rotated(await rotate(second.refreshToken)).session.generation).toBe(2);
    });

    it.each([
      ['a malformed token', () => 'garbage'],
      ['a token of no session', () => `00000000-0000-4000-8000-000000000000.0.${'A'.repeat(43)}`],
    ])('answers unknown for %s and ends nothing', async (_case, token) => {
      const { rotate, repository } = setUp();
      await expect(rotate(token())).resolves.toEqual({ outcome: 'unknown' });
      expect(repository.calls).not.toContain('revoke');
    });

    it('ends nothing for a forged token of a real session', async () => {
      const { start, rotate } = setUp();
      const { session, refreshToken } = await start();
      await expect(rotate(`${session.id}.0.${'B'.repeat(43)}`)).resolves.toEqual({
        outcome: 'unknown',
      });
      rotated(await rotate(refreshToken));
    });

    it("refuses another client's token and leaves the session to its client", async () => {
      const { start, rotate } = setUp();
      const { refreshToken } = await start();
      await expect(rotate(refreshToken, 'other-app')).resolves.toEqual({
        outcome: 'other_client',
      });
      rotated(await rotate(refreshToken));
    });

    it('refuses the token of a session past its end', async () => {
      const { start, rotate, clock } = setUp();
      const { refreshToken } = await start('user-1', 'demo-app', 60);
      clock.advance(60);
      await expect(rotate(refreshToken)).resolves.toEqual({ outcome: 'expired' });
    });

    it('answers raced when the write is refused on an item that looks rotatable', async () => {
      // A repository whose write loses to a change its returned item does not show.
      class LosingRepository extends InMemorySessionsRepository {
        override async rotateIfCurrent(request: RotateRequest): Promise<RotateResult> {
          return { rotated: false, session: await this.findById(request.sessionId) };
        }
      }
      const { start, rotate, repository } = setUp(new LosingRepository());
      const { session, refreshToken } = await start();
      await expect(rotate(refreshToken)).resolves.toEqual({ outcome: 'raced' });
      expect(repository.items.get(session.id)?.revokedAt).toBeUndefined();
    });
  });

  describe('revokeByRefreshToken (RFC 7009)', () => {
    it("ends the session of the client's own token, current or rotated away", async () => {
      const { start, rotate, service, repository } = setUp();
      const first = await start();
      rotated(await rotate(first.refreshToken));
      await service.revokeByRefreshToken(first.refreshToken, 'demo-app');
      expect(repository.items.get(first.session.id)?.revokeReason).toBe('revoked');
    });

    it("ignores another client's token and tokens never issued", async () => {
      const { start, service, repository } = setUp();
      const { session, refreshToken } = await start();
      await service.revokeByRefreshToken(refreshToken, 'other-app');
      await service.revokeByRefreshToken(`${session.id}.0.${'C'.repeat(43)}`, 'demo-app');
      await service.revokeByRefreshToken('garbage', 'demo-app');
      expect(repository.items.get(session.id)?.revokedAt).toBeUndefined();
    });
  });

  describe('revokeOwn', () => {
    it("ends the caller's own live session", async () => {
      const { start, service, repository } = setUp();
      const { session } = await start('user-1');
      await service.revokeOwn('user-1', session.id);
      expect(repository.items.get(session.id)?.revokeReason).toBe('signed_out');
    });

    it.each([
      ["someone else's", 'user-2', false],
      ['an ended', 'user-1', true],
    ])('answers SessionNotFoundError for %s session', async (_case, caller, ended) => {
      const { start, service, repository } = setUp();
      const { session } = await start('user-1');
      if (ended) await service.revoke(session.id);
      await expect(service.revokeOwn(caller, session.id)).rejects.toBeInstanceOf(
        SessionNotFoundError,
      );
      expect(repository.items.get(session.id)?.revokeReason).toBe(ended ? 'revoked' : undefined);
    });
  });

  describe('findLive and listLive', () => {
    it('see only live sessions of the user', async () => {
      const { start, service, clock } = setUp();
      const long = await start('user-1', 'demo-app', DAY);
      const short = await start('user-1', 'demo-app', 60);
      const ended = await start('user-1');
      await service.revoke(ended.session.id);
      clock.advance(60);
      expect((await service.listLive('user-1')).map((s) => s.id)).toEqual([long.session.id]);
      await expect(service.findLive(long.session.id, 'user-1')).resolves.toBeDefined();
      await expect(service.findLive(long.session.id, 'user-2')).resolves.toBeUndefined();
      await expect(service.findLive(short.session.id, 'user-1')).resolves.toBeUndefined();
    });
  });
});
