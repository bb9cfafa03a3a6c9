import { describe, expect, test } from 'vitest';
import { compareGroups, isChange, itemComparability, overviewChanges, readChange } from '../../src/report/compare.js';
import type { Comparability, MeasureComparison, Series, UnitComparison, WaveGroup } from '../../src/report/compare.js';
import { INVOLUNTARY_DEFINITIONS } from '../../src/report/position.js';
import type { PositionDistribution, ReleasedGroup, ReleasedPart, ReleasedPosition, ShownGroup, Stats, Withheld } from '../../src/report/released.js';
import { detectableDifference, welch } from '../../src/report/welch.js';
import { ratio } from '../../src/report/exact.js';
import { decimal2 } from '../../src/web/results/format.js';
import type { Survey } from '../../src/survey/model.js';
import type { Item, Scale } from '../../src/survey/schema.js';

// ---- Hand-made surveys -------------------------------------------------------------------------

const agree: Scale = { points: [1, 2, 3, 4, 5].map((value) => ({ value, label: `p${value}` })) };
const likert = (id: string, factor?: string, text = `Statement ${id}`): Item => ({ id, type: 'likert', text, scale: 'agree', required: false, ...(factor ? { factor } : {}) });
const BASE_ITEMS: Item[] = [
  likert('mestring_1', 'mestring'),
  likert('mestring_2', 'mestring'),
  likert('raus_velkommen'),
  likert('raus_glad'),
  { id: 'trivsel', type: 'scale', text: 'Trivsel 0-10', min: 0, max: 10, minLabel: 'Lite', maxLabel: 'Mye', required: false },
  { id: 'nd_innflytelse', type: 'nowDesired', text: 'Innflytelse', scale: 'agree', required: false },
  { id: 'stilling_naa', type: 'number', text: 'Stilling nå', min: 0, max: 100, step: 1, required: false },
  { id: 'onsket_endring', type: 'single', text: 'Ønsket endring', options: ['storre', 'samme', 'mindre'].map((id) => ({ id, label: id })), required: false },
];
function survey(version: number, edit: (items: Item[]) => Item[] = (i) => i, scales: Record<string, Scale> = { agree }): Survey {
  const items = edit(BASE_ITEMS.map((i) => ({ ...i })));
  return { id: 'kartlegging', version, title: 'Kartlegging', scales, factors: [{ id: 'mestring', label: 'Mestring' }], sections: [], items };
}
const replace = (id: string, change: (i: Item) => Item) => (items: Item[]) => items.map((i) => (i.id === id ? change(i) : i));

// ---- Hand-made released tables -----------------------------------------------------------------

const st = (n: number, mean?: number, sd?: number): Stats & { n: number } => ({ released: true, n, ...(mean === undefined ? {} : { mean }), ...(sd === undefined ? {} : { sd }) });
const belowK: Withheld = { released: false, reason: 'below_k', fewerThan: 5 };
const part = (value: Stats | Withheld): ReleasedPart => ({ value, distribution: { released: false, reason: 'below_k', fewerThan: 10 } });

/** Figures keyed by measure id; anything not given gets a plain released figure. */
type Figures = Partial<Record<'mestring' | 'mestring_1' | 'mestring_2' | 'raus_velkommen' | 'raus_glad' | 'raus_total' | 'trivsel' | 'gap', Stats | Withheld>>;

/** A released position distribution; only the first involuntary definition (self-reported) is non-zero. */
function distribution(n: number, fullTime: number, involuntary: number): PositionDistribution {
  const share = (count: number) => ({ count, share: count / n });
  const partTime = n - fullTime;
  const ofPartTime = (count: number) => (partTime > 0 ? count / partTime : 0);
  const inv = INVOLUNTARY_DEFINITIONS.map((d, k) => ({ id: d.id, name: d.name, description: d.description, ...share(k === 0 ? involuntary : 0), ofPartTime: ofPartTime(k === 0 ? involuntary : 0) }));
  return {
    released: true,
    n,
    fullTime: share(fullTime),
    more: share(involuntary),
    same: share(n - involuntary),
    less: share(0),
    partTime: share(partTime),
    moreOfPartTime: { count: involuntary, share: ofPartTime(involuntary) },
    involuntary: inv,
  };
}

function group(n: number, f: Figures = {}, position?: ReleasedPosition, id = 'u1'): ShownGroup {
  const fig = (k: keyof Figures) => f[k] ?? st(n, 3, 1);
  const item = (i: Item, value: Stats | Withheld) => ({ id: i.id, type: i.type, text: i.text, ...part(value) });
  return {
    id,
    released: true,
    n,
    headcount: n * 2,
    responseRate: 0.5,
    items: BASE_ITEMS.filter((i) => i.type !== 'nowDesired').map((i) => item(i, i.id in { mestring_1: 1, mestring_2: 1, raus_velkommen: 1, raus_glad: 1, trivsel: 1 } ? fig(i.id as keyof Figures) : st(n))),
    nowDesired: [{ id: 'nd_innflytelse', text: 'Innflytelse', now: part(st(n, 2, 1)), desired: part(st(n, 4, 1)), gap: fig('gap') }],
    factors: [{ id: 'mestring', label: 'Mestring', value: fig('mestring') }],
    rausTotal: fig('raus_total'),
    ...(position ? { position } : {}),
    texts: [],
    withheld: { below_k: 0, complementary: 0, disabled: 0, release: 0 },
  };
}

const hiddenBelowK: ReleasedGroup = { id: 'u1', released: false, reason: 'below_k', fewerThan: 5 };
const hiddenComplementary: ReleasedGroup = { id: 'u1', released: false, reason: 'complementary' };

const v1 = survey(1);
function waves(groups: (ReleasedGroup | undefined)[], surveys: Survey[] = groups.map(() => v1)): WaveGroup[] {
  return groups.map((group, k) => ({ waveId: k + 1, label: `T${k}`, survey: surveys[k] as Survey, group }));
}
function compare(groups: (ReleasedGroup | undefined)[], surveys?: Survey[]): UnitComparison {
  const ws = waves(groups, surveys);
  return compareGroups(ws, itemComparability(ws.map((w) => w.survey)));
}
function shown(c: UnitComparison) {
  if (!c.shown) throw new Error(`hidden: ${c.reason}`);
  return c;
}
const factor = (c: UnitComparison): MeasureComparison => shown(c).factors[0] as MeasureComparison;
const itemOf = (c: UnitComparison, id: string): MeasureComparison => {
  const s = shown(c);
  const m = [...s.items, ...s.scales, ...s.gaps].find((x) => x.id === id);
  if (!m) throw new Error(`no ${id}`);
  return m;
};

describe('item comparability across survey versions', () => {
  test.each<[string, Survey[], string, Comparability['status']]>([
    ['unchanged', [v1, survey(2)], 'mestring_1', 'same'],
    ['scale renamed, same points', [v1, survey(2, replace('mestring_1', (i) => ({ ...i, scale: 'enig' } as Item)), { agree, enig: agree })], 'mestring_1', 'same'],
    ['reworded', [v1, survey(2, replace('mestring_1', (i) => ({ ...i, text: 'Ny tekst' })))], 'mestring_1', 'text_changed'],
    ['scale label changed', [v1, survey(2, (i) => i, { agree: { points: agree.points.map((p) => ({ ...p, label: `x${p.value}` })) } })], 'raus_glad', 'scale_changed'],
    ['scale shortened', [v1, survey(2, (i) => i, { agree: { points: agree.points.slice(0, 4) } })], 'nd_innflytelse', 'scale_changed'],
    ['"vet ikke" offered', [v1, survey(2, (i) => i, { agree: { ...agree, dontKnowLabel: 'Vet ikke' } })], 'mestring_2', 'scale_changed'],
    ['0-10 became 1-10', [v1, survey(2, replace('trivsel', (i) => ({ ...i, min: 1 } as Item)))], 'trivsel', 'scale_changed'],
    ['option added', [v1, survey(2, replace('onsket_endring', (i) => ({ ...i, options: [{ id: 'vet_ikke', label: 'vet ikke' }, ...(i.type === 'single' ? i.options : [])] } as Item)))], 'onsket_endring', 'scale_changed'],
    ['statement became a choice', [v1, survey(2, replace('mestring_1', (i) => ({ id: i.id, type: 'single', text: i.text, required: false, options: [{ id: 'ja', label: 'ja' }, { id: 'nei', label: 'nei' }] })))], 'mestring_1', 'type_changed'],
    ['dropped in the later version', [v1, survey(2, (i) => i.filter((x) => x.id !== 'raus_glad'))], 'raus_glad', 'missing'],
    ['new in the later version', [survey(1, (i) => i.filter((x) => x.id !== 'trivsel')), survey(2)], 'trivsel', 'missing'],
    ['changed and changed back (three waves)', [v1, survey(2, replace('mestring_1', (i) => ({ ...i, text: 'Ny' }))), survey(3)], 'mestring_1', 'text_changed'],
    ['worst change across three waves wins', [v1, survey(2, replace('mestring_1', (i) => ({ ...i, text: 'Ny' }))), survey(3, replace('mestring_1', (i) => ({ ...i, type: 'scale', min: 0, max: 10, minLabel: 'a', maxLabel: 'b' } as Item)))], 'mestring_1', 'type_changed'],
  ])('%s', (_, surveys, id, status) => {
    expect(itemComparability(surveys).get(id)?.status).toBe(status);
  });

  test('a flag says which versions differ', () => {
    const c = itemComparability([v1, survey(2, replace('mestring_1', (i) => ({ ...i, text: 'Ny tekst' })))]).get('mestring_1');
    expect(c?.detail).toBe('kartlegging v1 → kartlegging v2: "Statement mestring_1" → "Ny tekst"');
    expect(itemComparability([v1, survey(2, (i) => i.slice(1))]).get('mestring_1')?.detail).toBe('not in kartlegging v2');
  });
});

describe('reading a change', () => {
  test.each([
    [{ diff: 0.4, low: 0.1, high: 0.7 }, 30, 30, 10, 'increase'],
    [{ diff: -0.4, low: -0.7, high: -0.1 }, 30, 30, 10, 'decrease'],
    [{ diff: 0.3, low: -0.01, high: 0.61 }, 30, 30, 10, 'no_clear_change'],
    [{ diff: 0.3, low: 0, high: 0.6 }, 30, 30, 10, 'no_clear_change'],
    [{ diff: 1.5, low: 1, high: 2 }, 9, 30, 10, 'too_few'],
    [{ diff: 1.5, low: 1, high: 2 }, 30, 9, 10, 'too_few'],
    [{ diff: 1.5, low: 1, high: 2 }, 10, 10, 10, 'increase'],
    [{ diff: 1.5, low: 1, high: 2 }, 10, 10, 20, 'too_few'],
  ] as const)('%o with n %s and %s (minN %s) reads %s', (c, nA, nB, minN, reading) => {
    expect(readChange(c, nA, nB, minN)).toBe(reading);
  });
});

describe('disclosure carries over: a group hidden in any wave shows no comparison', () => {
  test.each([
    ['below k at T1', [group(30), hiddenBelowK], 'below_k'],
    ['complementary at T0', [hiddenComplementary, group(30)], 'complementary'],
    ['no group at T1', [group(30), undefined], 'missing'],
    ['below k in the last of three', [group(30), group(30), hiddenBelowK], 'below_k'],
    ['hidden twice, first reason reported', [hiddenBelowK, hiddenComplementary], 'below_k'],
  ] as const)('%s', (_, groups, reason) => {
    const c = compare([...groups]);
    expect(c.shown).toBe(false);
    if (c.shown) return;
    expect(c.reason).toBe(reason);
    // Nothing but the reason and the public threshold per wave: no figure leaks out.
    expect(Object.keys(c).sort()).toEqual(['reason', 'shown', 'unitId', 'waves']);
    for (const w of c.waves) for (const k of Object.keys(w)) expect(['waveId', 'label', 'reason', 'fewerThan']).toContain(k);
  });

  test('per-wave status of a hidden comparison', () => {
    const c = compare([group(30), hiddenBelowK, undefined]);
    expect(c).toEqual({
      unitId: 'u1',
      shown: false,
      reason: 'below_k',
      waves: [
        { waveId: 1, label: 'T0' },
        { waveId: 2, label: 'T1', reason: 'below_k', fewerThan: 5 },
        { waveId: 3, label: 'T2', reason: 'missing' },
      ],
    });
  });
});

describe('factor changes between two waves', () => {
  const a = st(40, 3.2, 0.8);
  test.each([
    ['increase', st(45, 3.6, 0.7), 'increase'],
    ['decrease', st(45, 2.8, 0.7), 'decrease'],
    ['small shift', st(42, 3.25, 0.8), 'no_clear_change'],
  ])('%s: the Welch interval of the tables, read in plain words', (_, b, reading) => {
    const f = factor(compare([group(40, { mestring: a }), group(45, { mestring: b })]));
    expect(f.figures).toEqual([a, b]);
    const w = welch(a, b);
    if (!w) throw new Error('no interval');
    // Where no change is claimed, the smallest change these n and SDs would have detected comes along.
    const detectable = reading === 'no_clear_change' ? { detectable: detectableDifference(w) } : {};
    expect(f.overall).toEqual({ diff: w.diff, low: w.low, high: w.high, df: w.df, se: w.se, p: w.p, reading, ...detectable });
    expect(f.steps).toEqual([f.overall]);
  });

  test('too few answers: the interval is given but not read as an effect', () => {
    const f = factor(compare([group(8, { mestring: st(8, 2, 0.3) }), group(8, { mestring: st(8, 4, 0.3) })]));
    expect(isChange(f.overall) && f.overall.reading).toBe('too_few');
  });

  test.each([
    ['withheld at T0', belowK, st(45, 3.6, 0.7), { reason: 'withheld' }],
    ['withheld at T1', st(40, 3.2, 0.8), { released: false, reason: 'complementary' } as Withheld, { reason: 'withheld' }],
    ['released without an SD (n 1)', st(1, 4), st(45, 3.6, 0.7), { reason: 'small' }],
  ])('%s: no change, the reason instead, and the figure as the table has it', (_, fa, fb, overall) => {
    const f = factor(compare([group(40, { mestring: fa }), group(45, { mestring: fb })]));
    expect(f.figures).toEqual([fa, fb]);
    expect(f.overall).toEqual(overall);
  });
});

describe('honest readings', () => {
  test('everyone alike in both waves (SD 0, n 10): no interval, no verdict, not "1,00 til 1,00"', () => {
    const f = factor(compare([group(10, { mestring: st(10, 1, 0) }), group(10, { mestring: st(10, 2, 0) })]));
    const o = f.overall;
    if (!isChange(o)) throw new Error('no change');
    expect(o.reading).toBe('no_variation');
    expect(o.se).toBe(0);
    expect(o).not.toHaveProperty('p');
    expect(o).not.toHaveProperty('detectable');
  });

  test('an exact difference of 0.525 stays exact (3.725 - 3.2 is 0.5249999999999999 in floating point)', () => {
    const a: Stats = { ...st(40, 3.2, 0.8), exact: { mean: ratio(16, 5) } };
    const b: Stats = { ...st(40, 3.725, 0.8), exact: { mean: ratio(149, 40) } };
    const o = factor(compare([group(40, { mestring: a }), group(40, { mestring: b })])).overall;
    if (!isChange(o)) throw new Error('no change');
    expect(o.diff).toBeLessThan(0.525);
    expect(o.exact).toEqual(ratio(21, 40));
    expect(decimal2(o.exact ?? o.diff, 'nb')).toBe('0,53');
  });

  test('a fraction that disagrees with its number (coarsened by disclosure control) is not used', () => {
    const a: Stats = { ...st(40, 3, 0.8), exact: { mean: ratio(16, 5) } };
    const o = factor(compare([group(40, { mestring: a }), group(40, { mestring: st(40, 3.5, 0.8) })])).overall;
    expect(isChange(o) && o.exact).toBeUndefined();
  });

  // Two measures in the main family (the factor and the RAUS total). Welch by hand: diff 0.37,
  // se = 0.8·sqrt(2/40) = 0.178885, t = 2.0684 on 78 df, p = 0.0419: its 95 % interval excludes 0.
  const rising = (raus: Stats) => compare([group(40, { mestring: st(40, 3, 0.8), raus_total: st(40, 3, 0.8) }), group(40, { mestring: st(40, 3.37, 0.8), raus_total: raus })]);

  test('false alarms: p = 0.042 beside an unchanged measure is only a possible change (BH: 0.042 > 1·0.05/2)', () => {
    const o = factor(rising(st(40, 3, 0.8))).overall;
    if (!isChange(o)) throw new Error('no change');
    expect(o.low).toBeGreaterThan(0);
    expect(o.p).toBeCloseTo(0.0419, 3);
    expect(o.reading).toBe('possible_chance');
    expect(o).not.toHaveProperty('detectable');
  });

  test('false alarms: beside a clear change the same p is kept (step-up: 0.042 <= 2·0.05/2)', () => {
    const c = rising(st(40, 4, 0.8));
    const o = factor(c).overall;
    expect(isChange(o) && o.reading).toBe('increase');
    expect(isChange(shown(c).rausTotal?.overall ?? { reason: 'absent' }) && (shown(c).rausTotal?.overall as { reading: string }).reading).toBe('increase');
  });

  test('statements form their own family: dozens of unchanged statements do not dilute the factors', () => {
    const c = rising(st(40, 4, 0.8));
    expect(shown(c).items.every((m) => !isChange(m.overall) || m.overall.reading === 'no_clear_change')).toBe(true);
    expect(isChange(factor(c).overall) && (factor(c).overall as { reading: string }).reading).toBe('increase');
  });

  test('where no change is claimed, the smallest detectable change comes along (too few or no clear change)', () => {
    // n 7 in each wave, SD 0.8: (t_0.975,12 + t_0.80,12) · 0.42762 = 1.305 (t table: 2.179 + 0.873).
    const small = factor(compare([group(7, { mestring: st(7, 3.5, 0.8) }), group(7, { mestring: st(7, 3.7, 0.8) })])).overall;
    expect(isChange(small) && small.reading).toBe('too_few');
    expect(isChange(small) && small.detectable).toBeCloseTo(1.305, 2);
  });
});

describe('items, RAUS, 0-10 scales and gaps', () => {
  const c = compare([
    group(40, { mestring_1: st(40, 3, 1), raus_velkommen: st(40, 4, 0.5), raus_total: st(40, 3.9, 0.6), trivsel: st(40, 6, 2), gap: st(38, 1.5, 1) }),
    group(40, { mestring_1: st(40, 3.1, 1), raus_velkommen: st(40, 4.5, 0.5), raus_total: st(40, 4.4, 0.6), trivsel: belowK, gap: st(39, 0.8, 1) }),
  ]);

  test('each measure is listed with its kind', () => {
    const s = shown(c);
    expect(s.items.map((m) => [m.id, m.kind])).toEqual([
      ['mestring_1', 'likert'],
      ['mestring_2', 'likert'],
      ['raus_velkommen', 'raus'],
      ['raus_glad', 'raus'],
    ]);
    expect(s.scales.map((m) => m.id)).toEqual(['trivsel']);
    expect(s.gaps.map((m) => m.id)).toEqual(['nd_innflytelse']);
    expect(s.rausTotal?.kind).toBe('raus_total');
    expect(s.waves).toEqual([
      { waveId: 1, label: 'T0', n: 40, responseRate: 0.5 },
      { waveId: 2, label: 'T1', n: 40, responseRate: 0.5 },
    ]);
  });

  test.each([
    ['mestring_1', 'no_clear_change'],
    ['raus_velkommen', 'increase'],
    ['nd_innflytelse', 'decrease'],
  ])('%s reads %s', (id, reading) => {
    const o = itemOf(c, id).overall;
    expect(isChange(o) && o.reading).toBe(reading);
  });

  test('RAUS total and a withheld 0-10 item', () => {
    const r = shown(c).rausTotal?.overall;
    expect(isChange(r ?? { reason: 'absent' }) && r).toMatchObject({ diff: expect.closeTo(0.5, 12) as number, reading: 'increase' });
    expect(itemOf(c, 'trivsel').overall).toEqual({ reason: 'withheld' });
  });
});

describe('flagged items are never compared silently', () => {
  const reworded = survey(2, replace('mestring_1', (i) => ({ ...i, text: 'Jeg mestrer jobben' })));
  const c = compare([group(40, { mestring_1: st(40, 3, 1) }), group(40, { mestring_1: st(40, 4, 1) })], [v1, reworded]);

  test('the item shows both figures, the flag and no change', () => {
    const m = itemOf(c, 'mestring_1');
    expect(m.text).toBe('Jeg mestrer jobben');
    expect(m.figures).toEqual([st(40, 3, 1), st(40, 4, 1)]);
    expect(m.comparability.status).toBe('text_changed');
    expect(m.overall).toMatchObject({ reason: 'not_comparable', status: 'text_changed' });
    expect(m.steps[0]).toMatchObject({ reason: 'not_comparable' });
  });

  test('so does the factor the item feeds', () => {
    expect(factor(c).overall).toMatchObject({ reason: 'not_comparable', status: 'text_changed', detail: expect.stringContaining('mestring_1') as string });
  });

  test.each<[string, Survey, 'factor' | 'raus_total', string]>([
    ['an item moved out of the factor', survey(2, replace('mestring_2', (i) => ({ ...i, factor: undefined } as Item))), 'factor', 'missing'],
    ['a RAUS statement rescaled', survey(2, replace('raus_glad', (i) => ({ ...i, scale: 'short' } as Item)), { agree, short: { points: agree.points.slice(1) } }), 'raus_total', 'scale_changed'],
  ])('%s stops the %s comparison', (_, later, which, status) => {
    const s = shown(compare([group(40), group(40)], [v1, later]));
    const m = which === 'factor' ? s.factors[0] : s.rausTotal;
    expect(m?.overall).toMatchObject({ reason: 'not_comparable', status });
  });

  test('an item dropped later is still listed, flagged, with no figure where it was not asked', () => {
    const later = survey(2, (i) => i.filter((x) => x.id !== 'mestring_2'));
    const g2 = group(40);
    g2.items = g2.items.filter((i) => i.id !== 'mestring_2');
    const m = itemOf(compare([group(40), g2], [v1, later]), 'mestring_2');
    expect(m.figures).toEqual([st(40, 3, 1), undefined]);
    expect(m.overall).toMatchObject({ reason: 'not_comparable', status: 'missing' });
  });
});

describe('position size over time', () => {
  const pos = (n: number, fullTime: number, involuntary: number, d: PositionDistribution | Withheld = distribution(n, fullTime, involuntary)): ReleasedPosition => ({
    current: st(n, 72, 20),
    desired: st(n, 80, 18),
    distribution: d,
  });

  test('7.47 % → 5.15 % full-time is -2.32 percentage points, -31 % relative (DOMAIN.md 4)', () => {
    const c = compare([group(40, {}, pos(10000, 747, 1200)), group(40, {}, pos(10000, 515, 900))]);
    const full = shown(c).position?.shares.find((s) => s.id === 'fullTime');
    expect(full?.figures).toEqual([
      { released: true, n: 10000, count: 747, share: 0.0747 },
      { released: true, n: 10000, count: 515, share: 0.0515 },
    ]);
    const o = full?.overall;
    if (!o || !isChange(o)) throw new Error('no change');
    expect(o.percentagePoints).toBeCloseTo(-2.32, 10);
    expect(o.relativeChange).toBeCloseTo(-0.3106, 4);
    expect(Math.round((o.relativeChange ?? 0) * 100)).toBe(-31);
  });

  test('involuntary part-time is reported per definition, each under its own name', () => {
    const p = shown(compare([group(40, {}, pos(40, 10, 12)), group(40, {}, pos(40, 10, 8))])).position;
    const inv = p?.shares.filter((s) => s.label !== undefined && s.denominator === 'all') ?? [];
    expect(inv.map((s) => [s.id, s.label])).toEqual([
      ['selfReported', 'Ufrivillig deltid, selvrapportert'],
      ['drammen', 'Ufrivillig deltid, streng definisjon (Drammen)'],
      ['surnadal', 'Ufrivillig deltid, strengere definisjon (Surnadal)'],
    ]);
    // 12/40 = 30 % → 8/40 = 20 %: -10 points, -1/3 relative. Newcombe's interval (method 10) by hand
    // with Python, Wilson bounds at z = NormalDist().inv_cdf(0.975): -28.12 to +8.97 points.
    expect(inv[0]?.overall).toMatchObject({
      percentagePoints: expect.closeTo(-10, 10) as number,
      relativeChange: expect.closeTo(-1 / 3, 12) as number,
      low: expect.closeTo(-28.120035, 5) as number,
      high: expect.closeTo(8.973334, 5) as number,
      reading: 'no_clear_change',
      exact: { change: { num: -1, den: 10 }, relative: { num: -1, den: 3 } },
    });
    // 0 % before: there is no relative change to state; 0/40 → 0/40 is still an interval (±8.76 points), never a point.
    expect(inv[1]?.overall).toMatchObject({ percentagePoints: 0, low: expect.closeTo(-8.762160, 5) as number, high: expect.closeTo(8.762160, 5) as number, p: 1 });
    expect(inv[1]?.overall).not.toHaveProperty('relativeChange');
    // The same definitions as shares of part-time employees (30 of 40): 12/30 → 8/30, -13.33 points, interval -34.98 to +10.20.
    const ofPartTime = p?.shares.filter((s) => s.denominator === 'partTime') ?? [];
    expect(ofPartTime.map((s) => s.id)).toEqual(['selfReported', 'drammen', 'surnadal']);
    expect(ofPartTime[0]?.figures[0]).toEqual({ released: true, n: 30, count: 12, share: 0.4 });
    expect(ofPartTime[0]?.overall).toMatchObject({ percentagePoints: expect.closeTo(-40 / 3, 10) as number, low: expect.closeTo(-34.976346, 5) as number, high: expect.closeTo(10.195865, 5) as number });
    expect(p?.current.overall).toMatchObject({ diff: 0, reading: 'no_clear_change' });
  });

  test('a withheld distribution in either wave gives no share change at all', () => {
    const p = shown(compare([group(40, {}, pos(40, 10, 12)), group(40, {}, pos(40, 0, 0, belowK))])).position;
    for (const s of p?.shares ?? []) {
      expect(s.figures[1]).toEqual(belowK);
      expect(s.overall).toEqual({ reason: 'withheld' });
    }
    // Full-time, more, same, less and three definitions of all respondents, three of part-time employees.
    expect(p?.shares).toHaveLength(10);
    // The means are separate measures with their own release decision.
    expect(isChange(p?.current.overall ?? { reason: 'absent' })).toBe(true);
  });
});

describe('three-wave series', () => {
  const series = [group(40, { mestring: st(40, 3, 0.6) }, undefined), group(40, { mestring: st(40, 3.3, 0.6) }), group(40, { mestring: st(40, 3.6, 0.6) })];

  test('first to last and each step', () => {
    const f = factor(compare(series));
    expect(f.figures.map((x) => x?.released && x.mean)).toEqual([3, 3.3, 3.6]);
    expect(f.steps).toHaveLength(2);
    const o = f.overall;
    expect(isChange(o) && o.diff).toBeCloseTo(0.6, 12);
    expect(isChange(o) && o.reading).toBe('increase');
    for (const s of f.steps) expect(isChange(s) && s.diff).toBeCloseTo(0.3, 12);
  });

  test('a withheld middle wave blocks its two steps, not first to last', () => {
    const f = factor(compare([series[0], group(40, { mestring: belowK }), series[2]]));
    expect(f.steps).toEqual([{ reason: 'withheld' }, { reason: 'withheld' }]);
    expect(isChange(f.overall)).toBe(true);
  });

  test('a change in version 3 flags the item over the whole series, so the trend never mixes versions', () => {
    const v3 = survey(3, replace('mestring_1', (i) => ({ ...i, text: 'Ny' })));
    const m = itemOf(compare(series, [v1, survey(2), v3]), 'mestring_1');
    expect([m.overall, ...m.steps].every((x) => !isChange(x))).toBe(true);
  });

  test('percentage points between each pair of waves', () => {
    const pos = (fullTime: number): ReleasedPosition => ({ current: st(40, 80, 10), desired: st(40, 85, 10), distribution: distribution(40, fullTime, 4) });
    const p = shown(compare([group(40, {}, pos(8)), group(40, {}, pos(12)), group(40, {}, pos(10))])).position;
    const full = p?.shares[0];
    expect(full?.steps.map((s) => (isChange(s) ? Math.round(s.percentagePoints * 1e9) / 1e9 : s))).toEqual([10, -5]);
    expect(full?.overall).toMatchObject({ percentagePoints: expect.closeTo(5, 9) as number, relativeChange: expect.closeTo(0.25, 12) as number });
  });

  test('needs at least two waves', () => {
    expect(() => compare([group(40)])).toThrow(RangeError);
  });
});

describe('no change is ever computed across a withheld figure', () => {
  /** Every series in a comparison: the measure lists and the position shares. */
  const allSeries = (c: UnitComparison): Series<{ released: true }, unknown>[] => {
    const s = shown(c);
    return [...s.factors, ...s.items, ...s.scales, ...s.gaps, ...(s.rausTotal ? [s.rausTotal] : []), ...(s.position ? [s.position.current, s.position.desired, ...s.position.shares] : [])];
  };
  const masks = [
    [0, 1, 0],
    [1, 0, 0],
    [0, 0, 1],
    [1, 0, 1],
  ];
  test.each(masks)('withheld pattern %s %s %s', (...mask) => {
    const g = (k: number) =>
      mask[k] ? group(40, { mestring: belowK, mestring_1: belowK, raus_total: belowK, trivsel: belowK, gap: belowK }, { current: belowK, desired: belowK, distribution: belowK }) : group(40, {}, { current: st(40, 70, 20), desired: st(40, 80, 20), distribution: distribution(40, 10, 5) });
    const c = compare([g(0), g(1), g(2)]);
    let checked = 0;
    for (const s of allSeries(c)) {
      const hidden = s.figures.map((f) => f?.released === false);
      if (!hidden.some(Boolean)) continue;
      checked++;
      if (hidden[0] || hidden[2]) expect(s.overall).toEqual({ reason: 'withheld' });
      s.steps.forEach((step, k) => {
        if (hidden[k] || hidden[k + 1]) expect(step).toEqual({ reason: 'withheld' });
      });
    }
    expect(checked).toBeGreaterThanOrEqual(14);
  });
});

describe('overview for the project leader', () => {
  const unit = (id: string, a: Stats | Withheld, b: Stats | Withheld) => {
    const ws = waves([group(a.released ? (a.n ?? 40) : 40, { mestring: a }, undefined, id), group(b.released ? (b.n ?? 40) : 40, { mestring: b }, undefined, id)]);
    return compareGroups(ws, itemComparability([v1, v1]));
  };
  const comparisons = [
    unit('up', st(40, 3, 0.6), st(40, 3.6, 0.6)),
    unit('down', st(40, 3.6, 0.6), st(40, 3, 0.6)),
    unit('flat', st(40, 3.3, 0.6), st(40, 3.35, 0.6)),
    unit('small', st(6, 2, 0.2), st(6, 4, 0.2)),
    unit('withheld', st(40, 3, 0.6), belowK),
    compareGroups(waves([group(40, {}, undefined, 'gone'), hiddenBelowK]), itemComparability([v1, v1]), { unitId: 'gone' }),
  ];

  test('only units × factors whose interval excludes zero, with enough answers', () => {
    expect(overviewChanges(comparisons).map((e) => [e.unitId, e.factorId, e.label, e.reading])).toEqual([
      ['up', 'mestring', 'Mestring', 'increase'],
      ['down', 'mestring', 'Mestring', 'decrease'],
    ]);
    for (const e of overviewChanges(comparisons)) expect(e.low * e.high).toBeGreaterThan(0);
  });

  test('units are named by the option, else by the last group', () => {
    expect(comparisons.map((c) => c.unitId)).toEqual(['up', 'down', 'flat', 'small', 'withheld', 'gone']);
  });
});
