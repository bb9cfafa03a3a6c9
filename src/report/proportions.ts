// Uncertainty of a change in a share (DOMAIN.md 4): Newcombe's hybrid score interval for the
// difference of two independent proportions (Newcombe 1998, Statistics in Medicine 17:873-890,
// method 10), built from each wave's Wilson score interval. Unlike the textbook Wald interval it
// stays inside [-1, 1] and is never a zero-width point at 0 % or 100 %, which matters for the
// small counts of involuntary part-time in one unit.
import { normalQuantile, normalUpperTail } from './normal.js';

export interface Interval {
  low: number;
  high: number;
}

/** wilson returns the Wilson score interval for x successes out of n (n > 0) at the given z. */
export function wilson(x: number, n: number, z: number): Interval {
  if (!(n > 0) || x < 0 || x > n) throw new RangeError(`wilson needs 0 <= x <= n and n > 0 (got ${x}/${n})`);
  const p = x / n;
  const z2 = z * z;
  const centre = (2 * x + z2) / (2 * (n + z2));
  const half = (z * Math.sqrt(z2 + 4 * x * (1 - p))) / (2 * (n + z2));
  // At 0/n and n/n one bound is exactly 0 or 1; rounding must not move it outside [0, 1].
  return { low: x === 0 ? 0 : Math.max(0, centre - half), high: x === n ? 1 : Math.min(1, centre + half) };
}

export interface ShareDifference extends Interval {
  /** later share - earlier share (0..1 scale). */
  diff: number;
  /** Two-sided p-value of "no change": the level at which the interval just reaches 0 (1 when diff is 0). */
  p: number;
}

function bounds(xa: number, na: number, xb: number, nb: number, z: number): Interval & { diff: number } {
  const pa = xa / na;
  const pb = xb / nb;
  const a = wilson(xa, na, z);
  const b = wilson(xb, nb, z);
  const diff = pb - pa;
  return {
    diff,
    low: diff - Math.sqrt((pb - b.low) ** 2 + (a.high - pa) ** 2),
    high: diff + Math.sqrt((b.high - pb) ** 2 + (pa - a.low) ** 2),
  };
}

/** newcombe returns the hybrid score interval (method 10) for xb/nb - xa/na (later minus earlier), with its p-value. */
export function newcombe(xa: number, na: number, xb: number, nb: number, level = 0.95): ShareDifference {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must lie strictly between 0 and 1 (got ${level})`);
  const z = normalQuantile(1 - (1 - level) / 2);
  const { diff, low, high } = bounds(xa, na, xb, nb, z);
  return { diff, low, high, p: inverseP(xa, na, xb, nb, diff) };
}

// The interval widens steadily with z, so the z at which its near bound touches 0 is found by
// bisection; p = 2·P(Z > z). The p-value therefore agrees with the interval shown.
function inverseP(xa: number, na: number, xb: number, nb: number, diff: number): number {
  if (diff === 0) return 1;
  const touches = (z: number): boolean => {
    const b = bounds(xa, na, xb, nb, z);
    return diff > 0 ? b.low <= 0 : b.high >= 0;
  };
  let lo = 0;
  let hi = 40;
  if (!touches(hi)) return 2 * normalUpperTail(hi);
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (touches(mid)) hi = mid;
    else lo = mid;
  }
  return Math.min(1, 2 * normalUpperTail((lo + hi) / 2));
}
