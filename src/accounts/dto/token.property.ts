import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { ACCOUNT_TOKEN_LENGTH } from '../../users/account-token.js';

/** The `token` of an account mail's link (account-token.ts), as a body field. */
export function AccountTokenProperty(description: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      example: '0f8fad5b-d9cb-469f-a165-70867728950e.3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      maxLength: ACCOUNT_TOKEN_LENGTH,
      description,
    }),
    // Checked in this order, stopping at the first failure (see password.property.ts).
    IsNotEmpty({ message: 'token is required' }),
    IsString({ message: 'token must be a string' }),
    MaxLength(ACCOUNT_TOKEN_LENGTH, {
      message: `token must be at most ${ACCOUNT_TOKEN_LENGTH} characters`,
    }),
  );
}
