// The login throttle on its own, with an injected clock: growing waits, refusals not counted,
// nobody slowed by their own successful logins, and device cookies bound to their account.
import { describe, expect, test } from 'vitest';
import { Backoff, LoginThrottle } from '../../src/web/staff/rate-limit.js';

describe('Backoff', () => {
  const rule = { free: 3, baseMs: 1000, maxMs: 8000, forgetMs: 60_000 };

  test('free attempts, then each attempt waits twice as long as the one before, up to the longest wait', () => {
    const b = new Backoff(rule);
    let now = 0;
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      expect(b.waitMs('k', now)).toBe(0);
      waits.push(b.count('k', now));
      now += waits.at(-1) ?? 0;
    }
    expect(waits).toEqual([0, 0, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  test('refused attempts are not counted, so hammering does not lengthen the wait', () => {
    const b = new Backoff(rule);
    for (let i = 0; i < 3; i++) b.count('k', 0);
    expect(b.waitMs('k', 500)).toBe(500);
    for (let t = 0; t < 1000; t += 10) b.waitMs('k', t);
    expect(b.waitMs('k', 1000)).toBe(0);
    expect(b.count('k', 1000)).toBe(2000);
  });

  test('a key without attempts for forgetMs starts afresh; refunds cancel a wait below the free count', () => {
    const b = new Backoff(rule);
    for (let i = 0; i < 5; i++) b.count('k', 0);
    expect(b.waitMs('k', 60_000 + 8001)).toBe(0);
    expect(b.count('k', 60_000 + 8001)).toBe(0);
    const r = new Backoff(rule);
    r.count('a', 0);
    r.count('a', 0);
    expect(r.count('a', 0)).toBe(1000);
    r.refund('a');
    expect(r.waitMs('a', 1)).toBe(0);
  });
});

describe('LoginThrottle', () => {
  test('a device cookie is valid for its own account only', () => {
    const throttle = new LoginThrottle();
    const cookie = throttle.deviceCookie('Pia');
    for (let i = 0; i < 40; i++) throttle.attempt({ username: 'pia', address: `203.0.113.${i}`, device: undefined }, 0);
    expect(throttle.attempt({ username: 'pia', address: '198.51.100.1', device: undefined }, 0).waitMs).toBeGreaterThan(0);
    expect(throttle.attempt({ username: 'PIA', address: '198.51.100.1', device: cookie }, 0).waitMs).toBe(0);
    expect(throttle.attempt({ username: 'ola', address: '198.51.100.2', device: cookie }, 0).limit).not.toBe('device');
    expect(throttle.attempt({ username: 'pia', address: '198.51.100.1', device: `${cookie}x` }, 0).waitMs).toBeGreaterThan(0);
  });

  test('many successful logins from one address, to one account, are never slowed', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 200; i++) {
      const attempt = { username: 'pia', address: '192.0.2.1', device: undefined };
      expect(throttle.attempt(attempt, i).waitMs, `login ${i + 1}`).toBe(0);
      throttle.succeeded(attempt);
    }
  });
});
