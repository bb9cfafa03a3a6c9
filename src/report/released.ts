// The suppressed result tables: the only input for HTML, chart data, CSV and JSON. A hidden figure
// is absent, not zero: a withheld entry carries its reason and, for 'below_k', the threshold the
// UI words as "fewer than k", and no number computed from the hidden respondents.
import { offersDontKnow, type Survey } from '../survey/model.js';
import type { Item } from '../survey/schema.js';
import type { GroupDisclosure, Release } from './disclosure.js';
import { exactly, ratio, type Ratio } from './exact.js';
import { buildForest, type UnitRef } from './forest.js';
import type { GroupTally } from './group.js';
import { measureKey } from './measures.js';
import { INVOLUNTARY_DEFINITIONS, type InvoluntaryDefinitionId, type PositionTally } from './position.js';
import { emptyMoments, favourableCount, favourableValues, mean, meanRatio, sampleSd, validN, varianceRatio, type ItemTally, type Moments } from './stats.js';

export type Withheld = { released: false; reason: 'below_k'; fewerThan: number } | { released: false; reason: 'complementary' | 'disabled' };

/** n and, for numeric measures, mean, SD (sample) and share favourable (0..1, scale items only). */
export interface Stats {
  released: true;
  n: number;
  mean?: number;
  sd?: number;
  shareFavourable?: number;
  /** The same figures as exact fractions (exact.ts), so every output rounds a tie the same way. A
   *  display uses one only while it agrees with its number above: withholding or coarsening the
   *  number withholds the fraction too. */
  exact?: { mean?: Ratio; variance?: Ratio; shareFavourable?: Ratio };
}

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
  /** Mean of desired - now over respondents who gave both. */
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
  withheld: { below_k: number; complementary: number; disabled: number };
}

export type HiddenGroup = { id: string; released: false; reason: 'below_k'; fewerThan: number } | { id: string; released: false; reason: 'complementary' };

export type ReleasedGroup = ShownGroup | HiddenGroup;

/** releaseGroup builds one group's suppressed table from its tally and disclosure decision. */
export function releaseGroup(survey: Survey, id: string, tally: GroupTally, gd: GroupDisclosure, headcount?: number): ReleasedGroup {
  if (!gd.released) return gd.reason === 'complementary' ? { id, released: false, reason: 'complementary' } : { id, released: false, reason: 'below_k', fewerThan: gd.threshold };
  const withheld = { below_k: 0, complementary: 0, disabled: 0 };
  const release = (key: string) => gd.measures.get(key) ?? { value: { released: false, reason: 'below_k', threshold: gd.threshold } as Release };
  const withhold = (r: Release): Withheld => {
    const reason = r.reason ?? 'below_k';
    withheld[reason] += 1;
    return reason === 'below_k' ? { released: false, reason, fewerThan: r.threshold } : { released: false, reason };
  };
  const stats = (r: Release, n: number, m?: Moments, favourable?: number): Stats | Withheld => {
    if (!r.released) return withhold(r);
    const s: Stats = { released: true, n };
    const exact: NonNullable<Stats['exact']> = {};
    const mu = m && exactly(() => meanRatio(m));
    const mf = m && mean(m);
    if (mf !== undefined) s.mean = mf;
    if (mu !== undefined) exact.mean = mu;
    const variance = m && exactly(() => varianceRatio(m));
    const sd = m && sampleSd(m);
    if (sd !== undefined) s.sd = sd;
    if (variance !== undefined) exact.variance = variance;
    if (favourable !== undefined && n > 0) [s.shareFavourable, exact.shareFavourable] = [favourable / n, ratio(favourable, n)];
    if (Object.keys(exact).length > 0) s.exact = exact;
    return s;
  };

  const part = (item: Item, key: string, t: ItemTally | undefined, scaleId?: string): ReleasedPart => {
    const r = release(key);
    const scale = scaleId === undefined ? undefined : survey.scales[scaleId];
    const tt = t ?? { answered: 0, dontKnow: 0, moments: emptyMoments(), counts: {} };
    const numeric = item.type !== 'single' && item.type !== 'multi';
    const value = stats(r.value, validN(tt), numeric ? tt.moments : undefined, scale && favourableCount(tt, favourableValues(scale)));
    const d = r.distribution ?? r.value;
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
      const r = release(measureKey.text(item.id)).value;
      shown.texts.push({ id: item.id, text: item.text, release: stats(r, tally.texts.get(item.id) ?? 0) });
    } else if (item.type === 'nowDesired') {
      const nd = tally.nowDesired.get(item.id);
      const gap = release(measureKey.gap(item.id)).value;
      shown.nowDesired.push({
        id: item.id,
        text: item.text,
        ...(item.factor === undefined ? {} : { factor: item.factor }),
        now: part(item, measureKey.now(item.id), nd?.now, item.scale),
        desired: part(item, measureKey.desired(item.id), nd?.desired, item.scale),
        gap: stats(gap, nd?.gap.n ?? 0, nd?.gap),
      });
    } else {
      const p = part(item, measureKey.item(item.id), tally.items.get(item.id), item.type === 'likert' ? item.scale : undefined);
      shown.items.push({ id: item.id, type: item.type, text: item.text, ...(item.factor === undefined ? {} : { factor: item.factor }), ...p });
    }
  }
  for (const f of survey.factors) {
    const m = tally.factors.get(f.id);
    shown.factors.push({ id: f.id, label: f.label, value: stats(release(measureKey.factor(f.id)).value, m?.n ?? 0, m) });
  }
  if (tally.rausTotal) shown.rausTotal = stats(release(measureKey.rausTotal).value, tally.rausTotal.n, tally.rausTotal);
  if (tally.position) shown.position = releasePosition(tally.position, release(measureKey.position), release(measureKey.positionDesired).value, stats, withhold);
  return shown;
}

function releasePosition(
  p: PositionTally,
  r: { value: Release; distribution?: Release },
  desired: Release,
  stats: (r: Release, n: number, m?: Moments) => Stats | Withheld,
  withhold: (r: Release) => Withheld,
): ReleasedPosition {
  const d = r.distribution ?? r.value;
  const share = (count: number): Share => ({ count, share: p.n > 0 ? count / p.n : 0 });
  const ofPartTime = (count: number): Share => ({ count, share: p.partTime > 0 ? count / p.partTime : 0 });
  return {
    current: stats(r.value, p.n, p.current),
    desired: stats(desired, p.desired.n, p.desired),
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
  const headcounts = subtreeHeadcounts(units);
  const out = new Map<string, ReleasedGroup>();
  for (const u of units) {
    const gd = disclosure.units.get(u.id);
    const tally = rolled.get(u.id);
    if (!gd || !tally) throw new Error(`no results for unit "${u.id}"`);
    out.set(u.id, releaseGroup(survey, u.id, tally, gd, headcounts.get(u.id)));
  }
  return out;
}
