// Rounding-aware brute force: how many (n, count vector) pairs over a scale's points agree with a
// shown mean (one decimal, or a bound near a scale end), SD (one decimal) and share favourable
// (whole percent)? n runs over every value the attacker cannot rule out: the shown n, else from the
// release's k (the product shows no mean for fewer) to the group's n. A candidate "agrees" when the
// product, given it, would have displayed the same: the same statistics, rounding and bound rule.
// Counts per point also lie between what the group's shown sub-groups' distributions hold together
// and what its nearest ancestor with a shown distribution holds: shown figures too.
import { MEAN_BOUND_MARGIN } from '../../../src/report/released.js';
import { mean, sampleSd } from '../../../src/report/stats.js';
import { percent, round1 } from '../../../src/web/results/format.js';
import type { ShownMoments } from './shown-means.js';

/** A linear combination of the counts per point (in points order) that the shown figures determine, with its value. */
export interface CountConstraint {
  a: number[];
  value: number;
}

/** consistentVectors counts the (n, count vector) pairs that display as `m` does (or, with
 *  displayed false, any n in its range and any sum) and meet every constraint and bound, stopping at
 *  `limit`. One means the shown figures pin the withheld distribution. */
export function consistentVectors(m: ShownMoments, limit = 2, constraints: readonly CountConstraint[] = [], displayed = true): number {
  // Integer sums the display admits (a little slack; agrees() is exact).
  const window = (n: number): [number, number] =>
    !displayed
      ? [n * m.min, n * m.max]
      : m.meanBound === 'above'
        ? [Math.floor(n * m.mean), n * m.max]
        : m.meanBound === 'below'
          ? [n * m.min, Math.ceil(n * m.mean)]
          : [Math.floor(n * (m.mean - 0.051)), Math.ceil(n * (m.mean + 0.051))];
  const meets = (counts: readonly number[]) => constraints.every((k) => k.a.reduce((s, a, j) => s + a * (counts[j] ?? 0), 0) === k.value);
  return countVectors(m, m.nFrom, m.nTo, window, (n, sum, sumSq, favourable, counts) => meets(counts) && (!displayed || agrees(m, n, sum, sumSq, favourable)), limit);
}

// Every (n, vector) with n in [nFrom, nTo], counts within m's bounds and a sum in window(n), that `accept` takes.
function countVectors(
  m: ShownMoments,
  nFrom: number,
  nTo: number,
  window: (n: number) => [number, number],
  accept: (n: number, sum: number, sumSq: number, favourable: number, counts: readonly number[]) => boolean,
  limit: number,
): number {
  const points = [...m.points].sort((a, b) => a - b);
  const fav = new Set(m.favourable ?? []);
  const hi = points[points.length - 1] as number;
  const lower = m.lower ?? points.map(() => 0);
  const upper = m.upper ?? points.map(() => Infinity);
  // What the points from j on must hold at least.
  const mustFrom = points.map((_, j) => lower.slice(j).reduce((a, b) => a + b, 0));
  let found = 0;
  const counts: number[] = [];
  // Larger n first: they have the most vectors, so the usual answer ("at least two") comes at once.
  for (let n = nTo; n >= nFrom && found < limit; n--) {
    const [lowSum, highSum] = window(n);
    const visit = (j: number, left: number, sum: number, sumSq: number, favourable: number): void => {
      if (found >= limit || left < (mustFrom[j] ?? 0)) return;
      // What the remaining respondents can still add lies between left x lowest and left x highest point.
      const from = points[j] ?? hi;
      if (sum + left * from > highSum || sum + left * hi < lowSum) return;
      const v = points[j] as number;
      if (j === points.length - 1) {
        if (left > (upper[j] ?? Infinity)) return;
        counts[j] = left;
        if (accept(n, sum + left * v, sumSq + left * v * v, favourable + (fav.has(v) ? left : 0), counts)) found++;
        return;
      }
      const most = Math.min(left, upper[j] ?? Infinity);
      for (let c = lower[j] ?? 0; c <= most; c++) {
        counts[j] = c;
        visit(j + 1, left - c, sum + c * v, sumSq + c * v * v, favourable + (fav.has(v) ? c : 0));
      }
    };
    visit(0, n, 0, 0, 0);
  }
  return found;
}

/** agrees tells whether n answers with this sum, sum of squares and favourable count display as `m`. */
export function agrees(m: ShownMoments, n: number, sum: number, sumSq: number, favourable: number): boolean {
  const moments = { n, sum, sumSq };
  const mu = mean(moments);
  if (mu === undefined) return false;
  // A composite shown beside it may pin the mean closer than its own display (figures.ts).
  if (m.window && (mu < m.window[0] - 1e-9 || mu > m.window[1] + 1e-9)) return false;
  if (!m.moments) {
    // Without SD and share, a mean within half a point of an end is shown only as a bound (released.ts).
    if (mu > m.max - MEAN_BOUND_MARGIN) return m.meanBound === 'above';
    if (mu < m.min + MEAN_BOUND_MARGIN) return m.meanBound === 'below';
    return m.meanBound === undefined && round1(mu) === m.mean;
  }
  if (m.meanBound !== undefined || round1(mu) !== m.mean) return false;
  if (m.sd !== undefined) {
    const sd = sampleSd(moments);
    if (sd === undefined || round1(sd) !== m.sd) return false;
  }
  if (m.share !== undefined && percent(favourable / n) !== m.share) return false;
  return true;
}
