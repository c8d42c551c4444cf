const DAY = 86_400;

/**
 * The range of every token and session lifetime, in seconds: the service-wide defaults
 * (ACCESS_TOKEN_TTL, SESSION_TTL, REFRESH_REUSE_GRACE) and each client's own overrides are held to
 * the same bounds, so a client can be given nothing the service as a whole could not be.
 */
export const LIFETIME_LIMITS = {
  /** Under a minute, clocks skewed between services would refuse fresh tokens. */
  accessTokenTtlSeconds: { min: 60, max: DAY },
  sessionTtlSeconds: { min: 300, max: 365 * DAY },
  /** RFC 9700 §4.14.2: a grace period for racing requests, kept short so a thief gains little. */
  refreshReuseGraceSeconds: { min: 0, max: 60 },
} as const;

export type Lifetime = keyof typeof LIFETIME_LIMITS;
