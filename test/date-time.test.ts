// The DateTime scalar: a canonical string answers what parsing and printing would; a Date goes out in UTC; a non-date is refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toIsoString } from '../src/demo/date-time.ts';

/** What the scalar did before its shortcut, and must still answer: parse, then print. */
function parseAndPrint(value: string): string | Error {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? new Error('invalid') : date.toISOString();
}

function outcome(value: string): string | Error {
  try {
    return toIsoString(value);
  } catch {
    return new Error('invalid');
  }
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

describe('DateTime: toIsoString', () => {
  it('answers what parsing and printing answers, for strings in the canonical shape whatever their fields', () => {
    // Days up to 39 and hours up to 29 reach every impossible date (31 April, 29 February 2100, 24:00).
    const shaped = fc
      .record({
        year: fc.integer({ min: 0, max: 9999 }),
        month: fc.integer({ min: 0, max: 13 }),
        day: fc.integer({ min: 0, max: 39 }),
        hour: fc.integer({ min: 0, max: 29 }),
        minute: fc.integer({ min: 0, max: 69 }),
        second: fc.integer({ min: 0, max: 69 }),
        ms: fc.integer({ min: 0, max: 999 }),
      })
      .map(({ year, month, day, hour, minute, second, ms }) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(ms, 3)}Z`);
    fc.assert(
      fc.property(shaped, (value) => {
        expect(outcome(value)).toEqual(parseAndPrint(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ['2024-02-29T00:00:00.000Z', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T00:00:00.000Z', '2000-02-29T00:00:00.000Z'],
    ['2100-02-29T00:00:00.000Z', '2100-03-01T00:00:00.000Z'],
    ['2026-04-31T10:00:00.000Z', '2026-05-01T10:00:00.000Z'],
    ['2026-03-05T10:11:12Z', '2026-03-05T10:11:12.000Z'],
    ['2026-03-05T12:11:12.000+02:00', '2026-03-05T10:11:12.000Z'],
  ])('%s is sent as %s', (value, expected) => {
    expect(toIsoString(value)).toBe(expected);
  });

  it('sends a Date in UTC and refuses what is not a date, saying what it received', () => {
    expect(toIsoString(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)))).toBe('2026-01-02T03:04:05.006Z');
    expect(() => toIsoString('2026-13-01T00:00:00.000Z')).toThrow('DateTime expected an ISO 8601 string or a Date, received "2026-13-01T00:00:00.000Z"');
    expect(() => toIsoString(42)).toThrow('received 42');
    expect(() => toIsoString(undefined)).toThrow('received undefined');
  });
});
