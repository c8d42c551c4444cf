import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { EMAIL_MAX_LENGTH, normalizeEmail } from '../email.js';

export class RegisterUserDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: EMAIL_MAX_LENGTH })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? normalizeEmail(value) : value,
  )
  // class-validator runs decorators bottom-up; with stopAtFirstError the most basic check wins.
  // Control and format characters (U+202E right-to-left override and the like) would let an
  // address display as another one in a mail or a log: refused, though IsEmail lets them through.
  @Matches(/^\P{C}*$/u, { message: 'email must not contain control or formatting characters' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(EMAIL_MAX_LENGTH, { message: `email must be at most ${EMAIL_MAX_LENGTH} characters` })
  @IsString({ message: 'email must be a string' })
  @IsNotEmpty({ message: 'email is required' })
  email!: string;

  @ApiProperty({
    example: 'correct horse battery staple',
    minLength: 12,
    maxLength: 256,
    description: 'At least 12 characters (configurable), at most 256; common passwords refused.',
  })
  // The policy counts code points and says the exact limit; this only stops huge strings early.
  @MaxLength(1024, { message: 'password must be at most 256 characters' })
  @IsString({ message: 'password must be a string' })
  @IsNotEmpty({ message: 'password is required' })
  password!: string;
}
