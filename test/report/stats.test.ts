import { describe, expect, test } from 'vitest';
import {
  addItemTally,
  addMoments,
  addValue,
  cloneItemTally,
  countsRecord,
  emptyItemTally,
  emptyMoments,
  favourableCount,
  favourableValues,
  mean,
  sampleSd,
  shareFavourable,
  validN,
  type ItemTally,
  type Moments,
} from '../../src/report/stats.js';
import type { Scale } from '../../src/survey/schema.js';

const momentsOf = (xs: number[]): Moments => {
  const m = emptyMoments();
  for (const x of xs) addValue(m, x);
  return m;
};

describe('mean and sample SD', () => {
  // Expected values computed by hand: SD = sqrt(sum (x - mean)^2 / (n - 1)).
  test.each([
    { xs: [], mean: undefined, sd: undefined },
    { xs: [5], mean: 5, sd: undefined },
    { xs: [1, 5], mean: 3, sd: Math.sqrt(8) },
    { xs: [3, 3, 3], mean: 3, sd: 0 },
    { xs: [1, 2, 3, 4, 5], mean: 3, sd: Math.sqrt(10 / 4) },
    { xs: [2, 4, 4, 4, 5, 5, 7, 9], mean: 5, sd: Math.sqrt(32 / 7) },
    { xs: [0, 10, 10, 10], mean: 7.5, sd: Math.sqrt(75 / 3) },
    { xs: [62.5, 100, 80], mean: 242.5 / 3, sd: Math.sqrt(((62.5 - 242.5 / 3) ** 2 + (100 - 242.5 / 3) ** 2 + (80 - 242.5 / 3) ** 2) / 2) },
  ])('$xs', ({ xs, mean: mu, sd }) => {
    const m = momentsOf(xs);
    expect(m.n).toBe(xs.length);
    if (mu === undefined) expect(mean(m)).toBeUndefined();
    else expect(mean(m)).toBeCloseTo(mu, 12);
    if (sd === undefined) expect(sampleSd(m)).toBeUndefined();
    else expect(sampleSd(m)).toBeCloseTo(sd, 12);
  });

  test('identical values give 0, never NaN from a variance rounded below zero', () => {
    // Answers are integers or halves, which sum exactly; other decimals may leave a tiny residue.
    expect(sampleSd(momentsOf(Array.from({ length: 50_000 }, () => 5)))).toBe(0);
    expect(sampleSd(momentsOf(Array.from({ length: 1000 }, () => 62.5)))).toBe(0);
    const sd = sampleSd(momentsOf(Array.from({ length: 1000 }, () => 0.1)));
    expect(Number.isNaN(sd)).toBe(false);
    expect(sd).toBeCloseTo(0, 6);
  });

  test.each([
    { a: [1, 2], b: [3, 4, 5] },
    { a: [], b: [4, 4] },
    { a: [7], b: [] },
  ])('moments are additive: $a + $b', ({ a, b }) => {
    const merged = momentsOf(a);
    addMoments(merged, momentsOf(b));
    expect(merged).toEqual(momentsOf([...a, ...b]));
  });
});

const enig5 = (favourable?: number[]): Scale => ({
  points: [1, 2, 3, 4, 5].map((value) => ({ value, label: `p${value}` })),
  dontKnowLabel: 'Vet ikke',
  ...(favourable ? { favourable } : {}),
});

function tallyOf(answers: (number | 'dk')[]): ItemTally {
  const t = emptyItemTally(['1', '2', '3', '4', '5']);
  for (const a of answers) {
    t.answered += 1;
    if (a === 'dk') t.dontKnow += 1;
    else {
      addValue(t.moments, a);
      t.counts[String(a)] = (t.counts[String(a)] ?? 0) + 1;
    }
  }
  return t;
}

describe('share favourable', () => {
  test.each([
    { scale: enig5(), values: [5, 4] },
    { scale: enig5([4, 5]), values: [4, 5] },
    { scale: enig5([5]), values: [5] },
    { scale: { points: [{ value: 0, label: 'a' }, { value: 1, label: 'b' }, { value: 2, label: 'c' }] }, values: [2, 1] },
  ])('favourable values of a scale', ({ scale, values }) => {
    expect(favourableValues(scale)).toEqual(values);
  });

  test.each([
    // "vet ikke" counts as answered but not in the denominator.
    { answers: [5, 4, 3, 2, 1], favourable: [4, 5], count: 2, n: 5, share: 2 / 5 },
    { answers: [5, 5, 5, 'dk', 'dk'] as const, favourable: [4, 5], count: 3, n: 3, share: 1 },
    { answers: [1, 2, 3], favourable: [4, 5], count: 0, n: 3, share: 0 },
    { answers: [3, 4, 5, 5], favourable: [5], count: 2, n: 4, share: 0.5 },
    { answers: ['dk'] as const, favourable: [4, 5], count: 0, n: 0, share: undefined },
    { answers: [], favourable: [4, 5], count: 0, n: 0, share: undefined },
  ])('$answers with favourable $favourable', ({ answers, favourable, count, n, share }) => {
    const t = tallyOf([...answers]);
    expect(validN(t)).toBe(n);
    expect(favourableCount(t, favourable)).toBe(count);
    expect(shareFavourable(t, favourable)).toBe(share);
  });
});

describe('item tallies', () => {
  test('adding tallies adds every field and creates counts the target lacks', () => {
    const a = tallyOf([5, 4, 'dk']);
    const b = tallyOf([1, 'dk', 'dk']);
    b.counts['x'] = 2;
    addItemTally(a, b);
    expect(a.answered).toBe(6);
    expect(a.dontKnow).toBe(3);
    expect(a.moments).toEqual(momentsOf([5, 4, 1]));
    expect({ ...a.counts }).toEqual({ '1': 1, '2': 0, '3': 0, '4': 1, '5': 1, x: 2 });
  });

  test('a clone is independent of the original', () => {
    const a = tallyOf([5]);
    const c = cloneItemTally(a);
    c.counts['5'] = 9;
    c.moments.n = 9;
    expect(a.counts['5']).toBe(1);
    expect(a.moments.n).toBe(1);
  });

  test('counts records take option ids that are Object.prototype names', () => {
    const counts = countsRecord(['constructor', 'toString']);
    expect(counts['constructor']).toBe(0);
    expect(counts['hasOwnProperty']).toBeUndefined();
  });
});
