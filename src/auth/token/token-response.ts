import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 6749 §5.1 successful token response, as every grant answers it. */
export class AccessTokenResponse {
  @ApiProperty({
    description:
      'JWT access token (RFC 9068), signed with ACCESS_TOKEN_ALG (ES256 by default, or RS256).',
  })
  access_token!: string;

  @ApiProperty({ example: 'Bearer' })
  token_type!: 'Bearer';

  @ApiProperty({ example: 900, description: 'Seconds until the access token expires.' })
  expires_in!: number;

  @ApiPropertyOptional({
    description:
      'Opaque, single-use refresh token; every use rotates it. Absent for client_credentials (RFC 6749 §4.4.3): the client asks again with its credentials.',
  })
  refresh_token?: string;

  @ApiPropertyOptional({ example: 'profile', description: 'The granted scope, when any.' })
  scope?: string;
}

/** The response of a grant with a session (password, refresh_token): always a refresh token. */
export type TokenResponse = AccessTokenResponse & { refresh_token: string };
