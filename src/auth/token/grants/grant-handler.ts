import type { OAuthClient } from '../../../clients/client.js';
import type { PublicUser } from '../../../users/users.service.js';
import type { OAuthParams } from '../../oauth-params.js';
import type { AccessTokenResponse } from '../token-response.js';

export interface GrantContext {
  readonly client: OAuthClient;
  readonly params: OAuthParams;
  /**
   * What passport-local put on the request (password grant only): a VerifiedSignIn, which is a
   * PublicUser too (OAuthRequest types it so).
   */
  readonly user?: PublicUser;
}

/** One grant type of the token endpoint (RFC 6749 §4, §6); the registry dispatches on grant_type. */
export interface GrantHandler {
  readonly grantType: string;
  /**
   * The request parameters the grant reads, besides grant_type and client authentication (its
   * RFC section's "Access Token Request"). The registry hands it only these: anything else is
   * ignored, as RFC 6749 §3.2 requires of unrecognized parameters.
   */
  readonly parameters: readonly string[];
  handle(context: GrantContext): Promise<AccessTokenResponse>;
}

export const GRANT_HANDLERS = Symbol('GRANT_HANDLERS');
