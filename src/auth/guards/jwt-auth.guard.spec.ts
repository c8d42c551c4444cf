import { Reflector } from '@nestjs/core';
import { InvalidTokenError } from '../../common/api-error.js';
import { DatabaseUnavailableError } from '../../database/database-unavailable.error.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';

describe('JwtAuthGuard.handleRequest', () => {
  const guard = new JwtAuthGuard(new Reflector());
  const principal = { userId: 'u' };

  it('passes the principal through', () => {
    expect(guard.handleRequest(null, principal, undefined)).toBe(principal);
  });

  it('keeps a database failure in validate a DatabaseUnavailableError (503), not a 401', () => {
    const down = new DatabaseUnavailableError('DynamoDB unavailable');
    expect(() => guard.handleRequest(down, false, undefined)).toThrow(down);
  });

  it("rethrows the strategy's own refusal", () => {
    const ended = new InvalidTokenError('the session of this access token has ended');
    expect(() => guard.handleRequest(ended, false, undefined)).toThrow(ended);
  });

  it('lets an unexpected failure in validate through as itself (a 500), not as a 401', () => {
    const bug = new TypeError('x is undefined');
    expect(() => guard.handleRequest(bug, false, undefined)).toThrow(bug);
  });

  it.each([
    [
      'a refused token',
      new Error('invalid signature'),
      'the access token is missing, invalid, expired or revoked',
    ],
    [
      'no token',
      new Error('No auth token'),
      'the access token is missing, invalid, expired or revoked',
    ],
    [
      'an expired token',
      Object.assign(new Error('jwt expired'), { name: 'TokenExpiredError' }),
      'the access token has expired',
    ],
  ])('answers %s with 401 invalid_token', (_case, info, description) => {
    let thrown: unknown;
    try {
      guard.handleRequest(null, false, info);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidTokenError);
    expect(thrown).toMatchObject({ status: 401, description });
  });
});
