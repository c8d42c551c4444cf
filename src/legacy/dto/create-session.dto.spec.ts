import { PASSWORD } from '../../../test/setup/password.js';
import { createValidationPipe } from '../../common/validation.pipe.js';
import { CreateSessionDto } from './create-session.dto.js';

/** The body of POST /session through the app's validation pipe, as Nest runs it. */
const validate = (change: Record<string, unknown>) =>
  createValidationPipe().transform(
    { account_type: 'traditional', email: 'ada@example.com', password: PASSWORD, ...change },
    { type: 'body', metatype: CreateSessionDto },
  );

describe('CreateSessionDto', () => {
  it('takes a traditional sign-in, and any string as the email (unknown is a 401 later)', async () => {
    await expect(validate({ email: 'not an email' })).resolves.toMatchObject({
      email: 'not an email',
    });
  });

  it.each([
    ['account_type "facebook"', { account_type: 'facebook' }, /"traditional"/],
    ['no account_type', { account_type: undefined }, /"traditional"/],
    ['account_type not a string', { account_type: 1 }, /"traditional"/],
    ['no email', { email: undefined }, /email is required/],
    ['email not a string', { email: ['a@example.com'] }, /email must be a string/],
    ['no password', { password: undefined }, /password is required/],
    ['password not a string', { password: 12345678901234 }, /password must be a string/],
    ['an unknown field', { remember_me: true }, /remember_me should not exist/],
  ])('refuses %s with invalid_request naming the problem', async (_case, change, description) => {
    await expect(validate(change)).rejects.toMatchObject({
      status: 400,
      error: 'invalid_request',
      description: expect.stringMatching(description),
    });
  });
});
