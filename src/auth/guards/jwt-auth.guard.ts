import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Principal } from '../../common/principal.js';
import { IS_PUBLIC } from '../../common/decorators.js';
import { BearerAuthenticator } from '../tokens/bearer-authenticator.js';

/**
 * Global guard: every route needs a live bearer access token unless marked @Public(). The
 * principal goes on the request (`request.user`, read by @CurrentPrincipal and UserOnlyGuard).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly bearer: BearerAuthenticator,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    // Synchronously: a public route goes on without a turn of the event loop's microtasks.
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    return this.bearer.authenticate(request.headers.authorization).then((principal) => {
      request.user = principal;
      return true;
    });
  }
}
