// Sufficient statistics. Everything here is additive, so a parent group's figures are the plain
// sums of its children's and of its own direct respondents': no second pass over the answers.
import type { Scale } from '../survey/schema.js';

/** Count, sum and sum of squares of a set of numbers. */
export interface Moments {
  n: number;
  sum: number;
  sumSq: number;
}

/** emptyMoments returns moments of no values. */
export function emptyMoments(): Moments {
  return { n: 0, sum: 0, sumSq: 0 };
}

/** addValue adds one value to the moments in place. */
export function addValue(m: Moments, x: number): void {
  m.n += 1;
  m.sum += x;
  m.sumSq += x * x;
}

/** addMoments adds `from` into `into` in place. */
export function addMoments(into: Moments, from: Moments): void {
  into.n += from.n;
  into.sum += from.sum;
  into.sumSq += from.sumSq;
}

/** mean returns the arithmetic mean, or undefined for no values. */
export function mean(m: Moments): number | undefined {
  return m.n > 0 ? m.sum / m.n : undefined;
}

/** sampleSd returns the sample standard deviation (divisor n - 1), or undefined for fewer than 2 values. */
export function sampleSd(m: Moments): number | undefined {
  if (m.n < 2) return undefined;
  // Rounding can push a zero variance a hair below zero.
  const variance = Math.max(0, (m.sumSq - (m.sum * m.sum) / m.n) / (m.n - 1));
  return Math.sqrt(variance);
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
