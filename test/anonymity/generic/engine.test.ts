// The generic attacker's engine on hand-built releases with known answers: it must find each known
// leak (so a broken engine cannot pass the generic test silently) and nothing where none exists.
import { describe, expect, test } from 'vitest';
import type { Answers } from '../../../src/survey/model.js';
import { isolations, rat, ratToNumber, type Equation, type Term } from './algebra.js';
import { derivableCombinations } from './knowledge.js';
import { equationsOf, type ReleaseFigures } from './figures.js';
import { compositeWindows, type ShownMoments } from './shown-means.js';
import { Model, termsOf, type Figure, type Measure, type Person, type Stat } from './model.js';
import { consistentVectors } from './rounding.js';
import { tinySurvey } from './tiny-survey.js';

const model = new Model(tinySurvey());
const full = (v: number): Answers => ({ p1: v, p2: v, p3: ((v + 1) % 5) + 1, nd: { now: v, desired: 5 }, v1: 'kort', trivsel: 7 });
const people = (answers: Answers[]): Person[] => answers.map((a, index) => ({ index, unitId: 'u', answers: a }));
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** The figures a release shows for one group: the given statistics of the given measures over `set`. */
function shown(release: number, group: string, set: number[], measures: [Measure, Stat[]][]): Figure[] {
  return measures.flatMap(([measure, stats]) => stats.map((stat) => ({ release, group, set, measure, stat, value: 0 })));
}
const VALUE: Stat[] = ['n', 'sum', 'sumSq', 'fav'];
const item = (id: string): Measure => ({ type: 'item', item: id });
const factor: Measure = { type: 'derived', name: 'samspill', items: ['p1', 'p2', 'p3'] };

const isolated = (ps: Person[], figures: Figure[], k: number): number[][] => isolations(equationsOf(model, ps, figures), k).map((i) => i.respondents);

describe('set differences', () => {
  const ps = people(range(0, 10).map((i) => full((i % 5) + 1)));

  test('parent minus a shown child isolates the two people left over', () => {
    const figures = [...shown(1, 'P', range(0, 7), [[item('p1'), VALUE]]), ...shown(1, 'X', range(0, 5), [[item('p1'), VALUE]])];
    expect(isolated(ps, figures, 5)).toEqual([[5, 6]]);
  });

  test('a remainder of k or more is safe', () => {
    const figures = [...shown(1, 'P', range(0, 10), [[item('p1'), VALUE]]), ...shown(1, 'X', range(0, 5), [[item('p1'), VALUE]])];
    expect(isolated(ps, figures, 5)).toEqual([]);
  });

  test('two people told apart by another group are still isolated together', () => {
    // P = X + {7, 8}; Y = Z + {7} separates 7 from 8, but only their sum is derivable.
    const figures = [
      ...shown(1, 'P', [...range(0, 5), 7, 8], [[item('p1'), ['sum']]]),
      ...shown(1, 'X', range(0, 5), [[item('p1'), ['sum']]]),
      ...shown(1, 'Y', [5, 6, 9, 0, 1, 7], [[item('p1'), ['sum']]]),
    ];
    expect(isolated(ps, figures, 5)).toEqual([[7, 8]]);
  });

  test('a reopen that adds one answer: the two releases of the same distribution isolate the late respondent', () => {
    const figures = [...shown(1, 'A', range(0, 6), [[item('v1'), ['answered', 'count:kort', 'count:middels', 'count:lenge']]]), ...shown(2, 'A', range(0, 7), [[item('v1'), ['answered', 'count:kort', 'count:middels', 'count:lenge']]])];
    const found = isolations(equationsOf(model, ps, figures), 5);
    expect(found.map((i) => i.respondents)).toEqual([[6]]);
    expect(found[0]?.combination.join(' ')).toContain('R2 item v1');
  });
});

describe('means shown without their n', () => {
  const ps = people(range(0, 10).map((i) => full((i % 5) + 1)));
  // The attacker holds sum - mean x n = 0 over the child: a homogeneous equation, no n needed.
  const meanOnly = (group: string, set: number[]): Figure => {
    const values = set.map((r) => (ps[r] as Person).answers.p1 as number);
    return { release: 1, group, set, measure: item('p1'), stat: 'sum', value: 0, dev: { n: 'n', c: rat(values.reduce((a, b) => a + b, 0), values.length) } };
  };

  test("the parent's exact n and sum minus the child's mean isolate the two people left over", () => {
    const figures = [...shown(1, 'P', range(0, 7), [[item('p1'), ['n', 'sum']]]), meanOnly('X', range(0, 5))];
    expect(isolated(ps, figures, 5)).toEqual([[5, 6]]);
  });

  test('two means without n (3 and 18/7) isolate nobody', () => {
    expect(isolated(ps, [meanOnly('P', range(0, 7)), meanOnly('X', range(0, 5))], 5)).toEqual([]);
  });
});

describe('composite windows', () => {
  test("a factor mean beside two exact item means, finer by the comparison's change, narrows the third item's mean", () => {
    const p1: ShownMoments = { label: 'R1 p1 @U', points: [1, 2, 3, 4, 5], min: 1, max: 5, moments: false, nFrom: 5, nTo: 8, mean: 3, set: [], measure: item('p1'), counts: [] };
    const rf: ReleaseFigures = {
      figures: [],
      moments: [p1],
      displays: [],
      comments: [],
      problems: [],
      composites: [{ group: 'U', key: 'factor:samspill', mean: 3, items: [{ id: 'p1', window: [2.95, 3.05] }, { id: 'p2', exact: 3, window: [3, 3] }, { id: 'p3', exact: 3, window: [3, 3] }] }],
    };
    compositeWindows(rf, new Map([['U|factor:samspill', [2.995, 3.005]]]));
    // 3 x [2,995; 3,005] - 3 - 3 = [2,985; 3,015], finer than p1's own 3,0 (the page's factor mean alone gives [2,85; 3,15]).
    expect(p1.window?.map((x) => Math.round(x * 1000) / 1000)).toEqual([2.985, 3.015]);
    // Still many vectors: sums 15, 18, 21 and 24 for n = 5..8.
    expect(consistentVectors(p1)).toBe(2);
    compositeWindows(rf);
    expect(p1.window?.map((x) => Math.round(x * 1000) / 1000)).toEqual([2.985, 3.015]);
  });
});

describe('what the system determines about a group\'s counts', () => {
  const ps = people(range(0, 7).map((i) => full((i % 5) + 1)));
  const meanOnly = (group: string, set: number[]): Figure => {
    const values = set.map((r) => (ps[r] as Person).answers.p1 as number);
    return { release: 1, group, set, measure: item('p1'), stat: 'sum', value: 0, dev: { n: 'n', c: rat(values.reduce((a, b) => a + b, 0), values.length) } };
  };
  const countsOf = (set: number[]): Term[][] => [1, 2, 3, 4, 5].map((v) => set.flatMap((r) => termsOf(model.functional(item('p1'), `count:${v}`, ps[r] as Person), r)));
  const parent = shown(1, 'P', range(0, 7), [[item('p1'), ['n', 'sum']]]);

  test("a parent's exact n and sum beside both children's means give each child's n (and so its sum)", () => {
    const eqs = equationsOf(model, ps, [...parent, meanOnly('X', range(0, 5)), meanOnly('Y', [5, 6])]);
    const [x] = derivableCombinations(eqs, [countsOf(range(0, 5))]);
    // n (1,1,1,1,1) and sum - 3n (-2,-1,0,1,2): two independent combinations.
    expect(x).toHaveLength(2);
  });

  test("without the other child's mean only the child's own sum - mean x n = 0 is known", () => {
    const eqs = equationsOf(model, ps, [...parent, meanOnly('X', range(0, 5))]);
    const [x] = derivableCombinations(eqs, [countsOf(range(0, 5))]);
    expect(x?.map((a) => a.map(Number))).toEqual([[-2, -1, 0, 1, 2]]);
  });
});

describe("a composite's sum of squared filled-in scores", () => {
  // Item means 3, 3, 3 over 0..5, and respondent 2 answered p1 only (so the filled-in means matter).
  const base: Answers[] = [
    { p1: 1, p2: 2, p3: 3 },
    { p1: 5, p2: 4, p3: 3 },
    { p1: 3, p2: 'dk' },
    { p1: 3, p2: 3, p3: 3 },
    { p1: 2, p2: 3, p3: 3 },
    { p1: 4, p2: 3, p3: 3 },
  ];
  const composite = (ps: Person[], group: string, set: number[]): Figure => {
    const means = factor.items.map((id) => {
      const xs = set.map((r) => (ps[r] as Person).answers[id]).filter((x): x is number => typeof x === 'number');
      return rat(xs.reduce((a, b) => a + b, 0), xs.length);
    });
    const value = set.reduce((s, r) => s + model.contribution(factor, 'sumSq', ps[r] as Person, { itemMeans: means }), 0);
    return { release: 1, group, set, measure: factor, stat: 'sumSq', value, itemMeans: means };
  };

  test('nested groups with the same item means leave only the extra respondent', () => {
    const ps = people([...base, { p1: 3, p2: 3, p3: 3 }]);
    expect(isolated(ps, [composite(ps, 'U', range(0, 6)), composite(ps, 'W', range(0, 7))], 5)).toEqual([[6]]);
  });

  test('with different item means the filled-in scores do not cancel', () => {
    const ps = people([...base, { p1: 5, p2: 5, p3: 5 }]);
    expect(isolated(ps, [composite(ps, 'U', range(0, 6)), composite(ps, 'W', range(0, 7))], 5)).toEqual([]);
  });

  test('beside exact item figures and the count, one group isolates nobody', () => {
    const ps = people(base);
    const figures = [...shown(1, 'U', range(0, 6), [[item('p1'), VALUE], [item('p2'), VALUE], [item('p3'), VALUE], [factor, ['n']]]), composite(ps, 'U', range(0, 6))];
    expect(isolated(ps, figures, 5)).toEqual([]);
  });
});

describe('the witness', () => {
  test('weights the shown figures so that everyone outside the isolated set cancels', () => {
    const ps = people(range(0, 7).map((i) => full((i % 5) + 1)));
    const figures = [...shown(1, 'P', range(0, 7), [[item('trivsel'), ['sum']]]), ...shown(1, 'X', range(0, 5), [[item('trivsel'), ['sum']]])];
    const eqs: Equation[] = equationsOf(model, ps, figures);
    const [found] = isolations(eqs, 5);
    expect(found?.weights.map((w) => [w.equation, ratToNumber(w.weight)]).sort()).toEqual([
      [0, 1],
      [1, -1],
    ]);
  });
});

describe('rounded moments', () => {
  // The shown figures of a 5-point scale (favourable 4 and 5), n exact unless a range is given.
  const display = (m: { n?: number; nFrom?: number; nTo?: number; mean: number; meanBound?: 'above' | 'below'; sd?: number; share?: number; upper?: readonly number[] }): ShownMoments => {
    const { n, nFrom = n ?? 0, nTo = n ?? 0, ...rest } = m;
    return { label: 'x', points: [1, 2, 3, 4, 5], favourable: [4, 5], min: 1, max: 5, moments: m.sd !== undefined, nFrom, nTo, set: [], measure: item('p1'), counts: [], ...rest };
  };
  test.each([
    ['SD 0,0 at n = 5: everyone answered the same', { n: 5, mean: 4, sd: 0, share: 100 }, 1],
    ['n = 5, mean 4,6, SD 0,5: three 5s and two 4s', { n: 5, mean: 4.6, sd: 0.5, share: 100 }, 1],
    ['n = 8, mean 3,5, SD 1,2, 50 %: one vector (2, 2, 2, 2 on points 2-5)', { n: 8, mean: 3.5, sd: 1.2, share: 50 }, 1],
    ['n = 8, mean 3,1, SD 1,6, 38 %: three vectors agree', { n: 8, mean: 3.1, sd: 1.6, share: 38 }, 2],
    ['n = 8, mean 3,1 alone: many vectors agree', { n: 8, mean: 3.1 }, 2],
    ['n = 5, mean 4,6 alone: the product would have shown "over 4,5"', { n: 5, mean: 4.6 }, 0],
    ['n = 5, "over 4,5": 5 5 5 5 4 and 5 5 5 5 5 (and 5 5 5 4 4 is 4,6)', { n: 5, mean: 4.5, meanBound: 'above' as const }, 2],
    ['n = 3, "under 1,5": 1 1 1 and 1 1 2 (1,33)', { n: 3, mean: 1.5, meanBound: 'below' as const }, 2],
    ['n unknown (5..8), mean 4,6, SD 0,5, 100 %: 4 4 5 5 5 at n 5 and others at n 7, 8', { nFrom: 5, nTo: 8, mean: 4.6, sd: 0.5, share: 100 }, 2],
    ['n unknown but only 5 possible: the same as n = 5', { nFrom: 5, nTo: 5, mean: 4.6, sd: 0.5, share: 100 }, 1],
    ['n = 3, mean 3,3 alone: 5 4 1, 5 3 2, 4 4 2, 4 3 3 ...', { n: 3, mean: 3.3 }, 2],
    ["n = 3, mean 3,3 in a parent showing three 1s, a 4 and two 5s: only 5 4 1", { n: 3, mean: 3.3, upper: [3, 0, 0, 1, 2] }, 1],
  ] as const)('%s', (_label, m, expected) => {
    expect(consistentVectors(display(m))).toBe(expected);
  });
});
