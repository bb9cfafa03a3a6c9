// The scan's item tallies against a reference that adds every answer to plain item tallies one at
// a time, over rows made to hit every path: answers outside the scale's points, decimals, large and
// negative numbers, unknown options, "vet ikke", rows in another order or missing, and item ids
// that are equal strings but not the same objects (as the reader's cut-out strings are). Written
// for a faster scan that counted in typed arrays (tried, not kept: see docs/benchmarks.md), kept as
// the scan's own check.
import { describe, expect, test } from 'vitest';
import { seededRandom } from '../../src/demo-answers.js';
import { emptyGroupTally, type GroupTally } from '../../src/report/group.js';
import { tallyRespondentInto, tallyRows } from '../../src/report/scan.js';
import { addValue, emptyItemTally, type ItemTally } from '../../src/report/stats.js';
import type { WaveAnswerRow } from '../../src/store/results.js';
import type { Survey } from '../../src/survey/model.js';
import { onePageSurvey } from '../helpers/survey.js';

const survey: Survey = onePageSurvey('sc', 'Scan test', [
  { id: 'a', type: 'likert', scale: 'enig5', factor: 'f', text: 'A' },
  { id: 'b', type: 'likert', scale: 'enig5', text: 'B' },
  { id: 'nd', type: 'nowDesired', scale: 'enig5', text: 'ND' },
  { id: 'sc', type: 'scale', text: 'SC', minLabel: 'lav', maxLabel: 'høy' },
  { id: 's', type: 'single', text: 'S', options: [{ id: 'x', label: 'X' }, { id: 'y', label: 'Y' }, { id: 'z3', label: 'Tre' }] },
  { id: 'm', type: 'multi', text: 'M', options: ['a', 'b', 'c'].map((id) => ({ id, label: id })) },
  { id: 'num', type: 'number', text: 'N', min: 0, max: 100, step: 0.5 },
]);

/** The same text as a new string object (as the reader's cut-out strings are). */
const fresh = (s: string): string => `#${s}`.slice(1);

/** Rows of `count` respondents over units u0-u2, in response order, with every kind of value. */
function rows(count: number, seed: number): WaveAnswerRow[] {
  const rand = seededRandom(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const out: WaveAnswerRow[] = [];
  for (let r = 1; r <= count; r++) {
    const unitId = `u${r % 3}`;
    const mine: WaveAnswerRow[] = [];
    const add = (itemId: string, part: string, value: number | string): void => {
      mine.push({ responseId: r, unitId, itemId: rand() < 0.5 ? fresh(itemId) : itemId, part, num: typeof value === 'number' ? value : null, txt: typeof value === 'string' ? value : null });
    };
    const likert = (): number | string => pick<number | string>([1, 2, 3, 4, 5, 5, 4, 'dk', 7, 0, -2, 2.5, 1001]);
    if (rand() < 0.9) add('a', '', likert());
    if (rand() < 0.9) add('b', '', likert());
    if (rand() < 0.8) {
      add('nd', 'now', likert());
      if (rand() < 0.9) add('nd', 'desired', likert());
    }
    if (rand() < 0.9) add('sc', '', pick<number | string>([0, 3, 7, 10, 'dk', 11, -1]));
    if (rand() < 0.9) add('s', '', rand() < 0.5 ? fresh(pick(['x', 'y', 'z3'])) : pick(['x', 'y', 'z3', 'zz', 'dk']));
    if (rand() < 0.8) {
      const chosen = ['a', 'b', 'c'].filter(() => rand() < 0.5);
      if (chosen.length === 0) mine.push({ responseId: r, unitId, itemId: 'm', part: '', num: null, txt: '' });
      for (const o of chosen) add('m', o, o);
    }
    if (rand() < 0.9) add('num', '', pick([0, 50, 62.5, 100, 5000, -3, 1e6 + 1, 33.25]));
    // Now and then the rows come in another order (a scan that guessed each row's item from the
    // row before would guess wrong here).
    if (rand() < 0.15) mine.reverse();
    if (mine.length === 0) mine.push({ responseId: r, unitId, itemId: null, part: null, num: null, txt: null });
    out.push(...mine);
  }
  return out;
}

/** The reference: every answer added to plain item tallies one at a time. */
function reference(all: readonly WaveAnswerRow[]): Map<string, Map<string, ItemTally>> {
  const keysOf = (id: string): string[] => {
    switch (id) {
      case 'a':
      case 'b':
      case 'nd/now':
      case 'nd/desired':
        return ['1', '2', '3', '4', '5'];
      case 'sc':
        return Array.from({ length: 11 }, (_, i) => String(i));
      case 's':
        return ['x', 'y', 'z3'];
      case 'm':
        return ['a', 'b', 'c'];
      default:
        return [];
    }
  };
  const out = new Map<string, Map<string, ItemTally>>();
  const seenMulti = new Set<string>();
  for (const row of all) {
    if (row.itemId === null) continue;
    let unit = out.get(row.unitId);
    if (!unit) out.set(row.unitId, (unit = new Map()));
    const key = row.itemId === 'nd' ? `nd/${row.part}` : row.itemId;
    let t = unit.get(key);
    if (!t) unit.set(key, (t = emptyItemTally(keysOf(key))));
    if (row.itemId === 'm') {
      const who = `${row.responseId}`;
      if (!seenMulti.has(who)) {
        seenMulti.add(who);
        t.answered += 1;
      }
      if (row.part) t.counts[row.part] = (t.counts[row.part] ?? 0) + 1;
    } else if (row.itemId === 's') {
      if (row.txt === null) continue;
      t.answered += 1;
      t.counts[row.txt] = (t.counts[row.txt] ?? 0) + 1;
    } else if (row.num !== null) {
      t.answered += 1;
      addValue(t.moments, row.num);
      if (row.itemId !== 'num') t.counts[String(row.num)] = (t.counts[String(row.num)] ?? 0) + 1;
    } else if (row.txt === 'dk') {
      t.answered += 1;
      t.dontKnow += 1;
    }
  }
  return out;
}

/** An item tally as plain data, its counts as [key, count] in the record's own order. */
const plain = (t: ItemTally | undefined) => t && { answered: t.answered, dontKnow: t.dontKnow, moments: { ...t.moments }, counts: Object.entries(t.counts) };

function expectItems(got: GroupTally, want: Map<string, ItemTally> | undefined): void {
  // Every unit has answers to every item here, so the reference has each of them.
  for (const id of ['a', 'b', 'sc', 's', 'm', 'num']) expect(plain(got.items.get(id)), id).toEqual(plain(want?.get(id)));
  const nd = got.nowDesired.get('nd');
  expect(plain(nd?.now), 'nd now').toEqual(plain(want?.get('nd/now')));
  expect(plain(nd?.desired), 'nd desired').toEqual(plain(want?.get('nd/desired')));
}

describe('the scan counts as adding one answer at a time would', () => {
  test('a pass over many respondents per unit', () => {
    const all = rows(600, 7);
    const want = reference(all);
    const got = tallyRows(survey, all);
    expect([...got.keys()].sort()).toEqual(['u0', 'u1', 'u2']);
    for (const [unit, t] of got) expectItems(t, want.get(unit));
    // Answers outside the points and unknown options are counted under their own keys, after the
    // points' keys; decimals and large numbers move a tally's denominator (not counted by value).
    const a = got.get('u1')?.items.get('a');
    expect(Object.keys(a?.counts ?? {})).toEqual(['0', '1', '2', '3', '4', '5', '7', '1001', '-2', '2.5']);
    expect(a?.moments.den).toBe(2); // 2.5 = 5/2
    const options = Object.keys(got.get('u1')?.items.get('s')?.counts ?? {});
    expect(options.slice(0, 3)).toEqual(['x', 'y', 'z3']);
    expect(options.slice(3).sort()).toEqual(['dk', 'zz']);
  });

  test('one respondent at a time into the tally kept so far (a submit), and twice over the same rows', () => {
    const all = rows(240, 11);
    const want = reference(all);
    const kept = new Map<string, GroupTally>();
    let start = 0;
    for (let i = 1; i <= all.length; i++) {
      if (i < all.length && all[i]?.responseId === all[start]?.responseId) continue;
      const one = all.slice(start, i);
      const unit = one[0]!.unitId;
      const added = tallyRespondentInto(survey, one, undefined, () => kept.get(unit) ?? emptyGroupTally());
      if (!added) throw new Error('refused');
      kept.set(unit, added.tally);
      start = i;
    }
    for (const [unit, t] of kept) expectItems(t, want.get(unit));
    // The pass over all rows gives the same tallies as the respondents one by one.
    const pass = tallyRows(survey, all);
    for (const [unit, t] of kept) expect(t).toEqual(pass.get(unit));
  });
});
