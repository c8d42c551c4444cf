import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { InvalidTokenError } from '../../common/api-error.js';
import { IS_PUBLIC } from '../../common/decorators.js';

/** Global guard: every route needs a live bearer access token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic ? true : (super.canActivate(context) as Promise<boolean>);
  }

  /**
   * passport-jwt reports a token it refuses (bad signature, expired, wrong claims) as `info` with
   * no user; `error` is only what the strategy's validate threw: its own InvalidTokenError, or a
   * failure to ask (DatabaseUnavailableError), which must stay a 503. A 401 there would make
   * clients throw their tokens away because the database was down.
   */
  override handleRequest<TUser>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (error instanceof Error) throw error;
    if (error) throw new Error('the bearer-token strategy failed', { cause: error });
    if (!user) {
      const expired = info instanceof Error && info.name === 'TokenExpiredError';
      throw new InvalidTokenError(expired ? 'the access token has expired' : undefined);
    }
    return user;
  }
}
