import { normalizeEmail } from './email.js';

describe('normalizeEmail', () => {
  it.each([
    ['  Ada@Example.COM ', 'ada@example.com'],
    ['ada@example.com', 'ada@example.com'],
    ['\tMiXeD.Case+tag@Host.io\n', 'mixed.case+tag@host.io'],
  ])('turns %j into %j', (given, expected) => {
    expect(normalizeEmail(given)).toBe(expected);
  });
});
