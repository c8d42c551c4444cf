import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/**
 * A password field of the account routes, checked as POST /user checks its own: a string, not
 * empty, and no longer than the policy could ever accept (the policy says the exact limit; this
 * only stops huge strings before they reach argon2).
 */
export function PasswordProperty(field: string, description: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ example: 'correct horse battery staple', maxLength: 256, description }),
    // Checked in this order (the order they are applied in), stopping at the first failure: the
    // most basic check speaks.
    IsNotEmpty({ message: `${field} is required` }),
    IsString({ message: `${field} must be a string` }),
    MaxLength(1024, { message: `${field} must be at most 256 characters` }),
  );
}

/** A new password: the registration policy applies. */
export const NEW_PASSWORD =
  'At least 12 characters (configurable), at most 256; common passwords refused.';
