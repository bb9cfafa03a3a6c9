import { describe, expect, test } from 'vitest';
import { ratio } from '../../src/report/exact.js';
import { disclose, type Thresholds } from '../../src/report/disclosure.js';
import { releaseTables, subtreeHeadcounts, type ReleasedGroup, type Stats } from '../../src/report/released.js';
import { tallyRows } from '../../src/report/scan.js';
import { rollUp } from '../../src/report/tally.js';
import { answerRows } from '../../src/store/responses.js';
import { loadSurveyDir } from '../../src/survey/load.js';
import type { Answers, Survey } from '../../src/survey/model.js';
import { surveysDir } from '../helpers/app.js';

const survey = loadSurveyDir(surveysDir).get('kartlegging') as Survey;
const T: Thresholds = { k: 5, kDistribution: 10, kText: 10, freeText: false };

const units = [
  { id: 'org', parentId: null, headcount: null },
  { id: 'b1', parentId: 'org', headcount: 20 },
  { id: 'small', parentId: 'org', headcount: 4 },
  { id: 'b2', parentId: 'org', headcount: 16 },
];

function person(i: number): Answers {
  return {
    hefa_beg_rolle: (i % 5) + 1,
    hefa_beg_info: i % 4 === 0 ? 'dk' : 4,
    hefa_trivsel_total: i % 11,
    hefa_nd_innflytelse: { now: 2, desired: i % 4 === 1 ? 'dk' : 5 },
    raus_velkommen: 5,
    raus_verdsatt: 4,
    raus_utvikler: i % 3 === 0 ? 'dk' : 3,
    raus_glad: i % 2 === 0 ? 4 : 2,
    stilling_naa: i % 3 === 0 ? 100 : 60,
    ansettelse: 'fast',
    onsket_endring: i % 3 === 0 ? 'samme' : 'storre',
    ...(i % 3 === 0 ? {} : { onsket_stilling: 80, kvalifisert: 'ja', oppstart: 'innen_4_uker', takker_ja: 'ja', onske_fast: 'ja', skriftlig: 'ja', villig_til: ['flere_enheter'] }),
    kommentar: 'Hei',
  };
}

// b1: 12 people, small: 2, b2: 13. The organisation minus b1 and b2 would be small's 2, so the
// smaller of the two, b1, is hidden as well.
const placement = [...Array<string>(12).fill('b1'), 'small', 'small', ...Array<string>(13).fill('b2')];
const rows = placement.flatMap((unitId, i) => answerRows(survey, person(i)).map((r) => ({ responseId: i + 1, unitId, ...r })));
const rolled = rollUp(units, tallyRows(survey, rows));
const tables = releaseTables(survey, units, rolled, disclose(units, rolled, T));
const get = (id: string) => tables.get(id) as ReleasedGroup;
const shown = (id: string) => {
  const g = get(id);
  if (!g.released) throw new Error(`${id} is hidden`);
  return g;
};
/** The answers of b2's people, to compute what its table must say. */
const b2 = placement.flatMap((u, i) => (u === 'b2' ? [person(i)] : []));
const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sdOf = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - meanOf(xs)) ** 2, 0) / (xs.length - 1));

/** Every withheld entry anywhere: only its reason and the public threshold, never a number from the data. */
function withheldEntries(x: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(x)) for (const v of x) withheldEntries(v, out);
  else if (x !== null && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (o['released'] === false) out.push(o);
    for (const v of Object.values(o)) withheldEntries(v, out);
  }
  return out;
}

describe('suppressed result tables', () => {
  test('hidden groups say only why, and "fewer than k" only when that is the reason', () => {
    expect(get('small')).toEqual({ id: 'small', released: false, reason: 'below_k', fewerThan: 5 });
    expect(get('b1')).toEqual({ id: 'b1', released: false, reason: 'complementary' });
  });

  test('withheld figures inside shown groups carry no numbers but the threshold', () => {
    const entries = withheldEntries([...tables.values()]);
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      const keys = Object.keys(e).filter((k) => k !== 'id');
      if (e['reason'] === 'below_k') expect(keys.sort()).toEqual(['fewerThan', 'reason', 'released']);
      else expect(keys.sort()).toEqual(['reason', 'released']);
      if (e['reason'] === 'below_k') expect([5, 10]).toContain(e['fewerThan']);
    }
  });

  test('item figures: n, mean, SD, share favourable, ordered distribution with "vet ikke"', () => {
    const g = shown('b2');
    expect(g.n).toBe(13);
    expect(g.headcount).toBe(16);
    expect(g.responseRate).toBeCloseTo(13 / 16, 12);
    const values = b2.map((p) => p['hefa_beg_rolle'] as number);
    const rolle = g.items.find((i) => i.id === 'hefa_beg_rolle');
    expect(rolle?.value).toMatchObject({ released: true, n: 13, shareFavourable: values.filter((v) => v >= 4).length / 13 });
    expect((rolle?.value as Stats).mean).toBeCloseTo(meanOf(values), 12);
    expect((rolle?.value as Stats).sd).toBeCloseTo(sdOf(values), 12);
    const count = (v: number) => values.filter((x) => x === v).length;
    expect(rolle?.distribution).toEqual({
      released: true,
      n: 13,
      dontKnow: 0,
      counts: [
        { key: '1', label: 'Helt uenig', count: count(1) },
        { key: '2', label: 'Litt uenig', count: count(2) },
        { key: '3', label: 'Verken enig eller uenig', count: count(3) },
        { key: '4', label: 'Litt enig', count: count(4) },
        { key: '5', label: 'Helt enig', count: count(5) },
      ],
    });
    const info = g.items.find((i) => i.id === 'hefa_beg_info');
    // 3 of b2's 13 said "vet ikke": n 10 beside the group's 13 tells it, but so does the
    // distribution, which 13 answers (10 valid) may show: public, so allowed (rule 3).
    expect(info?.value).toEqual({ released: true, n: 10, mean: 4, sd: 0, shareFavourable: 1, exact: { mean: { num: 4, den: 1 }, variance: { num: 0, den: 1 }, shareFavourable: { num: 1, den: 1 } } });
    // The exact figures beside the numbers: the mean is the fraction sum / n, as a reader would compute it.
    const sum = values.reduce((s, v) => s + v, 0);
    expect((rolle?.value as Stats).exact?.mean).toEqual(ratio(sum, 13));
    expect((rolle?.value as Stats).exact?.shareFavourable).toEqual(ratio(values.filter((v) => v >= 4).length, 13));
    expect(info?.distribution).toMatchObject({ released: true, n: 13, dontKnow: 3 });
    const trivsel = g.items.find((i) => i.id === 'hefa_trivsel_total');
    expect(trivsel?.distribution.released && trivsel.distribution.counts.map((c) => c.key)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(trivsel?.value).not.toHaveProperty('shareFavourable');
    expect(g.items.find((i) => i.id === 'stilling_naa')?.distribution).toEqual({ released: true, n: 13, counts: [] });
    // An item nobody answered is withheld, not shown as zero.
    expect(g.items.find((i) => i.id === 'hefa_han_tid')?.value).toEqual({ released: false, reason: 'below_k', fewerThan: 5 });
  });

  test('now/desired, factors, RAUS, position, free text', () => {
    const g = shown('b2');
    const nd = g.nowDesired.find((i) => i.id === 'hefa_nd_innflytelse');
    expect(nd?.now.value).toMatchObject({ n: 13, mean: 2, sd: 0 });
    expect(nd?.desired.value).toMatchObject({ n: 10, mean: 5 });
    // The gap is the difference of the two released means; its n is the smaller of theirs.
    expect(nd?.gap).toEqual({ released: true, n: 10, mean: 3, exact: { mean: { num: 3, den: 1 } } });
    expect(nd?.desired.distribution).toMatchObject({ released: true, n: 13, dontKnow: 3 });
    // The RAUS total is the mean of the four statements' means; its SD is over each person's mean
    // with the statements they did not answer filled in with the group's statement means.
    const ids = ['raus_velkommen', 'raus_verdsatt', 'raus_utvikler', 'raus_glad'];
    const itemMeans = ids.map((id) => meanOf(b2.flatMap((p) => (typeof p[id] === 'number' ? [p[id] as number] : []))));
    const filled = b2.map((p) => ids.reduce((s, id, i) => s + (typeof p[id] === 'number' ? (p[id] as number) : (itemMeans[i] as number)), 0) / ids.length);
    expect(g.rausTotal).toMatchObject({ released: true, n: 13 });
    expect((g.rausTotal as Stats).mean).toBeCloseTo(meanOf(itemMeans), 12);
    expect((g.rausTotal as Stats).sd).toBeCloseTo(sdOf(filled), 12);
    expect(g.factors.find((f) => f.id === 'raus')?.value).toEqual(g.rausTotal);
    const current = b2.map((p) => p['stilling_naa'] as number);
    const fullTime = current.filter((c) => c === 100).length;
    expect((g.position?.current as Stats).mean).toBeCloseTo(meanOf(current), 12);
    expect((g.position?.desired as Stats).mean).toBeCloseTo(meanOf(current.map((c) => (c === 100 ? 100 : 80))), 12);
    expect(g.position?.distribution).toMatchObject({
      released: true,
      n: 13,
      fullTime: { count: fullTime, share: fullTime / 13 },
      more: { count: 13 - fullTime, share: (13 - fullTime) / 13 },
      same: { count: fullTime },
      less: { count: 0, share: 0 },
    });
    const inv = g.position?.distribution.released ? g.position.distribution.involuntary : [];
    expect(inv.map((d) => [d.id, d.count])).toEqual([
      ['selfReported', 13 - fullTime],
      ['drammen', 13 - fullTime],
      ['surnadal', 13 - fullTime],
    ]);
    expect(inv[2]?.name).toMatch(/Surnadal/);
    expect(g.texts).toEqual([{ id: 'kommentar', text: expect.any(String) as string, release: { released: false, reason: 'disabled' } }]);
    expect(g.withheld.disabled).toBe(1);
  });

  test('the organisation: every respondent, and the sum of the units’ headcounts', () => {
    const org = shown('org');
    expect(org.n).toBe(27);
    expect(org.headcount).toBe(40);
    expect(org.responseRate).toBeCloseTo(27 / 40, 12);
  });

  test.each([
    { units: [{ id: 'a', parentId: null, headcount: 10 }], expected: { a: 10 } },
    {
      units: [
        { id: 'a', parentId: null, headcount: null },
        { id: 'b', parentId: 'a', headcount: 3 },
        { id: 'c', parentId: 'a', headcount: null },
      ],
      expected: { b: 3 },
    },
    {
      units: [
        { id: 'a', parentId: null, headcount: 50 },
        { id: 'b', parentId: 'a', headcount: 3 },
      ],
      expected: { a: 50, b: 3 },
    },
    {
      units: [
        { id: 'a', parentId: null },
        { id: 'b', parentId: 'a', headcount: 3 },
        { id: 'c', parentId: 'b', headcount: null },
        { id: 'd', parentId: 'a', headcount: 4 },
      ],
      expected: { a: 7, b: 3, d: 4 },
    },
  ])('subtree headcounts', ({ units: u, expected }) => {
    expect(Object.fromEntries(subtreeHeadcounts(u))).toEqual(expected);
  });
});
