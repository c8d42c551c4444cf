import { PASSWORD } from '../../../test/setup/password.js';
import { tokenEndpoint } from '../../../test/setup/token-endpoint.js';
import { BadCredentialsError, EmailNotVerifiedError } from '../../users/users.errors.js';

const EMAIL = 'ada@example.com';
const SOURCE = '198.51.100.7';

async function world(maxPerUser = 50, requireVerifiedEmail = false) {
  const endpoint = tokenEndpoint({ sessions: { maxPerUser }, accounts: { requireVerifiedEmail } });
  const ada = await endpoint.users.register(EMAIL, PASSWORD);
  const verify = (password = PASSWORD) =>
    endpoint.signIn.verify({ email: EMAIL, password, sourceAddress: SOURCE, clientId: 'demo-app' });
  const startSignedIn = async () =>
    endpoint.signIn.startSession(await verify(), {
      clientId: 'demo-app',
      scope: '',
      ttlSeconds: 3600,
    });
  return { ...endpoint, ada, verify, startSignedIn };
}

describe('SignInService', () => {
  it('starts the session, resets the pair and counts the session in one unit of work', async () => {
    const {
      verify,
      startSignedIn: signIn,
      units,
      repository,
      usersRepository,
      attempts,
      audit,
      ada,
    } = await world();
    await verify('wrong').catch(() => undefined);
    expect(attempts.pairs.get(`${EMAIL}|${SOURCE}`)?.attempts).toBe(1);
    const { session } = await signIn();
    expect(units.begun).toHaveLength(1);
    expect(units.begun[0].writes).toHaveLength(3);
    expect(repository.items.get(session.id)).toMatchObject({
      userId: ada.id,
      clientId: 'demo-app',
      profile: { email: EMAIL, emailVerified: false },
    });
    expect(attempts.pairs.has(`${EMAIL}|${SOURCE}`)).toBe(false);
    expect(usersRepository.credentials.get(EMAIL)?.sessionCount).toBe(1);
    expect(audit.of('login.succeeded')).toEqual([
      { event: 'login.succeeded', userId: ada.id, clientId: 'demo-app', sessionId: session.id },
    ]);
  });

  it('below the limit, lists no sessions', async () => {
    const { startSignedIn: signIn, repository } = await world(3);
    await signIn();
    await signIn();
    expect(repository.calls).not.toContain('listByUser');
  });

  it('at the limit, ends the least recently used and corrects the counter', async () => {
    const { startSignedIn: signIn, repository, usersRepository, clock } = await world(3);
    const first = await signIn();
    clock.advance(1);
    await signIn();
    clock.advance(1);
    await signIn();
    clock.advance(1);
    expect(usersRepository.credentials.get(EMAIL)?.sessionCount).toBe(3);
    const fourth = await signIn();
    // The counter at the limit: the sessions were listed, the oldest ended, 2 kept, one new.
    expect(repository.calls).toContain('listByUser');
    expect(repository.items.get(first.session.id)?.revokeReason).toBe('session_limit');
    const live = [...repository.items.values()].filter((s) => !s.revokedAt);
    expect(live).toHaveLength(3);
    expect(live.map((s) => s.id)).toContain(fourth.session.id);
    expect(usersRepository.credentials.get(EMAIL)?.sessionCount).toBe(3);
  });

  it('refuses, and audits, a sign-in whose account went away before its session', async () => {
    const { verify, signIn, usersRepository, repository, audit } = await world();
    const verified = await verify();
    usersRepository.credentials.delete(EMAIL);
    await expect(
      signIn.startSession(verified, { clientId: 'demo-app', scope: '', ttlSeconds: 3600 }),
    ).rejects.toBeInstanceOf(BadCredentialsError);
    expect(repository.items.size).toBe(0);
    expect(audit.of('login.succeeded')).toEqual([]);
    expect(audit.of('login.failed')).toEqual([
      { event: 'login.failed', clientId: 'demo-app', reason: 'unknown_account' },
    ]);
  });

  describe('REQUIRE_VERIFIED_EMAIL', () => {
    it('refuses an unverified account once the password is right, giving its attempt back', async () => {
      const { verify, attempts, audit, ada } = await world(50, true);
      await expect(verify('wrong')).rejects.toBeInstanceOf(BadCredentialsError);
      await expect(verify()).rejects.toEqual(
        new EmailNotVerifiedError({ reason: 'email_not_verified', userId: ada.id }),
      );
      // The right password's attempt is given back, and with it the pair (a success's reset).
      expect(attempts.pairs.has(`${EMAIL}|${SOURCE}`)).toBe(false);
      expect(audit.of('login.failed').map((entry) => entry.reason)).toEqual([
        'wrong_password',
        'email_not_verified',
      ]);
    });

    it('signs a verified account in', async () => {
      const { verify, users, mails } = await world(50, true);
      await users.verifyEmail(mails.latest('verification', EMAIL)!.token);
      await expect(verify()).resolves.toMatchObject({ email: EMAIL, emailVerified: true });
    });

    it('is off by default', async () => {
      const { verify } = await world();
      await expect(verify()).resolves.toMatchObject({ emailVerified: false });
    });
  });
});
