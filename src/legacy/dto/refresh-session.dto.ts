import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** PUT /session: the refresh token from the last POST or PUT /session of this session. */
export class RefreshSessionDto {
  @ApiProperty({
    description:
      'The refresh token returned by the last POST or PUT /session; single use, every use rotates it.',
  })
  // Our refresh tokens are about 90 characters; anything far longer is not one.
  @MaxLength(512, { message: 'refresh_token is not a refresh token' })
  @IsString({ message: 'refresh_token must be a string' })
  @IsNotEmpty({ message: 'refresh_token is required' })
  refresh_token!: string;
}
