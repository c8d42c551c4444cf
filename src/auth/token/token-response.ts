import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 6749 §5.1 successful token response. */
export class TokenResponse {
  @ApiProperty({ description: 'JWT access token (RFC 9068), ES256-signed.' })
  access_token!: string;

  @ApiProperty({ example: 'Bearer' })
  token_type!: 'Bearer';

  @ApiProperty({ example: 900, description: 'Seconds until the access token expires.' })
  expires_in!: number;

  @ApiProperty({ description: 'Opaque, single-use refresh token; every use rotates it.' })
  refresh_token!: string;

  @ApiPropertyOptional({ example: 'profile', description: 'The granted scope, when any.' })
  scope?: string;
}
