/**
 * An account's profile (`USER#<id>` / `PROFILE`), as the services see it (never the stored item).
 * The password hash is not here: it lives on the credential, read by sign-in only.
 */
export interface UserProfile {
  readonly id: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * What a password sign-in needs about an account (`EMAIL#<email>` / `EMAIL`, the email claim),
 * read with one GetItem keyed by the email the client typed.
 */
export interface Credential {
  readonly userId: string;
  readonly email: string;
  /** argon2id, PHC string. */
  readonly passwordHash: string;
  readonly emailVerified: boolean;
  /**
   * Sessions started since the counter was last corrected: incremented by every sign-in, never
   * decremented (expired and ended sessions make it drift upwards); at MAX_SESSIONS_PER_USER the
   * sign-in lists the user's sessions and sets it to the number still live.
   */
  readonly sessionCount: number;
}

/** A single-use token of an account mail, as stored on the credential (account-token.ts). */
export interface StoredAccountToken {
  /** SHA-256 of the token's secret. */
  readonly hash: string;
  /** When it stops working, epoch seconds. */
  readonly expiresAt: number;
}

/** A new account: its profile and its credential, written together. */
export interface NewAccount {
  readonly profile: UserProfile;
  readonly passwordHash: string;
  /** The token of the verification mail sent at registration. */
  readonly verification?: StoredAccountToken;
}

/** An account, as the flows that change or delete it address it (both of its items). */
export interface AccountKey {
  readonly userId: string;
  /** Normalized: the key of the credential. */
  readonly email: string;
}
