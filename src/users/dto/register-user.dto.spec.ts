import { PASSWORD } from '../../../test/setup/password.js';
import { createValidationPipe } from '../../common/validation.pipe.js';
import { RegisterUserDto } from './register-user.dto.js';

/** The body of POST /user through the app's validation pipe, as Nest runs it. */
const validate = (body: unknown) =>
  createValidationPipe().transform(body, { type: 'body', metatype: RegisterUserDto });

describe('RegisterUserDto', () => {
  it('normalises the email', async () => {
    await expect(validate({ email: '  Ada@Example.COM ', password: PASSWORD })).resolves.toEqual({
      email: 'ada@example.com',
      password: PASSWORD,
    });
  });

  it.each([
    ['missing email', { password: PASSWORD }, 'email', 'email is required'],
    ['missing password', { email: 'a@example.com' }, 'password', 'password is required'],
    [
      'email of the wrong type',
      { email: 42, password: PASSWORD },
      'email',
      'email must be a string',
    ],
    [
      'password of the wrong type',
      { email: 'a@example.com', password: ['x'] },
      'password',
      'password must be a string',
    ],
    [
      'email without @',
      { email: 'not-an-email', password: PASSWORD },
      'email',
      'email must be an email address',
    ],
    [
      'email with a right-to-left override',
      { email: 'moc.elpmaxe\u202e@example.com', password: PASSWORD },
      'email',
      'email must not contain control or formatting characters',
    ],
    [
      'email over 254 characters',
      { email: `${'a'.repeat(250)}@example.com`, password: PASSWORD },
      'email',
      'email must be at most 254 characters',
    ],
    [
      // Long passwords stop here, before the policy (and argon2) see them.
      '10,000-character password',
      { email: 'a@example.com', password: 'x'.repeat(10_000) },
      'password',
      'password must be at most 256 characters',
    ],
    [
      'an unknown field',
      { email: 'a@example.com', password: PASSWORD, admin: true },
      'admin',
      'property admin should not exist',
    ],
  ])('refuses %s, naming the field', async (_case, body, field, message) => {
    await expect(validate(body)).rejects.toMatchObject({
      status: 400,
      error: 'invalid_request',
      options: { fields: { [field]: [message] } },
    });
  });
});
