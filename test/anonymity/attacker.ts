// The attacker's arithmetic, independent of the product: shown figures are intervals given their
// displayed precision; sums of integer answers are recovered from rounded means; count vectors are
// enumerated against n, mean, SD and share favourable; and linear combinations of shown groups are
// searched exactly (integer elimination) for a set of 1..k-1 respondents.

/** A number as displayed: its value and how many decimals it was shown with. */
export interface Shown {
  value: number;
  decimals: number;
}

// Inclusive, and a hair wider than half a unit in the last place, so float noise never makes the
// attacker drop the true value (a wider window only makes the attacker weaker, never wrong).
const EPS = 1e-9;

/** interval returns the closed range of true values that display as `s`. */
export function interval(s: Shown): [number, number] {
  const half = 0.5 * 10 ** -s.decimals;
  return [s.value - half - EPS, s.value + half + EPS];
}

/** within tells whether x would display as `s`. */
export function within(x: number, s: Shown): boolean {
  const [lo, hi] = interval(s);
  return x >= lo && x <= hi;
}

/** integerSums lists the integer sums of n answers whose mean displays as `mean` (one value for n <= 10 at one decimal). */
export function integerSums(n: number, mean: Shown): number[] {
  const [lo, hi] = interval(mean);
  const out: number[] = [];
  for (let s = Math.ceil(lo * n - EPS); s <= Math.floor(hi * n + EPS); s++) if (within(s / n, mean)) out.push(s);
  return out;
}

/** sampleSd is the standard deviation with divisor n - 1 (what the product shows). */
export function sampleSd(n: number, sum: number, sumSq: number): number {
  return Math.sqrt(Math.max(0, (sumSq - (sum * sum) / n) / (n - 1)));
}

/** What is shown about one item's answers in a group. */
export interface MomentFigures {
  n: number;
  mean?: Shown;
  sd?: Shown;
  /** Share answering a favourable point, in whole percent as shown. */
  favourablePercent?: Shown;
}

/** countVectors enumerates every count vector over `points` (counts summing to n) consistent with
 *  the shown mean, SD and share favourable; the attacker has pinned the distribution iff one remains. */
export function countVectors(points: readonly number[], favourable: readonly number[], f: MomentFigures): number[][] {
  return vectorsWhere(points, favourable, f.n, ({ sum, sumSq, fav }) => {
    if (f.mean && !within(sum / f.n, f.mean)) return false;
    if (f.sd && f.n >= 2 && !within(sampleSd(f.n, sum, sumSq), f.sd)) return false;
    return !f.favourablePercent || within((100 * fav) / f.n, f.favourablePercent);
  });
}

/** vectorsWhere enumerates the count vectors over `points` summing to n whose sum, sum of squares and
 *  favourable count pass `keep`. */
function vectorsWhere(points: readonly number[], favourable: readonly number[], n: number, keep: (m: { sum: number; sumSq: number; fav: number }) => boolean): number[][] {
  const out: number[][] = [];
  const counts = new Array<number>(points.length).fill(0);
  const place = (i: number, left: number): void => {
    if (i < points.length - 1) {
      for (let c = left; c >= 0; c--) {
        counts[i] = c;
        place(i + 1, left - c);
      }
      return;
    }
    counts[i] = left;
    const m = { sum: 0, sumSq: 0, fav: 0 };
    counts.forEach((c, j) => {
      const v = points[j] as number;
      m.sum += c * v;
      m.sumSq += c * v * v;
      if (favourable.includes(v)) m.fav += c;
    });
    if (keep(m)) out.push([...counts]);
  };
  if (points.length > 0) place(0, n);
  return out;
}

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
};

/** rank of an integer matrix, by fraction-free elimination (exact). */
export function rank(rows: readonly (readonly number[])[]): number {
  const m = rows.map((r) => r.map((x) => BigInt(x)));
  const width = m[0]?.length ?? 0;
  let r = 0;
  for (let c = 0; c < width && r < m.length; c++) {
    const p = m.findIndex((row, i) => i >= r && row[c] !== 0n);
    if (p < 0) continue;
    [m[r], m[p]] = [m[p] as bigint[], m[r] as bigint[]];
    const pivot = m[r] as bigint[];
    for (let i = 0; i < m.length; i++) {
      const row = m[i] as bigint[];
      if (i === r || row[c] === 0n) continue;
      const a = pivot[c] as bigint;
      const b = row[c] as bigint;
      let g = 0n;
      for (let j = 0; j < width; j++) {
        row[j] = (row[j] as bigint) * a - (pivot[j] as bigint) * b;
        g = gcd(g, row[j] as bigint);
      }
      if (g > 1n) for (let j = 0; j < width; j++) row[j] = (row[j] as bigint) / g;
    }
    r++;
  }
  return r;
}

/** derivableSmallSets: given the respondent sets of figures shown for one measure (over every release
 *  a reader may have kept), returns each set of 1..k-1 respondents whose total is a linear
 *  combination of them. Any combination is constant on "atoms" (respondents in exactly the same
 *  shown sets), so it suffices to test each union of atoms for membership in the row space. */
export function derivableSmallSets(groups: readonly (readonly number[])[], k: number): number[][] {
  const people = [...new Set(groups.flat())].sort((a, b) => a - b);
  const signature = (p: number): string => groups.map((g) => (g.includes(p) ? '1' : '0')).join('');
  const atoms = new Map<string, number[]>();
  for (const p of people) atoms.set(signature(p), [...(atoms.get(signature(p)) ?? []), p]);
  const list = [...atoms.values()];
  if (list.length > 20) throw new RangeError('too many atoms for an exhaustive search');
  const rows = groups.map((g) => list.map((atom) => (g.includes(atom[0] as number) ? 1 : 0)));
  const base = rank(rows);
  const found: number[][] = [];
  for (let mask = 1; mask < 1 << list.length; mask++) {
    const members = list.filter((_, i) => (mask & (1 << i)) !== 0).flat();
    if (members.length >= k) continue;
    const target = list.map((_, i) => ((mask & (1 << i)) !== 0 ? 1 : 0));
    if (rank([...rows, target]) === base) found.push(members.sort((a, b) => a - b));
  }
  return found;
}

/** A shown figure entering a linear combination with coefficient +1 or -1. */
export interface Term {
  coef: 1 | -1;
  fig: MomentFigures;
}

/** combinationVectors: the figures of groups whose signed combination is a set of n_d = sum(coef * n)
 *  respondents (e.g. a group before minus after a change) give that set's answer sum exactly (integer
 *  sums from rounded means), its sum of squares within the SDs' windows and its favourable count.
 *  Returns every count vector over `points` for those n_d people consistent with all of it, or
 *  undefined when the figures do not determine a set of 1 or more people (a term lacks its mean). */
export function combinationVectors(points: readonly number[], favourable: readonly number[], terms: readonly Term[]): number[][] | undefined {
  const nd = terms.reduce((s, t) => s + t.coef * t.fig.n, 0);
  if (nd < 1 || terms.some((t) => !t.fig.mean)) return undefined;
  // Per term: each candidate integer sum with the window its sum of squares must lie in, and the favourable counts.
  const options = terms.map((t) => {
    const { n, sd } = t.fig;
    return integerSums(n, t.fig.mean as Shown).map((sum) => {
      let sq: [number, number] = [-Infinity, Infinity];
      if (sd && n >= 2) {
        const [lo, hi] = interval(sd);
        sq = [(n - 1) * Math.max(0, lo) ** 2 + (sum * sum) / n, (n - 1) * hi ** 2 + (sum * sum) / n];
      }
      return { sum, sq };
    });
  });
  const favCounts = terms.map((t) => {
    const p = t.fig.favourablePercent;
    const all = Array.from({ length: t.fig.n + 1 }, (_, i) => i);
    return p ? all.filter((c) => within((100 * c) / t.fig.n, p)) : undefined;
  });
  const combos: { sum: number; sq: [number, number] }[] = [{ sum: 0, sq: [0, 0] }];
  for (const [i, t] of terms.entries()) {
    const next: typeof combos = [];
    for (const c of combos) {
      for (const o of options[i] ?? []) {
        const [lo, hi] = t.coef > 0 ? o.sq : [-o.sq[1], -o.sq[0]];
        next.push({ sum: c.sum + t.coef * o.sum, sq: [c.sq[0] + lo, c.sq[1] + hi] });
      }
    }
    combos.splice(0, combos.length, ...next);
  }
  let favs: Set<number> | undefined = new Set([0]);
  for (const [i, t] of terms.entries()) {
    const counts = favCounts[i];
    if (!counts || !favs) {
      favs = undefined;
      continue;
    }
    favs = new Set([...favs].flatMap((f) => counts.map((c) => f + t.coef * c)));
  }
  return vectorsWhere(points, favourable, nd, ({ sum, sumSq, fav }) => {
    if (favs && !favs.has(fav)) return false;
    return combos.some((c) => c.sum === sum && sumSq >= c.sq[0] - 1e-6 && sumSq <= c.sq[1] + 1e-6);
  });
}
