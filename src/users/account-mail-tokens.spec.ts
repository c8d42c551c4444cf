import { InMemoryUnitOfWork } from '../../test/setup/in-memory-repositories.js';
import { PASSWORD } from '../../test/setup/password.js';
import { usersWorld } from '../../test/setup/users.js';
import { MailDeliveryError } from '../mail/mail-delivery.error.js';
import {
  BadCredentialsError,
  EmailAlreadyVerifiedError,
  InvalidAccountTokenError,
  WeakPasswordError,
} from './users.errors.js';

const EMAIL = 'ada@example.com';
const NEW_PASSWORD = 'a brand new passphrase';
const HOME = '198.51.100.7';

/** An account registered in an in-memory world, and its verification mail. */
async function registered() {
  const world = usersWorld();
  const user = await world.users.register(EMAIL, PASSWORD);
  const credential = () => world.repository.credentials.get(EMAIL)!;
  const verification = world.mails.latest('verification', EMAIL)!;
  return { ...world, user, credential, verification };
}

describe('UsersService: the account mails’ tokens', () => {
  describe('email verification', () => {
    it('registration stores the hash of a token and mails the token', async () => {
      const { credential, verification, user } = await registered();
      expect(verification.token.startsWith(`${user.id}.`)).toBe(true);
      expect(credential().verify?.hash).toEqual(expect.any(String));
      expect(JSON.stringify(credential())).not.toContain(verification.token.split('.')[1]);
    });

    it('verifies once: credential and profile say so, and the token is spent', async () => {
      const { users, repository, credential, verification, user } = await registered();
      await expect(users.verifyEmail(verification.token)).resolves.toEqual({
        userId: user.id,
        email: EMAIL,
      });
      expect(credential().emailVerified).toBe(true);
      expect(repository.profiles.get(user.id)?.emailVerified).toBe(true);
      await expect(users.verifyEmail(verification.token)).rejects.toEqual(
        new InvalidAccountTokenError('email_verification'),
      );
    });

    it('works until EMAIL_TOKEN_TTL and not at it', async () => {
      const first = await registered();
      first.clock.advance(86_400 - 1);
      await expect(first.users.verifyEmail(first.verification.token)).resolves.toBeDefined();
      const second = await registered();
      second.clock.advance(86_400);
      await expect(second.users.verifyEmail(second.verification.token)).rejects.toBeInstanceOf(
        InvalidAccountTokenError,
      );
    });

    it('a resend replaces the token; with the email verified there is nothing to resend', async () => {
      const { users, mails, verification, user } = await registered();
      await users.resendVerification(user.id);
      const again = mails.latest('verification', EMAIL)!;
      await expect(users.verifyEmail(verification.token)).rejects.toBeInstanceOf(
        InvalidAccountTokenError,
      );
      await users.verifyEmail(again.token);
      await expect(users.resendVerification(user.id)).rejects.toBeInstanceOf(
        EmailAlreadyVerifiedError,
      );
    });

    it('registration stands when its mail cannot be sent', async () => {
      const world = usersWorld();
      world.mails.failWith = new MailDeliveryError('outbox', 'EACCES');
      await expect(world.users.register(EMAIL, PASSWORD)).resolves.toMatchObject({ email: EMAIL });
      expect(world.repository.credentials.has(EMAIL)).toBe(true);
    });

    it('refuses tokens that are not ours without a read', async () => {
      const { users, repository } = await registered();
      repository.calls.length = 0;
      await expect(users.verifyEmail('../../etc/passwd')).rejects.toBeInstanceOf(
        InvalidAccountTokenError,
      );
      expect(repository.calls).toEqual([]);
    });
  });

  describe('password reset', () => {
    it('makes the same requests whether or not the email has an account', async () => {
      const { users, repository } = await registered();
      repository.calls.length = 0;
      const known = await users.requestPasswordReset(EMAIL);
      const forKnown = [...repository.calls];
      repository.calls.length = 0;
      const unknown = await users.requestPasswordReset('nobody@example.com');
      expect(repository.calls).toEqual(forKnown);
      expect(known).toEqual({ to: EMAIL, token: expect.any(String) });
      expect(unknown).toBeUndefined();
    });

    it('sets the new password once, verifies the email, clears the lockout, and a newer token replaces an older one', async () => {
      const { users, attempts, credential, user, repository } = await registered();
      await expect(
        users.authenticate({ email: EMAIL, password: 'wrong', sourceAddress: HOME }),
      ).rejects.toBeInstanceOf(BadCredentialsError);
      const older = (await users.requestPasswordReset(EMAIL))!.token;
      const newer = (await users.requestPasswordReset(EMAIL))!.token;
      await expect(users.confirmPasswordReset(older, NEW_PASSWORD)).rejects.toEqual(
        new InvalidAccountTokenError('password_reset'),
      );
      const before = credential().passwordHash;
      await expect(users.confirmPasswordReset(newer, NEW_PASSWORD)).resolves.toEqual({
        userId: user.id,
        email: EMAIL,
      });
      expect(credential().passwordHash).not.toBe(before);
      // The mail reached its owner: the email counts as verified, on both items.
      expect(credential().emailVerified).toBe(true);
      expect(repository.profiles.get(user.id)?.emailVerified).toBe(true);
      expect(attempts.pairs.size + attempts.windows.size).toBe(0);
      await expect(users.confirmPasswordReset(newer, NEW_PASSWORD)).rejects.toBeInstanceOf(
        InvalidAccountTokenError,
      );
      await expect(
        users.authenticate({ email: EMAIL, password: NEW_PASSWORD, sourceAddress: HOME }),
      ).resolves.toBeDefined();
    });

    it('works until RESET_TOKEN_TTL and not at it', async () => {
      const { users, clock } = await registered();
      const token = (await users.requestPasswordReset(EMAIL))!.token;
      clock.advance(900);
      await expect(users.confirmPasswordReset(token, NEW_PASSWORD)).rejects.toBeInstanceOf(
        InvalidAccountTokenError,
      );
      const next = (await users.requestPasswordReset(EMAIL))!.token;
      clock.advance(899);
      await expect(users.confirmPasswordReset(next, NEW_PASSWORD)).resolves.toBeDefined();
    });

    it('checks the new password against the policy first, naming new_password', async () => {
      const { users } = await registered();
      const token = (await users.requestPasswordReset(EMAIL))!.token;
      await expect(users.confirmPasswordReset(token, 'short')).rejects.toEqual(
        new WeakPasswordError('new_password must be at least 12 characters', 'new_password'),
      );
      await expect(users.confirmPasswordReset(token, NEW_PASSWORD)).resolves.toBeDefined();
    });
  });

  describe('password change', () => {
    it('checks the current password as a sign-in (a failure counted), then drops any pending reset', async () => {
      const { users, attempts, credential, user } = await registered();
      await expect(
        users.verifyPasswordOf(user.id, undefined, 'wrong', HOME),
      ).rejects.toBeInstanceOf(BadCredentialsError);
      expect([...attempts.windows.values()]).toEqual([{ failures: 1, refusals: 0 }]);

      await users.requestPasswordReset(EMAIL);
      const signIn = await users.verifyPasswordOf(user.id, undefined, PASSWORD, HOME);
      const work = new InMemoryUnitOfWork();
      await users.addPasswordChange(work, signIn, NEW_PASSWORD);
      await work.commit();
      expect(credential().reset).toBeUndefined();
      expect(attempts.pairs.size).toBe(0);
      await expect(
        users.verifyPasswordOf(user.id, undefined, NEW_PASSWORD, HOME),
      ).resolves.toBeDefined();
    });
  });
});
