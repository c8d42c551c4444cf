import type { Request } from 'express';
import type { Principal } from '../common/principal.js';
import type { OAuthClient } from '../clients/client.js';

/** A request to the original API once LegacyClientGuard has resolved its client. */
export interface LegacyRequest extends Request {
  legacyClient?: OAuthClient;
  /** Set by the global bearer guard on routes that are not @Public(). */
  user?: Principal;
}
