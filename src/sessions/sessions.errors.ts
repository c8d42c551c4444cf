/**
 * The caller has no live session with this id: it does not exist, has ended, or is someone
 * else's (which is "not found", never "forbidden": nothing to learn about others' sessions).
 */
export class SessionNotFoundError extends Error {
  override readonly name = 'SessionNotFoundError';
  constructor() {
    super('no such session');
  }
}
