import { InvalidGrantError, InvalidRequestError } from '../common/oauth-errors.js';
import {
  OTHER_PARAM_MAX_LENGTH,
  PARAM_MAX_LENGTHS,
  readParams,
  requireParam,
} from './oauth-params.js';

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

describe('readParams: bounded values', () => {
  it.each(Object.entries(PARAM_MAX_LENGTHS))('takes %s at its limit (%i)', (name, max) => {
    expect(readParams({ [name]: 'x'.repeat(max) })[name]).toHaveLength(max);
  });

  it.each([
    ['username', InvalidGrantError, 'invalid_grant'],
    ['password', InvalidGrantError, 'invalid_grant'],
    ['refresh_token', InvalidGrantError, 'invalid_grant'],
    ['client_id', InvalidRequestError, 'invalid_request'],
    ['client_secret', InvalidRequestError, 'invalid_request'],
    ['grant_type', InvalidRequestError, 'invalid_request'],
    ['scope', InvalidRequestError, 'invalid_request'],
    ['token', InvalidRequestError, 'invalid_request'],
    ['token_type_hint', InvalidRequestError, 'invalid_request'],
  ])('refuses %s one character over its limit as %p', (name, type, code) => {
    const read = () => readParams({ [name]: 'x'.repeat(PARAM_MAX_LENGTHS[name] + 1) });
    expect(read).toThrow(type);
    expect(read).toThrow(expect.objectContaining({ error: code, status: 400 }));
    expect(read).toThrow(`${name} must be at most ${PARAM_MAX_LENGTHS[name]} characters`);
  });

  it('bounds the 3,000-character username of the password grant (once a 500 from DynamoDB)', () => {
    expect(() => readParams({ username: `${'a'.repeat(2988)}@example.com` })).toThrow(
      InvalidGrantError,
    );
  });

  it('bounds parameters it does not read, and is not fooled by names of Object.prototype', () => {
    expect(() => readParams({ state: 'x'.repeat(OTHER_PARAM_MAX_LENGTH + 1) })).toThrow(
      InvalidRequestError,
    );
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      expect(() => readParams({ [name]: 'x'.repeat(OTHER_PARAM_MAX_LENGTH + 1) })).toThrow(
        InvalidRequestError,
      );
      expect(readParams({ [name]: 'x' })[name]).toBe('x');
    }
  });
});

describe('requireParam', () => {
  it('returns a present parameter and names a missing one', () => {
    expect(requireParam({ token: 'x' }, 'token')).toBe('x');
    expect(() => requireParam({}, 'token')).toThrow('token is required');
  });
});
