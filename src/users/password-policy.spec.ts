import { checkPassword } from './password-policy.js';

const policy = { minLength: 12, maxLength: 256 };

describe('checkPassword', () => {
  it.each([
    ['11 characters', 'a'.repeat(11), 'password must be at least 12 characters'],
    ['257 characters', 'b'.repeat(257), 'password must be at most 256 characters'],
    ['a common password', 'qwerty123456', 'password is too common; choose another'],
    ['a common password in capitals', 'QWERTY123456', 'password is too common; choose another'],
  ])('refuses %s', (_case, password, problem) => {
    expect(checkPassword(password, policy)).toBe(problem);
  });

  it.each([
    ['exactly 12 characters', 'plum tree 42'],
    ['exactly 256 characters', 'c'.repeat(256)],
    ['no digits or symbols at all', 'correct horse battery staple'],
    ['spaces and unicode', 'ünïcødé pässwörd ☃'],
  ])('accepts %s (no composition rules)', (_case, password) => {
    expect(checkPassword(password, policy)).toBeUndefined();
  });

  it('counts code points, not UTF-16 units', () => {
    const twelveEmoji = '🔑'.repeat(12); // 24 UTF-16 units
    expect(checkPassword(twelveEmoji, policy)).toBeUndefined();
    expect(checkPassword('🔑'.repeat(11), policy)).toBe('password must be at least 12 characters');
  });

  it('takes the minimum from configuration', () => {
    expect(checkPassword('fifteen chars!!', { minLength: 16, maxLength: 256 })).toBe(
      'password must be at least 16 characters',
    );
  });
});
