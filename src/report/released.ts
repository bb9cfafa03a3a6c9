// The suppressed result tables: the only input for HTML, chart data, CSV and JSON. A hidden figure
// is absent, not zero: a withheld entry carries its reason and, for 'below_k', the threshold the
// UI words as "fewer than k", and no number computed from the hidden respondents.
import { assertNever } from '../errors.js';
import { offersDontKnow, type Survey } from '../survey/model.js';
import type { Item } from '../survey/schema.js';
import type { GroupDisclosure, MeasureRelease, Release } from './disclosure.js';
import { add, div, exactly, ratio, sub, type Ratio } from './exact.js';
import { buildForest, type UnitRef } from './forest.js';
import { compositeSd, RAUS_ITEM_IDS, type CompositeTally, type GroupTally } from './group.js';
import { measureKey } from './measures.js';
import { MEAN_BOUND_MARGIN } from './pinned.js';
import { INVOLUNTARY_DEFINITIONS, POSITION_ITEM, type InvoluntaryDefinitionId, type PositionTally } from './position.js';
import { emptyMoments, favourableCount, favourableValues, mean, meanRatio, sampleSd, validN, varianceRatio, type ItemTally, type Moments } from './stats.js';

export type Withheld = { released: false; reason: 'below_k'; fewerThan: number } | { released: false; reason: 'complementary' | 'disabled' | 'release' };

/** n and, for numeric measures, mean, SD (sample) and share favourable (0..1, scale items only). */
export interface Stats {
  released: true;
  /** The exact number of respondents behind the figure: given only where the figure's distribution
   *  (for measures without one: its SD) may be shown, because the group's n minus it counts those
   *  who skipped or said "vet ikke". Elsewhere nUpTo says it is at most the group's n. */
  n?: number;
  nUpTo?: number;
  mean?: number;
  /** Set when the mean is only known to lie above ('above') or below ('below') `mean`: without SD
   *  and share favourable (fewer than the distribution threshold), a mean within half a point of the
   *  scale's end is shown as a bound, because the exact value could pin everyone's answer. */
  meanBound?: 'above' | 'below';
  sd?: number;
  shareFavourable?: number;
  /** The same figures as exact fractions (exact.ts), so every output rounds a tie the same way. A
   *  display uses one only while it agrees with its number above: withholding or coarsening the
   *  number withholds the fraction too. */
  exact?: { mean?: Ratio; variance?: Ratio; shareFavourable?: Ratio };
}

const hide = (r: Release): Withheld =>
  r.reason === 'below_k' || r.reason === undefined ? { released: false, reason: 'below_k', fewerThan: r.threshold } : { released: false, reason: r.reason };

export { MEAN_BOUND_MARGIN } from './pinned.js';

export interface Distribution {
  released: true;
  /** Respondents who answered, "vet ikke" included. */
  n: number;
  /** In scale or option order; empty for number items (see the position figures and breakdowns). */
  counts: { key: string; label: string; count: number }[];
  /** Present for items that offer "vet ikke". */
  dontKnow?: number;
}

export interface ReleasedPart {
  value: Stats | Withheld;
  distribution: Distribution | Withheld;
}

export interface ReleasedItem extends ReleasedPart {
  id: string;
  type: Item['type'];
  text: string;
  factor?: string;
}

export interface ReleasedNowDesired {
  id: string;
  text: string;
  factor?: string;
  now: ReleasedPart;
  desired: ReleasedPart;
  /** Desired mean minus now mean, from the two released means (so it adds nothing to them); n is
   *  the smaller of their n. Withheld unless both means are shown exactly. */
  gap: Stats | Withheld;
}

export interface Share {
  count: number;
  /** count / n, 0..1. */
  share: number;
}

export interface PositionDistribution {
  released: true;
  n: number;
  fullTime: Share;
  more: Share;
  same: Share;
  less: Share;
  /** Respondents below 100 %, the denominator of the "of part-time employees" shares (n minus full-time). */
  partTime: Share;
  /** Part-time respondents who want a larger position: share of part-time employees. */
  moreOfPartTime: Share;
  /** Each definition counts part-time employees only: share of all respondents, and ofPartTime of part-time employees. */
  involuntary: ({ id: InvoluntaryDefinitionId; name: string; description: string; ofPartTime: number } & Share)[];
}

export interface ReleasedPosition {
  current: Stats | Withheld;
  desired: Stats | Withheld;
  distribution: PositionDistribution | Withheld;
}

export interface ShownGroup {
  id: string;
  released: true;
  n: number;
  headcount?: number;
  /** n / headcount, when the headcount is known. */
  responseRate?: number;
  items: ReleasedItem[];
  nowDesired: ReleasedNowDesired[];
  factors: { id: string; label: string; value: Stats | Withheld }[];
  rausTotal?: Stats | Withheld;
  position?: ReleasedPosition;
  /** Whether each free-text item's texts may be shown for this group (the texts are fetched elsewhere). */
  texts: { id: string; text: string; release: Stats | Withheld }[];
  /** How many figures of this group were withheld, by reason, for the plain-words note. */
  withheld: { below_k: number; complementary: number; disabled: number; release: number };
}

export type HiddenGroup = { id: string; released: false; reason: 'below_k'; fewerThan: number } | { id: string; released: false; reason: 'complementary' | 'release' };

export type ReleasedGroup = ShownGroup | HiddenGroup;

/** A table's head: what the unit list and the heat map show of every unit at once. Taken from the
 *  table itself, so it shows nothing the table withholds. */
export type GroupSummary = HiddenGroup | (Pick<ShownGroup, 'id' | 'released' | 'n' | 'headcount' | 'responseRate'> & { factors: { id: string; value: Stats | Withheld }[] });

/** summaryOf returns a table's head (GroupSummary): a hidden group as it is, a shown one's n, response rate and factor figures. */
export function summaryOf(group: ReleasedGroup): GroupSummary {
  if (!group.released) return group;
  const { id, released, n, headcount, responseRate } = group;
  return {
    id,
    released,
    n,
    ...(headcount === undefined ? {} : { headcount }),
    ...(responseRate === undefined ? {} : { responseRate }),
    factors: group.factors.map((f) => ({ id: f.id, value: f.value })),
  };
}

/** releaseGroup builds one group's suppressed table from its tally and disclosure decision. */
export function releaseGroup(survey: Survey, id: string, tally: GroupTally, gd: GroupDisclosure, headcount?: number): ReleasedGroup {
  if (!gd.released) return gd.reason === 'complementary' || gd.reason === 'release' ? { id, released: false, reason: gd.reason } : { id, released: false, reason: 'below_k', fewerThan: gd.threshold };
  const withheld = { below_k: 0, complementary: 0, disabled: 0, release: 0 };
  const missing: Release = { released: false, reason: 'below_k', threshold: gd.threshold };
  const release = (key: string): MeasureRelease => gd.measures.get(key) ?? { value: missing, moments: missing };
  const withhold = (r: Release): Withheld => {
    const reason = r.reason ?? 'below_k';
    withheld[reason] += 1;
    return reason === 'below_k' ? { released: false, reason, fewerThan: r.threshold } : { released: false, reason };
  };
  // exact: whether the figure's exact n may be shown (see Stats.n).
  const stats = (r: MeasureRelease, n: number, m?: Moments, range?: Range, favourable?: number, exact = (r.distribution ?? r.moments).released): Stats | Withheld => {
    if (!r.value.released) return withhold(r.value);
    const s: Stats = exact ? { released: true, n } : { released: true, nUpTo: tally.responses };
    const fractions: NonNullable<Stats['exact']> = {};
    const mu = m && mean(m);
    if (mu !== undefined) {
      s.mean = mu;
      const mr = exactly(() => meanRatio(m as Moments));
      if (mr !== undefined) fractions.mean = mr;
    }
    if (r.moments.released) {
      const sd = m && sampleSd(m);
      if (sd !== undefined) s.sd = sd;
      const variance = m && exactly(() => varianceRatio(m));
      if (variance !== undefined) fractions.variance = variance;
      if (favourable !== undefined && n > 0) [s.shareFavourable, fractions.shareFavourable] = [favourable / n, ratio(favourable, n)];
    } else if (mu !== undefined && range && boundMean(s, mu, range)) delete fractions.mean;
    if (Object.keys(fractions).length > 0) s.exact = fractions;
    return s;
  };

  const part = (item: Item, key: string, t: ItemTally | undefined, scaleId?: string): ReleasedPart => {
    const r = release(key);
    const scale = scaleId === undefined ? undefined : survey.scales[scaleId];
    const tt = t ?? { answered: 0, dontKnow: 0, moments: emptyMoments(), counts: {} };
    const numeric = item.type !== 'single' && item.type !== 'multi';
    const value = stats(r, validN(tt), numeric ? tt.moments : undefined, rangeOf(survey, item), scale && favourableCount(tt, favourableValues(scale)));
    const d = r.distribution ?? r.moments;
    const distribution: Distribution | Withheld = d.released ? { released: true, n: tt.answered, counts: countsOf(survey, item, tt) } : withhold(d);
    if (distribution.released && offersDontKnow(survey, item)) distribution.dontKnow = tt.dontKnow;
    return { value, distribution };
  };

  const shown: ShownGroup = { id, released: true, n: tally.responses, items: [], nowDesired: [], factors: [], texts: [], withheld };
  if (headcount !== undefined && headcount > 0) {
    shown.headcount = headcount;
    shown.responseRate = tally.responses / headcount;
  }
  for (const item of survey.items) {
    if (item.type === 'text') {
      shown.texts.push({ id: item.id, text: item.text, release: stats(release(measureKey.text(item.id)), tally.texts.get(item.id) ?? 0, undefined, undefined, undefined, true) });
    } else if (item.type === 'nowDesired') {
      const nd = tally.nowDesired.get(item.id);
      const now = part(item, measureKey.now(item.id), nd?.now, item.scale);
      const desired = part(item, measureKey.desired(item.id), nd?.desired, item.scale);
      shown.nowDesired.push({
        id: item.id,
        text: item.text,
        ...(item.factor === undefined ? {} : { factor: item.factor }),
        now,
        desired,
        gap: gapOf(now.value, desired.value, withhold),
      });
    } else {
      const p = part(item, measureKey.item(item.id), tally.items.get(item.id), item.type === 'likert' ? item.scale : undefined);
      shown.items.push({ id: item.id, type: item.type, text: item.text, ...(item.factor === undefined ? {} : { factor: item.factor }), ...p });
    }
  }
  // A composite's mean is the mean of its items' means: shown only where every one of them is shown
  // exactly, since with the others it would give a withheld one away.
  const composite = (r: MeasureRelease, c: CompositeTally | undefined, range: Range | undefined): Stats | Withheld => {
    if (!r.value.released) return withhold(r.value);
    const parts = (c?.items ?? []).map((id) => shown.items.find((i) => i.id === id)?.value);
    if (!c || parts.length === 0 || !parts.every((v) => v?.released && v.mean !== undefined && v.meanBound === undefined)) {
      return withhold({ released: false, reason: 'complementary', threshold: r.value.threshold });
    }
    const moments = c.items.map((id) => (tally.items.get(id) as ItemTally).moments);
    const means = moments.map((m) => mean(m) as number);
    const s: Stats = r.moments.released ? { released: true, n: c.n } : { released: true, nUpTo: tally.responses };
    s.mean = means.reduce((a, b) => a + b, 0) / means.length;
    const exactMean = exactly(() => div(moments.map((m) => meanRatio(m) as Ratio).reduce(add), ratio(means.length)));
    if (exactMean !== undefined) s.exact = { mean: exactMean };
    if (r.moments.released) {
      const sd = compositeSd(c, means);
      if (sd !== undefined) s.sd = sd;
    } else if (range && boundMean(s, s.mean, range)) delete s.exact;
    return s;
  };
  for (const f of survey.factors) {
    shown.factors.push({ id: f.id, label: f.label, value: composite(release(measureKey.factor(f.id)), tally.factors.get(f.id), factorRange(survey, (i) => i.type === 'likert' && i.factor === f.id)) });
  }
  if (tally.rausTotal) shown.rausTotal = composite(release(measureKey.rausTotal), tally.rausTotal, factorRange(survey, (i) => i.type === 'likert' && RAUS_ITEM_IDS.includes(i.id)));
  if (tally.position) {
    const current = survey.items.find((i) => i.id === POSITION_ITEM.current);
    shown.position = releasePosition(tally.position, release(measureKey.position), release(measureKey.positionDesired), current && rangeOf(survey, current), stats, withhold);
  }
  return shown;
}

/** The lowest and highest value a measure can take. */
interface Range {
  min: number;
  max: number;
}

function rangeOf(survey: Survey, item: Item): Range | undefined {
  switch (item.type) {
    case 'likert':
    case 'nowDesired': {
      const values = (survey.scales[item.scale]?.points ?? []).map((p) => p.value);
      return values.length > 0 ? { min: Math.min(...values), max: Math.max(...values) } : undefined;
    }
    case 'scale':
    case 'number':
      return { min: item.min, max: item.max };
    case 'single':
    case 'multi':
    case 'text':
      return undefined;
    default:
      return assertNever(item);
  }
}

// A score averaging several items lies within the widest range of its items.
function factorRange(survey: Survey, member: (i: Item) => boolean): Range | undefined {
  const ranges = survey.items.filter(member).map((i) => rangeOf(survey, i)).filter((r): r is Range => r !== undefined);
  return ranges.length > 0 ? { min: Math.min(...ranges.map((r) => r.min)), max: Math.max(...ranges.map((r) => r.max)) } : undefined;
}

// Moments rule (disclosure.ts, rule 4): without SD and share favourable, n and the mean pin a
// small group's counts per option only when the sum is within one step of its least or greatest
// value (all at the end, or all but one). A mean within MEAN_BOUND_MARGIN of an end covers at
// least two sums for every n >= 4, so it is shown as "above/below" that margin instead.
function boundMean(s: Stats, mu: number, range: Range): boolean {
  if (mu > range.max - MEAN_BOUND_MARGIN) {
    s.mean = range.max - MEAN_BOUND_MARGIN;
    s.meanBound = 'above';
  } else if (mu < range.min + MEAN_BOUND_MARGIN) {
    s.mean = range.min + MEAN_BOUND_MARGIN;
    s.meanBound = 'below';
  }
  return s.meanBound !== undefined;
}

/** gapOf computes a now/desired gap from the two released means only, so it reveals nothing they do not. */
export function gapOf(now: Stats | Withheld, desired: Stats | Withheld, withhold: (r: Release) => Withheld = hide): Stats | Withheld {
  if (now.released && desired.released && now.mean !== undefined && desired.mean !== undefined && !now.meanBound && !desired.meanBound) {
    const n = now.n !== undefined && desired.n !== undefined ? { n: Math.min(now.n, desired.n) } : { nUpTo: Math.max(now.n ?? now.nUpTo ?? 0, desired.n ?? desired.nUpTo ?? 0) };
    const exactMean = now.exact?.mean && desired.exact?.mean ? exactly(() => sub(desired.exact?.mean as Ratio, now.exact?.mean as Ratio)) : undefined;
    return { released: true, ...n, mean: desired.mean - now.mean, ...(exactMean ? { exact: { mean: exactMean } } : {}) };
  }
  const reason = !now.released ? now : !desired.released ? desired : undefined;
  if (reason) return reason.reason === 'below_k' ? { released: false, reason: 'below_k', fewerThan: reason.fewerThan } : { released: false, reason: reason.reason };
  // Both shown, one only as a bound: the difference of a bound is no figure.
  return withhold({ released: false, reason: 'complementary', threshold: 0 });
}

function releasePosition(
  p: PositionTally,
  r: MeasureRelease,
  desired: MeasureRelease,
  range: Range | undefined,
  stats: (r: MeasureRelease, n: number, m?: Moments, range?: Range) => Stats | Withheld,
  withhold: (r: Release) => Withheld,
): ReleasedPosition {
  const d = r.distribution ?? r.moments;
  const share = (count: number): Share => ({ count, share: p.n > 0 ? count / p.n : 0 });
  const ofPartTime = (count: number): Share => ({ count, share: p.partTime > 0 ? count / p.partTime : 0 });
  return {
    current: stats(r, p.n, p.current, range),
    desired: stats(desired, p.desired.n, p.desired, range),
    distribution: d.released
      ? {
          released: true,
          n: p.n,
          fullTime: share(p.fullTime),
          more: share(p.more),
          same: share(p.same),
          less: share(p.less),
          partTime: share(p.partTime),
          // Wanting more while part-time is the self-reported definition's count.
          moreOfPartTime: ofPartTime(p.involuntary.selfReported),
          involuntary: INVOLUNTARY_DEFINITIONS.map((def) => ({
            id: def.id,
            name: def.name,
            description: def.description,
            ...share(p.involuntary[def.id]),
            ofPartTime: ofPartTime(p.involuntary[def.id]).share,
          })),
        }
      : withhold(d),
  };
}

function countsOf(survey: Survey, item: Item, t: ItemTally): Distribution['counts'] {
  const at = (key: string) => t.counts[key] ?? 0;
  switch (item.type) {
    case 'likert':
    case 'nowDesired':
      return (survey.scales[item.scale]?.points ?? []).map((p) => ({ key: String(p.value), label: p.label, count: at(String(p.value)) }));
    case 'single':
    case 'multi':
      return item.options.map((o) => ({ key: o.id, label: o.label, count: at(o.id) }));
    case 'scale': {
      const out: Distribution['counts'] = [];
      for (let v = item.min; v <= item.max; v++) out.push({ key: String(v), label: String(v), count: at(String(v)) });
      return out;
    }
    default:
      // Free numbers (position %) are not counted per value; their distribution is n only.
      return [];
  }
}

/** subtreeHeadcounts: a unit's own headcount, else the sum of its children's when every child has one. */
export function subtreeHeadcounts(units: readonly (UnitRef & { headcount?: number | null })[]): Map<string, number> {
  const forest = buildForest(units);
  const own = new Map(units.map((u) => [u.id, u.headcount ?? undefined]));
  const out = new Map<string, number>();
  for (let k = forest.preorder.length - 1; k >= 0; k--) {
    const u = forest.preorder[k] as number;
    const id = forest.ids[u] as string;
    const mine = own.get(id);
    const kids = forest.children[u] ?? [];
    if (mine !== undefined) out.set(id, mine);
    else if (kids.length > 0 && kids.every((c) => out.has(forest.ids[c] as string))) {
      out.set(id, kids.reduce((s, c) => s + (out.get(forest.ids[c] as string) ?? 0), 0));
    }
  }
  return out;
}

/** releaseTables builds every unit's suppressed table (whole subtree), with response rates where headcounts are known. */
export function releaseTables(
  survey: Survey,
  units: readonly (UnitRef & { headcount?: number | null })[],
  rolled: ReadonlyMap<string, GroupTally>,
  disclosure: { units: ReadonlyMap<string, GroupDisclosure> },
): Map<string, ReleasedGroup> {
  const out = new Map<string, ReleasedGroup>();
  releaseEachTable(survey, units, rolled, disclosure, (id, group) => out.set(id, group));
  return out;
}

/** releaseEachTable is releaseTables handing each unit's table to `each` as soon as it is built, in
 *  unit order, keeping none (a tally worker serializes each at once: 500 tables are 37 MB of objects). */
export function releaseEachTable(
  survey: Survey,
  units: readonly (UnitRef & { headcount?: number | null })[],
  rolled: ReadonlyMap<string, GroupTally>,
  disclosure: { units: ReadonlyMap<string, GroupDisclosure> },
  each: (id: string, group: ReleasedGroup) => void,
): void {
  const headcounts = subtreeHeadcounts(units);
  for (const u of units) {
    const gd = disclosure.units.get(u.id);
    const tally = rolled.get(u.id);
    if (!gd || !tally) throw new Error(`no results for unit "${u.id}"`);
    each(u.id, releaseGroup(survey, u.id, tally, gd, headcounts.get(u.id)));
  }
}

/** maskGroup withholds (reason 'release') every figure of `group` that `earlier` withheld: a table
 *  shown after an earlier one of the same respondents may show less, never more. */
export function maskGroup(group: ReleasedGroup, earlier: ReleasedGroup | undefined): ReleasedGroup {
  if (!group.released) return group;
  if (!earlier) return { id: group.id, released: false, reason: 'release' };
  if (!earlier.released) return earlier.reason === 'below_k' ? earlier : { id: group.id, released: false, reason: earlier.reason };
  const withheld = { ...group.withheld };
  const mask = <T extends { released: boolean }>(now: T | Withheld, before: { released: boolean } | undefined): T | Withheld => {
    if (!now.released || before?.released) return now;
    withheld.release += 1;
    return { released: false, reason: 'release' };
  };
  const part = (now: ReleasedPart, before: ReleasedPart | undefined): ReleasedPart => ({
    value: mask(now.value, before?.value),
    distribution: mask(now.distribution, before?.distribution),
  });
  const out: ShownGroup = {
    ...group,
    items: group.items.map((i) => ({ ...i, ...part(i, earlier.items.find((e) => e.id === i.id)) })),
    nowDesired: group.nowDesired.map((nd) => {
      const e = earlier.nowDesired.find((x) => x.id === nd.id);
      return { ...nd, now: part(nd.now, e?.now), desired: part(nd.desired, e?.desired), gap: mask(nd.gap, e?.gap) };
    }),
    factors: group.factors.map((f) => ({ ...f, value: mask(f.value, earlier.factors.find((e) => e.id === f.id)?.value) })),
    texts: group.texts.map((x) => ({ ...x, release: mask(x.release, earlier.texts.find((e) => e.id === x.id)?.release) })),
    withheld,
  };
  if (group.rausTotal) out.rausTotal = mask(group.rausTotal, earlier.rausTotal);
  if (group.position) {
    const e = earlier.position;
    out.position = { current: mask(group.position.current, e?.current), desired: mask(group.position.desired, e?.desired), distribution: mask(group.position.distribution, e?.distribution) };
  }
  return out;
}
