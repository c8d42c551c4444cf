import { hashToken, newRefreshToken, parseRefreshToken } from './refresh-token.js';

const SID = '3b241101-e2bb-4255-8caf-4136c566a962';

describe('refresh tokens', () => {
  it('carry the session id and generation, and 256 random bits', () => {
    const { token, hash } = newRefreshToken(SID, 3);
    expect(token).toMatch(new RegExp(`^${SID}\\.3\\.[A-Za-z0-9_-]{43}$`));
    expect(hash).toBe(hashToken(token));
    expect(newRefreshToken(SID, 3).token).not.toBe(token);
  });

  it('parse back to the same session, generation and hash', () => {
    const { token, hash } = newRefreshToken(SID, 12);
    expect(parseRefreshToken(token)).toEqual({ sessionId: SID, generation: 12, hash });
  });

  it('store only a SHA-256, never the token', () => {
    const { token, hash } = newRefreshToken(SID, 0);
    expect(hash).toHaveLength(43);
    expect(token).not.toContain(hash);
  });

  it.each([
    '',
    'garbage',
    `${SID}.0`,
    `${SID}.x.${'a'.repeat(43)}`,
    `${SID}.0.${'a'.repeat(42)}`,
    `${SID}.0.${'a'.repeat(43)}.extra`,
    `eyJhbGciOiJFUzI1NiJ9.e30.sig`,
  ])('are not confused with %j', (token) => {
    expect(parseRefreshToken(token)).toBeUndefined();
  });
});
