// Every figure the project leader can see in one release of a wave, read from the product's
// released tables (the single source of the unit page, its chart data, CSV, heat map, comparison
// and follow-up pages): what the unit page and the CSV render, the full-time/part-time breakdown
// and the comment lists. Group sizes, headcounts and response rates are left out: the attacker
// already knows who is in which set, so they are constants.
//
// How each shown number enters the linear system (model.ts):
// - With its exact n: n, mean x n, (n-1) SD^2 + n mean^2 and share x n are sums over the set.
// - Without it ("høyst N"): the mean still says sum - mean x n = 0 over the set, a homogeneous
//   equation in the respondents' indicators; an SD says sumSq - (mean^2 + SD^2) x n = -SD^2 and a
//   share fav - share x n = 0. These are what an attacker can use without knowing n.
// - A mean shown only as a bound is an inequality: no equation (the rounding check uses it).
// - A composite's mean is the mean of its items' means, all shown exactly beside it (checked): it
//   adds no equation. (With its exact n, n x mean = the sum of filled-in scores, which is the count
//   times the mean of the item means plus the items' homogeneous equations: nothing new either.)
//   Its count and its SD (the filled-in scores' sum of squares, model.ts) are equations.
// - The now/desired gap is desired mean - now mean with n the smaller of theirs (checked): no equation.
// - The breakdown prints a composite mean per category whose item means are not printed: it enters
//   as sum over items of (item sum / (m x item n)), with the category's item n taken from the true
//   answers (the attacker is given them: conservative).
import type { ShownGroup, Stats, Withheld } from '../../../src/report/released.js';
import type { WaveResults } from '../../../src/report/wave-results.js';
import type { Db } from '../../../src/store/db.js';
import { freeTexts } from '../../../src/store/results.js';
import { subtreeIds } from '../../../src/store/units.js';
import type { Item } from '../../../src/survey/schema.js';
import { rounded } from '../../../src/report/exact.js';
import { exactMean } from '../../../src/web/results/format.js';

const round1 = (x: number): number => rounded(x, 1);
import { rat, ratAdd, ratMul, ratToNumber, type Equation, type Rat } from './algebra.js';
import { termsOf, type Figure, type FigureContext, type Measure, type Model, type Person, type Stat } from './model.js';
import { exactSum, momentsOf, type MeansContext, type ShownComposite, type ShownMoments } from './shown-means.js';

/** What a table shows for one figure of one group, as the CSV must print it. */
export interface Display {
  group: string;
  /** factor:ID, raus_total, item:ID, now:ID, desired:ID, gap:ID, position:current|desired,
   *  count:ITEM:OPTION (a choice), share:KEY (a position count: fullTime, partTime, more,
   *  moreOfPartTime, same, less, inv:DEF, invOfPartTime:DEF; n is the share's denominator). */
  key: string;
  n?: number;
  nUpTo?: number;
  mean?: number;
  meanBound?: 'above' | 'below';
  sd?: number;
  share?: number;
  count?: number;
}

export interface ReleaseFigures {
  figures: Figure[];
  moments: ShownMoments[];
  composites: ShownComposite[];
  displays: Display[];
  /** Comment lists shown, with the set they were drawn from. */
  comments: { group: string; item: string; set: number[]; texts: string[] }[];
  /** Shown figures that break the rules the model relies on (a composite or gap not made of its shown parts). */
  problems: string[];
}

interface Context extends MeansContext {
  out: ReleaseFigures;
}

/** releaseFigures collects what one release shows; `people` are the wave's respondents so far. */
export function releaseFigures(db: Db, results: WaveResults, people: readonly Person[], release: number, model: Model): ReleaseFigures {
  const out: ReleaseFigures = { figures: [], moments: [], composites: [], displays: [], comments: [], problems: [] };
  const children = new Map<string, string[]>();
  for (const u of results.units) if (u.parentId !== null) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u.id]);
  const parent = new Map(results.units.map((u) => [u.id, u.parentId]));
  const cx: Context = { out, release, model, people, survey: results.survey, k: results.disclosure.thresholds.k, tables: results.tables, parent, children };
  const byUnit = new Map<string, number[]>();
  for (const p of people) byUnit.set(p.unitId, [...(byUnit.get(p.unitId) ?? []), p.index]);
  const setOf = (unitId: string): number[] => [...subtreeIds(results.units, [unitId])].flatMap((u) => byUnit.get(u) ?? []).sort((a, b) => a - b);

  for (const unit of results.units) {
    const group = results.tables.get(unit.id);
    if (!group?.released) continue;
    const set = setOf(unit.id);
    groupFigures(cx, group, set);
    for (const x of group.texts) {
      if (!x.release.released) continue;
      const texts = freeTexts(db, results.wave.id, [...subtreeIds(results.units, [unit.id])], x.id);
      out.comments.push({ group: unit.id, item: x.id, set, texts });
      push(cx, unit.id, set, { type: 'text', item: x.id }, 'writers', texts.length);
      push(cx, unit.id, set, { type: 'text', item: x.id }, 'content', NaN);
    }
  }
  // The breakdown table on the organisation's page: each category's n and composite means. Only
  // the mean is printed; the composite's n and SD, where the table has them, are counted as shown too.
  for (const [rootId, b] of results.breakdowns) {
    if (b.refused) continue;
    const inRoot = setOf(rootId);
    for (const cell of b.cells) {
      if (!cell.group.released) continue;
      const category = cell.id as 'heltid' | 'deltid';
      const set = inRoot.filter((r) => {
        const current = (people[r] as Person).answers.stilling_naa;
        return typeof current === 'number' && (current >= 100) === (category === 'heltid');
      });
      const label = `${rootId}/${category}`;
      push(cx, label, set, { type: 'category', category }, 'n', cell.group.n);
      out.displays.push({ group: label, key: 'n', n: cell.group.n });
      for (const f of cell.group.factors) breakdownComposite(cx, label, set, derivedOf(model, f.id), f.value);
    }
  }
  return out;
}

type Composite = Measure & { type: 'derived' };

function derivedOf(model: Model, factorId: string): Composite {
  return { type: 'derived', name: factorId, items: model.factorItems(factorId) };
}

function push(cx: Context, group: string, set: readonly number[], measure: Measure, stat: Stat, value: number, ctx: FigureContext = {}): void {
  cx.out.figures.push({ release: cx.release, group, set, measure, stat, value, ...ctx });
}

const NAMES = { n: 'n', sum: 'sum', sumSq: 'sumSq' } as const;
const DESIRED_NAMES = { n: 'desN', sum: 'desSum', sumSq: 'desSumSq' } as const;
type Names = Record<'n' | 'sum' | 'sumSq', Stat>;

const close = (shown: number, exact: number) => Math.abs(shown - exact) <= 1e-9 * Math.max(1, Math.abs(exact));

/** stats adds a shown value's equations (see the header) and records what it displays. */
function stats(cx: Context, group: string, set: readonly number[], measure: Measure, key: string, s: Stats | Withheld, favourable = false, names: Names = NAMES): void {
  if (!s.released) return;
  cx.out.displays.push({ group, key, ...pick(s, favourable) });
  const at = (stat: Stat, value: number, ctx: FigureContext = {}) => push(cx, group, set, measure, stat, value, ctx);
  const exactMean = s.mean !== undefined && s.meanBound === undefined;
  if (s.n !== undefined) {
    at(names.n, s.n);
    if (exactMean) at(names.sum, (s.mean as number) * s.n);
    if (s.sd !== undefined) at(names.sumSq, (s.n - 1) * s.sd ** 2 + s.n * (s.mean as number) ** 2);
    if (favourable && s.shareFavourable !== undefined) at('fav', s.shareFavourable * s.n);
    return;
  }
  // The n is not shown: the exact mean, SD and share the table carries, as rationals over the set.
  const n = exactSum(cx, set, measure, names.n);
  if (n === 0n) return void cx.out.problems.push(`R${cx.release} ${key} @${group}: a value is shown for no respondents`);
  const sum = exactSum(cx, set, measure, names.sum);
  const mean = rat(sum, n);
  if (exactMean) {
    if (!close(s.mean as number, ratToNumber(mean))) cx.out.problems.push(`R${cx.release} ${key} @${group}: mean ${s.mean}, the set's answers give ${ratToNumber(mean)}`);
    at(names.sum, 0, { dev: { n: names.n, c: mean } });
  }
  if (s.sd !== undefined && n > 1n) {
    const variance = rat(n * exactSum(cx, set, measure, names.sumSq) - sum * sum, n * (n - 1n));
    if (!close(s.sd ** 2, ratToNumber(variance))) cx.out.problems.push(`R${cx.release} ${key} @${group}: SD ${s.sd}, the set's answers give ${Math.sqrt(ratToNumber(variance))}`);
    at(names.sumSq, -ratToNumber(variance), { dev: { n: names.n, c: ratAdd(ratMul(mean, mean), variance) } });
  }
  if (favourable && s.shareFavourable !== undefined) at('fav', 0, { dev: { n: names.n, c: rat(exactSum(cx, set, measure, 'fav'), n) } });
}

function pick(s: Stats, favourable: boolean): Omit<Display, 'group' | 'key'> {
  const d: Omit<Display, 'group' | 'key'> = {};
  if (s.n !== undefined) d.n = s.n;
  if (s.nUpTo !== undefined) d.nUpTo = s.nUpTo;
  if (s.mean !== undefined) d.mean = s.mean;
  if (s.meanBound !== undefined) d.meanBound = s.meanBound;
  if (s.sd !== undefined) d.sd = s.sd;
  if (favourable && s.shareFavourable !== undefined) d.share = s.shareFavourable;
  return d;
}

/** The exact item means of a composite's items over the set (the group's means its SD fills in with). */
function itemMeans(cx: Context, set: readonly number[], items: readonly string[]): Rat[] | undefined {
  const means: Rat[] = [];
  for (const id of items) {
    const n = exactSum(cx, set, { type: 'item', item: id }, 'n');
    if (n === 0n) return undefined;
    means.push(rat(exactSum(cx, set, { type: 'item', item: id }, 'sum'), n));
  }
  return means;
}

/** A composite on a unit page: its mean must be the mean of its items' exact means shown beside it. */
function composite(cx: Context, g: ShownGroup, set: readonly number[], measure: Composite, key: string, s: Stats | Withheld): void {
  if (!s.released) return;
  cx.out.displays.push({ group: g.id, key, ...pick(s, false) });
  const where = `R${cx.release} ${key} @${g.id}`;
  const parts = measure.items.map((id) => g.items.find((i) => i.id === id)?.value);
  const means = parts.map((v) => (v?.released && v.mean !== undefined && v.meanBound === undefined ? v.mean : undefined));
  if (s.mean !== undefined) {
    if (means.some((m) => m === undefined)) cx.out.problems.push(`${where}: a composite mean is shown beside an item mean that is not shown exactly`);
    else if (s.meanBound === undefined && !close(s.mean, (means as number[]).reduce((a, b) => a + b, 0) / means.length)) cx.out.problems.push(`${where}: ${s.mean} is not the mean of its items' means`);
    else if (s.meanBound === undefined) {
      const items = measure.items.map((id, j) => {
        const i = g.items.find((x) => x.id === id) as ShownGroup['items'][number];
        const mu = means[j] as number;
        return i.distribution.released ? { id, exact: mu, window: [mu, mu] as [number, number] } : { id, window: [round1(mu) - 0.05, round1(mu) + 0.05] as [number, number] };
      });
      cx.out.composites.push({ group: g.id, key, mean: rounded(exactMean(s) ?? s.mean, 1), items });
    }
  }
  compositeEquations(cx, g.id, set, measure, s);
}

/** The composite's count and sum of squared (filled-in) scores, where shown. */
function compositeEquations(cx: Context, group: string, set: readonly number[], measure: Composite, s: Stats): void {
  const where = `R${cx.release} ${measure.name} @${group}`;
  if (s.n !== undefined) push(cx, group, set, measure, 'n', s.n);
  if (s.sd === undefined) return;
  const means = itemMeans(cx, set, measure.items);
  if (s.n === undefined || s.mean === undefined || !means) return void cx.out.problems.push(`${where}: an SD without its exact n, mean or item means`);
  push(cx, group, set, measure, 'sumSq', (s.n - 1) * s.sd ** 2 + s.n * s.mean ** 2, { itemMeans: means });
}

/** A composite in the breakdown: its item means are not printed, so its mean is an equation of its own. */
function breakdownComposite(cx: Context, group: string, set: readonly number[], measure: Composite, s: Stats | Withheld): void {
  if (!s.released) return;
  cx.out.displays.push({ group, key: `factor:${measure.name}`, ...pick(s, false) });
  if (s.mean !== undefined && s.meanBound === undefined) {
    const itemN = measure.items.map((id) => Number(exactSum(cx, set, { type: 'item', item: id }, 'n')));
    push(cx, group, set, measure, 'meanOfMeans', s.mean, { itemN });
  }
  compositeEquations(cx, group, set, measure, s);
}

/** The gap must be the difference of the two means shown beside it, with n the smaller of theirs
 *  (or, without both, "at most" the larger of what they show). */
function checkGap(cx: Context, group: string, id: string, now: Stats | Withheld, desired: Stats | Withheld, gap: Stats | Withheld): void {
  if (!gap.released) return;
  const where = `R${cx.release} gap ${id} @${group}`;
  if (!now.released || !desired.released || now.mean === undefined || desired.mean === undefined || now.meanBound || desired.meanBound) {
    return void cx.out.problems.push(`${where}: a gap is shown beside a half whose mean is not shown exactly`);
  }
  if (gap.mean === undefined || !close(gap.mean, desired.mean - now.mean)) cx.out.problems.push(`${where}: ${gap.mean} is not desired minus now`);
  const n = now.n !== undefined && desired.n !== undefined ? Math.min(now.n, desired.n) : undefined;
  if (gap.n !== n) cx.out.problems.push(`${where}: n ${gap.n} beside now ${now.n} and desired ${desired.n}`);
  const upTo = n === undefined ? Math.max(now.n ?? now.nUpTo ?? 0, desired.n ?? desired.nUpTo ?? 0) : undefined;
  if (gap.nUpTo !== upTo) cx.out.problems.push(`${where}: at most ${gap.nUpTo} beside now ${now.n ?? `≤${now.nUpTo}`} and desired ${desired.n ?? `≤${desired.nUpTo}`}`);
}

function groupFigures(cx: Context, g: ShownGroup, set: readonly number[]): void {
  const { model, survey } = cx;
  const at = (measure: Measure, stat: Stat, value: number) => push(cx, g.id, set, measure, stat, value);
  for (const f of g.factors) composite(cx, g, set, derivedOf(model, f.id), `factor:${f.id}`, f.value);
  if (g.rausTotal) composite(cx, g, set, { type: 'derived', name: 'raus_total', items: model.rausItems() }, 'raus_total', g.rausTotal);
  for (const i of g.items) {
    const measure: Measure = { type: 'item', item: i.id };
    const item = survey.items.find((x) => x.id === i.id) as Item;
    // Number items are shown only through the position figures; choices only as distributions.
    if (i.type === 'likert' || i.type === 'scale') {
      stats(cx, g.id, set, measure, `item:${i.id}`, i.value, i.type === 'likert');
      if (!i.distribution.released) momentsOf(cx, `${i.id} @${g.id}`, item, measure, set, i.value, true, g.id);
    }
    if (i.type === 'number' || !i.distribution.released) continue;
    const d = i.distribution;
    at(measure, 'answered', d.n);
    for (const c of d.counts) {
      at(measure, `count:${c.key}`, c.count);
      if (i.type === 'single' || i.type === 'multi') cx.out.displays.push({ group: g.id, key: `count:${i.id}:${c.key}`, n: d.n, count: c.count });
    }
    if (d.dontKnow !== undefined) at(measure, 'dk', d.dontKnow);
  }
  // Now/desired: n, mean and SD of each half (page and CSV), and the gap; no distribution is printed,
  // so the rounding check covers each half whose distribution the product did not release.
  for (const nd of g.nowDesired) {
    const item = survey.items.find((x) => x.id === nd.id) as Item;
    stats(cx, g.id, set, { type: 'now', item: nd.id }, `now:${nd.id}`, nd.now.value);
    stats(cx, g.id, set, { type: 'desired', item: nd.id }, `desired:${nd.id}`, nd.desired.value);
    if (!nd.now.distribution.released) momentsOf(cx, `${nd.id}.now @${g.id}`, item, { type: 'now', item: nd.id }, set, nd.now.value, false);
    if (!nd.desired.distribution.released) momentsOf(cx, `${nd.id}.desired @${g.id}`, item, { type: 'desired', item: nd.id }, set, nd.desired.value, false);
    if (nd.gap.released) cx.out.displays.push({ group: g.id, key: `gap:${nd.id}`, ...pick(nd.gap, false) });
    checkGap(cx, g.id, nd.id, nd.now.value, nd.desired.value, nd.gap);
  }
  const p = g.position;
  if (p) {
    stats(cx, g.id, set, { type: 'position' }, 'position:current', p.current);
    stats(cx, g.id, set, { type: 'position' }, 'position:desired', p.desired, false, DESIRED_NAMES);
    if (p.distribution.released) {
      const d = p.distribution;
      const m: Measure = { type: 'position' };
      at(m, 'n', d.n);
      // Each printed share is its count over its printed denominator: all respondents, or the
      // part-time set (itself a count over the set, shown beside them).
      const partTime = d.partTime.count;
      const counts: [string, Stat, number, number][] = [
        ['fullTime', 'fullTime', d.fullTime.count, d.n],
        ['partTime', 'partTime', partTime, d.n],
        ['more', 'more', d.more.count, d.n],
        ['moreOfPartTime', 'moreOfPartTime', d.moreOfPartTime.count, partTime],
        ['same', 'same', d.same.count, d.n],
        ['less', 'less', d.less.count, d.n],
        ...d.involuntary.flatMap((inv): [string, Stat, number, number][] => [
          [`inv:${inv.id}`, `inv:${inv.id}`, inv.count, d.n],
          [`invOfPartTime:${inv.id}`, `inv:${inv.id}`, inv.count, partTime],
        ]),
      ];
      for (const [key, stat, count, n] of counts) {
        at(m, stat, count);
        cx.out.displays.push({ group: g.id, key: `share:${key}`, n, count });
      }
    }
  }
}

/** describe names a figure's measure for labels; the position figures are three measures (current %, desired %, shares). */
const describe = (m: Measure, stat?: Stat): string => {
  if (m.type === 'derived') return m.name;
  if (m.type === 'category') return `category ${m.category}`;
  if (m.type === 'position') return stat === 'n' || stat === 'sum' || stat === 'sumSq' ? 'position current' : stat?.startsWith('des') ? 'position desired' : 'position shares';
  return `${m.type} ${m.item}`;
};

const COUNTS = new Set<string>(['n', 'answered', 'dk', 'writers', 'desN', 'fullTime', 'partTime', 'moreOfPartTime', 'more', 'same', 'less']);

/** isCount tells a figure shown as an exact whole number (a count) from a rounded one (a mean, SD or share). */
export function isCount(f: Figure): boolean {
  return f.dev === undefined && (COUNTS.has(f.stat) || f.stat.startsWith('count:') || f.stat.startsWith('inv:'));
}

/** equationsOf writes figures as equations over (respondent, variable) columns. */
export function equationsOf(model: Model, people: readonly Person[], figures: readonly Figure[]): Equation[] {
  return figures.map((f) => ({
    label: `R${f.release} ${describe(f.measure, f.stat)}.${f.stat}${f.dev ? '~' : ''} @${f.group}`,
    terms: f.set.flatMap((r) => termsOf(model.functional(f.measure, f.stat, people[r] as Person, f), r)),
  }));
}

/** verifyFigures checks every figure against the simulated answers of its set (so the sets and the
 *  model are what the product computed) and that each functional is exact at the true answers. */
export function verifyFigures(model: Model, people: readonly Person[], rf: ReleaseFigures): string[] {
  const problems: string[] = [...rf.problems];
  for (const f of rf.figures) {
    if (f.stat === 'content') continue;
    let expected = 0;
    for (const r of f.set) {
      const p = people[r] as Person;
      const c = model.contribution(f.measure, f.stat, p, f);
      const lin = model.evaluate(model.functional(f.measure, f.stat, p, f), p);
      if (Math.abs(c - lin) > 1e-9 * Math.max(1, Math.abs(c))) problems.push(`R${f.release} ${describe(f.measure)}.${f.stat}: respondent ${r}'s functional gives ${lin}, answers give ${c}`);
      expected += c;
    }
    if (Math.abs(expected - f.value) > 1e-6 * Math.max(1, Math.abs(expected))) {
      problems.push(`R${f.release} ${describe(f.measure)}.${f.stat} @${f.group}: shown ${f.value}, the set's answers give ${expected}`);
    }
  }
  for (const c of rf.comments) {
    const expected = c.set.map((r) => (people[r] as Person).answers[c.item]).filter((t): t is string => typeof t === 'string' && t !== '');
    if (JSON.stringify([...expected].sort()) !== JSON.stringify([...c.texts].sort())) problems.push(`comments ${c.item} @${c.group} are not the set's texts`);
  }
  return problems;
}
