// Rules 2-4 of src/report/disclosure.ts at the report level: releases decided against earlier
// ones, composite measures that add nothing to their items, and moments that never pin a withheld
// distribution (exhaustively, for every scale and n below the distribution threshold).
import { describe, expect, test } from 'vitest';
import { disclose, type Disclosure, type MeasureRelease, type Thresholds } from '../../src/report/disclosure.js';
import { emptyGroupTally, type GroupTally } from '../../src/report/group.js';
import { measureKey } from '../../src/report/measures.js';
import { releaseGroup, releaseTables, type ShownGroup, type Stats } from '../../src/report/released.js';
import { tallyRows } from '../../src/report/scan.js';
import { emptyItemTally } from '../../src/report/stats.js';
import { rollUp } from '../../src/report/tally.js';
import type { WaveAnswerRow } from '../../src/store/results.js';
import { answerRows } from '../../src/store/responses.js';
import type { Answers, Survey } from '../../src/survey/model.js';
import { decimal } from '../../src/web/results/format.js';
import { onePageSurvey } from '../helpers/survey.js';

const survey: Survey = onePageSurvey('ar', 'Anonymity rules', [
  { id: 'a', type: 'likert', scale: 'enig5', factor: 'f', text: 'A' },
  { id: 'b', type: 'likert', scale: 'enig5', factor: 'f', text: 'B' },
  { id: 'sc', type: 'scale', min: 0, max: 10, minLabel: 'lav', maxLabel: 'høy', text: 'SC' },
]);

const T: Thresholds = { k: 5, kDistribution: 10, kText: 10, freeText: false };
const tree = [
  { id: 'p', parentId: null },
  { id: 'u', parentId: 'p' },
  { id: 'v', parentId: 'p' },
  { id: 'w', parentId: 'p' },
];
let nextId = 1;
function rolled(people: [string, Answers][]): Map<string, GroupTally> {
  const rows: WaveAnswerRow[] = people.flatMap(([unitId, answers]) => {
    const responseId = nextId++;
    return answerRows(survey, answers).map((r) => ({ responseId, unitId, ...r }));
  });
  return rollUp(tree, tallyRows(survey, rows));
}
const times = <X>(n: number, x: X): X[] => Array.from({ length: n }, () => x);
const person = (i: number): Answers => ({ a: (i % 5) + 1, b: ((i + 2) % 5) + 1, sc: i % 11 });
const state = (d: Disclosure, unit: string, key?: string) => {
  const g = d.units.get(unit);
  if (!key) return g?.released ? 'shown' : (g?.reason ?? '?');
  const m = g?.measures.get(key);
  return m?.value.released ? 'shown' : (m?.value.reason ?? '?');
};

describe('rule 2: releases', () => {
  // u 12, v 12, w 3: w is hidden, and its parent's cell would be w, so one of u, v hides as well.
  const first: [string, Answers][] = [...times(12, 0).map((_, i): [string, Answers] => ['u', person(i)]), ...times(12, 0).map((_, i): [string, Answers] => ['v', person(i + 1)]), ...times(3, 0).map((_, i): [string, Answers] => ['w', person(i)])];

  test('a raised threshold only hides: what the first release hid as a complement stays hidden', () => {
    const r1 = rolled(first);
    const d1 = disclose(tree, r1, T);
    expect(['u', 'v', 'w'].map((u) => state(d1, u))).toEqual(['complementary', 'shown', 'below_k']);
    // At k = 13 on its own, v (12) would be below k and u hidden too; at k = 3, w (3) would be shown
    // and nobody complementary. Decided against the first release, w and u stay hidden at any k.
    const lower: Thresholds = { ...T, k: 3, kDistribution: 10 };
    const alone = disclose(tree, r1, lower);
    expect(['u', 'v', 'w'].map((u) => state(alone, u))).toEqual(['shown', 'shown', 'shown']);
    const against = disclose(tree, r1, { ...T, k: 6 }, { rolled: r1, disclosure: d1 });
    expect(['u', 'v', 'w'].map((u) => state(against, u))).toEqual(['complementary', 'shown', 'below_k']);
  });

  test('after a reopen, a group with 1..k-1 new respondents is held back, with 0 it repeats, with enough it moves', () => {
    const r1 = rolled(first);
    const d1 = disclose(tree, r1, T);
    // One more in v: v and the organisation would each move by that one person.
    const one = rolled([...first, ['v', person(99)]]);
    const d2 = disclose(tree, one, T, { rolled: r1, disclosure: d1 });
    expect(['p', 'u', 'v', 'w'].map((u) => state(d2, u))).toEqual(['release', 'complementary', 'release', 'below_k']);
    // Ten more in v (the distribution threshold: their means come with sums of squares).
    const ten = rolled([...first, ...times(10, 0).map((_, i): [string, Answers] => ['v', person(50 + i)])]);
    const d3 = disclose(tree, ten, T, { rolled: r1, disclosure: d1 });
    expect(['p', 'u', 'v', 'w'].map((u) => state(d3, u))).toEqual(['shown', 'complementary', 'shown', 'below_k']);
    expect(state(d3, 'v', measureKey.item('a'))).toBe('shown');
    // Five more: the group count may move by k, its figures need the distribution threshold.
    const five = rolled([...first, ...times(5, 0).map((_, i): [string, Answers] => ['v', person(70 + i)])]);
    const d4 = disclose(tree, five, T, { rolled: r1, disclosure: d1 });
    expect(state(d4, 'v')).toBe('shown');
    expect(state(d4, 'v', measureKey.item('a'))).toBe('release');
    // No new answers: everything the first release showed is shown again.
    const d5 = disclose(tree, r1, T, { rolled: r1, disclosure: d1 });
    expect(d5.units).toEqual(d1.units);
  });
});

describe('rule 3: composite measures add nothing to their items', () => {
  test('a factor is the mean of its items’ means, withheld with any of them', () => {
    // 12 in u; 4 of them said "vet ikke" on b.
    const people: [string, Answers][] = times(12, 0).map((_, i) => ['u', { ...person(i), ...(i < 4 ? { b: 'dk' } : {}) }]);
    const r = rolled(people);
    const tables = releaseTables(survey, tree, r, disclose(tree, r, T));
    const u = tables.get('u') as ShownGroup;
    const a = u.items.find((i) => i.id === 'a')?.value as Stats;
    const b = u.items.find((i) => i.id === 'b')?.value as Stats;
    const f = u.factors[0]?.value as Stats;
    expect(f.mean).toBeCloseTo(((a.mean as number) + (b.mean as number)) / 2, 12);
    // b has 8 valid answers: below the distribution threshold, so no exact n, and "vet ikke" stays unsaid.
    expect(b).toMatchObject({ nUpTo: 12 });
    expect(b).not.toHaveProperty('n');
    // With b withheld (fewer than k valid), the factor would give it away: withheld too.
    const few: [string, Answers][] = times(12, 0).map((_, i) => ['u', { ...person(i), ...(i < 8 ? { b: 'dk' } : {}) }]);
    const rf = rolled(few);
    const uf = releaseTables(survey, tree, rf, disclose(tree, rf, T)).get('u') as ShownGroup;
    expect(uf.items.find((i) => i.id === 'b')?.value).toMatchObject({ released: false, reason: 'below_k' });
    expect(uf.factors[0]?.value).toEqual({ released: false, reason: 'complementary' });
  });
});

// The figures a reader sees of one item, as shown (rounded as on the page).
function shownKey(tally: GroupTally, release: MeasureRelease): string {
  const g = releaseGroup(survey, 'x', tally, { released: true, threshold: 5, measures: new Map([[measureKey.item('a'), release], [measureKey.item('sc'), release]]) }) as ShownGroup;
  return JSON.stringify(
    g.items
      .filter((i) => i.id === 'a' || i.id === 'sc')
      .filter((i) => (tally.items.get(i.id)?.answered ?? 0) > 0)
      .map((i) => {
        const v = i.value as Stats;
        return { n: v.n, nUpTo: v.nUpTo, mean: v.mean === undefined ? undefined : decimal(v.mean, 'nb'), bound: v.meanBound, sd: v.sd, share: v.shareFavourable, d: i.distribution.released };
      }),
  );
}

function* compositions(n: number, parts: number): Generator<number[]> {
  if (parts === 1) {
    yield [n];
    return;
  }
  for (let first = 0; first <= n; first++) for (const rest of compositions(n - first, parts - 1)) yield [first, ...rest];
}

describe('rule 4: below the distribution threshold no shown figure pins the counts per option', () => {
  const below: MeasureRelease = { value: { released: true, threshold: 5 }, moments: { released: false, reason: 'below_k', threshold: 10 }, distribution: { released: false, reason: 'below_k', threshold: 10 } };
  test.each([
    { item: 'a', values: [1, 2, 3, 4, 5], kDistribution: 10 },
    { item: 'a', values: [1, 2, 3, 4, 5], kDistribution: 20 },
    { item: 'sc', values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], kDistribution: 10 },
  ])('$item: every count vector for every n from 3 to $kDistribution - 1 shares what is shown with another', ({ item, values, kDistribution }) => {
    let vectors = 0;
    for (let n = 3; n < kDistribution; n++) {
      const seen = new Map<string, number>();
      for (const counts of compositions(n, values.length)) {
        const t = emptyGroupTally();
        t.responses = n;
        const it = emptyItemTally(values.map(String));
        counts.forEach((c, j) => {
          const v = values[j] as number;
          it.answered += c;
          it.moments.n += c;
          it.moments.sum += c * v;
          it.moments.sumSq += c * v * v;
          it.counts[String(v)] = c;
        });
        t.items.set(item, it);
        const key = shownKey(t, below);
        seen.set(key, (seen.get(key) ?? 0) + 1);
        vectors += 1;
      }
      const alone = [...seen].filter(([, c]) => c < 2).map(([k]) => k);
      expect(alone, `n=${n}: shown figures that only one count vector gives`).toEqual([]);
    }
    expect(vectors).toBeGreaterThan(1000);
  });

  test('at the threshold the same figures do pin some vectors (why they wait for it)', () => {
    const shown: MeasureRelease = { value: { released: true, threshold: 5 }, moments: { released: true, threshold: 10 }, distribution: { released: true, threshold: 10 } };
    const t = emptyGroupTally();
    t.responses = 10;
    const it = emptyItemTally(['1', '2', '3', '4', '5']);
    Object.assign(it, { answered: 10, moments: { n: 10, sum: 50, sumSq: 250, den: 1 } });
    it.counts['5'] = 10;
    t.items.set('a', it);
    expect(shownKey(t, shown)).toContain('"sd":0');
  });
});

describe('rule 3: desired against current position %', () => {
  test('one person of five wants another size: the desired mean would give that person away, so it is held back', async () => {
    const { loadSurveyDir } = await import('../../src/survey/load.js');
    const { surveysDir } = await import('../helpers/app.js');
    const kartlegging = loadSurveyDir(surveysDir).get('kartlegging') as Survey;
    const people: Answers[] = [60, 80, 80, 100, 100].map((p, i) => ({ stilling_naa: p, ansettelse: 'fast', onsket_endring: i === 0 ? 'storre' : 'samme', ...(i === 0 ? { onsket_stilling: 80 } : {}) }));
    const rows: WaveAnswerRow[] = people.flatMap((answers, i) => answerRows(kartlegging, answers).map((r) => ({ responseId: 1000 + i, unitId: 'p', ...r })));
    const one = [{ id: 'p', parentId: null }];
    const r = rollUp(one, tallyRows(kartlegging, rows));
    const d = disclose(one, r, { k: 3, kDistribution: 5, kText: 5, freeText: false });
    expect(state(d, 'p', measureKey.position)).toBe('shown');
    // 5 x (desired mean - current mean) would be that one person's desired minus current.
    expect(state(d, 'p', measureKey.positionDesired)).toBe('complementary');
    // With three of five wanting a change (k = 3), both are shown.
    const three = people.map((a, i) => (i < 3 ? { ...a, onsket_endring: 'storre', onsket_stilling: 100 } : a));
    const rows3: WaveAnswerRow[] = three.flatMap((answers, i) => answerRows(kartlegging, answers).map((x) => ({ responseId: 2000 + i, unitId: 'p', ...x })));
    const d3 = disclose(one, rollUp(one, tallyRows(kartlegging, rows3)), { k: 3, kDistribution: 5, kText: 5, freeText: false });
    expect(state(d3, 'p', measureKey.positionDesired)).toBe('shown');
  });
});

describe('rule 4 across the tree: an ancestor’s distribution caps its children’s counts', () => {
  test('a child mean that only one count vector inside the parent’s counts gives is held back, and so is its complement', () => {
    // The generic attacker's case: p shows its 0-10 distribution (n = 7); u's mean 7,3 over 3
    // answers can only be 3, 9 and 10 from p's counts, which would pin u and so v.
    const two = [
      { id: 'p', parentId: null },
      { id: 'u', parentId: 'p' },
      { id: 'v', parentId: 'p' },
    ];
    const people: [string, Answers][] = [
      ['u', { sc: 3 }],
      ['u', { sc: 9 }],
      ['u', { sc: 10 }],
      ['v', { sc: 1 }],
      ['v', { sc: 1 }],
      ['v', { sc: 7 }],
      ['v', { sc: 8 }],
    ];
    const rows: WaveAnswerRow[] = people.flatMap(([unitId, answers], i) => answerRows(survey, answers).map((r) => ({ responseId: 3000 + i, unitId, ...r })));
    const r = rollUp(two, tallyRows(survey, rows));
    const d = disclose(two, r, { k: 3, kDistribution: 5, kText: 5, freeText: false });
    const sc = measureKey.item('sc');
    expect(d.units.get('p')?.measures.get(sc)?.distribution?.released).toBe(true);
    expect(state(d, 'u', sc)).toBe('complementary');
    // v alone would be p minus u: hidden with it.
    expect(state(d, 'v', sc)).toBe('complementary');
  });
});
