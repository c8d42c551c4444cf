import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ACCEPTS_CLIENT_TOKENS } from '../../common/client-tokens.js';
import { IS_PUBLIC } from '../../common/decorators.js';
import { InsufficientScopeError } from '../../common/insufficient-scope.error.js';
import type { Principal } from '../../common/principal.js';

/**
 * Global guard, after JwtAuthGuard: bearer routes are for users unless they opt in with
 * `@AcceptsClientTokens()`. A client_credentials token on a user route is valid but reaches no
 * user's resources: 403 insufficient_scope (RFC 6750 §3.1). The one place this rule lives, so no
 * controller checks the principal's kind itself.
 */
@Injectable()
export class UserOnlyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets)) return true;
    const principal = context.switchToHttp().getRequest<Request & { user?: Principal }>().user;
    // Fails closed: a route reached with no principal means the guards ran out of order.
    if (!principal)
      throw new Error('UserOnlyGuard ran before the bearer-token guard set a principal');
    if (principal.kind === 'user') return true;
    if (this.reflector.getAllAndOverride<boolean | undefined>(ACCEPTS_CLIENT_TOKENS, targets)) {
      return true;
    }
    throw new InsufficientScopeError();
  }
}
