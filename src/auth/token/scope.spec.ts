import { InvalidScopeError } from '../../common/oauth-errors.js';
import { grantScope, parseScope } from './scope.js';

describe('parseScope', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['profile', ['profile']],
    ['profile  email profile', ['profile', 'email']],
  ])('%j → %j', (scope, tokens) => {
    expect(parseScope(scope)).toEqual(tokens);
  });

  it.each(['a"b', 'a\\b', 'tab\there', 'é'])('refuses the malformed scope %j', (scope) => {
    expect(() => parseScope(scope)).toThrow(InvalidScopeError);
  });
});

describe('grantScope', () => {
  it('grants what the client may have', () => {
    expect(grantScope('profile email', ['email', 'profile', 'admin'])).toBe('profile email');
  });

  it('grants nothing when nothing is asked', () => {
    expect(grantScope(undefined, ['profile'])).toBe('');
  });

  it('refuses anything beyond the client, naming it', () => {
    expect(() => grantScope('profile admin', ['profile'])).toThrow('admin');
  });
});
