// The one rounding rule: half away from zero, on the exact value. Reference values by hand, each
// checked with Python's fractions (Fraction(13, 4) * 10 = 32.5 -> a tie -> 33 -> "3,3").
import { describe, expect, test } from 'vitest';
import { add, div, exactly, fixed, mul, ratio, rounded, roundScaled, sub, toNumber, type Num } from '../../src/report/exact.js';
import { addFraction, addValue, emptyMoments, meanRatio, sampleSd, varianceRatio } from '../../src/report/stats.js';
import { decimal, decimal2, percent, signed } from '../../src/web/results/format.js';
import { seededRandom } from '../../src/demo-answers.js';

describe('fractions', () => {
  test('kept in lowest terms with a positive denominator', () => {
    expect(ratio(6, -8)).toEqual({ num: -3, den: 4 });
    expect(ratio(0, 5)).toEqual({ num: 0, den: 1 });
    expect(add(ratio(1, 3), ratio(1, 6))).toEqual(ratio(1, 2));
    expect(sub(ratio(1, 4), ratio(1, 2))).toEqual(ratio(-1, 4));
    expect(mul(ratio(2, 3), ratio(9, 4))).toEqual(ratio(3, 2));
    expect(div(ratio(1, 2), ratio(1, 4))).toEqual(ratio(2));
    expect(() => ratio(1, 0)).toThrow(RangeError);
    expect(() => ratio(0.5)).toThrow(RangeError);
    expect(toNumber(ratio(57, 20))).toBe(2.85);
    // Plain JSON, like every table: a fraction survives a round trip.
    expect(JSON.parse(JSON.stringify(ratio(57, 20)))).toEqual(ratio(57, 20));
    expect(() => ratio(2 ** 53, 3)).toThrow(RangeError);
    expect(exactly(() => mul(ratio(2 ** 52, 3), ratio(4, 5)))).toBeUndefined();
  });
});

describe('round half away from zero on the exact value', () => {
  test.each<[string, Num, number, string]>([
    // The cases: ties that floating point sent the wrong way.
    ['13/4 (Administrasjon, Utvikling)', ratio(13, 4), 1, '3,3'],
    ['-13/4', ratio(-13, 4), 1, '-3,3'],
    ['a difference of exactly 0.525 = 21/40', ratio(21, 40), 2, '0,53'],
    ['relative change -12.5 % = -1/8 of 100', ratio(-25, 2), 0, '-13'],
    ['relative change -37.5 %', ratio(-75, 2), 0, '-38'],
    // 3/20 is a tie; the double 0.15 lies just below it (0.1499999999999999944...), so it rounds down.
    ['3/20 exactly', ratio(3, 20), 1, '0,2'],
    ['the double 0.15', 0.15, 1, '0,1'],
    ['the double 0.25 (exact in binary, a true tie)', 0.25, 1, '0,3'],
    ['the double -0.25', -0.25, 1, '-0,3'],
    ['a tiny negative rounds to zero without a sign', -0.004, 2, '0,00'],
    ['whole numbers', ratio(7), 1, '7,0'],
    ['2/3', ratio(2, 3), 2, '0,67'],
    ['-2/3', ratio(-2, 3), 2, '-0,67'],
    ['1/3 in whole percent of 100', ratio(100, 3), 0, '33'],
    // Roots without taking them: sqrt(1/16) = 0.25 is a tie; sqrt(2) = 1.41421356...; sqrt(9/4) = 1.5.
    ['sqrt(1/16)', { sqrtOf: ratio(1, 16) }, 1, '0,3'],
    ['sqrt(2)', { sqrtOf: ratio(2) }, 2, '1,41'],
    ['sqrt(9/4) to whole', { sqrtOf: ratio(9, 4) }, 0, '2'],
    ['sqrt(0)', { sqrtOf: ratio(0) }, 1, '0,0'],
    ['sqrt(10/4) (SD of 1..5)', { sqrtOf: ratio(10, 4) }, 1, '1,6'],
  ])('%s to %i decimals is %s', (_, x, decimals, text) => {
    expect(fixed(x, decimals)).toBe(text);
  });

  test('roundScaled and rounded agree with fixed', () => {
    expect(roundScaled(ratio(13, 4), 1)).toBe(33n);
    expect(roundScaled(ratio(-13, 4), 1)).toBe(-33n);
    expect(rounded(ratio(13, 4), 1)).toBe(3.3);
    expect(fixed(ratio(13, 4), 1, '.')).toBe('3.3');
  });

  test('the display formats: one precision per kind of figure', () => {
    expect(decimal(ratio(13, 4), 'nb')).toBe('3,3');
    expect(decimal(ratio(13, 4), 'en')).toBe('3.3');
    expect(decimal(ratio(13, 4), 'csv-nb')).toBe('3,3');
    expect(decimal2(ratio(21, 40), 'nb')).toBe('0,53');
    expect(percent(ratio(1, 8))).toBe(13); // 12.5 % -> 13 %
    expect(percent(ratio(-3, 8))).toBe(-38);
    expect(signed(ratio(21, 40), (x) => decimal2(x, 'nb'))).toBe('+0,53');
    expect(signed(ratio(-21, 40), (x) => decimal2(x, 'nb'))).toBe('−0,53');
    expect(signed(ratio(-1, 1000), (x) => decimal2(x, 'nb'))).toBe('±0,00');
  });
});

describe('moments stay exact', () => {
  test('factor scores as fractions: ten scores whose float sum misses the tie', () => {
    // Scores 11/4, 2, 8/3, 9/4, 3, 11/4, 9/2, 13/4, 3, 7/3 sum to 57/2, mean 57/20 = 2.85 (a tie -> 2,9).
    // Summed as doubles they give 28.499999999999996 / 10 = 2.8499999999999996 -> 2,8: the bug.
    const scores: [number, number][] = [[11, 4], [2, 1], [8, 3], [9, 4], [3, 1], [11, 4], [9, 2], [13, 4], [3, 1], [7, 3]];
    const floatMean = scores.reduce((s, [a, b]) => s + a / b, 0) / scores.length;
    expect(floatMean).toBeLessThan(2.85);
    const m = emptyMoments();
    for (const [a, b] of scores) addFraction(m, a, b);
    expect(meanRatio(m)).toEqual(ratio(57, 20));
    expect(decimal(meanRatio(m) as Num, 'nb')).toBe('2,9');
    // Sample variance with Python: statistics.variance([Fraction(11, 4), Fraction(2), ...]) = Fraction(1559, 3240).
    expect(varianceRatio(m)).toEqual(ratio(1559, 3240));
  });

  test('everyone alike gives a variance of exactly 0', () => {
    const m = emptyMoments();
    for (let i = 0; i < 1000; i++) addValue(m, 0.1);
    expect(varianceRatio(m)).toEqual(ratio(0));
    expect(meanRatio(m)).toEqual(ratio(1, 10));
  });

  test('decimal answers are exact: 62.5 and 33.33', () => {
    const m = emptyMoments();
    addValue(m, 62.5);
    addValue(m, 33.33);
    // (62.5 + 33.33) / 2 = 95.83 / 2 = 9583/200
    expect(meanRatio(m)).toEqual(ratio(9583, 200));
  });
});

// ratio, meanRatio and varianceRatio work in doubles while every value is a safe integer, and in
// BigInts otherwise: both must give what exact integer arithmetic gives, the same fields and signs
// (no negative zero), and the same RangeError where the reduced fraction is too large.
describe('doubles where they are exact, BigInts elsewhere: the same fractions', () => {
  const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
  // The reference: every step in BigInts.
  const reference = (num: bigint, den: bigint): { num: number; den: number } | 'too large' => {
    let [n, d] = den < 0n ? [-num, -den] : [num, den];
    const g = gcd(n, d);
    [n, d] = [n / g, d / g];
    return n > SAFE || -n > SAFE || d > SAFE ? 'too large' : { num: Number(n), den: Number(d) };
  };
  const outcome = (compute: () => unknown): unknown => {
    try {
      return compute();
    } catch (err) {
      if (err instanceof RangeError) return 'too large';
      throw err;
    }
  };
  const rand = seededRandom(13);
  const int = (magnitude: number): number => Math.round((rand() * 2 - 1) * magnitude);
  const magnitudes = [0, 1, 7, 1000, 1e6, 2 ** 31, 2 ** 40, 2 ** 52, Number.MAX_SAFE_INTEGER];

  test('ratio of safe integers, negative, zero and near 2^53 included', () => {
    const cases: [number, number][] = [[0, -5], [-0, 3], [6, -8], [-6, -8], [Number.MAX_SAFE_INTEGER, -1], [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], [2 ** 52, 2 ** 51], [1, Number.MAX_SAFE_INTEGER]];
    for (let i = 0; i < 4000; i++) cases.push([int(magnitudes[i % magnitudes.length] as number), int(magnitudes[(i * 7 + 3) % magnitudes.length] as number) || 1]);
    for (const [num, den] of cases) {
      const got = ratio(num, den);
      expect(got, `${num}/${den}`).toStrictEqual(reference(BigInt(num), BigInt(den)));
      expect(Object.is(got.num, -0), `${num}/${den}`).toBe(false);
      // The same as given as BigInts, which always take the BigInt path.
      expect(ratio(BigInt(num), BigInt(den))).toStrictEqual(got);
    }
    expect(() => ratio(5, 0)).toThrow(RangeError);
    expect(() => ratio(2 ** 53, 2)).toThrow(RangeError);
    expect(() => ratio(1.5, 2)).toThrow(RangeError);
  });

  test('meanRatio, varianceRatio and sampleSd, small groups to products far past 2^53', () => {
    for (let i = 0; i < 3000; i++) {
      const n = 1 + Math.floor(rand() * [5, 300, 200_000, 1e9, 1e11][i % 5]!);
      const den = [1, 1, 10, 100, 1000, 2 ** 20][i % 6]!;
      const top = [5, 100, 1e6, 1e9][(i >> 2) % 4]! * den;
      // Moments hold safe integers (stats.ts checkSafe); their products need not be.
      const clamp = (x: number): number => Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, x));
      const sum = clamp(int(n * top));
      const sumSq = clamp(Math.round(rand() * n * top * top));
      const m = { n, sum, sumSq, den };
      const N = BigInt(n);
      const S = BigInt(sum);
      expect(outcome(() => meanRatio(m)), JSON.stringify(m)).toStrictEqual(reference(S, N * BigInt(den)));
      const variance = n < 2 ? undefined : reference(N * BigInt(sumSq) - S * S, N * (N - 1n) * BigInt(den) * BigInt(den));
      expect(outcome(() => varianceRatio(m)), JSON.stringify(m)).toStrictEqual(variance);
      // The SD's numerator the same way (a double once divided, as before).
      if (n >= 2) expect(sampleSd(m), JSON.stringify(m)).toBe(Math.sqrt(Number(N * BigInt(sumSq) - S * S) / (n * (n - 1) * den * den)));
    }
  });
});
