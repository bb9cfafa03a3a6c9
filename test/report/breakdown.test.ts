import { describe, expect, test } from 'vitest';
import { breakdown, BREAKDOWNS, smallestIsolatable, type Atoms } from '../../src/report/breakdown.js';
import { disclose, type Thresholds } from '../../src/report/disclosure.js';
import type { ShownGroup } from '../../src/report/released.js';
import { tallyRows, tallyRowsByCategory, type Respondent } from '../../src/report/scan.js';
import { rollUp } from '../../src/report/tally.js';
import { positionAnswersFrom } from '../../src/report/position.js';
import { answerRows } from '../../src/store/responses.js';
import type { WaveAnswerRow } from '../../src/store/results.js';
import { loadSurveyDir } from '../../src/survey/load.js';
import type { Answers, Survey } from '../../src/survey/model.js';
import { surveysDir } from '../helpers/app.js';

describe('smallest isolatable set of a unit release crossed with a breakdown', () => {
  // Rows are the unit release's cells: counts per shown category, then those in no shown category.
  test.each<{ name: string; atoms: Atoms; smallest: number }>([
    { name: 'nothing released', atoms: { categories: 0, cells: [], outside: [] }, smallest: Infinity },
    { name: 'only the organisation, no breakdown', atoms: { categories: 0, cells: [[7]], outside: [] }, smallest: 7 },
    { name: 'only the organisation: the categories themselves', atoms: { categories: 2, cells: [[3, 4, 0]], outside: [0, 0] }, smallest: 3 },
    { name: 'only the organisation: the unclassified are org minus both categories', atoms: { categories: 2, cells: [[6, 7, 2]], outside: [0, 0] }, smallest: 2 },
    { name: 'every unit meets every category: only whole rows and columns', atoms: { categories: 2, cells: [[5, 5, 0], [5, 5, 0]], outside: [0, 0] }, smallest: 10 },
    { name: 'all part-timers in one unit: its full-timers are org - other unit - part-time', atoms: { categories: 2, cells: [[6, 4, 0], [10, 0, 0]], outside: [0, 0] }, smallest: 4 },
    { name: 'the unclassified in one unit: its classified are the categories minus the other unit', atoms: { categories: 2, cells: [[2, 0, 6], [6, 5, 0]], outside: [0, 0] }, smallest: 2 },
    { name: 'people outside every shown unit: a category minus the unit’s part of it', atoms: { categories: 2, cells: [[5, 5, 0]], outside: [3, 0] }, smallest: 3 },
    { name: 'a unit meeting no shown category is just its own cell', atoms: { categories: 1, cells: [[9, 0], [0, 6]], outside: [0] }, smallest: 6 },
  ])('$name', ({ atoms, smallest }) => {
    expect(smallestIsolatable(atoms)).toBe(smallest);
  });

  /** Brute force: every union of atoms whose indicator is a combination of cell and category indicators. */
  function bruteForce(atoms: Atoms): number {
    const list: { cell: number; cat: number; w: number }[] = [];
    atoms.cells.forEach((row, i) => row.forEach((w, j) => w > 0 && list.push({ cell: i, cat: j < atoms.categories ? j : -1, w })));
    atoms.outside.forEach((w, j) => w > 0 && list.push({ cell: -1, cat: j, w }));
    const generators: number[][] = [
      ...atoms.cells.map((_, i) => list.map((a) => (a.cell === i ? 1 : 0))),
      ...Array.from({ length: atoms.categories }, (_, j) => list.map((a) => (a.cat === j ? 1 : 0))),
    ];
    // Row-reduce the generators, then test each subset for membership.
    const basis: { pivot: number; v: number[] }[] = [];
    const reduce = (v: number[]) => {
      const r = [...v];
      for (const { pivot, v: b } of basis) {
        const f = r[pivot] as number;
        if (f !== 0) for (let i = 0; i < r.length; i++) r[i] = (r[i] as number) - f * (b[i] as number);
      }
      return r;
    };
    for (const g of generators) {
      const r = reduce(g);
      const pivot = r.findIndex((x) => Math.abs(x) > 1e-9);
      if (pivot >= 0) basis.push({ pivot, v: r.map((x) => x / (r[pivot] as number)) });
    }
    let best = Infinity;
    for (let mask = 1; mask < 1 << list.length; mask++) {
      const v = list.map((_, i) => ((mask >> i) & 1 ? 1 : 0));
      if (reduce(v).every((x) => Math.abs(x) < 1e-9)) best = Math.min(best, list.reduce((s, a, i) => s + ((mask >> i) & 1 ? a.w : 0), 0));
    }
    return best;
  }

  test('agrees with brute force on 400 random small cases', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const w = () => (rand() < 0.4 ? 0 : 1 + Math.floor(rand() * 6));
    for (let t = 0; t < 400; t++) {
      const categories = 1 + Math.floor(rand() * 3);
      const cells = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => Array.from({ length: categories + 1 }, w));
      const outside = Array.from({ length: categories }, () => (rand() < 0.7 ? 0 : w()));
      const atoms = { categories, cells, outside };
      expect(smallestIsolatable(atoms), JSON.stringify(atoms)).toBe(bruteForce(atoms));
    }
  });
});

const survey = loadSurveyDir(surveysDir).get('kartlegging') as Survey;
const T: Thresholds = { k: 5, kDistribution: 5, kText: 5, freeText: true };
const units = [
  { id: 'org', parentId: null },
  { id: 'a', parentId: 'org' },
  { id: 'b', parentId: 'org' },
];

/** Runs a full-time breakdown over people given as [unit, answers]. */
function run(people: [string, Answers][], rootId = 'org', thresholds = T) {
  // As the store streams it: a response without answers is one row without an item.
  const rows = people.flatMap(([unitId, answers], i): WaveAnswerRow[] => {
    const own = answerRows(survey, answers).map((r) => ({ responseId: i + 1, unitId, ...r }));
    return own.length > 0 ? own : [{ responseId: i + 1, unitId, itemId: null, part: null, num: null, txt: null }];
  });
  const rolled = rollUp(units, tallyRows(survey, rows));
  const disclosure = disclose(units, rolled, thresholds);
  return breakdown(survey, units, tallyRowsByCategory(survey, rows, BREAKDOWNS.fullTime.classify), disclosure, rootId, BREAKDOWNS.fullTime);
}
const many = (n: number, unit: string, answers: (i: number) => Answers): [string, Answers][] => Array.from({ length: n }, (_, i) => [unit, answers(i)]);
const cell = (r: ReturnType<typeof run>, id: string) => {
  if (r.refused) throw new Error(`refused: ${r.reason}`);
  return r.cells.find((c) => c.id === id)?.group as ShownGroup;
};

describe('breakdown by full-time and part-time', () => {
  const balanced = [
    ...many(6, 'a', (i) => ({ stilling_naa: 100, hefa_beg_rolle: 4, kommentar: 'x', raus_glad: i < 2 ? 'dk' : 5 })),
    ...many(6, 'a', () => ({ stilling_naa: 50, hefa_beg_rolle: 2, kommentar: 'y', raus_glad: 3 })),
    ...many(6, 'b', () => ({ stilling_naa: 100, hefa_beg_rolle: 5, raus_glad: 5 })),
    ...many(6, 'b', () => ({ stilling_naa: 80, hefa_beg_rolle: 1, raus_glad: 3 })),
  ];

  test('allowed when every cell and every cross with the units passes: figures per category', () => {
    const r = run(balanced);
    expect(r.refused).toBe(false);
    const heltid = cell(r, 'heltid');
    expect(heltid.n).toBe(12);
    expect(heltid.items.find((i) => i.id === 'hefa_beg_rolle')?.value).toMatchObject({ released: true, n: 12, mean: 4.5 });
    expect(cell(r, 'deltid').position?.current).toMatchObject({ released: true, n: 12, mean: 65 });
    // Free text is never broken down.
    expect(heltid.texts[0]?.release).toEqual({ released: false, reason: 'disabled' });
    // Every unit meets both categories, so crossing with the units isolates nothing finer.
    expect(heltid.items.find((i) => i.id === 'raus_glad')?.value).toMatchObject({ released: true, n: 10 });
  });

  test('a measure whose answers make "full-time minus unit a" small is withheld in every category', () => {
    // hefa_beg_info: a's 6 full-timers, 3 of b's full-timers, all 6 of b's part-timers. The
    // full-time figure minus a's figure is b's 3 full-timers.
    let bFullTime = 0;
    const people = balanced.map(([u, a]): [string, Answers] => {
      const fullTime = a['stilling_naa'] === 100;
      const answers = u === 'a' ? fullTime : !fullTime || bFullTime++ < 3;
      return [u, answers ? { ...a, hefa_beg_info: 4 } : a];
    });
    const r = run(people);
    for (const c of ['heltid', 'deltid']) {
      expect(cell(r, c).items.find((i) => i.id === 'hefa_beg_info')?.value).toEqual({ released: false, reason: 'complementary' });
      expect(cell(r, c).items.find((i) => i.id === 'hefa_beg_rolle')?.value).toMatchObject({ released: true });
    }
  });

  test.each<{ name: string; people: [string, Answers][]; rootId?: string; expected: object }>([
    { name: 'not the whole organisation', people: [], rootId: 'a', expected: { refused: true, reason: 'not_whole_organisation' } },
    { name: 'an organisation too small to show', people: many(4, 'a', () => ({ stilling_naa: 100 })), expected: { refused: true, reason: 'organisation_hidden' } },
    {
      name: 'a category under k',
      people: [...many(9, 'a', () => ({ stilling_naa: 100 })), ...many(4, 'b', () => ({ stilling_naa: 50 }))],
      expected: { refused: true, reason: 'category_below_k', category: 'deltid' },
    },
    {
      name: 'unclassified between 1 and k-1 (org minus both categories)',
      people: [...many(6, 'a', () => ({ stilling_naa: 100 })), ...many(6, 'a', () => ({ stilling_naa: 60 })), ...many(2, 'a', () => ({}))],
      expected: { refused: true, reason: 'would_isolate' },
    },
  ])('refused: $name', ({ people, rootId, expected }) => {
    expect(run(people, rootId)).toEqual(expected);
  });

  test('a measure too thin in one category is withheld there only', () => {
    const people = balanced.map(([u, a]): [string, Answers] => [u, a['stilling_naa'] === 100 ? a : { ...a, hefa_trivsel_total: 7 }]);
    const r = run(people);
    expect(cell(r, 'deltid').items.find((i) => i.id === 'hefa_trivsel_total')?.value).toMatchObject({ released: true, n: 12, mean: 7 });
    expect(cell(r, 'heltid').items.find((i) => i.id === 'hefa_trivsel_total')?.value).toEqual({ released: false, reason: 'below_k', fewerThan: 5 });
    // Two full-timers in a answering too: a's figure - part-time + b's figure would be those two.
    let extra = 0;
    const two = people.map(([u, a]): [string, Answers] => [u, u === 'a' && a['stilling_naa'] === 100 && extra++ < 2 ? { ...a, hefa_trivsel_total: 9 } : a]);
    expect(cell(run(two), 'deltid').items.find((i) => i.id === 'hefa_trivsel_total')?.value).toEqual({ released: false, reason: 'complementary' });
  });

  test('the classifiers', () => {
    const r = (answers: Answers): Respondent => ({ unitId: 'u', position: positionAnswersFrom(answers), value: () => undefined });
    expect([100, 99, 0].map((c) => BREAKDOWNS.fullTime.classify(r({ stilling_naa: c })))).toEqual(['heltid', 'deltid', 'deltid']);
    expect(BREAKDOWNS.fullTime.classify(r({}))).toBeUndefined();
    expect([0, 49.5, 50, 74, 75, 99, 100].map((c) => BREAKDOWNS.positionBand.classify(r({ stilling_naa: c })))).toEqual([
      'under_50',
      'under_50',
      'fra_50_til_74',
      'fra_50_til_74',
      'fra_75_til_99',
      'fra_75_til_99',
      'hel',
    ]);
  });
});
