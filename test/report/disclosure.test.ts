import { describe, expect, test } from 'vitest';
import { assertThresholds, disclose, resultsReleasable, suppress, thresholdsOf, type Thresholds } from '../../src/report/disclosure.js';
import { buildForest } from '../../src/report/forest.js';
import { measureKey } from '../../src/report/measures.js';
import { tallyRows } from '../../src/report/scan.js';
import { rollUp } from '../../src/report/tally.js';
import { answerRows } from '../../src/store/responses.js';
import type { WaveAnswerRow } from '../../src/store/results.js';
import type { Answers, Survey } from '../../src/survey/model.js';
import { onePageSurvey } from '../helpers/survey.js';

/** Tree as "id:parent:direct" entries; returns the decision per unit as 'shown', 'below_k' or 'complementary'. */
function run(spec: string[], threshold = 5): Record<string, string> {
  const units = spec.map((s) => {
    const [id = '', parent = '', direct = '0'] = s.split(':');
    return { id, parentId: parent === '' ? null : parent, direct: Number(direct) };
  });
  const forest = buildForest(units);
  const n = forest.ids.map(() => 0);
  for (const u of units) for (let i = forest.index.get(u.id) ?? -1; i >= 0; i = forest.parent[i] ?? -1) n[i] = (n[i] ?? 0) + u.direct;
  const { released, reason } = suppress(forest, n, threshold);
  return Object.fromEntries(forest.ids.map((id, i) => [id, released[i] ? 'shown' : (reason[i] ?? '?')]));
}

describe('suppression over the unit tree (k = 5)', () => {
  test.each<{ name: string; tree: string[]; expected: Record<string, string> }>([
    { name: 'one unit of 5', tree: ['a::5'], expected: { a: 'shown' } },
    { name: 'one unit of 4', tree: ['a::4'], expected: { a: 'below_k' } },
    { name: 'no respondents', tree: ['a::0'], expected: { a: 'below_k' } },
    {
      name: 'children 7, 6, 2: the smallest visible sibling is hidden too',
      tree: ['p::0', 'a:p:7', 'b:p:6', 'c:p:2'],
      expected: { p: 'shown', a: 'shown', b: 'complementary', c: 'below_k' },
    },
    { name: 'a unit of 4 and its sibling of 5', tree: ['p::0', 'a:p:4', 'b:p:5'], expected: { p: 'shown', a: 'below_k', b: 'complementary' } },
    {
      name: 'direct respondents 2 at the parent, children 5 and 5 (tie by id)',
      tree: ['p::2', 'a:p:5', 'b:p:5'],
      expected: { p: 'shown', a: 'complementary', b: 'shown' },
    },
    { name: 'children 5 and 5, nobody direct: nothing to protect', tree: ['p::0', 'a:p:5', 'b:p:5'], expected: { p: 'shown', a: 'shown', b: 'shown' } },
    { name: 'children 3 and 3: only the parent', tree: ['p::0', 'a:p:3', 'b:p:3'], expected: { p: 'shown', a: 'below_k', b: 'below_k' } },
    { name: 'a whole tree under k', tree: ['p::1', 'a:p:2', 'b:p:1'], expected: { p: 'below_k', a: 'below_k', b: 'below_k' } },
    {
      name: 'two small siblings together reach k: nothing more to hide',
      tree: ['p::0', 'a:p:3', 'b:p:2', 'c:p:9'],
      expected: { p: 'shown', a: 'below_k', b: 'below_k', c: 'shown' },
    },
    {
      name: 'deep chain: the sector’s small unit forces its sibling hidden; the organisation equals the sector',
      tree: ['org::0', 'sek:org:0', 'u1:sek:6', 'u2:sek:2'],
      expected: { org: 'shown', sek: 'shown', u1: 'complementary', u2: 'below_k' },
    },
    {
      name: 'grandparent: a small sector is protected through the other sector and one of its units',
      tree: ['org::0', 's1:org:0', 's2:org:3', 'a:s1:5', 'b:s1:6'],
      // Hiding s1 alone adds nothing (a and b still give its sum), so one of its units goes too.
      expected: { org: 'shown', s1: 'complementary', s2: 'below_k', a: 'complementary', b: 'shown' },
    },
    {
      name: 'a descendant whose own cell is empty is passed over for one that adds respondents',
      tree: ['r::1', 'd:r:0', 'd1:d:5', 'd2:d:5', 'e:r:12'],
      expected: { r: 'shown', d: 'shown', d1: 'shown', d2: 'shown', e: 'complementary' },
    },
    {
      name: 'a group hidden on the way that its shown descendants cover is shown again',
      tree: ['r::1', 'a:r:0', 'c:a:0', 'c1:c:5', 'c2:c:5', 'b:r:0', 'b1:b:5', 'b2:b:5'],
      expected: { r: 'shown', a: 'shown', c: 'shown', c1: 'shown', c2: 'shown', b: 'complementary', b1: 'complementary', b2: 'shown' },
    },
    {
      name: 'two roots are decided independently',
      tree: ['x::0', 'x1:x:5', 'x2:x:1', 'y::5'],
      expected: { x: 'shown', x1: 'complementary', x2: 'below_k', y: 'shown' },
    },
  ])('$name', ({ tree, expected }) => {
    expect(run(tree)).toEqual(expected);
  });

  test('k = 3 shows more', () => {
    expect(run(['p::0', 'a:p:4', 'b:p:5'], 3)).toEqual({ p: 'shown', a: 'shown', b: 'shown' });
  });
});

const survey: Survey = onePageSurvey('dt', 'Disclosure test', [
  { id: 'a', type: 'likert', scale: 'enig5', factor: 'f', text: 'A' },
  { id: 's', type: 'single', text: 'S', options: [{ id: 'x', label: 'X' }, { id: 'y', label: 'Y' }] },
  { id: 't', type: 'text', text: 'T' },
]);

function rowsOf(people: [string, Answers][]): WaveAnswerRow[] {
  return people.flatMap(([unitId, answers], i) => answerRows(survey, answers).map((r) => ({ responseId: i + 1, unitId, ...r })));
}

const T: Thresholds = { k: 5, kDistribution: 10, kText: 10, freeText: false };
const times = <X>(n: number, x: X): X[] => Array.from({ length: n }, () => x);
const tree = [
  { id: 'p', parentId: null },
  { id: 'u', parentId: 'p' },
  { id: 'v', parentId: 'p' },
];

function decide(people: [string, Answers][], thresholds = T) {
  const rolled = rollUp(tree, tallyRows(survey, rowsOf(people)));
  const d = disclose(tree, rolled, thresholds);
  const m = (unit: string, key: string) => {
    const r = d.units.get(unit)?.measures.get(key);
    const word = (x?: { released: boolean; reason?: string }) => (x === undefined ? '-' : x.released ? 'shown' : (x.reason ?? '?'));
    return `${word(r?.value)}/${word(r?.distribution)}`;
  };
  return { d, m };
}

describe('measures decided on their own n', () => {
  test('3 of a unit’s 6 said "vet ikke": its item is hidden, and so is the sibling’s, or the parent would give it away', () => {
    const { d, m } = decide([
      ...times(3, ['u', { a: 4, s: 'x' }] as [string, Answers]),
      ...times(3, ['u', { a: 'dk', s: 'x' }] as [string, Answers]),
      ...times(6, ['v', { a: 5, s: 'y' }] as [string, Answers]),
    ]);
    expect([d.units.get('p')?.released, d.units.get('u')?.released, d.units.get('v')?.released]).toEqual([true, true, true]);
    expect(m('u', measureKey.item('a'))).toBe('below_k/below_k');
    expect(m('v', measureKey.item('a'))).toBe('complementary/complementary');
    // p's mean is shown; its distribution (with the "vet ikke" count) needs 10 valid answers, and p
    // has 9: withheld, and so is the item's exact n (released.ts).
    expect(m('p', measureKey.item('a'))).toBe('shown/below_k');
    // The factor score has the same n as its single item here, so the same decision.
    expect(m('u', measureKey.factor('f'))).toBe('below_k/-');
    expect(m('v', measureKey.factor('f'))).toBe('complementary/-');
    // The single item, answered by all 6 + 6, is shown per unit; its distribution needs 10.
    expect(m('u', measureKey.item('s'))).toBe('shown/below_k');
    expect(m('p', measureKey.item('s'))).toBe('shown/shown');
  });

  test('distributions need their own threshold, with complementary suppression on it', () => {
    const { m } = decide([...times(12, ['u', { s: 'x' }] as [string, Answers]), ...times(8, ['v', { s: 'y' }] as [string, Answers])]);
    expect(m('v', measureKey.item('s'))).toBe('shown/below_k');
    expect(m('u', measureKey.item('s'))).toBe('shown/complementary');
    expect(m('p', measureKey.item('s'))).toBe('shown/shown');
  });

  test('every measure of a hidden group carries the group’s reason', () => {
    const { d, m } = decide([...times(4, ['u', { a: 3, s: 'x' }] as [string, Answers]), ...times(5, ['v', { a: 3, s: 'x' }] as [string, Answers])]);
    expect(d.units.get('u')).toMatchObject({ released: false, reason: 'below_k', threshold: 5 });
    expect(d.units.get('v')).toMatchObject({ released: false, reason: 'complementary' });
    expect(m('u', measureKey.item('a'))).toBe('below_k/below_k');
    expect(m('v', measureKey.item('a'))).toBe('complementary/complementary');
    expect(m('v', measureKey.text('t'))).toBe('complementary/-');
  });

  test.each([
    { freeText: false, wrote: 12, expected: 'disabled/-' },
    { freeText: true, wrote: 12, expected: 'shown/-' },
    { freeText: true, wrote: 9, expected: 'below_k/-' },
  ])('free text: switched on $freeText, $wrote wrote', ({ freeText, wrote, expected }) => {
    const people: [string, Answers][] = times(12, ['u', { a: 3 }] as [string, Answers]).map(([u, a], i) => [u, i < wrote ? { ...a, t: 'tekst' } : a]);
    const { m } = decide(people, { ...T, freeText });
    expect(m('u', measureKey.text('t'))).toBe(expected);
  });
});

describe('thresholds', () => {
  test.each([
    { t: { k: 5, kDistribution: 10, kText: 10, freeText: false }, ok: true },
    { t: { k: 3, kDistribution: 3, kText: 3, freeText: false }, ok: true },
    { t: { k: 2, kDistribution: 10, kText: 10, freeText: false }, ok: false },
    { t: { k: 5, kDistribution: 4, kText: 10, freeText: false }, ok: false },
    { t: { k: 5, kDistribution: 10, kText: 4, freeText: false }, ok: false },
    { t: { k: 4.5, kDistribution: 10, kText: 10, freeText: false }, ok: false },
  ])('$t', ({ t, ok }) => {
    if (ok) expect(() => assertThresholds(t)).not.toThrow();
    else expect(() => assertThresholds(t)).toThrow(RangeError);
  });

  test('read from the wave; results only for a closed wave', () => {
    expect(thresholdsOf({ kResults: 5, kDistribution: 10, kText: 12, freeTextInReports: true })).toEqual({ k: 5, kDistribution: 10, kText: 12, freeText: true });
    expect(resultsReleasable({ status: 'open' })).toBe(false);
    expect(resultsReleasable({ status: 'draft' })).toBe(false);
    expect(resultsReleasable({ status: 'closed' })).toBe(true);
  });
});
