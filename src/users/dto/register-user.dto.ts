import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { AccountEmail } from './account-email.decorator.js';

export class RegisterUserDto {
  @AccountEmail()
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
