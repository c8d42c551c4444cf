import { oauthRefusal, type Refusal } from '../auth/token/oauth-refusals.js';
import { AccountLockedError, BadCredentialsError } from '../users/users.errors.js';
import { asLegacyError, legacyRefusal } from './legacy-refusals.js';

const ROTATION_REFUSALS: Refusal[] = [
  'unknown',
  'other_client',
  'revoked',
  'expired',
  'within_grace',
  'raced',
  'reused',
];

describe('the original API’s refusals', () => {
  it.each(ROTATION_REFUSALS)(
    'answer a refresh refused as %s with 401 and the words /oauth/token uses',
    (refusal) => {
      const oauth = oauthRefusal(refusal);
      expect(oauth.status).toBe(400);
      expect(legacyRefusal(refusal)).toMatchObject({
        status: 401,
        error: oauth.error,
        description: oauth.description,
      });
    },
  );

  it.each([new BadCredentialsError(), new AccountLockedError()])(
    'answer a refused sign-in (%p) alike, speaking of the email',
    (error) => {
      expect(asLegacyError(error)).toMatchObject({
        status: 401,
        error: 'invalid_grant',
        description: 'the email or password is incorrect',
      });
    },
  );

  it('leave any other error as it is', () => {
    const outage = new Error('DynamoDB did not answer');
    expect(asLegacyError(outage)).toBe(outage);
  });
});
