import { PASSWORD } from '../../test/setup/password.js';
import { tokenEndpoint } from '../../test/setup/token-endpoint.js';
import type { UserPrincipal } from '../common/principal.js';
import { BadCredentialsError } from '../users/users.errors.js';
import { AccountDeletionService } from './account-deletion.service.js';
import { EmailVerificationService } from './email-verification.service.js';
import { PasswordChangeService } from './password-change.service.js';
import { PasswordResetService, RESET_REQUEST_FLOOR_MS } from './password-reset.service.js';
import { Reauthentication } from './reauthentication.js';

const EMAIL = 'ada@example.com';
const SOURCE = '198.51.100.7';
const NEW_PASSWORD = 'a brand new passphrase';

/** The account flows over in-memory repositories, with a registered user and `n` sessions. */
async function world(sessionCount: number, maxPerUser = 50) {
  const endpoint = tokenEndpoint({ sessions: { maxPerUser } });
  const ada = await endpoint.users.register(EMAIL, PASSWORD);
  const sessions = [];
  for (let i = 0; i < sessionCount; i++) {
    const signIn = await endpoint.signIn.verify({
      email: EMAIL,
      password: PASSWORD,
      sourceAddress: SOURCE,
      clientId: 'demo-app',
    });
    sessions.push(
      (
        await endpoint.signIn.startSession(signIn, {
          clientId: 'demo-app',
          scope: '',
          ttlSeconds: 3600,
        })
      ).session,
    );
  }
  const principal: UserPrincipal = {
    kind: 'user',
    userId: ada.id,
    sessionId: sessions[0]?.id ?? 'none',
    clientId: 'demo-app',
    scope: '',
    jti: 'jti',
    issuedAt: 0,
    expiresAt: 0,
    profile: { email: EMAIL, emailVerified: false },
  };
  const reauthentication = new Reauthentication(endpoint.users, endpoint.audit);
  const live = () =>
    [...endpoint.repository.items.values()].filter((session) => !session.revokedAt);
  return {
    ...endpoint,
    ada,
    sessionsStarted: sessions,
    principal,
    live,
    change: new PasswordChangeService(
      endpoint.users,
      endpoint.sessions,
      reauthentication,
      endpoint.units,
      endpoint.audit,
    ),
    verification: new EmailVerificationService(endpoint.users, endpoint.sessions),
    reset: new PasswordResetService(
      endpoint.users,
      endpoint.sessions,
      endpoint.mails,
      endpoint.config,
    ),
    deletion: new AccountDeletionService(
      endpoint.users,
      endpoint.sessions,
      reauthentication,
      endpoint.units,
      endpoint.config,
      endpoint.audit,
    ),
  };
}

describe('the account flows', () => {
  it('a password change keeps the calling session and ends the others, in one transaction', async () => {
    const { change, principal, live, units, audit } = await world(3);
    units.begun.length = 0;
    await change.change(
      principal,
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      SOURCE,
    );
    expect(units.begun).toHaveLength(1);
    expect(live().map((session) => session.id)).toEqual([principal.sessionId]);
    expect(audit.of('session.ended').map((entry) => entry.reason)).toEqual([
      'password_changed',
      'password_changed',
    ]);
    expect(audit.of('password.changed')).toHaveLength(1);
  });

  it('a wrong current password changes nothing and is audited as a failed sign-in', async () => {
    const { change, principal, live, audit } = await world(2);
    await expect(
      change.change(principal, { currentPassword: 'wrong', newPassword: NEW_PASSWORD }, SOURCE),
    ).rejects.toBeInstanceOf(BadCredentialsError);
    expect(live()).toHaveLength(2);
    expect(audit.of('login.failed')).toEqual([
      expect.objectContaining({ reason: 'wrong_password', sessionId: principal.sessionId }),
    ]);
  });

  it('verification updates the snapshot of every live session', async () => {
    const { verification, mails, live } = await world(2);
    await verification.verify(mails.latest('verification', EMAIL)!.token);
    expect(live().map((session) => session.profile)).toEqual([
      { email: EMAIL, emailVerified: true },
      { email: EMAIL, emailVerified: true },
    ]);
  });

  it('a reset request mails only a known email, and answers no sooner than its floor', async () => {
    const { reset, mails } = await world(0);
    for (const email of [EMAIL, 'nobody@example.com']) {
      const started = performance.now();
      await reset.request(email);
      expect(performance.now() - started).toBeGreaterThanOrEqual(RESET_REQUEST_FLOOR_MS - 1);
    }
    expect(mails.sent.filter((mail) => mail.kind === 'reset').map((mail) => mail.to)).toEqual([
      EMAIL,
    ]);
  });

  it('a confirmed reset ends every session', async () => {
    const { reset, mails, live } = await world(2);
    await reset.request(EMAIL);
    await reset.confirm(mails.latest('reset', EMAIL)!.token, NEW_PASSWORD);
    expect(live()).toEqual([]);
  });

  it('a deletion puts the account and at most 97 sessions in its transaction, the rest after', async () => {
    const { deletion, principal, repository, usersRepository, units } = await world(100, 200);
    units.begun.length = 0;
    repository.calls.length = 0;
    await deletion.delete(principal, PASSWORD, SOURCE);
    expect(units.begun).toHaveLength(1);
    // 97 sessions beside the credential, the profile and the lockout pair: 100 writes on DynamoDB.
    expect(repository.calls.filter((call) => call === 'addDelete')).toHaveLength(97);
    expect(repository.calls.filter((call) => call === 'delete')).toHaveLength(3);
    expect(repository.items.size).toBe(0);
    expect(usersRepository.credentials.size).toBe(0);
    expect(usersRepository.profiles.size).toBe(0);
  });
});
