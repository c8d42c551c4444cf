import type { Request } from 'express';
import type { OAuthClient } from '../clients/client.js';
import type { PublicUser } from '../users/users.service.js';
import type { OAuthParams } from './oauth-params.js';
import type { GrantHandler } from './token/grants/grant-handler.js';

/** A request to an OAuth endpoint once the client has authenticated (OAuthClientGuard). */
export interface OAuthRequest extends Request {
  oauthClient: OAuthClient;
  /** The body's parameters, read once by OAuthClientGuard. */
  oauthParams: OAuthParams;
  /** The token endpoint's grant, once supported and allowed to the client (GrantTypeGuard). */
  grant?: GrantHandler;
  /** Set by passport-local for the password grant. */
  user?: PublicUser;
}
