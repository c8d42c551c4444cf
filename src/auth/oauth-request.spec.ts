import { InvalidRequestError } from '../common/oauth-errors.js';
import { readParams, requireParam } from './oauth-request.js';

describe('readParams (RFC 6749 §3.1, §3.2)', () => {
  it('keeps single string parameters and drops empty ones', () => {
    expect(readParams({ grant_type: 'password', scope: '' })).toEqual({ grant_type: 'password' });
  });

  it('treats a missing body as no parameters', () => {
    expect(readParams(undefined)).toEqual({});
  });

  it.each([
    [
      'a repeated parameter',
      { grant_type: ['password', 'refresh_token'] },
      'grant_type must not be repeated',
    ],
    ['a number', { username: 42 }, 'username must be a string'],
    ['an object', { password: { $ne: '' } }, 'password must be a string'],
    ['an array body', ['x'], 'the request body must be a set of parameters'],
  ])('refuses %s', (_case, body, message) => {
    expect(() => readParams(body)).toThrow(InvalidRequestError);
    expect(() => readParams(body)).toThrow(message);
  });
});

describe('requireParam', () => {
  it('returns a present parameter and names a missing one', () => {
    expect(requireParam({ token: 'x' }, 'token')).toBe('x');
    expect(() => requireParam({}, 'token')).toThrow('token is required');
  });
});
