import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** DELETE /user/sessions/{id}: the id is a session id (a UUID) or the request is malformed. */
export class SessionIdParams {
  @ApiProperty({ example: '3b241101-e2bb-4255-8caf-4136c566a962' })
  @IsUUID('all', { message: 'id must be a session id' })
  id!: string;
}
