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
import type { ReleasedGroup, ShownGroup, Stats, Withheld } from '../../../src/report/released.js';
import { MEAN_BOUND_MARGIN } from '../../../src/report/released.js';
import type { WaveResults } from '../../../src/report/wave-results.js';
import type { Db } from '../../../src/store/db.js';
import { freeTexts } from '../../../src/store/results.js';
import { subtreeIds } from '../../../src/store/units.js';
import type { Item } from '../../../src/survey/schema.js';
import { favourableValues } from '../../../src/report/stats.js';
import { round1, percent } from '../../../src/web/results/format.js';
import { rat, ratAdd, ratMul, ratToNumber, type Equation, type Rat } from './algebra.js';
import { termsOf, type Figure, type FigureContext, type Measure, type Model, type Person, type Stat } from './model.js';

/** A shown mean (with n or its range and, where shown, SD and share favourable) of a scale whose
 *  counts per point are not shown, as displayed. */
export interface ShownMoments {
  label: string;
  points: number[];
  favourable?: number[];
  /** The n the attacker must consider: exactly n when shown, else from the release's k (no mean
   *  is shown for fewer) to the group's n ("høyst N"). */
  nFrom: number;
  nTo: number;
  /** As displayed: one decimal, or the bound (meanBound) itself. */
  mean: number;
  meanBound?: 'above' | 'below';
  /** Whether SD and share were released: without them a mean near a scale end would show as a bound. */
  moments: boolean;
  sd?: number;
  share?: number;
  min: number;
  max: number;
  /** Counts per point (in points order) the group must hold at least (its sub-groups' shown
   *  distributions together) and at most (its nearest ancestor's shown distribution). */
  lower?: readonly number[];
  upper?: readonly number[];
  /** A narrower interval for the exact mean, from a composite shown beside it (see compositeWindows). */
  window?: [number, number];
  /** Whose answers to what: the set and the item (or half), and their true counts per point (in
   *  points order), for the linear system's constraints on them (knowledge.ts). */
  set: readonly number[];
  measure: Measure;
  counts: number[];
}

/** What a table shows for one figure of one group, as the CSV must print it. */
export interface Display {
  group: string;
  /** factor:ID, raus_total, item:ID, now:ID, desired:ID, gap:ID, position:current|desired,
   *  count:ITEM:OPTION (a choice), share:KEY (a position count). */
  key: string;
  n?: number;
  nUpTo?: number;
  mean?: number;
  meanBound?: 'above' | 'below';
  sd?: number;
  share?: number;
  count?: number;
}

/** A composite mean shown on a unit page, with what the attacker knows of each of its items' means. */
export interface ShownComposite {
  group: string;
  /** factor:ID or raus_total, as the comparison CSV rows name them (Faktor|ID, RAUS|raus_total). */
  key: string;
  /** The composite mean as displayed (one decimal). */
  mean: number;
  /** Per item: its exact mean where its distribution is shown, else the interval its display allows. */
  items: { id: string; exact?: number; window: [number, number] }[];
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

interface Context {
  out: ReleaseFigures;
  release: number;
  model: Model;
  people: readonly Person[];
  survey: WaveResults['survey'];
  /** The release's k: no value is shown for fewer respondents. */
  k: number;
  tables: WaveResults['tables'];
  parent: Map<string, string | null>;
  children: Map<string, string[]>;
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

/** The exact sum over the set of a per-respondent quantity that is an integer for everyone (answers are whole numbers). */
function exactSum(cx: Context, set: readonly number[], measure: Measure, stat: Stat): bigint {
  return set.reduce((s, r) => s + BigInt(Math.round(cx.model.contribution(measure, stat, cx.people[r] as Person))), 0n);
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
      cx.out.composites.push({ group: g.id, key, mean: round1(s.mean), items });
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
  if (s.mean !== undefined && s.meanBound === undefined) {
    const itemN = measure.items.map((id) => Number(exactSum(cx, set, { type: 'item', item: id }, 'n')));
    push(cx, group, set, measure, 'meanOfMeans', s.mean, { itemN });
  }
  compositeEquations(cx, group, set, measure, s);
}

/** The gap must be the difference of the two means shown beside it, with n the smaller of theirs. */
function checkGap(cx: Context, group: string, id: string, now: Stats | Withheld, desired: Stats | Withheld, gap: Stats | Withheld): void {
  if (!gap.released) return;
  const where = `R${cx.release} gap ${id} @${group}`;
  if (!now.released || !desired.released || now.mean === undefined || desired.mean === undefined || now.meanBound || desired.meanBound) {
    return void cx.out.problems.push(`${where}: a gap is shown beside a half whose mean is not shown exactly`);
  }
  if (gap.mean === undefined || !close(gap.mean, desired.mean - now.mean)) cx.out.problems.push(`${where}: ${gap.mean} is not desired minus now`);
  const n = now.n !== undefined && desired.n !== undefined ? Math.min(now.n, desired.n) : undefined;
  if (gap.n !== n) cx.out.problems.push(`${where}: n ${gap.n} beside now ${now.n} and desired ${desired.n}`);
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
      const counts = [['fullTime', d.fullTime.count], ['more', d.more.count], ['same', d.same.count], ['less', d.less.count], ...d.involuntary.map((inv) => [`inv:${inv.id}`, inv.count] as const)] as const;
      for (const [stat, count] of counts) {
        at(m, stat as Stat, count);
        cx.out.displays.push({ group: g.id, key: `share:${stat}`, n: d.n, count });
      }
    }
  }
}

/** momentsOf records a shown mean of a scale whose counts per point are not shown, for the rounding check. */
function momentsOf(cx: Context, label: string, item: Item, measure: Measure, set: readonly number[], s: Stats | Withheld, favourable = true, bounds?: string): void {
  if (!s.released || s.mean === undefined) return;
  let points: number[];
  let fav: number[] | undefined;
  if (item.type === 'likert' || item.type === 'nowDesired') {
    const scale = cx.survey.scales[item.scale];
    if (!scale) return;
    points = scale.points.map((p) => p.value);
    fav = favourableValues(scale);
  } else if (item.type === 'scale') {
    points = [];
    for (let v = item.min; v <= item.max; v++) points.push(v);
  } else return;
  points.sort((a, b) => a - b);
  const moments = s.sd !== undefined || s.shareFavourable !== undefined;
  const m: ShownMoments = {
    label: `R${cx.release} ${label}`,
    points,
    nFrom: s.n ?? cx.k,
    nTo: s.n ?? (s.nUpTo as number),
    mean: s.meanBound ? s.mean : round1(s.mean),
    moments,
    min: points[0] as number,
    max: points[points.length - 1] as number,
    set,
    measure,
    counts: points.map((v) => Number(exactSum(cx, set, measure, `count:${v}`))),
  };
  if (s.meanBound) m.meanBound = s.meanBound;
  if (s.sd !== undefined) m.sd = round1(s.sd);
  if (favourable && fav && s.shareFavourable !== undefined) {
    m.favourable = fav;
    m.share = percent(s.shareFavourable);
  }
  // Only items print distributions, so only they have bounds from other groups'.
  if (bounds !== undefined) {
    const { lower, upper } = countBounds(cx, bounds, item.id, points);
    m.lower = lower;
    if (upper) m.upper = upper;
  }
  if (s.meanBound && Math.abs(s.mean - (s.meanBound === 'above' ? m.max - MEAN_BOUND_MARGIN : m.min + MEAN_BOUND_MARGIN)) > 1e-9) {
    cx.out.problems.push(`${m.label}: bound ${s.meanBound} ${s.mean} is not half a point from the scale's end`);
  }
  cx.out.moments.push(m);
}

/** countBounds reads, for one item, what the group's shown sub-groups' distributions hold together
 *  (a lower bound per point) and what its nearest ancestor with a shown distribution holds beyond
 *  that ancestor's other shown sub-groups (an upper bound). */
function countBounds(cx: Context, group: string, itemId: string, points: readonly number[]): { lower: number[]; upper?: number[] } {
  const counts = (unitId: string): number[] | undefined => {
    const g = cx.tables.get(unitId);
    const d = g?.released ? g.items.find((i) => i.id === itemId)?.distribution : undefined;
    return d?.released ? points.map((v) => d.counts.find((c) => c.key === String(v))?.count ?? 0) : undefined;
  };
  // The groups with a shown distribution right below `top` (none of them inside another).
  const shownBelow = (top: string): string[] => {
    const out: string[] = [];
    const stack = [...(cx.children.get(top) ?? [])];
    while (stack.length > 0) {
      const u = stack.pop() as string;
      if (counts(u)) out.push(u);
      else stack.push(...(cx.children.get(u) ?? []));
    }
    return out;
  };
  const sum = (ids: readonly string[]) => points.map((_, j) => ids.reduce((s, u) => s + ((counts(u) as number[])[j] ?? 0), 0));
  const inside = shownBelow(group);
  const lower = sum(inside);
  for (let a = cx.parent.get(group) ?? null; a !== null; a = cx.parent.get(a) ?? null) {
    const total = counts(a);
    if (!total) continue;
    // The ancestor's other shown sub-groups are disjoint from the group: the path down to it shows no distribution.
    const others = sum(shownBelow(a).filter((u) => !inside.includes(u)));
    return { lower, upper: total.map((x, j) => x - (others[j] ?? 0)) };
  }
  return { lower };
}

/** compositeWindows narrows each mean-only item's window by the composite means shown beside it:
 *  m x the composite's interval minus the other items' intervals. `extra` gives finer intervals for
 *  some composites (by group and key), as the comparison's two-decimal change does. */
export function compositeWindows(rf: ReleaseFigures, extra: ReadonlyMap<string, [number, number]> = new Map()): void {
  for (const c of rf.composites) {
    const m = c.items.length;
    const page: [number, number] = [c.mean - 0.05, c.mean + 0.05];
    const finer = extra.get(`${c.group}|${c.key}`);
    const [lo, hi] = finer ? [Math.max(page[0], finer[0]), Math.min(page[1], finer[1])] : page;
    c.items.forEach((item, j) => {
      if (item.exact !== undefined) return;
      const others = c.items.filter((_, i) => i !== j);
      const from = m * lo - others.reduce((s, o) => s + o.window[1], 0);
      const to = m * hi - others.reduce((s, o) => s + o.window[0], 0);
      for (const x of rf.moments) {
        if (!x.label.endsWith(` ${item.id} @${c.group}`)) continue;
        x.window = x.window ? [Math.max(x.window[0], from), Math.min(x.window[1], to)] : [from, to];
      }
    });
  }
}

/** describe names a figure's measure for labels; the position figures are three measures (current %, desired %, shares). */
const describe = (m: Measure, stat?: Stat): string => {
  if (m.type === 'derived') return m.name;
  if (m.type === 'category') return `category ${m.category}`;
  if (m.type === 'position') return stat === 'n' || stat === 'sum' || stat === 'sumSq' ? 'position current' : stat?.startsWith('des') ? 'position desired' : 'position shares';
  return `${m.type} ${m.item}`;
};

const COUNTS = new Set<string>(['n', 'answered', 'dk', 'writers', 'desN', 'fullTime', 'more', 'same', 'less']);

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
