import { TestClock } from '../../test/setup/clock.js';
import { newRefreshToken, parseRefreshToken, type ParsedRefreshToken } from './refresh-token.js';
import { classifyRotation, ringSlot, type RotationVerdict } from './rotation.js';
import type { Session } from './session.js';

const SID = '3b241101-e2bb-4255-8caf-4136c566a962';
const CLIENT = 'demo-app';
const clock = new TestClock('2026-03-01T12:00:00.000Z');
const ROTATED_AT = clock.now();

/**
 * A session whose refresh token has rotated `generation` times, the last time at ROTATED_AT, with
 * the ring filled as rotations fill it; and every token it ever issued, by generation.
 */
function rotatedSession(generation: number, changes: Partial<Session> = {}) {
  const tokens = Array.from({ length: generation + 1 }, (_, g) => newRefreshToken(SID, g));
  const previousHashes: Record<string, string> = {};
  for (let g = 0; g < generation; g++) previousHashes[ringSlot(g)] = tokens[g].hash;
  const session: Session = {
    id: SID,
    userId: 'user-1',
    clientId: CLIENT,
    scope: '',
    tokenHash: tokens[generation].hash,
    generation,
    previousHashes,
    createdAt: '2026-02-01T00:00:00.000Z',
    lastUsedAt: ROTATED_AT.toISOString(),
    rotatedAt: generation > 0 ? ROTATED_AT.toISOString() : undefined,
    expiresAt: Math.floor(ROTATED_AT.getTime() / 1000) + 86_400,
    ...changes,
  };
  const presented = (g: number): ParsedRefreshToken => parseRefreshToken(tokens[g].token)!;
  return { session, presented };
}

const G = 40;
const at = (seconds: number): Date => new TestClock(ROTATED_AT).advance(seconds).now();

interface Case {
  readonly name: string;
  readonly session?: Partial<Session> | 'none';
  /** Generations back from the current one (0 = current), or a token never issued. */
  readonly token: number | 'forged' | 'future';
  readonly client?: string;
  readonly now?: Date;
  readonly grace?: number;
  readonly verdict: RotationVerdict;
}

const CASES: Case[] = [
  { name: 'the current token of a live session', token: 0, verdict: 'current' },
  {
    name: 'the current token, to another client',
    token: 0,
    client: 'other',
    verdict: 'other_client',
  },
  {
    name: 'a rotated-away token, to another client',
    token: 3,
    client: 'other',
    verdict: 'other_client',
  },
  { name: 'no such session', session: 'none', token: 0, verdict: 'unknown' },
  { name: 'a token never issued in the session', token: 'forged', verdict: 'unknown' },
  // Grace: the token rotated away by the last rotation, refused alone while the grace lasts.
  { name: 'the previous token with no grace', token: 1, grace: 0, now: at(0), verdict: 'reused' },
  {
    name: 'the previous token within the grace',
    token: 1,
    grace: 30,
    now: at(10),
    verdict: 'within_grace',
  },
  {
    name: 'the previous token exactly at the end of the grace',
    token: 1,
    grace: 30,
    now: at(30),
    verdict: 'within_grace',
  },
  {
    name: 'the previous token one second after the grace',
    token: 1,
    grace: 30,
    now: at(31),
    verdict: 'reused',
  },
  { name: 'an older token within the grace', token: 2, grace: 30, now: at(1), verdict: 'reused' },
  // The grace covers one return of the token: a second is two holders of it, not a lost answer.
  {
    name: 'the previous token within the grace, back a second time',
    session: { graceReuses: 1 },
    token: 1,
    grace: 30,
    now: at(10),
    verdict: 'reused',
  },
  {
    name: 'the current token while the previous one has come back once',
    session: { graceReuses: 1 },
    token: 0,
    grace: 30,
    now: at(10),
    verdict: 'current',
  },
  // The ring holds the last 32 rotated-away tokens: older ones are forgotten, hence unknown.
  { name: 'a token 31 generations old', token: 31, verdict: 'reused' },
  { name: 'a token 32 generations old (the ring full)', token: 32, verdict: 'reused' },
  { name: 'a token 33 generations old (its slot rewritten)', token: 33, verdict: 'unknown' },
  // Generation skew: the generation in the token and the session's disagree.
  { name: 'a token from a generation not reached yet', token: 'future', verdict: 'unknown' },
  {
    name: 'the current hash on a session a generation behind it',
    session: { generation: G - 1 },
    token: 0,
    verdict: 'unknown',
  },
  // Ended sessions: nothing rotates, nothing more is ended.
  {
    name: 'the current token of a revoked session',
    session: { revokedAt: '2026-03-01T11:00:00.000Z', revokeReason: 'signed_out' },
    token: 0,
    verdict: 'revoked',
  },
  {
    name: 'a rotated-away token of a revoked session',
    session: { revokedAt: '2026-03-01T11:00:00.000Z', revokeReason: 'refresh_token_reuse' },
    token: 5,
    verdict: 'revoked',
  },
  {
    name: 'the current token at the second the session ends',
    session: { expiresAt: Math.floor(ROTATED_AT.getTime() / 1000) + 60 },
    token: 0,
    now: at(60),
    verdict: 'expired',
  },
  {
    name: 'the current token a second before the session ends',
    session: { expiresAt: Math.floor(ROTATED_AT.getTime() / 1000) + 60 },
    token: 0,
    now: at(59),
    verdict: 'current',
  },
];

describe('classifyRotation', () => {
  it.each(CASES)('$name → $verdict', (c) => {
    const { session, presented } = rotatedSession(G, c.session === 'none' ? {} : c.session);
    const token =
      c.token === 'forged'
        ? parseRefreshToken(newRefreshToken(SID, G - 1).token)!
        : c.token === 'future'
          ? parseRefreshToken(newRefreshToken(SID, G + 1).token)!
          : presented(G - c.token);
    const verdict = classifyRotation(c.session === 'none' ? undefined : session, {
      presented: token,
      clientId: c.client ?? CLIENT,
      now: c.now ?? at(5),
      reuseGraceSeconds: c.grace ?? 0,
    });
    expect(verdict).toBe(c.verdict);
  });

  it('gives no grace to a session never rotated (no previous token exists)', () => {
    const { session, presented } = rotatedSession(0);
    expect(
      classifyRotation(session, {
        presented: presented(0),
        clientId: CLIENT,
        now: at(0),
        reuseGraceSeconds: 60,
      }),
    ).toBe('current');
  });
});
