// The compact stored form of tallies (tally-codec.ts): every tally the scan, the roll-up and the
// running tally make comes back exactly; a tally that does not fit its survey's layout is refused.
import { describe, expect, test } from 'vitest';
import { seededRandom, syntheticAnswers } from '../../src/demo-answers.js';
import { breakdownOf } from '../../src/report/breakdown.js';
import { addGroupTally, emptyGroupTally, groupTallyToJson, type GroupTally } from '../../src/report/group.js';
import { tallyRespondentInto, tallyRows, tallyRowsByCategory } from '../../src/report/scan.js';
import { decodeTally, encodeTally } from '../../src/report/tally-codec.js';
import type { WaveAnswerRow } from '../../src/store/results.js';
import { answerRows } from '../../src/store/responses.js';
import { DONT_KNOW, offersDontKnow, type Answers, type Survey } from '../../src/survey/model.js';
import { bundledSurveys } from '../helpers/app.js';
import { onePageSurvey } from '../helpers/survey.js';

// Every item type, "vet ikke", a decimal number (its moments' den is not 1) and a background question.
const mixed: Survey = onePageSurvey('mixed', 'Blandet', [
  { id: 'turnus', type: 'single', background: true, text: 'Turnus?', options: [{ id: 'ja', label: 'Ja' }, { id: 'nei', label: 'Nei' }] },
  { id: 'a', type: 'likert', scale: 'enig5', factor: 'f', text: 'A' },
  { id: 'b', type: 'likert', scale: 'enig5', factor: 'f', text: 'B' },
  { id: 'c', type: 'likert', scale: 'enig5', factor: 'f', text: 'C' },
  { id: 'nd', type: 'nowDesired', scale: 'enig5', text: 'ND' },
  { id: 'sc', type: 'scale', text: 'SC', minLabel: 'lav', maxLabel: 'høy' },
  { id: 'm', type: 'multi', text: 'M', options: ['x', 'y', 'z'].map((id) => ({ id, label: id })) },
  { id: 'num', type: 'number', text: 'N', min: -10, max: 100, step: 0.5 },
  { id: 't', type: 'text', text: 'T' },
], [{ id: 'f', label: 'F' }, { id: 'tom', label: 'Uten spørsmål' }]);

const surveys = [...bundledSurveys().values(), mixed];

/** Respondents as they come: complete, partly answered, "vet ikke" where offered, or nothing at all. */
function people(survey: Survey, n: number, seed: number): Answers[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    if (i === 5) return {};
    const all = syntheticAnswers(survey, rand, (i % 5) - 2);
    for (const item of survey.items) {
      if (i % 4 === 1 && item.type === 'likert' && offersDontKnow(survey, item)) all[item.id] = DONT_KNOW;
      if (i % 6 === 2 && item.type === 'multi') all[item.id] = [];
      if (item.type === 'number' && survey === mixed) all[item.id] = i % 3 === 0 ? -7.5 : 62.5;
    }
    return i % 3 === 0 ? Object.fromEntries(Object.entries(all).filter(() => rand() < 0.6)) : all;
  });
}

function rowsOf(survey: Survey, answers: Answers[]): WaveAnswerRow[] {
  return answers.flatMap((a, i): WaveAnswerRow[] => {
    const unitId = `u${i % 3}`;
    const rows = answerRows(survey, a);
    return rows.length === 0 ? [{ responseId: i + 1, unitId, itemId: null, part: null, num: null, txt: null }] : rows.map((r) => ({ responseId: i + 1, unitId, ...r }));
  });
}

/** Every tally a wave of the survey gives: per unit, per unit and category, and those rolled up. */
function talliesOf(survey: Survey): GroupTally[] {
  const rows = rowsOf(survey, people(survey, 60, survey.id.length));
  const byUnit = [...tallyRows(survey, rows).values()];
  const definition = breakdownOf(survey);
  const byCategory = definition ? [...tallyRowsByCategory(survey, rows, definition.classify).values()].flatMap((m) => [...m.values()]) : [];
  const rolled = emptyGroupTally();
  for (const t of byUnit) addGroupTally(rolled, t);
  return [...byUnit, ...byCategory, rolled];
}

const roundTrip = (survey: Survey, t: GroupTally): GroupTally => decodeTally(survey, encodeTally(survey, t));

describe('decode(encode(t)) is t', () => {
  test.each(surveys.map((s) => [s.id, s] as const))('%s: unit, category and rolled-up tallies of a scan', (_id, survey) => {
    const tallies = talliesOf(survey);
    expect(tallies.length).toBeGreaterThan(3);
    for (const t of tallies) expect(roundTrip(survey, t)).toStrictEqual(t);
    const rolled = tallies.at(-1) as GroupTally;
    // The cases that must be covered are: "vet ikke" counted, a background category, position figures.
    if (survey.items.some((i) => i.type === 'likert' && offersDontKnow(survey, i))) expect([...rolled.items.values()].some((i) => i.dontKnow > 0)).toBe(true);
    if (survey.items.some((i) => i.id === 'stilling_naa')) expect(rolled.position?.n).toBeGreaterThan(0);
    // The compact form is a fraction of the JSON it replaces.
    expect(encodeTally(survey, rolled).byteLength).toBeLessThan(JSON.stringify(groupTallyToJson(rolled)).length / 3);
  });

  test('the mixed survey covers categories, "vet ikke", multi, decimals and negative sums', () => {
    const tallies = talliesOf(mixed);
    const rolled = tallies.at(-1) as GroupTally;
    expect(tallies.length).toBeGreaterThan(3 + 2);
    expect(rolled.items.get('a')?.dontKnow).toBeGreaterThan(0);
    expect(rolled.items.get('m')?.counts.x).toBeGreaterThan(0);
    expect(rolled.items.get('num')?.moments.den).toBe(2);
    expect(rolled.nowDesired.get('nd')?.gap.n).toBeGreaterThan(0);
    const negative = tallyRows(mixed, rowsOf(mixed, [{ num: -7.5 }])).get('u0') as GroupTally;
    expect(negative.items.get('num')?.moments.sum).toBe(-15);
    expect(roundTrip(mixed, negative)).toStrictEqual(negative);
  });

  test.each(surveys.map((s) => [s.id, s] as const))('%s: an empty tally (no entries), and one respondent who answered nothing (every entry, all but responses zero)', (_id, survey) => {
    expect(roundTrip(survey, emptyGroupTally())).toStrictEqual(emptyGroupTally());
    const nothing = tallyRows(survey, rowsOf(survey, [{}])).get('u0') as GroupTally;
    expect(nothing.responses).toBe(1);
    expect(nothing.items.size).toBeGreaterThan(0);
    expect(roundTrip(survey, nothing)).toStrictEqual(nothing);
  });

  test.each(surveys.map((s) => [s.id, s] as const))('%s: a running tally, decoded, added to and encoded respondent by respondent', (_id, survey) => {
    const answers = people(survey, 12, 7);
    const rows = rowsOf(survey, answers).map((r) => ({ ...r, unitId: 'u' }));
    let stored: Buffer | undefined;
    for (let i = 1; i <= answers.length; i++) {
      const added = tallyRespondentInto(survey, rows.filter((r) => r.responseId === i), undefined, () => (stored ? decodeTally(survey, stored) : undefined));
      if (!added) throw new Error('nothing added');
      stored = encodeTally(survey, added.tally);
    }
    expect(decodeTally(survey, stored as Buffer)).toStrictEqual(tallyRows(survey, rows).get('u'));
  });
});

describe('a tally that does not fit is refused', () => {
  const survey = mixed;
  const fresh = (): GroupTally => talliesOf(survey).at(-1) as GroupTally;

  test.each<[string, (t: GroupTally) => void, RegExp]>([
    ['an item the survey does not have', (t) => t.items.set('other', t.items.get('a') as never), /1 items the survey does not have/],
    ['a count key the scale does not have', (t) => ((t.items.get('a') as { counts: Record<string, number> }).counts['6'] = 1), /a counts 6 values, the layout 5/],
    ['a count key missing', (t) => delete (t.items.get('m') as { counts: Record<string, number> }).counts.y, /m counts 2 values, the layout 3/],
    ['a factor over other items', (t) => (t.factors.get('f') as { items: string[] }).items.reverse(), /f is over other items/],
    ['a factor with a vector of another length', (t) => (t.factors.get('f') as { pairs: number[] }).pairs.push(0), /another length/],
    ['a RAUS total the survey does not have', (t) => (t.rausTotal = t.factors.get('f')), /a RAUS total/],
    ['a text the survey does not have', (t) => t.texts.set('t2', 1), /1 texts/],
    ['a number that is not an integer', (t) => ((t.items.get('sc') as { moments: { sum: number } }).moments.sum = 0.5), /0.5 is not a safe integer/],
    ['a number past 2^53', (t) => (t.responses = 2 ** 53), /not a safe integer/],
  ])('%s', (_what, spoil, message) => {
    const t = fresh();
    spoil(t);
    expect(() => encodeTally(survey, t)).toThrow(message);
  });

  test('bytes cut short, or longer than the layout, are refused when read', () => {
    const bytes = encodeTally(survey, fresh());
    expect(() => decodeTally(survey, bytes.subarray(0, bytes.length - 1))).toThrow(/cut short|presence byte/);
    expect(() => decodeTally(survey, Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/past the layout's end/);
  });

  test('large sums round-trip exactly', () => {
    const t = fresh();
    const sc = t.items.get('sc') as { moments: { sum: number; sumSq: number } };
    sc.moments.sum = 2 ** 53 - 1;
    sc.moments.sumSq = -(2 ** 53 - 1);
    expect(roundTrip(survey, t)).toStrictEqual(t);
  });
});
