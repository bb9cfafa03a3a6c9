// Subtree tallies kept packed while a wave's results are built (tally.ts rollUpKept, tally-codec.ts
// keptTally / readKept, disclosure.ts reading them one at a time): the same tallies, the same
// disclosure, across releases and with means an ancestor's distribution pins, as with every tally
// held as an object.
import { describe, expect, test } from 'vitest';
import { seededRandom, syntheticAnswers } from '../../src/demo-answers.js';
import { disclose, type Thresholds } from '../../src/report/disclosure.js';
import { emptyGroupTally, type GroupTally } from '../../src/report/group.js';
import { LazyMap } from '../../src/report/lazy-map.js';
import { tallyRows } from '../../src/report/scan.js';
import { keptTally, readKept, type KeptTally } from '../../src/report/tally-codec.js';
import { rollUp, rollUpKept } from '../../src/report/tally.js';
import type { WaveAnswerRow } from '../../src/store/results.js';
import { answerRows } from '../../src/store/responses.js';
import type { Survey } from '../../src/survey/model.js';
import { bundledSurveys } from '../helpers/app.js';

const survey = bundledSurveys().get('kartlegging') as Survey;

// A tree of 3 levels whose leaves hold 0 to 14 respondents: groups below k, complements, and
// shown means of small groups under an ancestor's shown distribution (the pinned-means check).
const tree = [
  { id: 'org', parentId: null },
  ...['a', 'b', 'c'].map((id) => ({ id, parentId: 'org' })),
  ...['a', 'b', 'c'].flatMap((p) => [1, 2, 3, 4].map((i) => ({ id: `${p}${i}`, parentId: p }))),
];
const leaves = tree.filter((u) => u.id.length === 2).map((u) => u.id);

function directTallies(seed: number, sizes: (unit: string, i: number) => number): Map<string, GroupTally> {
  const rand = seededRandom(seed);
  let responseId = 1;
  const rows: WaveAnswerRow[] = leaves.flatMap((unitId, i) =>
    Array.from({ length: sizes(unitId, i) }, () => {
      const id = responseId++;
      return answerRows(survey, syntheticAnswers(survey, rand, (i % 5) - 2)).map((r) => ({ responseId: id, unitId, ...r }));
    }).flat(),
  );
  return tallyRows(survey, rows);
}

// The rolled-up tallies kept packed, read back as the build reads them (a few kept).
function keptRolled(direct: ReadonlyMap<string, GroupTally>): ReadonlyMap<string, GroupTally> {
  const kept = new Map([...direct].map(([id, t]): [string, KeptTally] => [id, keptTally(survey, t)]));
  const rolled = rollUpKept(
    tree,
    kept,
    (k) => readKept(survey, k),
    (t) => keptTally(survey, t),
  );
  return new LazyMap(rolled.keys(), (id) => readKept(survey, rolled.get(id) as KeptTally), 2);
}

const T: Thresholds = { k: 3, kDistribution: 10, kText: 5, freeText: true };
const firstSizes = (_: string, i: number) => [0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 14, 3][i] as number;

describe('subtree tallies kept packed while the results are built', () => {
  test('rollUpKept reads back to exactly what rollUp makes, and leaves its input alone', () => {
    const direct = directTallies(1, firstSizes);
    const kept = new Map([...direct].map(([id, t]): [string, KeptTally] => [id, keptTally(survey, t)]));
    const before = new Map([...kept].map(([id, k]) => [id, Buffer.from(k as Uint8Array)]));
    const packed = keptRolled(direct);
    const plain = rollUp(tree, direct);
    expect([...packed.keys()]).toStrictEqual([...plain.keys()]);
    for (const [id, t] of plain) expect(packed.get(id)).toStrictEqual(t);
    rollUpKept(
      tree,
      kept,
      (k) => readKept(survey, k),
      (t) => keptTally(survey, t),
    );
    for (const [id, k] of kept) expect(Buffer.from(k as Uint8Array).equals(before.get(id) as Buffer)).toBe(true);
  });

  test('disclose decides the same from packed tallies as from objects, in a first release and a later one', () => {
    const first = directTallies(2, firstSizes);
    // The later release: the same respondents and a few more in some leaves (rule 2 decides them).
    const later = directTallies(2, (u, i) => firstSizes(u, i) + (i % 3 === 0 ? 2 : 0));
    const plainFirst = disclose(tree, rollUp(tree, first), T);
    const packedFirst = disclose(tree, keptRolled(first), T);
    expect(packedFirst).toStrictEqual(plainFirst);
    const plainLater = disclose(tree, rollUp(tree, later), T, { rolled: rollUp(tree, first), disclosure: plainFirst });
    const packedLater = disclose(tree, keptRolled(later), T, { rolled: keptRolled(first), disclosure: packedFirst });
    expect(packedLater).toStrictEqual(plainLater);
    // The case is not trivial: something is shown, something hidden, and something held back by release.
    const reasons = new Set([...plainLater.units.values()].flatMap((g) => [...g.measures.values()].map((m) => (m.value.released ? 'shown' : m.value.reason))));
    expect(reasons).toContain('shown');
    expect(reasons).toContain('below_k');
    expect(reasons).toContain('release');
  });

  test('a tally that does not fit the layout is kept as an object, and read back as a copy', () => {
    const odd = emptyGroupTally();
    odd.responses = 4;
    odd.texts.set('no_such_item', 4);
    const kept = keptTally(survey, odd);
    expect(kept).toBe(odd);
    const read = readKept(survey, kept);
    expect(read).toStrictEqual(odd);
    expect(read).not.toBe(odd);
    read.responses = 9;
    expect(odd.responses).toBe(4);
  });
});
