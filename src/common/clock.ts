/**
 * The time, injected wherever a rule depends on it (sessions, lockout), so specs can stand at an
 * exact instant: at the end of a grace window, one second after. The abstract class is the
 * injection token; `SystemClock` is the real one.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** Whole seconds since the epoch, as JWTs and the session's `expiresAt` count them. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** For a module's providers: the real clock behind the `Clock` token. */
export const clockProvider = { provide: Clock, useClass: SystemClock };
