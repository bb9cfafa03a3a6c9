import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { regularizedBeta, tCdf, tQuantile, welch } from '../../src/report/welch.js';

const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const varOf = (xs: number[]) => xs.reduce((s, x) => s + (x - meanOf(xs)) ** 2, 0) / (xs.length - 1);
const sample = (xs: number[]) => ({ n: xs.length, mean: meanOf(xs), sd: Math.sqrt(varOf(xs)) });

describe('Student t quantiles', () => {
  // Reference values to six decimals, as tabulated (they agree with SciPy's t.ppf to every digit shown).
  test.each([
    [0.975, 1, 12.706205],
    [0.975, 2, 4.302653],
    [0.975, 5, 2.570582],
    [0.975, 8, 2.306004],
    [0.975, 10, 2.228139],
    [0.975, 30, 2.042272],
    [0.975, 120, 1.97993],
    [0.95, 10, 1.812461],
  ])('t(%s; df %s) = %s as in the printed table', (p, df, ref) => {
    expect(Math.abs(tQuantile(p, df) - ref)).toBeLessThan(1e-6);
  });

  // scipy.stats.t.ppf (SciPy 1.17.1), nine decimals: non-integer, tiny and huge df, far tails.
  test.each([
    [0.975, 0.5, 164.55767348],
    [0.9, 2.5, 1.730250929],
    [0.975, 14.3563, 2.139803569],
    [0.9999, 3, 22.203742273],
    [0.6, 1, 0.324919696],
    [0.75, 0.1, 168.236073198],
    [1e-9, 3, -1033.109674504],
    [0.975, 1e6, 1.959966357],
    [0.975, 2e6, 1.959965171],
    // The normal limit, 1.959963985: df this large is a stress test, not a survey.
    [0.975, 1e12, 1.959963985],
  ])('t(%s; df %s) = %s as SciPy computes it', (p, df, ref) => {
    expect(Math.abs(tQuantile(p, df) - ref)).toBeLessThan(1e-8 * Math.max(1, Math.abs(ref)));
  });

  test.each([0.5, 1, 3.7, 14.356, 200, 5e5])('is odd around 0.5 and inverts the CDF (df %s)', (df) => {
    expect(tQuantile(0.5, df)).toBe(0);
    for (const p of [1e-6, 0.01, 0.2, 0.499, 0.8, 0.975, 0.999999]) {
      const t = tQuantile(p, df);
      // 1 - p itself rounds, by up to 1e-10 relative at p = 1e-6: compare relatively.
      expect(Math.abs(tQuantile(1 - p, df) + t)).toBeLessThan(1e-9 * Math.max(1, Math.abs(t)));
      expect(Math.abs(tCdf(t, df) - p)).toBeLessThan(1e-12);
    }
  });

  test('returns Infinity when the quantile lies beyond the largest double', () => {
    expect(tQuantile(1e-300, 0.05)).toBe(-Infinity);
  });

  test.each([
    [0, 5],
    [1, 5],
    [Number.NaN, 5],
    [0.5, 0],
    [0.5, -2],
    [0.5, Number.NaN],
    [0.5, Infinity],
  ])('refuses p = %s, df = %s', (p, df) => {
    expect(() => tQuantile(p, df)).toThrow(RangeError);
  });
});

describe('Student t CDF and the incomplete beta behind it', () => {
  // Closed forms: df 1 is the Cauchy distribution, df 2 has an algebraic CDF.
  test.each([-30, -2, -0.3, 0, 0.7, 4.302653, 100])('matches the closed forms for df 1 and 2 at t = %s', (t) => {
    expect(tCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 14);
    expect(tCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 14);
  });

  test.each([
    [0.3, 1, 4],
    [0.9, 1, 0.5],
    [0.05, 2.5, 1],
    [0.6, 7, 1],
  ])('I_x(a, b) at x=%s, a=%s, b=%s matches 1 - (1-x)^b or x^a', (x, a, b) => {
    const closed = a === 1 ? 1 - (1 - x) ** b : x ** a;
    expect(regularizedBeta(x, a, b)).toBeCloseTo(closed, 14);
  });

  test.each([
    [0.2, 3, 7],
    [0.93, 50, 0.5],
    [0.5, 0.01, 300],
  ])('I_x(a, b) + I_(1-x)(b, a) = 1 at x=%s, a=%s, b=%s', (x, a, b) => {
    expect(regularizedBeta(x, a, b) + regularizedBeta(1 - x, b, a)).toBeCloseTo(1, 13);
  });
});

describe('Welch interval', () => {
  test('equal variances, worked by hand', () => {
    // A = [3,4,5,4,3]: mean 19/5 = 3.8; squared deviations .64+.04+1.44+.04+.64 = 2.8; sd² = 2.8/4 = 0.7.
    // B = [4,5,6,5,4]: mean 4.8, the same deviations, sd² = 0.7.
    // se = √(0.7/5 + 0.7/5) = √0.28 = 0.529150.
    // df = 0.28² / ((0.14² + 0.14²) / 4) = 0.0784 / 0.0098 = 8.
    // t(0.975; 8) = 2.306004135, half width 2.306004135 · 0.529150262 = 1.220222693,
    // interval 1.0 ± 1.220223 = [-0.220223, 2.220223].
    const a = sample([3, 4, 5, 4, 3]);
    const b = sample([4, 5, 6, 5, 4]);
    expect(a.mean).toBeCloseTo(3.8, 12);
    expect(a.sd ** 2).toBeCloseTo(0.7, 12);
    const w = welch(a, b);
    expect(w?.diff).toBeCloseTo(1, 12);
    expect(w?.se).toBeCloseTo(0.52915, 6);
    expect(w?.df).toBeCloseTo(8, 12);
    expect(w?.low).toBeCloseTo(-0.220223, 6);
    expect(w?.high).toBeCloseTo(2.220223, 6);
  });

  test('unequal variances and sizes, worked by hand at a non-integer df', () => {
    // A: n 12, mean 3.2, sd 0.9; B: n 25, mean 3.9, sd 0.5.
    // va = 0.81/12 = 0.0675; vb = 0.25/25 = 0.01; se² = 0.0775; se = 0.278388.
    // df = 0.0775² / (0.0675²/11 + 0.01²/24)
    //    = 0.00600625 / (0.000414204545 + 0.000004166667) = 0.00600625 / 0.000418371212 = 14.356270.
    // min(na, nb) - 1 = 11 <= 14.356 <= na + nb - 2 = 35.
    // t(0.975; 14.356270) = 2.139804 (SciPy), between the table's t(14) = 2.144787 and t(15) = 2.131450.
    // Half width 2.139804 · 0.278388 = 0.595696; interval 0.7 ± 0.595696 = [0.104304, 1.295696].
    const w = welch({ n: 12, mean: 3.2, sd: 0.9 }, { n: 25, mean: 3.9, sd: 0.5 });
    if (!w) throw new Error('no interval');
    expect(w.diff).toBeCloseTo(0.7, 12);
    expect(w.se).toBeCloseTo(0.278388, 6);
    expect(w.df).toBeCloseTo(14.35627, 5);
    expect(w.df).toBeGreaterThan(11);
    expect(w.df).toBeLessThan(35);
    const t = tQuantile(0.975, w.df);
    expect(t).toBeCloseTo(2.139804, 6);
    expect(t).toBeLessThan(2.144787);
    expect(t).toBeGreaterThan(2.13145);
    expect(w.high - w.diff).toBeCloseTo(t * w.se, 12);
    expect(w.low).toBeCloseTo(0.104304, 6);
    expect(w.high).toBeCloseTo(1.295696, 6);
  });

  test('a lower level narrows the interval to the matching quantile', () => {
    const w = welch({ n: 12, mean: 3.2, sd: 0.9 }, { n: 25, mean: 3.9, sd: 0.5 }, 0.9);
    if (!w) throw new Error('no interval');
    expect(w.high - w.diff).toBeCloseTo(tQuantile(0.95, w.df) * w.se, 12);
  });

  test('the difference is later minus earlier', () => {
    expect(welch({ n: 20, mean: 4, sd: 1 }, { n: 20, mean: 3.5, sd: 1 })?.diff).toBeCloseTo(-0.5, 12);
  });

  test.each([
    ['n below 2 in the first', { n: 1, mean: 3, sd: 0 }, { n: 20, mean: 3, sd: 1 }],
    ['n below 2 in the second', { n: 20, mean: 3, sd: 1 }, { n: 1, mean: 3 }],
    ['SD missing', { n: 20, mean: 3 }, { n: 20, mean: 3, sd: 1 }],
    ['mean missing', { n: 20, sd: 1 }, { n: 20, mean: 3, sd: 1 }],
  ])('gives no interval when %s', (_, a, b) => {
    expect(welch(a, b)).toBeUndefined();
  });

  test('no spread in either sample: the point is its own interval, with the pooled df', () => {
    expect(welch({ n: 6, mean: 4, sd: 0 }, { n: 9, mean: 5, sd: 0 })).toEqual({ diff: 1, se: 0, df: 13, low: 1, high: 1 });
  });

  test('no spread in one sample: df falls to the other sample n - 1', () => {
    expect(welch({ n: 6, mean: 4, sd: 0 }, { n: 10, mean: 5, sd: 1 })?.df).toBeCloseTo(9, 12);
  });

  test.each([0, 1, -0.5, Number.NaN])('refuses level %s', (level) => {
    expect(() => welch({ n: 5, mean: 1, sd: 1 }, { n: 5, mean: 1, sd: 1 }, level)).toThrow(RangeError);
  });

  test('df lies between min(na, nb) - 1 and na + nb - 2, and the interval is centred on diff', () => {
    const side = fc.record({ n: fc.integer({ min: 2, max: 2000 }), mean: fc.double({ min: -10, max: 10, noNaN: true }), sd: fc.double({ min: 0.01, max: 30, noNaN: true }) });
    fc.assert(
      fc.property(side, side, (a, b) => {
        const w = welch(a, b);
        if (!w) return false;
        const slack = 1e-9 * (a.n + b.n);
        return (
          w.df >= Math.min(a.n, b.n) - 1 - slack &&
          w.df <= a.n + b.n - 2 + slack &&
          Math.abs(w.diff - w.low - (w.high - w.diff)) <= 1e-9 * Math.max(1, w.high - w.low) &&
          w.low < w.diff
        );
      }),
    );
  });
});
