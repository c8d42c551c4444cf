import { ApiError } from '../../common/api-error.js';
import { InvalidClientError, InvalidRequestError } from '../../common/oauth-errors.js';
import { parseClientCredentials } from './client-credentials.js';

/** Basic as RFC 6749 §2.3.1 wants it: each part form-urlencoded, then joined and base64'd. */
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${formEncode(id)}:${formEncode(secret)}`).toString('base64')}`;
const rawBasic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;

const SECRET = 'kV3q0x7n2bYH5mQd8pL1sT6wZ9cR4fJ0aE2uG7iO3yN';

describe('parseClientCredentials', () => {
  it.each([
    [
      'HTTP Basic',
      basic('my-app', SECRET),
      {},
      { clientId: 'my-app', clientSecret: SECRET, method: 'client_secret_basic' },
    ],
    [
      'HTTP Basic with form-urlencoded special characters',
      basic('app:with space', 'p@ss:wörd+/=%&'),
      {},
      { clientId: 'app:with space', clientSecret: 'p@ss:wörd+/=%&', method: 'client_secret_basic' },
    ],
    [
      "HTTP Basic with '+' for a space, as form-urlencoding writes it",
      rawBasic('my+app:a+b%2Bc'),
      {},
      { clientId: 'my app', clientSecret: 'a b+c', method: 'client_secret_basic' },
    ],
    [
      'HTTP Basic with a lower-case scheme and extra spaces',
      `basic   ${Buffer.from('my-app:s').toString('base64')}  `,
      {},
      { clientId: 'my-app', clientSecret: 's', method: 'client_secret_basic' },
    ],
    [
      'HTTP Basic with an empty secret (a public client)',
      rawBasic('demo-app:'),
      {},
      { clientId: 'demo-app', method: 'client_secret_basic' },
    ],
    [
      'HTTP Basic plus the same client_id in the body',
      basic('my-app', SECRET),
      { client_id: 'my-app', grant_type: 'password' },
      { clientId: 'my-app', clientSecret: SECRET, method: 'client_secret_basic' },
    ],
    [
      'client_id and client_secret in the body',
      undefined,
      { client_id: 'my-app', client_secret: SECRET },
      { clientId: 'my-app', clientSecret: SECRET, method: 'client_secret_post' },
    ],
    [
      'client_id alone in the body (public client)',
      undefined,
      { client_id: 'demo-app', grant_type: 'password' },
      { clientId: 'demo-app', method: 'none' },
    ],
    [
      'an empty client_secret in the body (as absent)',
      undefined,
      { client_id: 'demo-app', client_secret: '' },
      { clientId: 'demo-app', method: 'none' },
    ],
    [
      'a Bearer header, which is not client authentication, and client_id in the body',
      'Bearer abc.def.ghi',
      { client_id: 'demo-app' },
      { clientId: 'demo-app', method: 'none' },
    ],
  ])('accepts %s', (_case, header, body, expected) => {
    expect(parseClientCredentials(header, body)).toEqual(expected);
  });

  it.each([
    // [case, header, body, error class, error code, description, WWW-Authenticate Basic?]
    [
      'no credentials at all',
      undefined,
      { grant_type: 'password' },
      InvalidClientError,
      'client authentication is required',
      false,
    ],
    [
      'no body at all',
      undefined,
      undefined,
      InvalidClientError,
      'client authentication is required',
      false,
    ],
    [
      'Basic and client_secret in the body',
      basic('my-app', SECRET),
      { client_id: 'my-app', client_secret: SECRET },
      InvalidRequestError,
      'use one client authentication method, not Basic and the body',
      false,
    ],
    [
      'Basic and a different client_id in the body',
      basic('my-app', SECRET),
      { client_id: 'other-app' },
      InvalidRequestError,
      'use one client authentication method, not Basic and the body',
      false,
    ],
    [
      'Basic and only client_secret in the body',
      basic('my-app', SECRET),
      { client_secret: SECRET },
      InvalidRequestError,
      'use one client authentication method, not Basic and the body',
      false,
    ],
    [
      'client_secret without client_id',
      undefined,
      { client_secret: SECRET },
      InvalidRequestError,
      'client_secret needs client_id',
      false,
    ],
    [
      'client_id sent twice (an array)',
      undefined,
      { client_id: ['a', 'b'] },
      InvalidRequestError,
      'client_id must be a single string',
      false,
    ],
    [
      'client_secret that is not a string',
      undefined,
      { client_id: 'my-app', client_secret: 12345 },
      InvalidRequestError,
      'client_secret must be a single string',
      false,
    ],
    [
      'Basic with nothing after it',
      'Basic',
      {},
      InvalidClientError,
      'malformed HTTP Basic client credentials',
      true,
    ],
    [
      'Basic that is not base64',
      'Basic !!!not-base64!!!',
      {},
      InvalidClientError,
      'malformed HTTP Basic client credentials',
      true,
    ],
    [
      'Basic without a colon',
      rawBasic('my-app'),
      {},
      InvalidClientError,
      'malformed HTTP Basic client credentials',
      true,
    ],
    [
      'Basic with an empty client_id',
      rawBasic(`:${SECRET}`),
      {},
      InvalidClientError,
      'malformed HTTP Basic client credentials',
      true,
    ],
    [
      'Basic with a broken %-escape',
      rawBasic('my-app:100%'),
      {},
      InvalidClientError,
      'malformed HTTP Basic client credentials',
      true,
    ],
  ])('refuses %s', (_case, header, body, errorClass, description, wwwAuthenticate) => {
    let thrown: unknown;
    try {
      parseClientCredentials(header, body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(errorClass);
    const error = thrown as ApiError;
    expect(error.description).toBe(description);
    expect(error.status).toBe(errorClass === InvalidClientError ? 401 : 400);
    expect(error.options.headers?.['WWW-Authenticate']).toBe(
      wwwAuthenticate ? 'Basic realm="oauth", charset="UTF-8"' : undefined,
    );
  });
});
