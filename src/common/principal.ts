/** Who a verified access token speaks for; set on the request by the JWT strategy. */
export interface Principal {
  readonly userId: string;
  readonly sessionId: string;
  readonly clientId: string;
  readonly scope: string;
  readonly jti: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /**
   * The user's profile fields as the session item carries them (written at sign-in), read by the
   * bearer check's one session read, so GET /user needs no request of its own. Absent for
   * sessions started before sessions carried it.
   */
  readonly profile?: { readonly email: string; readonly emailVerified: boolean };
}
