import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { EMAIL_MAX_LENGTH, normalizeEmail } from '../email.js';

/**
 * An account's email in a request body (registration, password reset): normalised, then checked.
 * With stopAtFirstError the first check registered that fails names the problem, so they are
 * listed from the most basic on (applyDecorators applies them in this order).
 */
export function AccountEmail(): PropertyDecorator {
  return applyDecorators(
    IsNotEmpty({ message: 'email is required' }),
    IsString({ message: 'email must be a string' }),
    MaxLength(EMAIL_MAX_LENGTH, {
      message: `email must be at most ${EMAIL_MAX_LENGTH} characters`,
    }),
    IsEmail({}, { message: 'email must be an email address' }),
    // Control and format characters (U+202E right-to-left override and the like) would let an
    // address display as another one in a mail or a log: refused, though IsEmail lets them through.
    Matches(/^\P{C}*$/u, { message: 'email must not contain control or formatting characters' }),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? normalizeEmail(value) : value,
    ),
    ApiProperty({ example: 'ada@example.com', maxLength: EMAIL_MAX_LENGTH }),
  );
}
