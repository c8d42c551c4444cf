/** What every verified access token says, whoever it speaks for. */
interface PrincipalBase {
  /** The client the token was issued to. */
  readonly clientId: string;
  readonly scope: string;
  readonly jti: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** A user signed in through a client: a token of one of the user's sessions. */
export interface UserPrincipal extends PrincipalBase {
  readonly kind: 'user';
  readonly userId: string;
  readonly sessionId: string;
  /**
   * The user's profile fields as the session item carries them (written at sign-in), read by the
   * bearer check's one session read, so GET /user needs no request of its own. Absent for
   * sessions started before sessions carried it.
   */
  readonly profile?: { readonly email: string; readonly emailVerified: boolean };
}

/**
 * A client acting on its own behalf (RFC 6749 §4.4, client_credentials): no user and no session;
 * the token's `sub` is the client id.
 */
export interface ClientPrincipal extends PrincipalBase {
  readonly kind: 'client';
}

/**
 * Who a verified access token speaks for; set on the request by the JWT strategy. Routes see only
 * user principals unless they opt in to client tokens (`@AcceptsClientTokens()`, UserOnlyGuard).
 */
export type Principal = UserPrincipal | ClientPrincipal;
