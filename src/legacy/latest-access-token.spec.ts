import type { Session } from '../sessions/session.js';
import { isLatestAccessToken } from './latest-access-token.js';

const seconds = (iso: string): number => Date.parse(iso) / 1000;

const session = (changes: Partial<Session>): Session => ({
  id: 'sid',
  userId: 'user-1',
  clientId: 'demo-app',
  scope: '',
  tokenHash: 'hash',
  generation: 0,
  previousHashes: {},
  createdAt: '2026-03-01T12:00:00.400Z',
  lastUsedAt: '2026-03-01T12:00:00.400Z',
  expiresAt: seconds('2026-04-01T12:00:00Z'),
  ...changes,
});

describe('isLatestAccessToken (PUT /session)', () => {
  const rotated = session({ generation: 3, rotatedAt: '2026-03-01T12:10:00.700Z' });

  it.each([
    ['issued at sign-in, never rotated since', session({}), '2026-03-01T12:00:00Z', true],
    ['issued by the last rotation', rotated, '2026-03-01T12:10:00Z', true],
    ['issued after the last rotation (re-signed)', rotated, '2026-03-01T12:25:00Z', true],
    ['issued a second before the last rotation', rotated, '2026-03-01T12:09:59Z', false],
    ['issued at sign-in, before the rotations', rotated, '2026-03-01T12:00:00Z', false],
    // iat has whole seconds: a token of the rotation's own second cannot be told from its
    // successor, and counts as latest (the edge latest-access-token.ts documents).
    [
      'issued before the last rotation within its second',
      session({ generation: 3, rotatedAt: '2026-03-01T12:10:00.999Z' }),
      '2026-03-01T12:10:00Z',
      true,
    ],
  ])('%s → %s', (_case, s, issuedAt, latest) => {
    expect(isLatestAccessToken(s, seconds(issuedAt))).toBe(latest);
  });
});
