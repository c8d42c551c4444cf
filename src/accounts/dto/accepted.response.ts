import { ApiProperty } from '@nestjs/swagger';

/** A 202's body: what happens next, the same whatever the request found. */
export class AcceptedResponse {
  @ApiProperty({ example: 'accepted' })
  status!: 'accepted';

  @ApiProperty({ example: 'If an account has this email, a mail with a reset link is on its way.' })
  message!: string;
}
