// today() keeps the day for the minute it computed it in (clock.ts): the clock is injected, so the
// change of day at midnight in the time zone, and clocks that jump back, are tested at any hour.
import { describe, expect, test } from 'vitest';
import { today } from '../../src/clock.js';

// The day as a format computes it for every moment, without any memo.
const formats = new Map<string, Intl.DateTimeFormat>();
function fresh(timeZone: string, at: Date): string {
  let f = formats.get(timeZone);
  if (!f) formats.set(timeZone, (f = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(at);
}

describe('today', () => {
  test('changes at midnight in the time zone, to the millisecond, within a remembered minute', () => {
    // Oslo is UTC+1 in winter: its midnight is 23:00 UTC.
    expect(today('Europe/Oslo', new Date('2026-12-18T22:59:00.000Z'))).toBe('2026-12-18');
    expect(today('Europe/Oslo', new Date('2026-12-18T22:59:59.999Z'))).toBe('2026-12-18');
    expect(today('Europe/Oslo', new Date('2026-12-18T23:00:00.000Z'))).toBe('2026-12-19');
    expect(today('Europe/Oslo', new Date('2026-12-18T23:00:59.999Z'))).toBe('2026-12-19');
    // A clock set back (or a test's injected moment) is answered for its own minute.
    expect(today('Europe/Oslo', new Date('2026-12-18T22:59:30.000Z'))).toBe('2026-12-18');
  });

  test('keeps each time zone apart, also zones whose offset is not whole hours', () => {
    const at = new Date('2026-12-18T18:14:59.000Z');
    expect(today('Asia/Kathmandu', at)).toBe('2026-12-18'); // UTC+5:45: 23:59:59
    expect(today('UTC', at)).toBe('2026-12-18');
    expect(today('Pacific/Kiritimati', at)).toBe('2026-12-19'); // UTC+14
    expect(today('Asia/Kathmandu', new Date('2026-12-18T18:15:00.000Z'))).toBe('2026-12-19');
    expect(today('UTC', new Date('2026-12-18T18:15:00.000Z'))).toBe('2026-12-18');
  });

  test('answers as a fresh format would for moments around the days of a year, in several zones', () => {
    const zones = ['Europe/Oslo', 'UTC', 'Asia/Kathmandu', 'America/St_Johns', 'Australia/Eucla'];
    // Every 181 minutes and 7 seconds through a year (summer time changes included), each moment
    // asked twice in a row and once a second before and after, interleaving the zones.
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 181 * 60_000 + 7_000) {
      for (const zone of zones) {
        for (const at of [t, t, t - 1000, t + 1000]) expect(today(zone, new Date(at))).toBe(fresh(zone, new Date(at)));
      }
    }
  });

  test('without a moment it is the day now', () => {
    const before = fresh('Europe/Oslo', new Date());
    const day = today('Europe/Oslo');
    const after = fresh('Europe/Oslo', new Date());
    expect([before, after]).toContain(day);
  });
});
