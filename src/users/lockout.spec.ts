import { isLocked, lockedUntil, LOCKOUT_THRESHOLD } from './lockout.js';

const now = new Date('2026-01-01T00:00:00Z');
const minutes = (date: Date | undefined) => (date ? (date.getTime() - now.getTime()) / 60_000 : 0);

describe('lockedUntil', () => {
  it('does not lock before the threshold', () => {
    for (let failures = 0; failures < LOCKOUT_THRESHOLD; failures++) {
      expect(lockedUntil(failures, now)).toBeUndefined();
    }
  });

  it.each([
    [5, 1],
    [6, 2],
    [7, 4],
    [8, 8],
    [9, 15],
    [50, 15],
  ])('after %i failures locks for %i minutes', (failures, expected) => {
    expect(minutes(lockedUntil(failures, now))).toBe(expected);
  });
});

describe('isLocked', () => {
  it('is locked only until the time has passed', () => {
    expect(isLocked(undefined, now)).toBe(false);
    expect(isLocked('2026-01-01T00:00:01Z', now)).toBe(true);
    expect(isLocked('2026-01-01T00:00:00Z', now)).toBe(false);
  });
});
