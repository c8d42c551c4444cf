import { keys } from '../database/table.schema.js';

/**
 * The cursor of GET /user/sessions: where the next page starts, i.e. the index position (gsi1sk:
 * creation time and id) of the last session of the page before, base64url-encoded. It names no
 * user: the caller's own id completes the key, so a cursor cannot open anyone else's sessions.
 */
export interface SessionCursor {
  readonly createdAt: string;
  readonly sessionId: string;
}

export const SESSION_CURSOR_MAX_LENGTH = 120;

const POSITION = /^SESSION#(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)#([0-9a-f-]{36})$/;

export function encodeSessionCursor(cursor: SessionCursor): string {
  const position = keys.userSessionsSort(cursor.createdAt, cursor.sessionId);
  return Buffer.from(position, 'utf8').toString('base64url');
}

/** Undefined for anything that is not a cursor this service handed out. */
export function decodeSessionCursor(cursor: string): SessionCursor | undefined {
  if (cursor.length > SESSION_CURSOR_MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    return undefined;
  }
  const match = POSITION.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { createdAt: match[1], sessionId: match[2] } : undefined;
}
