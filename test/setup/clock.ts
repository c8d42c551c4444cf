import { setTimeout as sleep } from 'node:timers/promises';
import { Clock } from '../../src/common/clock.js';

/** A clock that stands still until told to move: specs put it at an exact instant. */
export class TestClock extends Clock {
  private current: number;

  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    super();
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock on (or back, with a negative amount). */
  advance(seconds: number): this {
    this.current += seconds * 1000;
    return this;
  }

  set(time: Date | string): this {
    this.current = new Date(time).getTime();
    return this;
  }
}

/**
 * Waits until the wall clock is in a later whole second than `epochSeconds`. JWTs count time in
 * whole seconds (`iat`), so a test that needs "issued after that token" for the real app waits
 * for the next second first.
 */
export async function nextSecondAfter(epochSeconds: number): Promise<void> {
  const wait = (epochSeconds + 1) * 1000 - Date.now();
  if (wait > 0) await sleep(wait + 5);
}
