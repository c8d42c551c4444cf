/** Who a verified access token speaks for; set on the request by the JWT strategy. */
export interface Principal {
  readonly userId: string;
  readonly sessionId: string;
  readonly clientId: string;
  readonly scope: string;
  readonly jti: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}
