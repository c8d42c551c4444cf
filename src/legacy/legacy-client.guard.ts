import {
  createParamDecorator,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { GrantType, OAuthClient } from '../clients/client.js';
import { InvalidTokenError } from '../common/api-error.js';
import { CLIENT_ID_HEADER, LegacyClientResolver } from './legacy-client.js';
import type { LegacyRequest } from './legacy-request.js';

const LEGACY_GRANT = 'legacyGrant';

/** The OAuth grant a legacy route stands for; its client must be allowed it. */
export const LegacyGrant = (grant: GrantType): MethodDecorator => SetMetadata(LEGACY_GRANT, grant);

/** The client named by the x-koms-clientid header (set by LegacyClientGuard). */
export const LegacyClient = createParamDecorator(
  (_data: unknown, context: ExecutionContext): OAuthClient => {
    const client = context.switchToHttp().getRequest<LegacyRequest>().legacyClient;
    if (!client) throw new Error('LegacyClientGuard did not run on this route');
    return client;
  },
);

/**
 * Every /session call names its client in x-koms-clientid. Runs after the global bearer guard, so
 * where a bearer token was verified it must have been issued to that same client: a token copied
 * from one app is refused when presented under another app's id.
 */
@Injectable()
export class LegacyClientGuard implements CanActivate {
  constructor(
    private readonly resolver: LegacyClientResolver,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<LegacyRequest>();
    const grant = this.reflector.get<GrantType | undefined>(LEGACY_GRANT, context.getHandler());
    const client = await this.resolver.forSession(request.headers[CLIENT_ID_HEADER], grant);
    if (request.user && request.user.clientId !== client.id) {
      throw this.resolver.refuse(
        new InvalidTokenError('the access token was issued to another client'),
        'token_of_another_client',
        client.id,
      );
    }
    request.legacyClient = client;
    return true;
  }
}
