import { checkPassword } from './password-policy.js';

const policy = { minLength: 12, maxLength: 256 };

describe('checkPassword', () => {
  it.each([
    ['11 characters', 'a'.repeat(11), 'password must be at least 12 characters'],
    ['257 characters', 'b'.repeat(257), 'password must be at most 256 characters'],
    ['a common password', 'qwerty123456', 'password is too common; choose another'],
    ['a common password in capitals', 'QWERTY123456', 'password is too common; choose another'],
  ])('refuses %s', async (_case, password, problem) => {
    await expect(checkPassword(password, policy)).resolves.toBe(problem);
  });

  it.each([
    ['exactly 12 characters', 'plum tree 42'],
    ['exactly 256 characters', 'c'.repeat(256)],
    ['no digits or symbols at all', 'correct horse battery staple'],
    ['spaces and unicode', 'ünïcødé pässwörd ☃'],
  ])('accepts %s (no composition rules)', async (_case, password) => {
    await expect(checkPassword(password, policy)).resolves.toBeUndefined();
  });

  it('counts code points, not UTF-16 units', async () => {
    const twelveEmoji = '🔑'.repeat(12); // 24 UTF-16 units
    await expect(checkPassword(twelveEmoji, policy)).resolves.toBeUndefined();
    await expect(checkPassword('🔑'.repeat(11), policy)).resolves.toBe(
      'password must be at least 12 characters',
    );
  });

  it('takes the minimum from configuration', async () => {
    await expect(checkPassword('fifteen chars!!', { minLength: 16, maxLength: 256 })).resolves.toBe(
      'password must be at least 16 characters',
    );
  });
});
