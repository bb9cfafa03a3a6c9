import { afterEach, describe, expect, test } from 'vitest';
import { BREAKDOWNS } from '../../src/report/breakdown.js';
import { measureKey } from '../../src/report/measures.js';
import { ratio } from '../../src/report/exact.js';
import { releaseGroup, type ShownGroup, type Stats } from '../../src/report/released.js';
import { tallyRows } from '../../src/report/scan.js';
import { mergeTallies, rollUp, tallyWave, tallyWaveByCategory, UNCLASSIFIED, type GroupTally } from '../../src/report/tally.js';
import { openDb, type Db } from '../../src/store/db.js';
import { createDraft } from '../../src/store/drafts.js';
import { submitResponse } from '../../src/store/responses.js';
import { countResponses } from '../../src/store/responses.js';
import { streamWaveAnswers, type WaveAnswerRow } from '../../src/store/results.js';
import { syncSurveyVersions } from '../../src/store/survey-versions.js';
import { addUnit } from '../../src/store/units.js';
import { createWave } from '../../src/store/waves.js';
import { loadSurveyDir, parseSurveyFiles } from '../../src/survey/load.js';
import type { Answers, Survey } from '../../src/survey/model.js';
import { surveysDir } from '../helpers/app.js';
import { onePageSurvey } from '../helpers/survey.js';

const small: Survey = onePageSurvey('tt', 'Tally test', [
  { id: 'a', type: 'likert', scale: 'enig5', factor: 'f', text: 'A' },
  { id: 'b', type: 'likert', scale: 'enig5', factor: 'f', text: 'B' },
  { id: 'c', type: 'likert', scale: 'enig5', factor: 'g', text: 'C' },
  { id: 'nd', type: 'nowDesired', scale: 'enig5', factor: 'g', text: 'ND' },
  { id: 'sc', type: 'scale', text: 'SC', minLabel: 'lav', maxLabel: 'høy' },
  { id: 's', type: 'single', text: 'S', options: [{ id: 'x', label: 'X' }, { id: 'y', label: 'Y' }] },
  { id: 'm', type: 'multi', text: 'M', options: ['a', 'b', 'c'].map((id) => ({ id, label: id })) },
  { id: 'num', type: 'number', text: 'N', min: 0, max: 100, step: 0.5 },
  { id: 't', type: 'text', text: 'T' },
], [{ id: 'f', label: 'F' }, { id: 'g', label: 'G' }]);
const bundled = loadSurveyDir(surveysDir);
const kartlegging = bundled.get('kartlegging') as Survey;

const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

/** A database with units given as [id, parentId] and one wave over all of them. */
function setup(survey: Survey, units: [string, string | null][]): { db: Db; waveId: number; submit: (unitId: string, answers: Answers) => void } {
  const db = openDb(':memory:');
  opened.push(db);
  syncSurveyVersions(db, [survey]);
  for (const [id, parentId] of units) addUnit(db, { id, name: id, parentId });
  const waveId = createWave(db, { name: 'W', surveyId: survey.id, surveyVersion: survey.version, unitIds: units.map(([id]) => id), linkMode: 'open', status: 'open' });
  const submit = (unitId: string, answers: Answers) => {
    const draft = createDraft(db, { waveId, unitId, tokenHash: null, expiresOn: '2099-12-31' });
    expect(submitResponse(db, survey, draft.id, answers, '2026-01-15')).toBe('stored');
  };
  return { db, waveId, submit };
}

const people: Answers[] = [
  { a: 5, b: 3, c: 'dk', nd: { now: 2, desired: 5 }, sc: 8, s: 'x', m: ['a', 'c'], num: 62.5, t: 'hei' },
  { a: 'dk', b: 'dk', c: 4, nd: { now: 'dk', desired: 4 }, sc: 10, s: 'y', m: ['a'], num: 100 },
  { a: 4, c: 2, nd: { now: 3, desired: 3 }, sc: 0, s: 'x', t: 'x' },
  {},
];

describe('streaming a wave', () => {
  test('rows come grouped by unit and response; a response without answers still yields a row', () => {
    const { db, waveId, submit } = setup(small, [
      ['root', null],
      ['u1', 'root'],
      ['u2', 'root'],
    ]);
    people.forEach((p, i) => submit(i % 2 === 0 ? 'u2' : 'u1', p));
    const other = createWave(db, { name: 'Other', surveyId: small.id, surveyVersion: 1, unitIds: ['u1'], linkMode: 'open' });
    const draft = createDraft(db, { waveId: other, unitId: 'u1', tokenHash: null, expiresOn: '2099-12-31' });
    submitResponse(db, small, draft.id, people[0] as Answers, '2026-01-15');

    const rows = [...streamWaveAnswers(db, waveId)];
    const keys = rows.map((r) => `${r.unitId}/${r.responseId}`);
    const seen = new Set<string>();
    keys.forEach((k, i) => {
      if (k !== keys[i - 1]) {
        expect(seen.has(k)).toBe(false);
        seen.add(k);
      }
    });
    expect(seen.size).toBe(4);
    expect(rows.filter((r) => r.itemId === null)).toHaveLength(1);
    expect(rows.filter((r) => r.itemId !== null)).toHaveLength(11 + 9 + 7);
    expect(countResponses(db, waveId)).toEqual(new Map([['u1', 2], ['u2', 2]]));
    expect(countResponses(db, other)).toEqual(new Map([['u1', 1]]));
  });
});

describe('tallying direct respondents', () => {
  test('a multiple-choice question shown and left unticked counts in the denominator, for no option', () => {
    const { db, waveId, submit } = setup(small, [['u1', null]]);
    submit('u1', { m: ['a', 'c'] });
    submit('u1', { m: [] });
    submit('u1', {});
    const m = tallyWave(db, small, waveId).get('u1')?.items.get('m');
    // 3 respondents, 2 shown the question: a is ticked by 1 of 2 (50 %), not 1 of 1.
    expect(m).toMatchObject({ answered: 2, counts: { a: 1, b: 0, c: 1 } });
    expect(Object.keys(m?.counts ?? {})).toEqual(['a', 'b', 'c']);
  });

  test('a composite keeps integer sums: its mean (of item means) and SD stay exact fractions', () => {
    const four = (() => {
      const def = {
        id: 'ff',
        version: 1,
        title: 'F',
        scales: { enig5: { points: [1, 2, 3, 4, 5].map((value) => ({ value, label: `p${value}` })), dontKnowLabel: 'Vet ikke' } },
        factors: [{ id: 'f', label: 'F' }],
        sections: [{ id: 'p', title: 'P', items: ['a', 'b', 'c', 'd'].map((id) => ({ id, type: 'likert', scale: 'enig5', factor: 'f', text: id })) }],
      };
      return parseSurveyFiles([{ file: 'ff.json', text: JSON.stringify(def) }]).get('ff') as Survey;
    })();
    const { db, waveId, submit } = setup(four, [['u1', null]]);
    submit('u1', { a: 3, b: 3, c: 3, d: 2 }); // s = 11
    submit('u1', { a: 3, b: 3, c: 2, d: 'dk' }); // s = 8, d not answered
    const t = tallyWave(db, four, waveId).get('u1') as GroupTally;
    expect(t.factors.get('f')).toEqual({ items: ['a', 'b', 'c', 'd'], n: 2, sum: 19, sumSq: 121 + 64, missing: [0, 0, 0, 1], cross: [0, 0, 0, 8], pairs: [...new Array<number>(15).fill(0), 1] });
    // Its mean is the mean of the item means, 3, 3, 5/2 and 2: (3 + 3 + 5/2 + 2) / 4 = 21/8, exactly.
    const shown = { released: true, threshold: 3 };
    const all = { value: shown, moments: shown, distribution: shown };
    const keys = [measureKey.factor('f'), ...['a', 'b', 'c', 'd'].map((id) => measureKey.item(id))];
    const g = releaseGroup(four, 'u1', t, { released: true, threshold: 3, measures: new Map(keys.map((k) => [k, all])) });
    const f = (g as ShownGroup).factors[0]?.value as Stats;
    expect(f.exact?.mean).toEqual(ratio(21, 8));
    expect(f.mean).toBe(2.625);
  });

  test('every statistic of a hand-checked group', () => {
    const { db, waveId, submit } = setup(small, [['u1', null]]);
    for (const p of people) submit('u1', p);
    const t = tallyWave(db, small, waveId).get('u1') as GroupTally;
    expect(t.responses).toBe(4);
    const item = (id: string) => {
      const it = t.items.get(id);
      return it && { answered: it.answered, dontKnow: it.dontKnow, moments: it.moments, counts: { ...it.counts } };
    };
    expect(item('a')).toEqual({ answered: 3, dontKnow: 1, moments: { n: 2, sum: 9, sumSq: 41, den: 1 }, counts: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 1 } });
    expect(item('b')).toEqual({ answered: 2, dontKnow: 1, moments: { n: 1, sum: 3, sumSq: 9, den: 1 }, counts: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 0 } });
    expect(item('c')).toEqual({ answered: 3, dontKnow: 1, moments: { n: 2, sum: 6, sumSq: 20, den: 1 }, counts: { 1: 0, 2: 1, 3: 0, 4: 1, 5: 0 } });
    expect(item('sc')?.moments).toEqual({ n: 3, sum: 18, sumSq: 164, den: 1 });
    expect(item('sc')?.counts).toMatchObject({ 0: 1, 1: 0, 8: 1, 10: 1 });
    expect(item('s')).toMatchObject({ answered: 3, dontKnow: 0, counts: { x: 2, y: 1 } });
    expect(item('m')).toMatchObject({ answered: 2, counts: { a: 2, b: 0, c: 1 } });
    // Kept exact in halves: 62.5 and 100 are 125/2 and 200/2.
    expect(item('num')?.moments).toEqual({ n: 2, sum: 125 + 200, sumSq: 125 ** 2 + 200 ** 2, den: 2 });
    // Exact free numbers are not counted per value: a rare 62.5 % would point at one person.
    expect(item('num')?.counts).toEqual({});
    expect(t.texts.get('t')).toBe(2);
    // Composite tallies of f = (a, b): person 1 answered both (s = 8, z = [0,0]); person 2 neither
    // (not counted); person 3 only a (s = 4, z = [0,1]). g uses only likert c, not nd's "now".
    expect(t.factors.get('f')).toEqual({ items: ['a', 'b'], n: 2, sum: 12, sumSq: 64 + 16, missing: [0, 1], cross: [0, 4], pairs: [0, 0, 0, 1] });
    expect(t.factors.get('g')).toEqual({ items: ['c'], n: 2, sum: 6, sumSq: 20, missing: [0], cross: [0], pairs: [0] });
    const nd = t.nowDesired.get('nd');
    expect(nd?.now).toMatchObject({ answered: 3, dontKnow: 1, moments: { n: 2, sum: 5, sumSq: 13, den: 1 } });
    expect(nd?.desired).toMatchObject({ answered: 3, dontKnow: 0, moments: { n: 3, sum: 12, sumSq: 50, den: 1 } });
    // Gap only where both parts are valid: 5 - 2 and 3 - 3.
    expect(nd?.gap).toEqual({ n: 2, sum: 3, sumSq: 9, den: 1 });
    expect(t.rausTotal).toBeUndefined();
    expect(t.position).toBeUndefined();
  });

  test('the combined survey: RAUS total, position figures, nowDesired kept out of factor scores', () => {
    const { db, waveId, submit } = setup(kartlegging, [['u', null]]);
    submit('u', {
      raus_velkommen: 5,
      raus_verdsatt: 4,
      raus_utvikler: 'dk',
      raus_glad: 3,
      hefa_med_mening: 4,
      hefa_nd_innflytelse: { now: 1, desired: 5 },
      stilling_naa: 60,
      ansettelse: 'fast',
      onsket_endring: 'storre',
      onsket_stilling: 80,
      kvalifisert: 'ja',
      oppstart: 'innen_3_mnd',
      takker_ja: 'ja',
      villig_til: ['flere_helger'],
    });
    submit('u', { raus_velkommen: 'dk', raus_verdsatt: 'dk', raus_utvikler: 'dk', raus_glad: 'dk', stilling_naa: 100, onsket_endring: 'samme' });
    const t = tallyWave(db, kartlegging, waveId).get('u') as GroupTally;
    // Composite tallies: per respondent with any valid item, s = sum of valid answers and z = which
    // items were not answered. First respondent: 5, 4, (dk), 3 -> s = 12, z = [0,0,1,0]; the second
    // answered none of the four, so does not count.
    expect(t.rausTotal).toEqual({ items: ['raus_velkommen', 'raus_verdsatt', 'raus_utvikler', 'raus_glad'], n: 1, sum: 12, sumSq: 144, missing: [0, 0, 1, 0], cross: [0, 0, 12, 0], pairs: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0] });
    expect(t.factors.get('raus')).toEqual(t.rausTotal);
    // medvirkning: one of its items answered (4); the others count as not answered.
    const med = t.factors.get('medvirkning');
    expect(med).toMatchObject({ n: 1, sum: 4, sumSq: 16 });
    expect(med?.missing.filter((z) => z === 1)).toHaveLength((med?.items.length ?? 0) - 1);
    expect(t.nowDesired.get('hefa_nd_innflytelse')?.gap).toEqual({ n: 1, sum: 4, sumSq: 16, den: 1 });
    expect(t.position).toMatchObject({ n: 2, fullTime: 1, more: 1, same: 1, less: 0, involuntary: { selfReported: 1, drammen: 1, surnadal: 0 } });
    expect(t.position?.current).toEqual({ n: 2, sum: 160, sumSq: 60 ** 2 + 100 ** 2, den: 1 });
    expect(t.position?.desired).toEqual({ n: 2, sum: 180, sumSq: 80 ** 2 + 100 ** 2, den: 1 });
    expect(t.items.get('villig_til')?.counts['flere_helger']).toBe(1);
  });

  test('by background category', () => {
    const { db, waveId, submit } = setup(kartlegging, [
      ['org', null],
      ['a', 'org'],
    ]);
    submit('a', { stilling_naa: 100 });
    submit('a', { stilling_naa: 50 });
    submit('a', { stilling_naa: 40 });
    submit('org', { raus_glad: 5 });
    const by = tallyWaveByCategory(db, kartlegging, waveId, BREAKDOWNS.fullTime.classify);
    expect(by.get('a')?.get('heltid')?.responses).toBe(1);
    expect(by.get('a')?.get('deltid')?.responses).toBe(2);
    expect(by.get('org')?.get(UNCLASSIFIED)?.responses).toBe(1);
    expect(by.get('org')?.get(UNCLASSIFIED)?.rausTotal).toMatchObject({ n: 1, sum: 5, sumSq: 25, missing: [1, 1, 1, 0] });
  });

  test('a classifier reads a respondent’s single values: numbers, option ids and "vet ikke", nothing else', () => {
    const { db, waveId, submit } = setup(small, [['u', null]]);
    submit('u', { s: 'x', a: 4 });
    submit('u', { s: 'y', a: 'dk' });
    submit('u', { a: 2, m: ['a'], t: 'fritekst', nd: { now: 2, desired: 5 } });
    const seen: string[] = [];
    const by = tallyWaveByCategory(db, small, waveId, (r) => {
      seen.push([r.value('s'), r.value('a'), r.value('m'), r.value('t'), r.value('nd'), r.value('finnes_ikke')].map(String).join(' '));
      return typeof r.value('s') === 'string' ? String(r.value('s')) : undefined;
    });
    expect(seen.sort()).toEqual(['undefined 2 undefined undefined undefined undefined', 'x 4 undefined undefined undefined undefined', 'y dk undefined undefined undefined undefined']);
    expect([...(by.get('u')?.keys() ?? [])].sort()).toEqual([UNCLASSIFIED, 'x', 'y']);
    expect(by.get('u')?.get('y')?.items.get('a')?.dontKnow).toBe(1);
  });
});

/** A comparable form of a tally: Maps as objects, numbers rounded (sums of means differ in the last bits by order). */
function plain(t: GroupTally): unknown {
  return JSON.parse(
    JSON.stringify(t, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v)),
  );
}

describe('rolling up', () => {
  const units: [string, string | null][] = [
    ['org', null],
    ['helse', 'org'],
    ['avd1', 'helse'],
    ['avd2', 'helse'],
    ['natt', 'avd2'],
    ['skole', 'org'],
    ['tom', 'org'],
  ];
  const parentOf = new Map(units);
  const inSubtree = (unit: string, root: string): boolean => {
    for (let u: string | null | undefined = unit; u; u = parentOf.get(u)) if (u === root) return true;
    return false;
  };

  test('each unit is the sum of its own and all descendants’ respondents', () => {
    const { db, waveId, submit } = setup(kartlegging, units);
    // Direct respondents at non-leaf units too (helse, avd2, org).
    const placement = ['avd1', 'avd1', 'avd2', 'natt', 'natt', 'helse', 'skole', 'skole', 'org', 'avd2', 'natt'];
    placement.forEach((unitId, i) =>
      submit(unitId, {
        hefa_beg_rolle: (i % 5) + 1,
        hefa_beg_info: i % 3 === 0 ? 'dk' : ((i * 2) % 5) + 1,
        raus_glad: (i % 4) + 2,
        hefa_trivsel_total: i % 11,
        hefa_nd_kompetanse: { now: (i % 5) + 1, desired: 5 },
        stilling_naa: 40 + i * 5,
        onsket_endring: i % 2 === 0 ? 'storre' : 'samme',
        villig_til: i % 3 === 0 ? ['flere_enheter'] : ['ekstravakter'],
      }),
    );
    const rows = [...streamWaveAnswers(db, waveId)] as WaveAnswerRow[];
    const direct = tallyWave(db, kartlegging, waveId);
    const rolled = rollUp(
      units.map(([id, parentId]) => ({ id, parentId })),
      direct,
    );
    for (const [id] of units) {
      const subset = rows.filter((r) => inSubtree(r.unitId, id)).map((r) => ({ ...r, unitId: 'x' }));
      const expected = tallyRows(kartlegging, subset).get('x');
      const got = rolled.get(id) as GroupTally;
      expect(got.responses, id).toBe(placement.filter((u) => inSubtree(u, id)).length);
      if (expected) expect(plain(got), id).toEqual(plain(expected));
      else expect(got.responses).toBe(0);
    }
    expect(rolled.get('tom')?.items.size).toBe(0);
  });

  test('merging leaves its inputs unchanged', () => {
    const a = tallyRows(small, [{ responseId: 1, unitId: 'u', itemId: 'a', part: '', num: 4, txt: null }]).get('u') as GroupTally;
    const b = tallyRows(small, [{ responseId: 2, unitId: 'u', itemId: 'a', part: '', num: 2, txt: null }]).get('u') as GroupTally;
    const before = [plain(a), plain(b)];
    const sum = mergeTallies(a, b);
    expect([plain(a), plain(b)]).toEqual(before);
    expect(sum.items.get('a')?.moments).toEqual({ n: 2, sum: 6, sumSq: 20, den: 1 });
    expect(sum.responses).toBe(2);
  });

  test('a cycle in the tree is refused', () => {
    expect(() =>
      rollUp(
        [
          { id: 'a', parentId: 'b' },
          { id: 'b', parentId: 'a' },
        ],
        new Map(),
      ),
    ).toThrow(/cycle/);
  });
});
