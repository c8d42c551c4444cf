const plural = (count: number, unit: string): string => `${count} ${unit}${count === 1 ? '' : 's'}`;

/** "1 day", "2 hours", "15 minutes": how long a link stays valid, in words a reader expects. */
export function describeDuration(seconds: number): string {
  for (const [size, unit] of [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return plural(seconds / size, unit);
  }
  // Not a whole number of units: whole minutes rounded down, never promising more time than is left.
  return seconds < 60 ? plural(seconds, 'second') : plural(Math.floor(seconds / 60), 'minute');
}
