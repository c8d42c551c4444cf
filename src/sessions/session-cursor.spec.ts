import { decodeSessionCursor, encodeSessionCursor } from './session-cursor.js';

const CURSOR = {
  createdAt: '2026-03-01T12:00:00.000Z',
  sessionId: '3b241101-e2bb-4255-8caf-4136c566a962',
};

describe('session cursors', () => {
  it('decode back to the position they were made from', () => {
    const encoded = encodeSessionCursor(CURSOR);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSessionCursor(encoded)).toEqual(CURSOR);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['another shape', Buffer.from('USER#someone').toString('base64url')],
    [
      'a position with a bad id',
      Buffer.from('SESSION#2026-03-01T12:00:00.000Z#x').toString('base64url'),
    ],
    ['far too long', 'A'.repeat(500)],
  ])('refuse %s', (_case, cursor) => {
    expect(decodeSessionCursor(cursor)).toBeUndefined();
  });
});
