import { ApiProperty } from '@nestjs/swagger';

/** POST and PUT /session: the original API's token response. */
export class SessionTokensResponse {
  @ApiProperty({
    description:
      'JWT access token (RFC 9068), signed with ACCESS_TOKEN_ALG (ES256 by default, or RS256); send as Bearer.',
  })
  access_token!: string;

  @ApiProperty({ description: 'Opaque, single-use refresh token; every PUT /session rotates it.' })
  refresh_token!: string;

  @ApiProperty({ example: 900, description: 'Seconds until the access token expires.' })
  access_token_expires_in!: number;
}

/** GET /session. */
export class SessionExpiryResponse {
  @ApiProperty({ example: 612, description: 'Seconds left before the access token expires.' })
  access_token_expires_in!: number;
}

/** DELETE /session: the body the 2016 implementation answered with. */
export class SessionEndedResponse {
  @ApiProperty({ example: 'session ended' })
  message!: string;
}
