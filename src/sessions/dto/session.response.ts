import { ApiProperty } from '@nestjs/swagger';

export class SessionResponse {
  @ApiProperty({ example: '3b241101-e2bb-4255-8caf-4136c566a962' })
  id!: string;

  @ApiProperty({ example: 'demo-app' })
  client_id!: string;

  @ApiProperty({ example: 'profile' })
  scope!: string;

  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' })
  last_used_at!: string;

  @ApiProperty({ example: '2026-12-23T10:00:00.000Z' })
  expires_at!: string;

  @ApiProperty({ description: 'Whether this is the session of the token making the request.' })
  current!: boolean;
}
