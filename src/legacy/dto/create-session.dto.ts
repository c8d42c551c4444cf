import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { EMAIL_MAX_LENGTH } from '../../users/email.js';

/** The original API's account types; "facebook" was planned in 2016 and never built. */
export const ACCOUNT_TYPES = ['traditional'] as const;

const ACCOUNT_TYPE_MESSAGE = 'account_type must be "traditional", the only supported account type';

/** POST /session: sign in with email and password (the original API's password grant). */
export class CreateSessionDto {
  @ApiProperty({
    enum: ACCOUNT_TYPES,
    example: 'traditional',
    description: 'Only "traditional" (email and password) is supported.',
  })
  // class-validator runs decorators bottom-up; with stopAtFirstError the most basic check wins.
  @IsIn(ACCOUNT_TYPES, { message: ACCOUNT_TYPE_MESSAGE })
  @IsNotEmpty({ message: ACCOUNT_TYPE_MESSAGE })
  account_type!: string;

  @ApiProperty({ example: 'ada@example.com', maxLength: EMAIL_MAX_LENGTH })
  // Not checked as an email: a sign-in with a malformed one is simply an unknown account (401).
  @MaxLength(EMAIL_MAX_LENGTH, { message: `email must be at most ${EMAIL_MAX_LENGTH} characters` })
  @IsString({ message: 'email must be a string' })
  @IsNotEmpty({ message: 'email is required' })
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  // Long enough for any password registration accepts; stops huge strings before argon2.
  @MaxLength(1024, { message: 'password must be at most 1024 characters' })
  @IsString({ message: 'password must be a string' })
  @IsNotEmpty({ message: 'password is required' })
  password!: string;
}
