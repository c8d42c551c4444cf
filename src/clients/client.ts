/**
 * The grants a client may be registered for: the password grant (RFC 6749 §4.3) and refreshing
 * (§6) for a user's sessions; client_credentials (§4.4) for a confidential client acting on its
 * own behalf, with no user.
 */
export const GRANT_TYPES = ['password', 'refresh_token', 'client_credentials'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** A registered OAuth client, as the services see it. */
export interface OAuthClient {
  readonly id: string;
  readonly name: string;
  /** Public clients (SPAs, mobile apps) hold no secret; confidential ones authenticate with one. */
  readonly type: 'public' | 'confidential';
  readonly grantTypes: readonly GrantType[];
  /** Scopes this client may be granted. */
  readonly scopes: readonly string[];
  /** May call the introspection endpoint (RFC 7662 §2.1); only ever set on confidential clients. */
  readonly introspection?: boolean;
  /** Per-client overrides of the configured defaults, in seconds. */
  readonly accessTokenTtlSeconds?: number;
  readonly sessionTtlSeconds?: number;
  readonly refreshReuseGraceSeconds?: number;
}

/** Whether the client is registered for this grant type (RFC 6749 §5.2 `unauthorized_client`). */
export function mayUseGrant(client: Pick<OAuthClient, 'grantTypes'>, grantType: string): boolean {
  return (client.grantTypes as readonly string[]).includes(grantType);
}

/** How the client presented itself at an endpoint (RFC 6749 §2.3). */
export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret?: string;
  /** `client_secret_basic`: the credentials came in an HTTP Basic header. */
  readonly method: 'client_secret_basic' | 'client_secret_post' | 'none';
}
