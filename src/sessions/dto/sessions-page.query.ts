import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { decodeSessionCursor, SESSION_CURSOR_MAX_LENGTH } from '../session-cursor.js';

export const SESSIONS_PAGE_DEFAULT = 50;
export const SESSIONS_PAGE_MAX = 100;

/** GET /user/sessions?limit=&cursor= */
export class SessionsPageQuery {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: SESSIONS_PAGE_MAX,
    default: SESSIONS_PAGE_DEFAULT,
    description: 'Sessions per page.',
  })
  @Max(SESSIONS_PAGE_MAX, { message: `limit must be at most ${SESSIONS_PAGE_MAX}` })
  @Min(1, { message: 'limit must be at least 1' })
  @IsInt({ message: 'limit must be a whole number' })
  @Type(() => Number)
  @IsOptional()
  limit?: number;

  @ApiPropertyOptional({
    maxLength: SESSION_CURSOR_MAX_LENGTH,
    description: 'Where the page starts: the cursor of the `Link: <…>; rel="next"` header.',
  })
  @ValidateBy(
    {
      name: 'isSessionCursor',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && decodeSessionCursor(value) !== undefined,
      },
    },
    { message: 'cursor must be a cursor from a previous page' },
  )
  @IsOptional()
  cursor?: string;
}
