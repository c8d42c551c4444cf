import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * The body of every error answer, as AllExceptionsFilter writes it (RFC 6749 §5.2's shape, used
 * by the whole API). Documented once and referenced by every 4xx/5xx response of the document.
 */
export class ErrorResponse {
  @ApiProperty({
    example: 'invalid_request',
    description:
      'A machine-readable code: RFC 6749 §5.2 / RFC 6750 §3.1 codes on the OAuth2 endpoints and the bearer check (invalid_request, invalid_client, invalid_grant, invalid_token, …), and conflict, not_found, temporarily_unavailable, server_error, … elsewhere.',
  })
  error!: string;

  @ApiProperty({
    example: 'the request body is invalid',
    description: 'For people: what went wrong and, where it helps, what to do.',
  })
  error_description!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { email: ['must be an email address'] },
    description: 'On a 400 for bad input: the messages for each field that was refused.',
  })
  fields?: Record<string, string[]>;
}
