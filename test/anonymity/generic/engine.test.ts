// The generic attacker's engine on hand-built releases with known answers: it must find each known
// leak (so a broken engine cannot pass the generic test silently) and nothing where none exists.
import { describe, expect, test } from 'vitest';
import type { Answers } from '../../../src/survey/model.js';
import { isolations, type Equation } from './algebra.js';
import { equationsOf } from './figures.js';
import { Model, type Figure, type Measure, type Person, type Stat } from './model.js';
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

describe('measures of one group', () => {
  test('desired minus now minus gap gives the desired answer of the one who said "vet ikke" to now', () => {
    const answers = range(0, 6).map((i) => full((i % 5) + 1));
    answers[3] = { ...answers[3], nd: { now: 'dk', desired: 2 } };
    const nd = (type: 'now' | 'desired' | 'gap'): Measure => ({ type, item: 'nd' });
    const figures = shown(1, 'U', range(0, 6), [
      [nd('now'), ['n', 'sum', 'sumSq']],
      [nd('desired'), ['n', 'sum', 'sumSq']],
      [nd('gap'), ['n', 'sum', 'sumSq']],
    ]);
    expect(isolated(people(answers), figures, 3)).toEqual([[3]]);
  });

  test('a factor score over everyone against item means isolates the one who answered only one statement', () => {
    const answers = range(0, 6).map((i) => full((i % 5) + 1));
    answers[2] = { p1: 4, p2: 'dk' };
    const figures = shown(1, 'U', range(0, 6), [[item('p1'), VALUE], [item('p2'), VALUE], [item('p3'), VALUE], [factor, ['n', 'sum', 'sumSq']]]);
    expect(isolated(people(answers), figures, 5)).toEqual([[2]]);
  });

  test('the same figures with everyone answering everything isolate nobody', () => {
    const figures = shown(1, 'U', range(0, 6), [[item('p1'), VALUE], [item('p2'), VALUE], [item('p3'), VALUE], [factor, ['n', 'sum', 'sumSq']]]);
    expect(isolated(people(range(0, 6).map((i) => full((i % 5) + 1))), figures, 5)).toEqual([]);
  });
});

describe('the witness', () => {
  test('weights the shown figures so that everyone outside the isolated set cancels', () => {
    const ps = people(range(0, 7).map((i) => full((i % 5) + 1)));
    const figures = [...shown(1, 'P', range(0, 7), [[item('trivsel'), ['sum']]]), ...shown(1, 'X', range(0, 5), [[item('trivsel'), ['sum']]])];
    const eqs: Equation[] = equationsOf(model, ps, figures);
    const [found] = isolations(eqs, 5);
    expect(found?.weights.map((w) => [w.equation, w.weight.n / w.weight.d]).sort()).toEqual([
      [0, 1],
      [1, -1],
    ]);
  });
});

describe('rounded moments', () => {
  test.each([
    ['SD 0,0 at n = 5: everyone answered the same', { n: 5, mean: 4, sd: 0, share: 100 }, 1],
    ['n = 5, mean 4,6, SD 0,5: three 5s and two 4s', { n: 5, mean: 4.6, sd: 0.5, share: 100 }, 1],
    ['n = 8, mean 3,5, SD 1,2, 50 %: one vector (2, 2, 2, 2 on points 2-5)', { n: 8, mean: 3.5, sd: 1.2, share: 50 }, 1],
    ['n = 8, mean 3,1, SD 1,6, 38 %: three vectors agree', { n: 8, mean: 3.1, sd: 1.6, share: 38 }, 2],
    ['n = 8, mean 3,1 alone: many vectors agree', { n: 8, mean: 3.1 }, 2],
  ] as const)('%s', (_label, m, expected) => {
    expect(consistentVectors({ label: 'x', points: [1, 2, 3, 4, 5], favourable: [4, 5], ...m })).toBe(expected);
  });
});
