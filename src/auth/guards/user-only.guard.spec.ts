import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AcceptsClientTokens } from '../../common/client-tokens.js';
import { Public } from '../../common/decorators.js';
import { InsufficientScopeError } from '../../common/insufficient-scope.error.js';
import type { ClientPrincipal, Principal, UserPrincipal } from '../../common/principal.js';
import { UserOnlyGuard } from './user-only.guard.js';

const TIMES = { scope: '', jti: 'jti-1', issuedAt: 1_700_000_000, expiresAt: 1_700_000_900 };
const USER: UserPrincipal = {
  kind: 'user',
  userId: 'user-1',
  sessionId: 'session-1',
  clientId: 'demo-app',
  ...TIMES,
};
const CLIENT: ClientPrincipal = { kind: 'client', clientId: 'reports-job', ...TIMES };

/** Routes as controllers declare them: user-only unless they opt in, on the method or the class. */
class UserRoutes {
  profile(): void {}

  @AcceptsClientTokens()
  status(): void {}

  @Public()
  register(): void {}
}

@AcceptsClientTokens()
class ServiceRoutes {
  report(): void {}
}

describe('UserOnlyGuard', () => {
  const guard = new UserOnlyGuard(new Reflector());

  function activate(
    routes: typeof UserRoutes | typeof ServiceRoutes,
    route: string,
    user?: Principal,
  ): boolean {
    const context = {
      switchToHttp: () => ({ getRequest: () => ({ user }) }),
      getHandler: () => (routes.prototype as unknown as Record<string, () => void>)[route],
      getClass: () => routes,
    } as unknown as ExecutionContext;
    return guard.canActivate(context);
  }

  it.each<[string, typeof UserRoutes | typeof ServiceRoutes, string, Principal | undefined]>([
    ["a user's token on a route that says nothing", UserRoutes, 'profile', USER],
    ["a user's token on a route that accepts client tokens", UserRoutes, 'status', USER],
    ['a client token on a route that opts in', UserRoutes, 'status', CLIENT],
    ['a client token on a route whose controller opts in', ServiceRoutes, 'report', CLIENT],
    ['no token on a @Public() route', UserRoutes, 'register', undefined],
  ])('lets through %s', (_case, routes, route, user) => {
    expect(activate(routes, route, user)).toBe(true);
  });

  it('answers a client token on a user route 403 insufficient_scope, with the RFC 6750 challenge', () => {
    let refusal: unknown;
    try {
      activate(UserRoutes, 'profile', CLIENT);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(InsufficientScopeError);
    expect(refusal).toMatchObject({
      status: 403,
      error: 'insufficient_scope',
      description: 'this route acts for a user; a client_credentials token has no user',
      options: {
        headers: {
          'WWW-Authenticate':
            'Bearer error="insufficient_scope", error_description="this route acts for a user; a client_credentials token has no user"',
        },
      },
    });
  });

  it('fails closed when no principal reached a route that needs one (guards out of order)', () => {
    expect(() => activate(UserRoutes, 'profile', undefined)).toThrow(/before the bearer-token/);
    expect(() => activate(UserRoutes, 'profile', undefined)).not.toThrow(InsufficientScopeError);
  });
});
