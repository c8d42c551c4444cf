import { CLIENT_ID_PATTERN } from '../clients/client-registration.js';
import { BODY_MAX_DEPTH, bodyProblem, HEADER_MAX_LENGTHS } from './input-limits.js';

/** `depth` levels of nesting: {"a":{"a":…"x"}}. */
function nested(depth: number): unknown {
  let value: unknown = 'x';
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

describe('bodyProblem', () => {
  it.each([
    ['no body', undefined],
    ['a flat body', { email: 'ada@example.com', password: 'correct horse battery staple' }],
    ['unicode beyond the BMP, NUL and RTL marks', { name: '𝒜da 😀 \u0000 \u202e' }],
    ['arrays of strings', { scopes: ['a', 'b'] }],
    ['the deepest body allowed', nested(BODY_MAX_DEPTH)],
  ])('accepts %s', (_case, body) => {
    expect(bodyProblem(body)).toBeUndefined();
  });

  it.each([
    [
      'a lone high surrogate',
      { email: 'ada\ud800@example.com' },
      'email is not well-formed Unicode text',
    ],
    [
      'a lone low surrogate in an array',
      { list: ['ok', '\udc00'] },
      'list is not well-formed Unicode text',
    ],
    [
      'a lone surrogate in a key',
      { ['\ud800']: 'x' },
      'a property name is not well-formed Unicode text',
    ],
    [
      'a __proto__ key (JSON.parse keeps it as an own key)',
      JSON.parse('{"__proto__":{"admin":true}}'),
      'property __proto__ is not allowed',
    ],
    [
      'a nested constructor key',
      { a: { constructor: { prototype: {} } } },
      'property constructor is not allowed',
    ],
    [
      'one level too deep',
      nested(BODY_MAX_DEPTH + 1),
      `the body is nested more than ${BODY_MAX_DEPTH} levels deep`,
    ],
    [
      '100,000 levels of arrays (no stack overflow)',
      JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
      `the body is nested more than ${BODY_MAX_DEPTH} levels deep`,
    ],
  ])('refuses %s', (_case, body, problem) => {
    expect(bodyProblem(body)).toBe(problem);
  });
});

describe('HEADER_MAX_LENGTHS', () => {
  it('lets through the longest client id that can be registered, and nothing longer', () => {
    const longest = `a${'b'.repeat(HEADER_MAX_LENGTHS['x-koms-clientid'] - 1)}`;
    expect(CLIENT_ID_PATTERN.test(longest)).toBe(true);
    expect(CLIENT_ID_PATTERN.test(`${longest}c`)).toBe(false);
  });
});
