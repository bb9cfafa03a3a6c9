// The attacker's own tools, checked on known cases, so a broken attacker cannot make the
// construction tests pass silently.
import { describe, expect, test } from 'vitest';
import { combinationVectors, countVectors, derivableSmallSets, integerSums, interval, rank, sampleSd, type MomentFigures, type Shown } from './attacker.js';
import { parseCsv, shown } from './helpers.js';

const LIKERT = [1, 2, 3, 4, 5];
const FAVOURABLE = [4, 5];
// Displayed as the product does (one decimal for means and SDs, whole percent for shares).
const oneDecimal = (x: number): Shown => ({ value: Math.round(x * 10) / 10, decimals: 1 });
const whole = (x: number): Shown => ({ value: Math.round(x), decimals: 0 });

/** figuresOf computes what would be shown for a count vector over the 1-5 scale. */
function figuresOf(counts: number[]): MomentFigures {
  const n = counts.reduce((a, b) => a + b, 0);
  const sum = counts.reduce((s, c, i) => s + c * (i + 1), 0);
  const sumSq = counts.reduce((s, c, i) => s + c * (i + 1) ** 2, 0);
  const fav = (counts[3] ?? 0) + (counts[4] ?? 0);
  return { n, mean: oneDecimal(sum / n), sd: oneDecimal(sampleSd(n, sum, sumSq)), favourablePercent: whole((100 * fav) / n) };
}

function allVectors(n: number, parts: number): number[][] {
  if (parts === 1) return [[n]];
  const out: number[][] = [];
  for (let c = n; c >= 0; c--) for (const rest of allVectors(n - c, parts - 1)) out.push([c, ...rest]);
  return out;
}

describe('count-vector enumeration', () => {
  test('five people all answering 5 (mean 5,0, SD 0,0) leave exactly one vector', () => {
    expect(countVectors(LIKERT, FAVOURABLE, { n: 5, mean: { value: 5, decimals: 1 }, sd: { value: 0, decimals: 1 } })).toEqual([[0, 0, 0, 0, 5]]);
  });

  test('SD 0,0 alone pins five people answering 3 alike; the mean alone does not', () => {
    expect(countVectors(LIKERT, FAVOURABLE, { n: 5, mean: { value: 3, decimals: 1 }, sd: { value: 0, decimals: 1 } })).toEqual([[0, 0, 5, 0, 0]]);
    expect(countVectors(LIKERT, FAVOURABLE, { n: 5, mean: { value: 3, decimals: 1 } }).length).toBeGreaterThan(10);
  });

  test('with no figures every vector remains: C(n+4, 4) for a 1-5 scale', () => {
    expect(countVectors(LIKERT, FAVOURABLE, { n: 6 })).toHaveLength(210);
  });

  test.each([5, 6, 9])('for n=%i the true vector always survives its own rounded figures', (n) => {
    for (const v of allVectors(n, 5)) expect(countVectors(LIKERT, FAVOURABLE, figuresOf(v))).toContainEqual(v);
  });

  test('most n=6 vectors are pinned by mean, SD and share favourable (why construction 5 is an attack)', () => {
    const pinned = allVectors(6, 5).filter((v) => countVectors(LIKERT, FAVOURABLE, figuresOf(v)).length === 1);
    expect(pinned.length).toBeGreaterThan(150);
  });
});

describe('sums from rounded means', () => {
  test.each([
    [6, '3,5', [21]],
    [5, '3,2', [16]],
    [10, '3,3', [33]],
    [20, '3,3', [65, 66, 67]],
  ])('n=%i, mean %s -> sums %j', (n, mean, sums) => {
    expect(integerSums(n, shown(mean) as Shown)).toEqual(sums);
  });

  test('a displayed figure is the interval of values rounding to it', () => {
    const [lo, hi] = interval({ value: 3.4, decimals: 1 });
    expect(lo).toBeCloseTo(3.35, 6);
    expect(hi).toBeCloseTo(3.45, 6);
  });
});

describe('combinations of groups', () => {
  test('a group of 7 minus the same group without its 2 newcomers pins their answers', () => {
    const seven = [0, 1, 2, 1, 3];
    const five = [0, 1, 1, 1, 2];
    const diff = combinationVectors(LIKERT, FAVOURABLE, [
      { coef: 1, fig: figuresOf(seven) },
      { coef: -1, fig: figuresOf(five) },
    ]);
    expect(diff).toContainEqual([0, 0, 1, 0, 1]);
    expect(diff).toHaveLength(1);
  });

  test('no mean, no derivation', () => {
    expect(combinationVectors(LIKERT, FAVOURABLE, [{ coef: 1, fig: { n: 7 } }, { coef: -1, fig: figuresOf([0, 1, 1, 1, 2]) }])).toBeUndefined();
  });
});

describe('linear search for small sets', () => {
  test('exact rank over integers', () => {
    expect(rank([[1, 1, 0], [0, 1, 1], [1, 2, 1]])).toBe(2);
    expect(rank([[2, 0], [0, 3]])).toBe(2);
  });

  test('a unit shown before and after a move isolates the moved people', () => {
    const [x, s, z] = [[1, 2, 3, 4, 5], [6, 7], [8, 9, 10, 11, 12, 13]];
    const before = [[...x, ...s], z, [...x, ...s, ...z]];
    const after = [x, [...s, ...z]];
    expect(derivableSmallSets([...before, ...after], 5)).toEqual([[6, 7]]);
  });

  test('a safe nested release isolates nobody', () => {
    const a = [1, 2, 3, 4, 5];
    const b = [6, 7, 8, 9, 10, 11];
    expect(derivableSmallSets([a, b, [...a, ...b]], 5)).toEqual([]);
  });
});

describe('reading the product', () => {
  test('CSV with BOM, semicolons, quotes and Norwegian decimals', () => {
    const rows = parseCsv('\uFEFF"del";"id";"snitt"\r\n"Påstand";"a";"3,4"\r\n"Valg";"b;c";"sa ""hei"""\r\n');
    expect(rows).toEqual([
      { del: 'Påstand', id: 'a', snitt: '3,4' },
      { del: 'Valg', id: 'b;c', snitt: 'sa "hei"' },
    ]);
    expect(shown('3,4')).toEqual({ value: 3.4, decimals: 1 });
    expect(shown('67')).toEqual({ value: 67, decimals: 0 });
    expect(shown('færre enn 5 svar')).toBeUndefined();
  });
});
