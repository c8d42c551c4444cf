import {
  accountWindow,
  judgePair,
  lockSeconds,
  overAccountCeiling,
  type LoginSettings,
  type PairVerdict,
  type Reservation,
} from './lockout.js';

const SETTINGS: LoginSettings = {
  maxFailures: 5,
  lockSeconds: 60,
  lockMaxSeconds: 900,
  accountMaxFailures: 100,
  accountWindowSeconds: 86_400,
};
const NOW = new Date('2026-03-01T12:00:00.000Z');
const ago = (seconds: number): number => NOW.getTime() - seconds * 1000;

describe('lockSeconds', () => {
  it.each([
    [0, 60],
    [1, 120],
    [2, 240],
    [3, 480],
    [4, 900],
    [5, 900],
    [1_000, 900],
  ])('a lock at level %i lasts %i s', (level, seconds) => {
    expect(lockSeconds(level, SETTINGS)).toBe(seconds);
  });
});

describe('judgePair', () => {
  const CASES: Array<[string, Reservation, PairVerdict]> = [
    ['a first attempt', { reserved: true }, { kind: 'open' }],
    [
      'an attempt counted on a busy pair',
      { reserved: true, before: { attempts: 4, level: 0, lastAt: ago(10) } },
      { kind: 'open' },
    ],
    [
      'an attempt counted on a pair quiet for exactly LOGIN_LOCK_MAX_SECONDS',
      { reserved: true, before: { attempts: 4, level: 2, lastAt: ago(900) } },
      { kind: 'open' },
    ],
    [
      'an attempt counted on a pair quiet for longer (forgotten: restart it at level 0)',
      { reserved: true, before: { attempts: 4, level: 2, lastAt: ago(901) } },
      { kind: 'open_stale' },
    ],
    [
      'a full pair within its first lock',
      { reserved: false, before: { attempts: 5, level: 0, lastAt: ago(59) } },
      { kind: 'locked', until: ago(-1) },
    ],
    [
      'a full pair at the second its first lock ends',
      { reserved: false, before: { attempts: 5, level: 0, lastAt: ago(60) } },
      { kind: 'lock_expired', level: 1 },
    ],
    [
      'a full pair within its second, doubled lock',
      { reserved: false, before: { attempts: 5, level: 1, lastAt: ago(119) } },
      { kind: 'locked', until: ago(-1) },
    ],
    [
      'a full pair after its second lock',
      { reserved: false, before: { attempts: 5, level: 1, lastAt: ago(120) } },
      { kind: 'lock_expired', level: 2 },
    ],
    [
      'a full pair at the longest lock',
      { reserved: false, before: { attempts: 5, level: 9, lastAt: ago(899) } },
      { kind: 'locked', until: ago(-1) },
    ],
    [
      'a full pair quiet for LOGIN_LOCK_MAX_SECONDS after its lock ended',
      { reserved: false, before: { attempts: 5, level: 3, lastAt: ago(480 + 900) } },
      { kind: 'lock_expired', level: 4 },
    ],
    [
      'a full pair quiet for longer after its lock ended (starts again at level 0)',
      { reserved: false, before: { attempts: 5, level: 3, lastAt: ago(480 + 901) } },
      { kind: 'lock_expired', level: 0 },
    ],
  ];

  it.each(CASES)('%s', (_case, reservation, verdict) => {
    expect(judgePair(reservation, NOW, SETTINGS)).toEqual(verdict);
  });
});

describe('the account-wide ceiling', () => {
  it.each([
    [99, false],
    [100, true],
    [250, true],
  ])('%i failures in the window: over the ceiling %s', (failures, over) => {
    expect(overAccountCeiling(failures, SETTINGS)).toBe(over);
  });

  it('counts in fixed windows, each item kept a minute past its end', () => {
    const day = 86_400;
    const start = new Date(Math.floor(NOW.getTime() / 1000 / day) * day * 1000);
    const window = accountWindow(start, SETTINGS);
    expect(accountWindow(new Date(start.getTime() + (day - 1) * 1000), SETTINGS)).toEqual(window);
    expect(accountWindow(new Date(start.getTime() + day * 1000), SETTINGS).number).toBe(
      window.number + 1,
    );
    expect(window.expiresAt).toBe((window.number + 1) * day + 60);
  });
});
