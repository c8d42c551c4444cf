/**
 * A password sign-in that passed (UsersService.authenticate): whose it is, and what finishing it
 * needs. Nothing is written yet: the caller starts the session and finishes the sign-in in one
 * unit of work (UsersService.recordSignIn resets the lockout pair and counts the session).
 * Only UsersService makes one, so holding one proves the password was checked.
 */
export class VerifiedSignIn {
  constructor(
    readonly userId: string,
    /** Normalized; also the key of the credential and of the lockout items. */
    readonly email: string,
    readonly emailVerified: boolean,
    /** The lockout pair's source (source-address.ts). */
    readonly source: string,
    /** The credential's session counter as read (see Credential.sessionCount). */
    readonly sessionCount: number,
  ) {}

  /** The user's id, as `PublicUser` has it (passport puts a VerifiedSignIn on the request). */
  get id(): string {
    return this.userId;
  }
}
