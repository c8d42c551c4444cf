import { Injectable, Module, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerModule,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config.js';
import { TooManyRequestsError } from './api-error.js';
import { AuditLog } from './audit-log.js';
import { SlidingWindowStorage } from './sliding-window.storage.js';

/**
 * The routes that take credentials (a password, a refresh token, a reset token): each attempt is
 * worth limiting harder than the rest, as guessing goes through them. As `METHOD /path` with the
 * route's path as Nest declares it. A route added later can carry `@CredentialsRateLimit()`
 * instead of being listed here.
 */
export const CREDENTIALS_ROUTES: readonly string[] = [
  'POST /oauth/token',
  'POST /session',
  'PUT /session',
  'POST /user',
  'POST /user/password/reset',
  'POST /user/password/reset/confirm',
];

const CREDENTIALS_METADATA = 'rateLimit:credentials';

/** Puts a route under the credentials limit (RATE_LIMIT_CREDENTIALS_PER_MINUTE). */
export const CredentialsRateLimit = (): MethodDecorator & ClassDecorator =>
  SetMetadata(CREDENTIALS_METADATA, true);

/** The two limits, one counter per source address each. */
export const LIMITS = { credentials: 'credentials', other: 'other' } as const;
const MINUTE_MS = 60_000;

/** Decorator metadata is plain reflect-metadata: no module instance is needed to read it. */
const reflector = new Reflector();

export function isCredentialsRoute(context: ExecutionContext): boolean {
  const marked = reflector.getAllAndOverride<boolean | undefined>(CREDENTIALS_METADATA, [
    context.getHandler(),
    context.getClass(),
  ]);
  if (marked) return true;
  const request = context.switchToHttp().getRequest<Request>();
  const path = (request.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' && CREDENTIALS_ROUTES.includes(`${request.method} ${path}`);
}

/**
 * Sliding windows of one minute (`blockDuration: 0`: a request refused does not count, and the
 * next is allowed as soon as the oldest counted one is a minute old, which is what Retry-After
 * says). Each route is under exactly one of the two limits.
 */
export function rateLimitOptions(config: AppConfig): ThrottlerModuleOptions {
  return {
    throttlers: [
      {
        name: LIMITS.credentials,
        ttl: MINUTE_MS,
        limit: config.rateLimits.credentialsPerMinute,
        blockDuration: 0,
        skipIf: (context) => !isCredentialsRoute(context),
      },
      {
        name: LIMITS.other,
        ttl: MINUTE_MS,
        limit: config.rateLimits.perMinute,
        blockDuration: 0,
        skipIf: isCredentialsRoute,
      },
    ],
    // Retry-After is on the 429 itself; no X-RateLimit-* headers that map the limits out.
    setHeaders: false,
    // The library's semantics at O(1) per request rather than O(limit) (sliding-window.storage.ts).
    storage: new SlidingWindowStorage(),
  };
}

/**
 * `@nestjs/throttler` keyed on the source address only (`request.ip`, which Express derives from
 * the socket or through TRUST_PROXY hops; IPv6 addresses by /64), so that one address shares one
 * budget over all routes of a limit. The counters are in this process's memory: each instance
 * (each Lambda container) counts on its own, which is why the deployment adds limits at the edge.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly audit: AuditLog,
  ) {
    super(options, storage, reflector);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string) {
    return `${name} ${tracker}`;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    this.audit.record('rate.limited', { reason: detail.key.split(' ')[0] });
    throw new TooManyRequestsError(detail.timeToBlockExpire);
  }
}

/**
 * Rate limits per source address on every route (RATE_LIMIT_CREDENTIALS_PER_MINUTE,
 * RATE_LIMIT_PER_MINUTE). Import it before the modules whose guards it must run ahead of (the
 * bearer guard): global guards run in the order their modules are scanned.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: rateLimitOptions,
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
