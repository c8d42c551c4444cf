import { randomUUID } from 'node:crypto';
import {
  ACCOUNT_TOKEN_LENGTH,
  hashSecret,
  newAccountToken,
  newSecret,
  parseAccountToken,
  tokenFor,
} from './account-token.js';

describe('account tokens', () => {
  const userId = randomUUID();

  it('carry the user id and 256 random bits, and parse back to the stored hash', () => {
    const { token, hash } = newAccountToken(userId);
    const [id, secret] = token.split('.');
    expect(id).toBe(userId);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(token).toHaveLength(ACCOUNT_TOKEN_LENGTH);
    expect(parseAccountToken(token)).toEqual({ userId, hash });
  });

  it('store only a hash: the secret is not in it', () => {
    const { secret, hash } = newSecret();
    expect(hash).not.toContain(secret);
    expect(hash).toBe(hashSecret(secret));
    expect(parseAccountToken(tokenFor(userId, secret))?.hash).toBe(hash);
  });

  it('are new every time', () => {
    expect(newAccountToken(userId).token).not.toBe(newAccountToken(userId).token);
  });

  it.each([
    ['empty', ''],
    ['no secret', `${userId}.`],
    ['no user id', `.${newSecret().secret}`],
    ['a short secret', `${userId}.abc`],
    ['a secret with padding', `${userId}.${'A'.repeat(42)}=`],
    ['not a uuid', `not-a-user.${newSecret().secret}`],
    ['a trailing part', `${newAccountToken(userId).token}.x`],
    ['a refresh token', `${userId}.0.${newSecret().secret}`],
  ])('refuse %s', (_case, token) => {
    expect(parseAccountToken(token)).toBeUndefined();
  });
});
