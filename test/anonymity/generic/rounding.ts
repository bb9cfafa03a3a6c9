// Rounding-aware brute force: how many count vectors over a scale's points agree with a shown n,
// mean and SD (one decimal) and share favourable (whole percent)? The candidates are rendered with
// the product's own statistics and rounding, so "agree" means "would have shown the same".
import { mean, sampleSd } from '../../../src/report/stats.js';
import { percent, round1 } from '../../../src/web/results/format.js';
import type { ShownMoments } from './figures.js';

/** consistentVectors counts the count vectors (one count per point, summing to n) that display as
 *  `m` does, stopping at `limit`. One means the shown figures pin the withheld distribution. */
export function consistentVectors(m: ShownMoments, limit = 2): number {
  const points = [...m.points].sort((a, b) => a - b);
  const fav = new Set(m.favourable ?? []);
  // Integer sums whose mean rounds to the shown one (a little slack; the leaf check is exact).
  const lowSum = Math.floor(m.n * (m.mean - 0.051));
  const highSum = Math.ceil(m.n * (m.mean + 0.051));
  const hi = points[points.length - 1] as number;
  let found = 0;
  const visit = (j: number, left: number, sum: number, sumSq: number, favourable: number): void => {
    if (found >= limit) return;
    // What the remaining respondents can still add lies between left x lowest and left x highest point.
    const from = points[j] ?? hi;
    if (sum + left * from > highSum || sum + left * hi < lowSum) return;
    if (j === points.length - 1) {
      const v = points[j] as number;
      const s = sum + left * v;
      const q = sumSq + left * v * v;
      const f = favourable + (fav.has(v) ? left : 0);
      if (agrees(m, s, q, f)) found++;
      return;
    }
    const v = points[j] as number;
    for (let c = 0; c <= left; c++) visit(j + 1, left - c, sum + c * v, sumSq + c * v * v, favourable + (fav.has(v) ? c : 0));
  };
  visit(0, m.n, 0, 0, 0);
  return found;
}

function agrees(m: ShownMoments, sum: number, sumSq: number, favourable: number): boolean {
  const moments = { n: m.n, sum, sumSq };
  const mu = mean(moments);
  if (mu === undefined || round1(mu) !== m.mean) return false;
  if (m.sd !== undefined) {
    const sd = sampleSd(moments);
    if (sd === undefined || round1(sd) !== m.sd) return false;
  }
  if (m.share !== undefined && percent(favourable / m.n) !== m.share) return false;
  return true;
}
