// Intervals for shares, false alarms and the detectable change, each against published or
// hand-computed reference values.
import { describe, expect, test } from 'vitest';
import { benjaminiHochberg } from '../../src/report/false-alarms.js';
import { normalCdf, normalQuantile, normalUpperTail } from '../../src/report/normal.js';
import { newcombe, wilson } from '../../src/report/proportions.js';
import { detectableDifference, welch } from '../../src/report/welch.js';

describe('standard normal', () => {
  // Reference values from Python: statistics.NormalDist().inv_cdf(p) and .cdf(z).
  test.each([
    [0.975, 1.959963984540054],
    [0.8, 0.8416212335729143],
    [0.9, 1.2815515655446004],
    [0.025, -1.959963984540054],
    [1e-10, -6.361340902404056],
    [0.999999, 4.753424308817089],
  ])('quantile of %s is %s', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 12);
  });

  test.each([
    [1.96, 0.9750021048517795],
    [0, 0.5],
    [-1.96, 0.024997895148220435],
    [3, 0.9986501019683699],
    [0.5, 0.6914624612740131],
  ])('CDF at %s is %s', (z, p) => {
    expect(normalCdf(z)).toBeCloseTo(p, 14);
  });

  test('the far tail keeps its digits: P(Z > 8) = 6.22096057427178e-16 (Abramowitz & Stegun 26.2)', () => {
    expect(normalUpperTail(8) / 6.22096057427178e-16).toBeCloseTo(1, 10);
  });
});

describe('Wilson score interval', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Stat Med 17:857-872, Table I.
  test.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
  ])('%i/%i: %s to %s', (x, n, low, high) => {
    const w = wilson(x, n, normalQuantile(0.975));
    expect(w.low).toBeCloseTo(low, 4);
    expect(w.high).toBeCloseTo(high, 4);
  });

  test('0/n starts at exactly 0 and n/n ends at exactly 1', () => {
    expect(wilson(0, 7, 1.96).low).toBe(0);
    expect(wilson(7, 7, 1.96).high).toBe(1);
  });
});

describe('Newcombe hybrid score interval for a difference of shares', () => {
  // Newcombe (1998), "Interval estimation for the difference between independent proportions:
  // comparison of eleven methods", Stat Med 17:873-890, Table II, method 10, examples (a)-(h).
  // The table gives p1 - p2; here the later wave is p1 (newcombe(earlier, later)).
  test.each([
    ['(a)', 56, 70, 48, 80, 0.0524, 0.3339],
    ['(b)', 9, 10, 3, 10, 0.1705, 0.809],
    ['(c)', 6, 7, 2, 7, 0.0582, 0.8062],
    ['(d)', 5, 56, 0, 29, -0.0381, 0.1926],
    ['(e)', 0, 10, 0, 20, -0.1611, 0.2775],
    ['(f)', 0, 10, 0, 10, -0.2775, 0.2775],
    ['(g)', 10, 10, 0, 20, 0.6791, 1],
    ['(h)', 10, 10, 0, 10, 0.6075, 1],
  ])('%s %i/%i - %i/%i: %s to %s', (_, x1, n1, x2, n2, low, high) => {
    const d = newcombe(x2, n2, x1, n1);
    expect(d.diff).toBeCloseTo(x1 / n1 - x2 / n2, 14);
    // Published to 4 decimals: within half a unit of the last one.
    expect(Math.abs(d.low - low)).toBeLessThan(5e-5);
    expect(Math.abs(d.high - high)).toBeLessThan(5e-5);
  });

  test('the p-value is the level at which the interval just reaches zero', () => {
    const d = newcombe(48, 80, 56, 70);
    expect(d.p).toBeGreaterThan(0);
    expect(d.p).toBeLessThan(0.05);
    expect(newcombe(48, 80, 56, 70, 1 - d.p).low).toBeCloseTo(0, 9);
    expect(newcombe(3, 10, 3, 10).p).toBe(1);
    // A fall: the upper bound reaches zero.
    const fall = newcombe(9, 10, 3, 10);
    expect(newcombe(9, 10, 3, 10, 1 - fall.p).high).toBeCloseTo(0, 9);
  });
});

describe('Benjamini–Hochberg', () => {
  test('the worked example of Benjamini and Hochberg (1995, section 4): 4 of 15 discoveries at q = 0.05', () => {
    // Bonferroni would keep only p <= 0.05/15 = 0.0033 (3 of them); BH keeps p_(k) <= k·0.05/15 up to k = 4.
    const p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1];
    const shuffled = [...p].reverse();
    expect(benjaminiHochberg(p)).toEqual(p.map((_, i) => i < 4));
    expect(benjaminiHochberg(shuffled)).toEqual(shuffled.map((x) => x <= 0.0095));
  });

  test.each([
    // Step-up: 0.04 <= 4·0.05/4 makes all four discoveries although 0.03 > 2·0.05/4.
    [[0.01, 0.04, 0.03, 0.005], [true, true, true, true]],
    [[0.2, 0.03], [false, false]],
    [[0.049], [true]],
    [[], []],
  ])('%o -> %o', (p, out) => {
    expect(benjaminiHochberg(p)).toEqual(out);
  });
});

describe('the smallest change a unit could have detected', () => {
  test('7 answers in each wave, SD 0.8 both: (t_0.975,12 + t_0.80,12) · se', () => {
    // se = sqrt(0.8²/7 + 0.8²/7) = 0.42762; df = 2·(7 - 1) = 12 for equal n and SD.
    // Student's t table: t_0.975,12 = 2.179, t_0.80,12 = 0.873, so 3.052 · 0.42762 = 1.305.
    const w = welch({ n: 7, mean: 3.5, sd: 0.8 }, { n: 7, mean: 3.7, sd: 0.8 });
    expect(w?.df).toBeCloseTo(12, 10);
    expect(detectableDifference(w ?? { se: 0, df: 0 }) ?? 0).toBeCloseTo(1.305, 2);
  });

  test('with many answers it approaches (z_0.975 + z_0.80) · se = 2.8015852 · se', () => {
    // NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.8) = 2.801585218112968
    expect(detectableDifference({ se: 0.1, df: 1e7 }) ?? 0).toBeCloseTo(0.2801585, 6);
  });

  test('no spread, no detectable change', () => {
    expect(detectableDifference({ se: 0, df: 18 })).toBeUndefined();
  });
});
