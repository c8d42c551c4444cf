import { RecordingAuditLog } from '../../test/setup/audit.js';
import { TestClock } from '../../test/setup/clock.js';
import {
  InMemorySessionsRepository,
  InMemoryUnitOfWork,
} from '../../test/setup/in-memory-repositories.js';
import type { RotateRequest, RotateResult } from './sessions.repository.js';
import { SessionNotFoundError } from './sessions.errors.js';
import { SessionsService, type RotationResult } from './sessions.service.js';

const DAY = 86_400;

function setUp(repository = new InMemorySessionsRepository()) {
  const clock = new TestClock('2026-03-01T12:00:00.000Z');
  const audit = new RecordingAuditLog();
  const service = new SessionsService(repository, clock, audit);
  const start = (userId = 'user-1', clientId = 'demo-app', ttlSeconds = DAY) =>
    service.start({ userId, clientId, scope: 'profile', ttlSeconds });
  const rotate = (refreshToken: string, clientId = 'demo-app', reuseGraceSeconds = 0) =>
    service.rotate({ refreshToken, clientId, reuseGraceSeconds });
  return { clock, audit, repository, service, start, rotate };
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

  describe('startWithin', () => {
    it("adds the session to a sign-in's unit of work, with the profile snapshot", async () => {
      const { service, repository } = setUp();
      const work = new InMemoryUnitOfWork();
      const { session } = service.startWithin(work, {
        userId: 'user-1',
        clientId: 'demo-app',
        scope: '',
        ttlSeconds: DAY,
        profile: { email: 'ada@example.com', emailVerified: false },
      });
      expect(repository.items.size).toBe(0);
      await work.commit();
      expect(repository.items.get(session.id)).toMatchObject({
        userId: 'user-1',
        profile: { email: 'ada@example.com', emailVerified: false },
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

    it('audits a refresh with its user, client and session', async () => {
      const { start, rotate, audit } = setUp();
      const { session, refreshToken } = await start();
      rotated(await rotate(refreshToken));
      expect(audit.events).toEqual([
        { event: 'token.refreshed', userId: 'user-1', clientId: 'demo-app', sessionId: session.id },
      ]);
    });

    it('ends the whole session on reuse, and audits both', async () => {
      const { start, rotate, repository, audit } = setUp();
      const first = await start();
      const second = rotated(await rotate(first.refreshToken));
      await expect(rotate(first.refreshToken)).resolves.toEqual({ outcome: 'reused' });
      expect(repository.items.get(first.session.id)).toMatchObject({
        revokeReason: 'refresh_token_reuse',
      });
      await expect(rotate(second.refreshToken)).resolves.toEqual({ outcome: 'revoked' });
      const fields = { userId: 'user-1', clientId: 'demo-app', sessionId: first.session.id };
      expect(audit.events.slice(1)).toEqual([
        { event: 'refresh_token.reused', ...fields, reason: 'reuse' },
        { event: 'session.ended', ...fields, reason: 'refresh_token_reuse' },
      ]);
    });

    it('refuses the token just rotated away within the grace once, leaving the session alone', async () => {
      const { start, rotate, clock, audit } = setUp();
      const first = await start();
      const second = rotated(await rotate(first.refreshToken));
      clock.advance(30);
      await expect(rotate(first.refreshToken, 'demo-app', 30)).resolves.toEqual({
        outcome: 'within_grace',
      });
      expect(audit.of('refresh_token.reused')).toEqual([
        {
          event: 'refresh_token.reused',
          userId: 'user-1',
          clientId: 'demo-app',
          sessionId: first.session.id,
          reason: 'within_grace',
        },
      ]);
      const third = rotated(await rotate(second.refreshToken));
      expect(third.session.generation).toBe(2);
      // The next rotation starts the count again: its own predecessor gets its one grace.
      await expect(rotate(second.refreshToken, 'demo-app', 30)).resolves.toEqual({
        outcome: 'within_grace',
      });
    });

    it('ends the session when the token comes back a second time within the grace', async () => {
      const { start, rotate, clock, repository, audit } = setUp();
      const first = await start();
      const second = rotated(await rotate(first.refreshToken));
      clock.advance(5);
      await expect(rotate(first.refreshToken, 'demo-app', 30)).resolves.toEqual({
        outcome: 'within_grace',
      });
      await expect(rotate(first.refreshToken, 'demo-app', 30)).resolves.toEqual({
        outcome: 'reused',
      });
      expect(repository.items.get(first.session.id)?.revokeReason).toBe('refresh_token_reuse');
      await expect(rotate(second.refreshToken)).resolves.toEqual({ outcome: 'revoked' });
      expect(audit.of('session.ended')).toHaveLength(1);
    });

    it('ends the session when two returns within the grace race (the count decides)', async () => {
      const { start, rotate, clock, repository } = setUp();
      const first = await start();
      rotated(await rotate(first.refreshToken));
      clock.advance(5);
      const outcomes = await Promise.all([
        rotate(first.refreshToken, 'demo-app', 30),
        rotate(first.refreshToken, 'demo-app', 30),
      ]);
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['reused', 'within_grace']);
      expect(repository.items.get(first.session.id)?.revokedAt).toBeDefined();
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

  describe('findLive and page', () => {
    it('see only live sessions of the user', async () => {
      const { start, service, clock } = setUp();
      const long = await start('user-1', 'demo-app', DAY);
      const short = await start('user-1', 'demo-app', 60);
      const ended = await start('user-1');
      await service.revoke(ended.session.id);
      clock.advance(60);
      const page = await service.page('user-1', { limit: 10 });
      expect(page.sessions.map((s) => s.id)).toEqual([long.session.id]);
      expect(page.next).toBeUndefined();
      await expect(service.findLive(long.session.id, 'user-1')).resolves.toBeDefined();
      await expect(service.findLive(long.session.id, 'user-2')).resolves.toBeUndefined();
      await expect(service.findLive(short.session.id, 'user-1')).resolves.toBeUndefined();
    });

    it('pages newest first, each session once', async () => {
      const { start, service, clock } = setUp();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.unshift((await start()).session.id);
        clock.advance(1);
      }
      const first = await service.page('user-1', { limit: 2 });
      const second = await service.page('user-1', { limit: 2, cursor: first.next });
      const third = await service.page('user-1', { limit: 2, cursor: second.next });
      expect([first, second, third].flatMap((p) => p.sessions.map((s) => s.id))).toEqual(ids);
      expect(third.next).toBeUndefined();
    });
  });

  describe('revoke', () => {
    it('audits the end with whose session it was and why, once', async () => {
      const { start, service, audit } = setUp();
      const { session } = await start('user-1', 'demo-app');
      await expect(service.revoke(session.id, 'revoked')).resolves.toBe(true);
      await expect(service.revoke(session.id, 'revoked')).resolves.toBe(false);
      expect(audit.events).toEqual([
        {
          event: 'session.ended',
          userId: 'user-1',
          clientId: 'demo-app',
          sessionId: session.id,
          reason: 'revoked',
        },
      ]);
    });
  });

  describe('revokeAllOwn', () => {
    it("ends every one of the user's sessions, a batch at a time, and nobody else's", async () => {
      const repository = new InMemorySessionsRepository();
      repository.batch = 3;
      const { start, service, audit } = setUp(repository);
      const mine = await Promise.all(Array.from({ length: 7 }, () => start('user-1')));
      const theirs = await start('user-2');
      await expect(service.revokeAllOwn('user-1')).resolves.toBe(7);
      for (const { session } of mine) {
        expect(repository.items.get(session.id)?.revokeReason).toBe('signed_out');
      }
      expect(repository.items.get(theirs.session.id)?.revokedAt).toBeUndefined();
      expect(audit.of('session.ended')).toHaveLength(7);
    });
  });

  describe('makeRoomFor', () => {
    it('ends the least recently used beyond max - 1 and counts those still live', async () => {
      const { start, rotate, service, clock, repository, audit } = setUp();
      const sessions = [];
      for (let i = 0; i < 4; i++) {
        sessions.push(await start());
        clock.advance(1);
      }
      // The oldest is used again: the least recently used is now the second.
      rotated(await rotate(sessions[0].refreshToken));
      const expired = await start('user-1', 'demo-app', 1);
      clock.advance(1);
      await expect(service.makeRoomFor('user-1', 3)).resolves.toBe(2);
      const ended = sessions.filter((s) => repository.items.get(s.session.id)?.revokedAt);
      expect(ended.map((s) => s.session.id).sort()).toEqual(
        [sessions[1].session.id, sessions[2].session.id].sort(),
      );
      expect(repository.items.get(expired.session.id)?.revokedAt).toBeUndefined();
      expect(audit.of('session.ended').map((e) => e.reason)).toEqual([
        'session_limit',
        'session_limit',
      ]);
    });

    it('ends nothing when there is room', async () => {
      const { start, service, repository } = setUp();
      await start();
      await expect(service.makeRoomFor('user-1', 3)).resolves.toBe(1);
      expect(repository.calls).not.toContain('revoke');
    });
  });

  describe('refreshProfile', () => {
    it("rewrites the snapshot on the user's live sessions", async () => {
      const { start, service, repository } = setUp();
      const { session } = await start();
      await service.refreshProfile('user-1', { email: 'ada@example.com', emailVerified: true });
      expect(repository.items.get(session.id)?.profile).toEqual({
        email: 'ada@example.com',
        emailVerified: true,
      });
    });
  });
});
