// Sufficient statistics. Everything here is additive, so a parent group's figures are the plain
// sums of its children's and of its own direct respondents': no second pass over the answers.
import type { Scale } from '../survey/schema.js';
import { ratio, type Ratio } from './exact.js';

/** Count, sum and sum of squares of a set of numbers, kept exact: sum and sumSq are integers counting
 *  units of 1/den and 1/den², so a mean or variance is a fraction of integers (see exact.ts). Answers
 *  are integers (den 1); a respondent's factor score s/c makes den a multiple of c; 62.5 % makes it 10. */
export interface Moments {
  n: number;
  sum: number;
  sumSq: number;
  den: number;
}

/** emptyMoments returns moments of no values. */
export function emptyMoments(): Moments {
  return { n: 0, sum: 0, sumSq: 0, den: 1 };
}

const gcd = (a: number, b: number): number => {
  while (b !== 0) [a, b] = [b, a % b];
  return Math.abs(a);
};

function checkSafe(m: Moments): void {
  // Past 2^53 integers stop being exact; no survey here comes near it (docs/METHODS.md).
  if (!Number.isSafeInteger(m.sum) || !Number.isSafeInteger(m.sumSq) || !Number.isSafeInteger(m.den)) {
    throw new RangeError(`moments too large to keep exact (n=${m.n}, den=${m.den})`);
  }
}

/** Rescales m in place so its unit is 1/den, den a multiple of m.den. */
function rescale(m: Moments, den: number): void {
  if (den === m.den) return;
  const f = den / m.den;
  m.sum *= f;
  m.sumSq *= f * f;
  m.den = den;
}

/** addFraction adds one value num/den (integers, den > 0) to the moments in place, exactly. */
export function addFraction(m: Moments, num: number, den: number): void {
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den) || den <= 0) throw new RangeError(`not a fraction of integers: ${num}/${den}`);
  // Lowest terms first, so a score of 12/3 keeps den at 1.
  const g = gcd(num, den) || 1;
  const [a, b] = [num / g, den / g];
  rescale(m, (m.den / gcd(m.den, b)) * b);
  const scaled = a * (m.den / b);
  m.n += 1;
  m.sum += scaled;
  m.sumSq += scaled * scaled;
  checkSafe(m);
}

/** addValue adds one value (an integer or a decimal of up to 6 places, as answers are) to the moments in place. */
export function addValue(m: Moments, x: number): void {
  let den = 1;
  // A decimal answer such as 62.5 is stored as a double; its shortest decimal form is the value meant.
  while (den < 1e6 && Math.abs(x * den - Math.round(x * den)) > 1e-9 * Math.max(1, Math.abs(x * den))) den *= 10;
  addFraction(m, Math.round(x * den), den);
}

/** addMoments adds `from` into `into` in place. */
export function addMoments(into: Moments, from: Moments): void {
  const den = (into.den / gcd(into.den, from.den)) * from.den;
  rescale(into, den);
  const f = den / from.den;
  into.n += from.n;
  into.sum += from.sum * f;
  into.sumSq += from.sumSq * f * f;
  checkSafe(into);
}

/** meanRatio returns the exact mean, or undefined for no values. */
export function meanRatio(m: Moments): Ratio | undefined {
  if (m.n <= 0) return undefined;
  // A product of doubles that comes out safe is exact (one past it would round to 2^53 or more).
  const den = m.n * m.den;
  return ratio(m.sum, Number.isSafeInteger(den) ? den : BigInt(m.n) * BigInt(m.den));
}

/** varianceRatio returns the exact sample variance (divisor n - 1), or undefined for fewer than 2 values. */
export function varianceRatio(m: Moments): Ratio | undefined {
  if (m.n < 2) return undefined;
  // In doubles while every product is a safe integer (then each is exact, and so is their difference).
  const nSumSq = m.n * m.sumSq;
  const sumSquared = m.sum * m.sum;
  const den = m.n * (m.n - 1) * m.den * m.den;
  if (Number.isSafeInteger(nSumSq) && Number.isSafeInteger(sumSquared) && Number.isSafeInteger(den)) return ratio(nSumSq - sumSquared, den);
  const n = BigInt(m.n);
  const s = BigInt(m.sum);
  // (n·Σx² - (Σx)²) / (n(n-1)): exact, so everyone answering alike gives exactly 0.
  return ratio(n * BigInt(m.sumSq) - s * s, n * (n - 1n) * BigInt(m.den) * BigInt(m.den));
}

/** mean returns the arithmetic mean (the double nearest the exact one), or undefined for no values. */
export function mean(m: Moments): number | undefined {
  // Safe integers divide correctly rounded; no fraction needed.
  return m.n > 0 ? m.sum / (m.n * m.den) : undefined;
}

/** sampleSd returns the sample standard deviation (divisor n - 1), or undefined for fewer than 2 values. */
export function sampleSd(m: Moments): number | undefined {
  if (m.n < 2) return undefined;
  // The numerator in integers, so everyone answering alike gives exactly 0: in doubles while both
  // products are safe integers (then each is exact, and so is their difference), else in BigInts.
  const nSumSq = m.n * m.sumSq;
  const sumSquared = m.sum * m.sum;
  const num = Number.isSafeInteger(nSumSq) && Number.isSafeInteger(sumSquared) ? nSumSq - sumSquared : Number(BigInt(m.n) * BigInt(m.sumSq) - BigInt(m.sum) ** 2n);
  return Math.sqrt(num / (m.n * (m.n - 1) * m.den * m.den));
}

/** A record with no prototype, so option ids such as "constructor" are plain keys. */
export function countsRecord(keys: Iterable<string> = []): Record<string, number> {
  const counts = Object.create(null) as Record<string, number>;
  for (const k of keys) counts[k] = 0;
  return counts;
}

/** Answers to one item (or one part of a now/desired item) within a group. */
export interface ItemTally {
  /** Respondents who answered, "vet ikke" included. */
  answered: number;
  /** Respondents who answered "vet ikke / ikke relevant". */
  dontKnow: number;
  /** Numeric answers only (scale points, 0-10, numbers); "vet ikke" is excluded. */
  moments: Moments;
  /** Respondents per scale value (as a string) or per option id (multi: respondents who chose it). */
  counts: Record<string, number>;
}

/** emptyItemTally returns a tally with a zero count for each given value or option id. */
export function emptyItemTally(keys: Iterable<string> = []): ItemTally {
  return { answered: 0, dontKnow: 0, moments: emptyMoments(), counts: countsRecord(keys) };
}

/** addItemTally adds `from` into `into` in place. */
export function addItemTally(into: ItemTally, from: ItemTally): void {
  into.answered += from.answered;
  into.dontKnow += from.dontKnow;
  addMoments(into.moments, from.moments);
  for (const key in from.counts) into.counts[key] = (into.counts[key] ?? 0) + (from.counts[key] ?? 0);
}

/** cloneItemTally returns an independent copy. */
export function cloneItemTally(t: ItemTally): ItemTally {
  const copy = emptyItemTally();
  addItemTally(copy, t);
  return copy;
}

/** validN is the number of substantive answers: answered minus "vet ikke". */
export function validN(t: ItemTally): number {
  return t.answered - t.dontKnow;
}

/** favourableValues returns the scale's favourable point values, by default its top two. */
export function favourableValues(scale: Scale): number[] {
  if (scale.favourable) return [...scale.favourable];
  return scale.points
    .map((p) => p.value)
    .sort((a, b) => b - a)
    .slice(0, 2);
}

/** favourableCount returns how many valid answers fall on the given values. */
export function favourableCount(t: ItemTally, values: readonly number[]): number {
  let count = 0;
  for (const v of values) count += t.counts[String(v)] ?? 0;
  return count;
}

/** shareFavourable returns favourable answers / valid answers (0..1), or undefined with no valid answers. */
export function shareFavourable(t: ItemTally, values: readonly number[]): number | undefined {
  const n = validN(t);
  return n > 0 ? favourableCount(t, values) / n : undefined;
}

/** A now/desired item: each part tallied on its own, and the gap for respondents who gave both. */
export interface NowDesiredTally {
  now: ItemTally;
  desired: ItemTally;
  /** Per respondent desired - now, only where both parts are valid (not "vet ikke"). */
  gap: Moments;
}

/** emptyNowDesiredTally returns an empty tally with zero counts for the given scale values. */
export function emptyNowDesiredTally(keys: readonly string[] = []): NowDesiredTally {
  return { now: emptyItemTally(keys), desired: emptyItemTally(keys), gap: emptyMoments() };
}

/** addNowDesiredTally adds `from` into `into` in place. */
export function addNowDesiredTally(into: NowDesiredTally, from: NowDesiredTally): void {
  addItemTally(into.now, from.now);
  addItemTally(into.desired, from.desired);
  addMoments(into.gap, from.gap);
}
