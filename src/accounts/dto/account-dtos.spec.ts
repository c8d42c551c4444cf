import { PASSWORD } from '../../../test/setup/password.js';
import { createValidationPipe } from '../../common/validation.pipe.js';
import { newAccountToken } from '../../users/account-token.js';
import { ChangePasswordDto } from './change-password.dto.js';
import { ConfirmPasswordResetDto } from './confirm-password-reset.dto.js';
import { DeleteAccountDto } from './delete-account.dto.js';
import { RequestPasswordResetDto } from './request-password-reset.dto.js';
import { VerifyEmailDto } from './verify-email.dto.js';

/** A body through the app's validation pipe, as Nest runs it. */
const validate = (metatype: new () => object, body: unknown) =>
  createValidationPipe().transform(body, { type: 'body', metatype });

const TOKEN = newAccountToken('0f8fad5b-d9cb-469f-a165-70867728950e').token;

describe('the account routes’ bodies', () => {
  it.each([
    [ChangePasswordDto, { current_password: PASSWORD, new_password: 'another passphrase' }],
    [DeleteAccountDto, { password: PASSWORD }],
    [VerifyEmailDto, { token: TOKEN }],
    [ConfirmPasswordResetDto, { token: TOKEN, new_password: PASSWORD }],
  ])('%p takes a well-formed body as it is', async (metatype, body) => {
    await expect(validate(metatype, body)).resolves.toEqual(body);
  });

  it('normalises the email of a reset request', async () => {
    await expect(
      validate(RequestPasswordResetDto, { email: ' Ada@Example.COM ' }),
    ).resolves.toEqual({ email: 'ada@example.com' });
  });

  it.each([
    [
      ChangePasswordDto,
      { new_password: PASSWORD },
      'current_password',
      'current_password is required',
    ],
    [
      ChangePasswordDto,
      { current_password: PASSWORD, new_password: 1234567890123 },
      'new_password',
      'new_password must be a string',
    ],
    [
      ChangePasswordDto,
      { current_password: 'x'.repeat(3000), new_password: PASSWORD },
      'current_password',
      'current_password must be at most 256 characters',
    ],
    [DeleteAccountDto, {}, 'password', 'password is required'],
    [DeleteAccountDto, { password: [PASSWORD] }, 'password', 'password must be a string'],
    [VerifyEmailDto, { token: ['x'] }, 'token', 'token must be a string'],
    [VerifyEmailDto, { token: 't'.repeat(5000) }, 'token', 'token must be at most 80 characters'],
    [
      ConfirmPasswordResetDto,
      { token: { $ne: null }, new_password: PASSWORD },
      'token',
      'token must be a string',
    ],
    [ConfirmPasswordResetDto, { token: TOKEN }, 'new_password', 'new_password is required'],
    [RequestPasswordResetDto, { email: ['a@example.com'] }, 'email', 'email must be a string'],
    [RequestPasswordResetDto, { email: 'nope' }, 'email', 'email must be an email address'],
    [
      RequestPasswordResetDto,
      { email: 'ada\u202e@example.com' },
      'email',
      'email must not contain control or formatting characters',
    ],
    [
      RequestPasswordResetDto,
      { email: 'a@example.com', admin: true },
      'admin',
      'property admin should not exist',
    ],
  ])('%p refuses %j, naming the field', async (metatype, body, field, message) => {
    await expect(validate(metatype, body)).rejects.toMatchObject({
      status: 400,
      error: 'invalid_request',
      options: { fields: { [field]: [message] } },
    });
  });
});
