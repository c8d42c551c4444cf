import { PasswordHasher } from './password-hasher.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('hashes with argon2id and OWASP parameters, as a PHC string', async () => {
    const phc = await hasher.hash('correct horse battery staple');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hasher.hash('same password'), hasher.hash('same password')]);
    expect(a).not.toBe(b);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const phc = await hasher.hash('correct horse battery staple');
    await expect(hasher.verify(phc, 'correct horse battery staple')).resolves.toBe(true);
    await expect(hasher.verify(phc, 'correct horse battery stapl')).resolves.toBe(false);
  });

  it('treats a malformed stored hash as a mismatch, not an error', async () => {
    await expect(hasher.verify('not a phc string', 'anything')).resolves.toBe(false);
  });

  it('spends a real verification for unknown users and always refuses', async () => {
    const started = process.hrtime.bigint();
    await expect(hasher.verifyAgainstDummy('anything at all')).resolves.toBe(false);
    // An argon2id verification with m=19 MiB takes milliseconds, not microseconds.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeGreaterThan(1);
  });
});
