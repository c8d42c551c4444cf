import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { randomUUID } from 'node:crypto';
import request, { type Test } from 'supertest';
import { KEY_PREFIX } from '../src/database/table.schema.js';
import {
  BOOTSTRAP_CLIENTS,
  CONFIDENTIAL,
  PASSWORD,
  signIn,
  uniqueEmail,
  type Tokens,
} from './setup/oauth.js';
import { createTestApp, type TestApp } from './setup/test-app.js';

/**
 * The hostile-input corpus: requests an attacker (or a broken client) sends to every endpoint —
 * wrong types, huge values, NUL and unicode edge cases, `__proto__` keys, bad Basic and Bearer
 * values, 3,000-character usernames and client ids, arrays where strings belong, deep JSON, bad
 * content types. Each must be refused as the caller's mistake: a 4xx with a JSON error, never a
 * 5xx, never a stack trace; and none may change the stored accounts, sessions or clients.
 *
 * Routes still being added (password reset, email verification, password change, account
 * deletion) are in the corpus with inputs that must be refused there too: 404 until they exist.
 */

const LONG = 3000;
const long = (char = 'a', length = LONG) => char.repeat(length);
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An unsigned JWT (alg none) that says all the right things. */
const ALG_NONE = `${base64url({ alg: 'none', typ: 'at+jwt' })}.${base64url({ sub: 'x', exp: 4102444800 })}.`;
const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const deepArrays = (depth: number) => `{"email":${'['.repeat(depth)}${']'.repeat(depth)}}`;
const RTL = '\u202e';
const ZWJ = '\u200d';

/** What each case may use: the server, and a signed-in user's tokens. */
interface Context {
  readonly t: TestApp;
  readonly tokens: Tokens;
  readonly legacy: { access_token: string; refresh_token: string };
}
type Build = (c: Context) => Test;
type Case = readonly [name: string, build: Build];

const http = (c: Context) => request(c.t.server);

/** A JSON body sent as given (strings verbatim, so malformed JSON and lone surrogates go as is). */
const json =
  (method: 'post' | 'put' | 'delete', path: string, body: unknown, headers = {}): Build =>
  (c) =>
    http(c)
      [method](path)
      .set({ 'Content-Type': 'application/json', ...headers })
      .send(typeof body === 'string' ? body : JSON.stringify(body));

/** A form body, raw (so parameters can repeat and bytes can be percent-encoded at will). */
const form =
  (path: string, body: string, headers = {}): Build =>
  (c) =>
    http(c)
      .post(path)
      .set({ 'Content-Type': 'application/x-www-form-urlencoded', ...headers })
      .send(body);

const withBody =
  (method: 'post' | 'put', path: string, contentType: string, body: string): Build =>
  (c) =>
    http(c)[method](path).set('Content-Type', contentType).send(body);

const passwordGrant = (params: string) => `grant_type=password&client_id=demo-app&${params}`;

const TOKEN = '/oauth/token';

// ---------------------------------------------------------------------------------------------

const tokenEndpoint: Case[] = [
  ['token: 3,000-character username', form(TOKEN, passwordGrant(`username=${long()}&password=x`))],
  [
    'token: 3,000-character client_id',
    form(TOKEN, `grant_type=password&client_id=${long()}&username=a@example.com&password=x`),
  ],
  [
    'token: 3,000-character password',
    form(TOKEN, passwordGrant(`username=a@example.com&password=${long()}`)),
  ],
  [
    'token: 3,000-character refresh_token',
    form(TOKEN, `grant_type=refresh_token&client_id=demo-app&refresh_token=${long()}`),
  ],
  [
    'token: 3,000-character scope',
    form(TOKEN, passwordGrant(`username=a@example.com&password=x&scope=${long()}`)),
  ],
  ['token: 3,000-character grant_type', form(TOKEN, `grant_type=${long()}&client_id=demo-app`)],
  [
    'token: 3,000-character client_secret',
    form(
      TOKEN,
      `grant_type=password&client_id=backend&client_secret=${long()}&username=a@example.com&password=x`,
    ),
  ],
  [
    'token: 5,000-character unknown parameter',
    form(TOKEN, passwordGrant(`username=a@example.com&password=x&state=${long('s', 5000)}`)),
  ],
  [
    'token: grant_type repeated',
    form(TOKEN, 'grant_type=password&grant_type=refresh_token&client_id=demo-app'),
  ],
  [
    'token: username repeated',
    form(TOKEN, passwordGrant('username=a@example.com&username=b@example.com&password=x')),
  ],
  [
    'token: client_id repeated',
    form(
      TOKEN,
      'grant_type=password&client_id=demo-app&client_id=demo-app&username=a@example.com&password=x',
    ),
  ],
  ['token: no grant_type', form(TOKEN, 'client_id=demo-app&username=a@example.com&password=x')],
  ['token: unknown grant_type', form(TOKEN, 'grant_type=urn:evil&client_id=demo-app')],
  ['token: empty body', form(TOKEN, '')],
  [
    'token: NUL in the username',
    form(TOKEN, passwordGrant('username=a%00b@example.com&password=x')),
  ],
  [
    'token: NUL in the client_id',
    form(TOKEN, 'grant_type=password&client_id=demo-app%00&username=a@example.com&password=x'),
  ],
  [
    'token: right-to-left override in the username',
    form(TOKEN, passwordGrant(`username=${encodeURIComponent(`a${RTL}moc.elpmaxe@b`)}&password=x`)),
  ],
  [
    'token: zero-width joiners in the username',
    form(
      TOKEN,
      passwordGrant(`username=${encodeURIComponent(`a${ZWJ}d${ZWJ}a@example.com`)}&password=x`),
    ),
  ],
  [
    'token: 127 emoji as the username',
    form(TOKEN, passwordGrant(`username=${encodeURIComponent('😀'.repeat(127))}&password=x`)),
  ],
  [
    'token: invalid UTF-8 in the form',
    form(TOKEN, passwordGrant('username=%ED%A0%80%FF@example.com&password=x')),
  ],
  [
    'token: lone surrogate in a JSON username',
    json(
      'post',
      TOKEN,
      `{"grant_type":"password","client_id":"demo-app","username":"a\\ud800@example.com","password":"x"}`,
    ),
  ],
  [
    'token: operator object as the username (JSON)',
    json('post', TOKEN, {
      grant_type: 'password',
      client_id: 'demo-app',
      username: { $ne: null },
      password: 'x',
    }),
  ],
  [
    'token: array as the password (JSON)',
    json('post', TOKEN, {
      grant_type: 'password',
      client_id: 'demo-app',
      username: 'a@example.com',
      password: ['x'],
    }),
  ],
  [
    'token: number as the client_id (JSON)',
    json('post', TOKEN, {
      grant_type: 'password',
      client_id: 42,
      username: 'a@example.com',
      password: 'x',
    }),
  ],
  [
    'token: boolean as the grant_type (JSON)',
    json('post', TOKEN, { grant_type: true, client_id: 'demo-app' }),
  ],
  [
    'token: null as the refresh_token (JSON)',
    json('post', TOKEN, {
      grant_type: 'refresh_token',
      client_id: 'demo-app',
      refresh_token: null,
    }),
  ],
  [
    'token: __proto__ key (JSON)',
    json(
      'post',
      TOKEN,
      '{"grant_type":"password","client_id":"demo-app","__proto__":{"admin":true}}',
    ),
  ],
  [
    'token: constructor key (JSON)',
    json(
      'post',
      TOKEN,
      '{"grant_type":"password","client_id":"demo-app","constructor":{"prototype":{"admin":true}}}',
    ),
  ],
  ['token: 500 levels of JSON', json('post', TOKEN, deepJson(500))],
  ['token: a JSON array as the body', json('post', TOKEN, '["grant_type","password"]')],
  ['token: a JSON string as the body', json('post', TOKEN, '"grant_type=password"')],
  ['token: malformed JSON', json('post', TOKEN, '{"grant_type":"password",')],
  ['token: text/plain body', withBody('post', TOKEN, 'text/plain', 'grant_type=password')],
  [
    'token: XML body',
    withBody('post', TOKEN, 'application/xml', '<grant_type>password</grant_type>'),
  ],
  [
    'token: multipart body',
    withBody(
      'post',
      TOKEN,
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\npassword\r\n--x--',
    ),
  ],
  [
    'token: JSON declared as UTF-16',
    withBody('post', TOKEN, 'application/json; charset=utf-16', '{}'),
  ],
  [
    'token: 100 kB body',
    form(TOKEN, passwordGrant(`username=a@example.com&password=x&pad=${long('p', 100_000)}`)),
  ],
  [
    'token: Basic with nothing after it',
    form(TOKEN, 'grant_type=password&username=a@example.com&password=x', {
      Authorization: 'Basic',
    }),
  ],
  [
    'token: Basic with non-base64',
    form(TOKEN, 'grant_type=password&username=a@example.com&password=x', {
      Authorization: 'Basic !!!***',
    }),
  ],
  [
    'token: Basic with an empty id',
    form(TOKEN, 'grant_type=password&username=a@example.com&password=x', {
      Authorization: `Basic ${b64(':secret')}`,
    }),
  ],
  [
    'token: Basic without a colon',
    form(TOKEN, 'grant_type=password&username=a@example.com&password=x', {
      Authorization: `Basic ${b64('backend')}`,
    }),
  ],
  [
    'token: Basic with a bad %-escape',
    form(TOKEN, 'grant_type=password&username=a@example.com&password=x', {
      Authorization: `Basic ${b64('%zz:secret')}`,
    }),
  ],
  [
    'token: Basic with a 2,900-character id',
    form(TOKEN, 'grant_type=password&username=a@example.com&password=x', {
      Authorization: `Basic ${b64(`${long('b', 2900)}:secret`)}`,
    }),
  ],
  [
    'token: Basic with NUL and unicode',
    form(TOKEN, 'grant_type=password&username=a@example.com&password=x', {
      Authorization: `Basic ${b64(`back\u0000end${RTL}:séc😀ret`)}`,
    }),
  ],
  [
    'token: Basic and a different body client_id',
    form(TOKEN, 'grant_type=password&client_id=demo-app&username=a@example.com&password=x', {
      Authorization: `Basic ${b64(`${CONFIDENTIAL.id}:${CONFIDENTIAL.secret}`)}`,
    }),
  ],
  [
    'token: 10,000-character Authorization',
    form(TOKEN, passwordGrant('username=a@example.com&password=x'), {
      Authorization: `Basic ${long('A', 10_000)}`,
    }),
  ],
  [
    'token: a Bearer header instead of client credentials',
    form(TOKEN, 'grant_type=password&username=a@example.com&password=x', {
      Authorization: `Bearer ${ALG_NONE}`,
    }),
  ],
  [
    'token: refresh_token of unicode and NUL',
    form(
      TOKEN,
      `grant_type=refresh_token&client_id=demo-app&refresh_token=${encodeURIComponent(`${randomUUID()}.1.\u0000${RTL}😀`)}`,
    ),
  ],
  [
    'token: refresh_token shaped right but never issued',
    form(
      TOKEN,
      `grant_type=refresh_token&client_id=demo-app&refresh_token=${randomUUID()}.1.${long('A', 43)}`,
    ),
  ],
  [
    'token: the right refresh token for the wrong client',
    (c) =>
      form(
        TOKEN,
        `grant_type=refresh_token&client_id=${CONFIDENTIAL.id}&client_secret=${long('w', 40)}&refresh_token=${c.tokens.refresh_token}`,
      )(c),
  ],
];

const revokeAndIntrospect: Case[] = [
  [
    'revoke: 5,000-character token',
    form('/oauth/revoke', `client_id=demo-app&token=${long('t', 5000)}`),
  ],
  ['revoke: no client', form('/oauth/revoke', 'token=x')],
  [
    'revoke: token as an array (JSON)',
    json('post', '/oauth/revoke', { client_id: 'demo-app', token: ['a', 'b'] }),
  ],
  [
    'revoke: __proto__ key (JSON)',
    json('post', '/oauth/revoke', '{"client_id":"demo-app","token":"x","__proto__":{"x":1}}'),
  ],
  ['revoke: text/plain body', withBody('post', '/oauth/revoke', 'text/plain', 'token=x')],
  ['revoke: 3,000-character client_id', form('/oauth/revoke', `client_id=${long()}&token=x`)],
  ['introspect: a public client', form('/oauth/introspect', 'client_id=demo-app&token=x')],
  [
    'introspect: 5,000-character token',
    form('/oauth/introspect', `token=${long('t', 5000)}`, {
      Authorization: `Basic ${b64(`${CONFIDENTIAL.id}:${CONFIDENTIAL.secret}`)}`,
    }),
  ],
  [
    'introspect: token as an object (JSON)',
    json(
      'post',
      '/oauth/introspect',
      { token: { $gt: '' } },
      { Authorization: `Basic ${b64(`${CONFIDENTIAL.id}:${CONFIDENTIAL.secret}`)}` },
    ),
  ],
  [
    'introspect: Basic of garbage',
    form('/oauth/introspect', 'token=x', { Authorization: 'Basic ====' }),
  ],
  [
    'introspect: wrong secret',
    form('/oauth/introspect', 'token=x', {
      Authorization: `Basic ${b64(`${CONFIDENTIAL.id}:${long('w', 40)}`)}`,
    }),
  ],
  [
    'introspect: 3,000-character token_type_hint',
    form('/oauth/introspect', `token=x&token_type_hint=${long()}`, {
      Authorization: `Basic ${b64(`${CONFIDENTIAL.id}:${CONFIDENTIAL.secret}`)}`,
    }),
  ],
];

const registration: Case[] = [
  [
    'register: 3,000-character email',
    json('post', '/user', { email: `${long()}@example.com`, password: PASSWORD }),
  ],
  [
    'register: 3,000-character password',
    json('post', '/user', { email: uniqueEmail(), password: long() }),
  ],
  ['register: email as a number', json('post', '/user', { email: 42, password: PASSWORD })],
  [
    'register: email as an array',
    json('post', '/user', { email: [uniqueEmail()], password: PASSWORD }),
  ],
  [
    'register: email as an object',
    json('post', '/user', { email: { $ne: null }, password: PASSWORD }),
  ],
  ['register: email null', json('post', '/user', { email: null, password: PASSWORD })],
  [
    'register: password as a number',
    json('post', '/user', { email: uniqueEmail(), password: 123456789012345 }),
  ],
  [
    'register: password as an array',
    json('post', '/user', { email: uniqueEmail(), password: [PASSWORD] }),
  ],
  [
    'register: NUL in the email',
    json('post', '/user', { email: 'nul\u0000@example.com', password: PASSWORD }),
  ],
  [
    'register: lone surrogate in the email',
    json('post', '/user', `{"email":"a\\ud800@example.com","password":"${PASSWORD}"}`),
  ],
  [
    'register: lone surrogate in the password',
    json(
      'post',
      '/user',
      `{"email":"${uniqueEmail()}","password":"correct horse \\udfff battery"}`,
    ),
  ],
  [
    'register: a line break and a Bcc header in the email',
    json('post', '/user', { email: 'ada@example.com\r\nBcc: all@example.com', password: PASSWORD }),
  ],
  [
    'register: email one character over 254',
    json('post', '/user', { email: `${long('a', 243)}@example.com`, password: PASSWORD }),
  ],
  [
    'register: 300 emoji as the password (over 256 code points)',
    json('post', '/user', { email: uniqueEmail(), password: '😀'.repeat(300) }),
  ],
  [
    'register: __proto__ key',
    json(
      'post',
      '/user',
      `{"email":"${uniqueEmail()}","password":"${PASSWORD}","__proto__":{"admin":true}}`,
    ),
  ],
  [
    'register: constructor key',
    json(
      'post',
      '/user',
      `{"email":"${uniqueEmail()}","password":"${PASSWORD}","constructor":{"prototype":{"admin":true}}}`,
    ),
  ],
  [
    'register: an extra field',
    json('post', '/user', { email: uniqueEmail(), password: PASSWORD, admin: true }),
  ],
  ['register: 500 levels of JSON', json('post', '/user', deepJson(500))],
  ['register: 20,000 nested arrays as the email', json('post', '/user', deepArrays(20_000))],
  [
    'register: a JSON array as the body',
    json('post', '/user', [{ email: uniqueEmail(), password: PASSWORD }]),
  ],
  ['register: a JSON number as the body', json('post', '/user', '42')],
  ['register: malformed JSON', json('post', '/user', '{"email":')],
  [
    'register: text/plain body',
    withBody(
      'post',
      '/user',
      'text/plain',
      JSON.stringify({ email: uniqueEmail(), password: PASSWORD }),
    ),
  ],
  [
    'register: form body with repeated email',
    form(
      '/user',
      `email=${uniqueEmail()}&email=${uniqueEmail()}&password=${encodeURIComponent(PASSWORD)}`,
    ),
  ],
  [
    'register: 100 kB body',
    json('post', '/user', { email: uniqueEmail(), password: PASSWORD, pad: long('p', 100_000) }),
  ],
  [
    'register: 3,000-character x-koms-clientid',
    json(
      'post',
      '/user',
      { email: uniqueEmail(), password: PASSWORD },
      { 'x-koms-clientid': long() },
    ),
  ],
  [
    'register: unknown latin-1 x-koms-clientid',
    json(
      'post',
      '/user',
      { email: uniqueEmail(), password: PASSWORD },
      { 'x-koms-clientid': 'dëmo-äpp' },
    ),
  ],
];

const legacySignIn: Case[] = [
  [
    'POST /session: no x-koms-clientid',
    json('post', '/session', {
      account_type: 'traditional',
      email: 'a@example.com',
      password: PASSWORD,
    }),
  ],
  [
    'POST /session: 3,000-character x-koms-clientid',
    json(
      'post',
      '/session',
      { account_type: 'traditional', email: 'a@example.com', password: PASSWORD },
      { 'x-koms-clientid': long() },
    ),
  ],
  [
    'POST /session: x-koms-clientid sent twice',
    json(
      'post',
      '/session',
      { account_type: 'traditional', email: 'a@example.com', password: PASSWORD },
      { 'x-koms-clientid': ['demo-app', 'demo-app'] },
    ),
  ],
  [
    'POST /session: unknown x-koms-clientid',
    json(
      'post',
      '/session',
      { account_type: 'traditional', email: 'a@example.com', password: PASSWORD },
      { 'x-koms-clientid': 'no-such-app' },
    ),
  ],
  [
    'POST /session: 3,000-character email',
    json(
      'post',
      '/session',
      { account_type: 'traditional', email: `${long()}@example.com`, password: PASSWORD },
      { 'x-koms-clientid': 'demo-app' },
    ),
  ],
  [
    'POST /session: 3,000-character password',
    json(
      'post',
      '/session',
      { account_type: 'traditional', email: 'a@example.com', password: long() },
      { 'x-koms-clientid': 'demo-app' },
    ),
  ],
  [
    'POST /session: account_type as an object',
    json(
      'post',
      '/session',
      { account_type: { $ne: 'x' }, email: 'a@example.com', password: PASSWORD },
      { 'x-koms-clientid': 'demo-app' },
    ),
  ],
  [
    'POST /session: email as an array',
    json(
      'post',
      '/session',
      { account_type: 'traditional', email: ['a@example.com'], password: PASSWORD },
      { 'x-koms-clientid': 'demo-app' },
    ),
  ],
  [
    'POST /session: password as an object',
    json(
      'post',
      '/session',
      { account_type: 'traditional', email: 'a@example.com', password: { $gt: '' } },
      { 'x-koms-clientid': 'demo-app' },
    ),
  ],
  [
    'POST /session: __proto__ key',
    json(
      'post',
      '/session',
      `{"account_type":"traditional","email":"a@example.com","password":"x","__proto__":{"admin":true}}`,
      { 'x-koms-clientid': 'demo-app' },
    ),
  ],
  [
    'POST /session: lone surrogate in the email',
    json(
      'post',
      '/session',
      `{"account_type":"traditional","email":"\\udc00@example.com","password":"x"}`,
      { 'x-koms-clientid': 'demo-app' },
    ),
  ],
  [
    'POST /session: NUL and unicode in the email of no account',
    json(
      'post',
      '/session',
      { account_type: 'traditional', email: `\u0000${RTL}😀@example.com`, password: PASSWORD },
      { 'x-koms-clientid': 'demo-app' },
    ),
  ],
  [
    'POST /session: 500 levels of JSON',
    json('post', '/session', deepJson(500), { 'x-koms-clientid': 'demo-app' }),
  ],
  [
    'POST /session: text/plain body',
    (c) =>
      withBody(
        'post',
        '/session',
        'text/plain',
        'email=a@example.com',
      )(c).set('x-koms-clientid', 'demo-app'),
  ],
];

const legacyRefresh: Case[] = [
  [
    'PUT /session: no Authorization',
    json('put', '/session', { refresh_token: 'x' }, { 'x-koms-clientid': 'demo-app' }),
  ],
  [
    'PUT /session: garbage bearer',
    json(
      'put',
      '/session',
      { refresh_token: 'x' },
      { 'x-koms-clientid': 'demo-app', Authorization: 'Bearer not.a.jwt' },
    ),
  ],
  [
    'PUT /session: alg none bearer',
    json(
      'put',
      '/session',
      { refresh_token: 'x' },
      { 'x-koms-clientid': 'demo-app', Authorization: `Bearer ${ALG_NONE}` },
    ),
  ],
  [
    'PUT /session: 10,000-character Authorization',
    json(
      'put',
      '/session',
      { refresh_token: 'x' },
      { 'x-koms-clientid': 'demo-app', Authorization: `Bearer ${long('A', 10_000)}` },
    ),
  ],
  [
    'PUT /session: 3,000-character refresh_token',
    (c) =>
      json(
        'put',
        '/session',
        { refresh_token: long() },
        { 'x-koms-clientid': 'demo-app', Authorization: `Bearer ${c.legacy.access_token}` },
      )(c),
  ],
  [
    'PUT /session: refresh_token as a number',
    (c) =>
      json(
        'put',
        '/session',
        { refresh_token: 42 },
        { 'x-koms-clientid': 'demo-app', Authorization: `Bearer ${c.legacy.access_token}` },
      )(c),
  ],
  [
    'PUT /session: refresh_token as an array',
    (c) =>
      json(
        'put',
        '/session',
        { refresh_token: [c.legacy.refresh_token] },
        { 'x-koms-clientid': 'demo-app', Authorization: `Bearer ${c.legacy.access_token}` },
      )(c),
  ],
  [
    'PUT /session: __proto__ key',
    (c) =>
      json('put', '/session', `{"refresh_token":"x","__proto__":{"x":1}}`, {
        'x-koms-clientid': 'demo-app',
        Authorization: `Bearer ${c.legacy.access_token}`,
      })(c),
  ],
  [
    'PUT /session: the access token as the refresh token',
    (c) =>
      json(
        'put',
        '/session',
        { refresh_token: c.legacy.access_token.slice(0, 500) },
        { 'x-koms-clientid': 'demo-app', Authorization: `Bearer ${c.legacy.access_token}` },
      )(c),
  ],
];

/** Bad Authorization values for every route behind the bearer guard. */
const BAD_BEARERS: readonly [string, Record<string, string>][] = [
  ['no Authorization', {}],
  ['"Bearer" alone', { Authorization: 'Bearer' }],
  ['a malformed JWT', { Authorization: 'Bearer a.b.c' }],
  ['an alg none JWT', { Authorization: `Bearer ${ALG_NONE}` }],
  ['a Basic header', { Authorization: `Basic ${b64('demo-app:')}` }],
  ['a 5,000-character bearer', { Authorization: `Bearer ${long('A', 5000)}` }],
];
const BEARER_ROUTES: readonly [string, 'get' | 'delete' | 'post', string][] = [
  ['GET /user', 'get', '/user'],
  ['GET /user/sessions', 'get', '/user/sessions'],
  ['DELETE /user/sessions', 'delete', '/user/sessions'],
  ['GET /session', 'get', '/session'],
  ['DELETE /session', 'delete', '/session'],
];
const bearerRoutes: Case[] = BEARER_ROUTES.flatMap(([route, method, path]) =>
  BAD_BEARERS.map(([bad, headers]): Case => [
    `${route}: ${bad}`,
    (c) =>
      http(c)
        [method](path)
        .set({ 'x-koms-clientid': 'demo-app', ...headers }),
  ]),
);

const bearer = (c: Context) => ({ Authorization: `Bearer ${c.tokens.access_token}` });
const pathsAndMethods: Case[] = [
  [
    'DELETE /user/sessions/{3,000 characters}',
    (c) => http(c).delete(`/user/sessions/${long()}`).set(bearer(c)),
  ],
  [
    'DELETE /user/sessions/{not a uuid}',
    (c) => http(c).delete('/user/sessions/not-a-session').set(bearer(c)),
  ],
  ['DELETE /user/sessions/{%00}', (c) => http(c).delete('/user/sessions/%00').set(bearer(c))],
  [
    'DELETE /user/sessions/{malformed %-encoding}',
    (c) => http(c).delete('/user/sessions/%E0%A4%A').set(bearer(c)),
  ],
  [
    'DELETE /user/sessions/{..%2F..%2Fuser}',
    (c) => http(c).delete('/user/sessions/..%2F..%2Fuser').set(bearer(c)),
  ],
  [
    'DELETE /user/sessions/{someone else’s (unknown) session}',
    (c) => http(c).delete(`/user/sessions/${randomUUID()}`).set(bearer(c)),
  ],
  [
    'DELETE /user/sessions/{id} without a bearer',
    (c) => http(c).delete(`/user/sessions/${randomUUID()}`),
  ],
  ['PATCH /user', (c) => http(c).patch('/user').set(bearer(c)).send({ email: 'x@example.com' })],
  ['POST /.well-known/jwks.json', (c) => http(c).post('/.well-known/jwks.json').send({})],
  [
    'GET /user/sessions/{id} (no such route)',
    (c) => http(c).get(`/user/sessions/${randomUUID()}`).set(bearer(c)),
  ],
  ['GET /%2e%2e%2f%2e%2e%2fetc%2fpasswd', (c) => http(c).get('/%2e%2e%2f%2e%2e%2fetc%2fpasswd')],
  ['GET /docs/..%2F..%2Fpackage.json', (c) => http(c).get('/docs/..%2F..%2Fpackage.json')],
  [
    'GET /user with a 3,000-character x-koms-clientid',
    (c) =>
      http(c)
        .get('/user')
        .set({ ...bearer(c), 'x-koms-clientid': long() }),
  ],
];

const addedRoutes: Case[] = [
  [
    'password reset: 3,000-character email',
    json('post', '/user/password/reset', { email: `${long()}@example.com` }),
  ],
  [
    'password reset: email as an array',
    json('post', '/user/password/reset', { email: ['a@example.com'] }),
  ],
  [
    'password reset: __proto__ key',
    json('post', '/user/password/reset', '{"email":"a@example.com","__proto__":{"x":1}}'),
  ],
  [
    'password reset confirm: 3,000-character token',
    json('post', '/user/password/reset/confirm', { token: long(), new_password: PASSWORD }),
  ],
  [
    'password reset confirm: token as an object',
    json('post', '/user/password/reset/confirm', { token: { $ne: null }, new_password: PASSWORD }),
  ],
  [
    'password reset confirm: 3,000-character new password',
    json('post', '/user/password/reset/confirm', { token: 'x', new_password: long() }),
  ],
  [
    'verify email: 5,000-character token',
    json('post', '/user/email/verify', { token: long('t', 5000) }),
  ],
  ['verify email: token as an array', json('post', '/user/email/verify', { token: ['x'] })],
  ['verify email resend: no bearer', json('post', '/user/email/verify/resend', {})],
  [
    'change password: 3,000-character current password',
    (c) =>
      json(
        'put',
        '/user/password',
        { current_password: long(), new_password: PASSWORD },
        bearer(c),
      )(c),
  ],
  [
    'change password: new password as a number',
    (c) =>
      json(
        'put',
        '/user/password',
        { current_password: PASSWORD, new_password: 1234567890123 },
        bearer(c),
      )(c),
  ],
  [
    'delete account: password as an array',
    (c) => json('delete', '/user', { password: [PASSWORD] }, bearer(c))(c),
  ],
  ['delete account: no bearer', json('delete', '/user', { password: PASSWORD })],
];

const CORPUS: Case[] = [
  ...tokenEndpoint,
  ...revokeAndIntrospect,
  ...registration,
  ...legacySignIn,
  ...legacyRefresh,
  ...bearerRoutes,
  ...pathsAndMethods,
  ...addedRoutes,
];

/** What a stack trace or a source path in a body looks like. */
const STACK_TRACE = /\n\s+at |\bat [\w.<>]+ \(|\.[jt]s:\d+|node_modules|Error: /;

describe(`hostile input: ${CORPUS.length} requests, each refused with a 4xx`, () => {
  let context: Context;
  let before: Map<string, unknown>;

  /** The accounts, email claims, sessions and clients stored, by key. */
  async function storedData(t: TestApp): Promise<Map<string, unknown>> {
    // Sign-in attempt records (LOGIN#) are meant to change: refused sign-ins are counted.
    const kept = [KEY_PREFIX.user, KEY_PREFIX.email, KEY_PREFIX.session, KEY_PREFIX.client];
    const items = new Map<string, unknown>();
    const pages = paginateScan(
      { client: t.app.get(DynamoDBClient) },
      { TableName: t.config.dynamodb.tableName, ConsistentRead: true },
    );
    for await (const page of pages) {
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw);
        const key = `${String(item.pk)}|${String(item.sk)}`;
        if (kept.some((prefix) => String(item.pk).startsWith(prefix))) items.set(key, item);
      }
    }
    return items;
  }

  beforeAll(async () => {
    const t = await createTestApp({
      BOOTSTRAP_CLIENTS,
      // The corpus is one address's burst; rate limits have tests of their own.
      RATE_LIMIT_CREDENTIALS_PER_MINUTE: '100000',
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    const { email, tokens } = await signIn(t);
    const legacy = await request(t.server)
      .post('/session')
      .set('x-koms-clientid', 'demo-app')
      .send({ account_type: 'traditional', email, password: PASSWORD })
      .expect(200);
    context = { t, tokens, legacy: legacy.body as Context['legacy'] };
    before = await storedData(t);
    expect(before.size).toBeGreaterThanOrEqual(4); // the user, the email, two sessions, clients
  });

  afterAll(async () => {
    await context?.t.close();
  });

  it('has at least 100 requests', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CORPUS.map(([name]) => name)).size).toBe(CORPUS.length);
  });

  it.each(CORPUS)('%s → 4xx, a JSON error, no stack trace', async (_name, build) => {
    const response = await build(context);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body).toEqual(
      expect.objectContaining({ error: expect.any(String), error_description: expect.any(String) }),
    );
    expect(response.text).not.toMatch(STACK_TRACE);
  });

  it('left the stored accounts, sessions and clients exactly as they were', async () => {
    expect(await storedData(context.t)).toEqual(before);
    // And the tokens still work: nothing above ended the session.
    await request(context.t.server)
      .get('/user')
      .set('Authorization', `Bearer ${context.tokens.access_token}`)
      .expect(200);
  });
});
