import { ApiProperty } from '@nestjs/swagger';

export class UserResponse {
  @ApiProperty({ example: '0f8fad5b-d9cb-469f-a165-70867728950e' })
  id!: string;

  @ApiProperty({ example: 'ada@example.com' })
  email!: string;
}

/** GET /user: the account, and whether its email has been verified. */
export class CurrentUserResponse extends UserResponse {
  @ApiProperty({
    example: false,
    description: 'Whether the email was verified (POST /user/email/verify).',
  })
  email_verified!: boolean;
}
