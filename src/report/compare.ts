// Before/after comparison of one unit (or mapped group) across waves. Built only from the released
// tables, so disclosure control carries over: a group hidden in any wave shows no comparison, and
// a figure withheld in any compared wave gives no change. Items whose wording, scale or type
// changed between survey versions are flagged and never compared (DOMAIN.md 1, 4). A change is
// called clear only when it survives the false-alarm rule of false-alarms.ts within its family.
import { offersDontKnow, type Survey } from '../survey/model.js';
import type { Item } from '../survey/schema.js';
import { RAUS_ITEM_IDS } from './group.js';
import { INVOLUNTARY_DEFINITIONS, isPositionItem, type InvoluntaryDefinitionId } from './position.js';
import { agreeing, div, exactly, ratio, sub, type Ratio } from './exact.js';
import { benjaminiHochberg } from './false-alarms.js';
import { newcombe } from './proportions.js';
import type { PositionDistribution, ReleasedGroup, Share, ShownGroup, Stats, Withheld } from './released.js';
import { detectableDifference, welch } from './welch.js';

export type ComparabilityStatus = 'same' | 'text_changed' | 'scale_changed' | 'type_changed' | 'missing';

export interface Comparability {
  status: ComparabilityStatus;
  /** Which versions differ and how, for the note next to a flagged item. */
  detail?: string;
}

// A type change makes the scale and text comparison moot, so the worst status across the series wins.
const SEVERITY: Record<ComparabilityStatus, number> = { same: 0, text_changed: 1, scale_changed: 2, type_changed: 3, missing: 4 };

/** What a respondent could answer: anything here that changes makes the numbers mean something else. */
function answerSpace(survey: Survey, item: Item): string {
  const t = item.type;
  // The scale's id may be renamed freely; its points, labels and the "vet ikke" offer may not.
  // Which points count as favourable is left out: no change is computed from the favourable share.
  if (t === 'likert' || t === 'nowDesired') return JSON.stringify([survey.scales[item.scale]?.points.map((p) => [p.value, p.label]), offersDontKnow(survey, item)]);
  if (t === 'scale') return JSON.stringify([item.min, item.max, item.minLabel, item.maxLabel]);
  if (t === 'single' || t === 'multi') return JSON.stringify([item.options.map((o) => [o.id, o.label]), t === 'multi' ? item.maxChoices : undefined]);
  if (t === 'number') return JSON.stringify([item.min, item.max, item.step, item.unit]);
  return '';
}

const versionName = (s: Survey): string => `${s.id} v${s.version}`;

/** itemComparability matches items by id across the waves' survey versions and flags any change anywhere in the series. */
export function itemComparability(surveys: readonly Survey[]): Map<string, Comparability> {
  const byWave = surveys.map((s) => new Map(s.items.map((i) => [i.id, i])));
  const out = new Map<string, Comparability>();
  for (const id of new Set(surveys.flatMap((s) => s.items.map((i) => i.id)))) {
    const absent = surveys.filter((_, k) => !byWave[k]?.has(id));
    if (absent.length > 0) {
      out.set(id, { status: 'missing', detail: `not in ${absent.map(versionName).join(', ')}` });
      continue;
    }
    // Flagged for the whole series, not per pair: a trend line must not mix versions.
    let worst: Comparability = { status: 'same' };
    for (let k = 1; k < surveys.length; k++) {
      const [sa, sb] = [surveys[k - 1] as Survey, surveys[k] as Survey];
      const [a, b] = [byWave[k - 1]?.get(id) as Item, byWave[k]?.get(id) as Item];
      const step = `${versionName(sa)} → ${versionName(sb)}`;
      let c: Comparability = { status: 'same' };
      if (a.type !== b.type) c = { status: 'type_changed', detail: `${step}: ${a.type} → ${b.type}` };
      else if (answerSpace(sa, a) !== answerSpace(sb, b)) c = { status: 'scale_changed', detail: `${step}: answer choices changed` };
      else if (a.text !== b.text) c = { status: 'text_changed', detail: `${step}: "${a.text}" → "${b.text}"` };
      if (SEVERITY[c.status] > SEVERITY[worst.status]) worst = c;
    }
    out.set(id, worst);
  }
  return out;
}

/** How a change reads: too few answers; no spread in either wave (no interval can be computed);
 *  no clear change (0 inside the interval); a possible change that the false-alarm rule does not
 *  let us call clear; or a clear increase or decrease. */
export type Reading = 'too_few' | 'no_variation' | 'no_clear_change' | 'possible_chance' | 'increase' | 'decrease';

/** readChange words one change on its own: 'too_few' when either n < minN, 'no_variation' when its
 *  standard error is 0, 'no_clear_change' when the interval includes 0, else its direction (before
 *  the false-alarm rule, which compareGroups applies). */
export function readChange(c: { diff: number; low: number; high: number; se?: number }, nA: number, nB: number, minN = 10): Reading {
  // With a handful of answers the interval is too wide to mean much and too easily read as a
  // verdict on a few people, so small groups are told so rather than given a direction.
  if (nA < minN || nB < minN) return 'too_few';
  // Everyone answered alike in both waves: a zero-width interval would claim a certainty no
  // sample gives, so no interval and no verdict.
  if (c.se === 0) return 'no_variation';
  if (c.low <= 0 && c.high >= 0) return 'no_clear_change';
  // Direction only, not "better" or "worse": whether higher is good depends on the measure.
  return c.diff > 0 ? 'increase' : 'decrease';
}

export type Figure = Stats | Withheld;

/** A difference later - earlier with its Welch interval (level as asked, 95 % by default). */
export interface Change {
  diff: number;
  low: number;
  high: number;
  df: number;
  se: number;
  reading: Reading;
  /** Two-sided Welch p-value; absent when se is 0. */
  p?: number;
  /** diff as an exact fraction, when both means are exact. */
  exact?: Ratio;
  /** Where no change is claimed: the smallest true change these n and SDs would have detected
   *  with 80 % power (welch.ts detectableDifference). */
  detectable?: number;
}

/** Why there is no change: flagged item, withheld or absent figure, or released without a mean and SD (n < 2). */
/** Why there is no change: not comparable; a figure withheld or absent; no estimate possible; or
 *  'small': a group under the distribution threshold, whose SD and exact n are not shown (an
 *  interval would give them away), which is too few to say anything about change anyway. */
export type NoChange = { reason: 'not_comparable'; status: ComparabilityStatus; detail?: string } | { reason: 'withheld' | 'absent' | 'no_estimate' | 'small' };

/** Figures per wave and the changes between them; where there is no change, its reason. */
export interface Series<F, C> {
  /** Per wave as the tables have it; undefined where that wave has no such figure. */
  figures: (F | Withheld | undefined)[];
  /** First wave to last. */
  overall: C | NoChange;
  /** Wave k to wave k + 1. */
  steps: (C | NoChange)[];
}

export type MeasureKind = 'factor' | 'likert' | 'raus' | 'raus_total' | 'scale' | 'gap' | 'position_current' | 'position_desired';

export interface MeasureComparison extends Series<Stats, Change> {
  kind: MeasureKind;
  id: string;
  /** The survey's wording or the factor's label; absent for derived measures, which the UI words by kind. */
  text?: string;
  comparability: Comparability;
}

/** A share of the position distribution at one wave (count / n, 0..1). */
export type ShareFigure = Share & { released: true; n: number };

export interface ShareChange {
  /** Percentage points: (later share - earlier share) × 100. */
  percentagePoints: number;
  /** Relative change, a fraction: (later - earlier) / earlier; absent when the earlier share is 0. */
  relativeChange?: number;
  /** Newcombe's hybrid score interval (proportions.ts), in percentage points. */
  low: number;
  high: number;
  p: number;
  reading: Reading;
  /** The change of share (0..1) and the relative change, exactly (counts over n). */
  exact: { change: Ratio; relative?: Ratio };
}

export interface ShareComparison extends Series<ShareFigure, ShareChange> {
  id: 'fullTime' | 'more' | 'same' | 'less' | InvoluntaryDefinitionId;
  /** Share of all respondents, or of part-time employees (the involuntary definitions count only them). */
  denominator: 'all' | 'partTime';
  /** Set for the involuntary part-time definitions: each series keeps its definition's name. */
  label?: string;
}

export interface PositionComparison {
  current: MeasureComparison;
  desired: MeasureComparison;
  shares: ShareComparison[];
}

export interface WaveGroup {
  waveId: number;
  label: string;
  survey: Survey;
  group: ReleasedGroup | undefined;
}

export type HiddenReason = 'below_k' | 'complementary' | 'release' | 'missing';

export type UnitComparison =
  | { unitId: string; shown: false; reason: HiddenReason; waves: { waveId: number; label: string; reason?: HiddenReason; fewerThan?: number }[] }
  | {
      unitId: string;
      shown: true;
      waves: { waveId: number; label: string; n: number; responseRate?: number }[];
      factors: MeasureComparison[];
      /** Likert statements, the RAUS statements among them (kind 'raus'). */
      items: MeasureComparison[];
      rausTotal?: MeasureComparison;
      scales: MeasureComparison[];
      gaps: MeasureComparison[];
      position?: PositionComparison;
    };

export interface CompareOptions {
  /** Defaults to the id of the group in the last wave that has one. */
  unitId?: string;
  /** Below this n in either wave a change reads 'too_few'. */
  minN?: number;
  /** Confidence level of the intervals, 0.95 by default. */
  level?: number;
}

/** isChange tells a computed change from the reason there is none. */
export function isChange<T extends object>(c: T | NoChange): c is T {
  return !('reason' in c);
}

/** Compares a series first→last and pairwise; the checks run in this order so a flagged item never shows a change. */
function series<F extends { released: true }, C>(figures: (F | Withheld | undefined)[], comp: Comparability, compute: (a: F, b: F) => C | NoChange): Series<F, C> {
  const change = (a: F | Withheld | undefined, b: F | Withheld | undefined): C | NoChange => {
    if (comp.status !== 'same') return { reason: 'not_comparable', status: comp.status, ...(comp.detail === undefined ? {} : { detail: comp.detail }) };
    if (!a || !b) return { reason: 'absent' };
    if (!a.released || !b.released) return { reason: 'withheld' };
    return compute(a, b);
  };
  return { figures, overall: change(figures[0], figures[figures.length - 1]), steps: figures.slice(1).map((b, k) => change(figures[k], b)) };
}

/** A comparison over measures that several items feed: flagged when any member is, or membership differs. */
function groupComparability(members: string[][], comparability: ReadonlyMap<string, Comparability>): Comparability {
  const keys = members.map((m) => [...m].sort().join(','));
  if (keys.some((k) => k !== keys[0])) return { status: 'missing', detail: 'the items behind it differ between versions' };
  let worst: Comparability = { status: 'same' };
  for (const id of members[0] ?? []) {
    const c = itemStatus(comparability, id);
    if (SEVERITY[c.status] > SEVERITY[worst.status]) worst = { status: c.status, detail: `${id}: ${c.detail ?? c.status}` };
  }
  return worst;
}

const itemStatus = (comparability: ReadonlyMap<string, Comparability>, id: string): Comparability =>
  comparability.get(id) ?? { status: 'missing', detail: 'not in the comparability table' };

/** compareGroups compares one group over two or more waves from their released tables: nothing if hidden in any wave, else figures and changes per measure. */
export function compareGroups(waves: readonly WaveGroup[], comparability: ReadonlyMap<string, Comparability>, options: CompareOptions = {}): UnitComparison {
  if (waves.length < 2) throw new RangeError('a comparison needs at least two waves');
  const { minN = 10, level = 0.95 } = options;
  const unitId = options.unitId ?? [...waves].reverse().find((w) => w.group)?.group?.id ?? '';
  if (!waves.every((w) => w.group?.released)) {
    const status = waves.map((w) => {
      const g = w.group;
      if (!g) return { waveId: w.waveId, label: w.label, reason: 'missing' as const };
      if (g.released) return { waveId: w.waveId, label: w.label };
      return { waveId: w.waveId, label: w.label, reason: g.reason, ...(g.reason === 'below_k' ? { fewerThan: g.fewerThan } : {}) };
    });
    return { unitId, shown: false, reason: status.find((s) => s.reason)?.reason ?? 'missing', waves: status };
  }
  const groups = waves.map((w) => w.group as ShownGroup);
  const surveys = waves.map((w) => w.survey);

  const meanChange = (a: Stats, b: Stats): Change | NoChange => {
    // Without exact n (small groups) or with a mean shown only as a bound there is nothing to estimate from.
    if (a.n === undefined || b.n === undefined || a.meanBound || b.meanBound || a.sd === undefined || b.sd === undefined) return { reason: 'small' };
    const w = welch({ ...a, n: a.n }, { ...b, n: b.n }, level);
    if (!w) return { reason: 'no_estimate' };
    const c: Change = { diff: w.diff, low: w.low, high: w.high, df: w.df, se: w.se, reading: readChange(w, a.n, b.n, minN) };
    if (w.p !== undefined) c.p = w.p;
    const [ea, eb] = [agreeing(a.mean, a.exact?.mean), agreeing(b.mean, b.exact?.mean)];
    const exact = ea && eb && exactly(() => sub(eb, ea));
    if (exact) c.exact = exact;
    return c;
  };
  const measure = (kind: MeasureKind, id: string, text: string | undefined, comp: Comparability, figures: (Figure | undefined)[]): MeasureComparison => ({
    kind,
    id,
    ...(text === undefined ? {} : { text }),
    comparability: comp,
    ...series(figures, comp, meanChange),
  });

  // Latest wording first; ids only earlier waves had are listed after, flagged as missing.
  const latestFirst = [...surveys].reverse();
  const factorIds = [...new Set(latestFirst.flatMap((s) => s.factors.map((f) => f.id)))];
  const factors = factorIds.map((fid) => {
    const inAll = surveys.every((s) => s.factors.some((f) => f.id === fid));
    const comp = inAll
      ? groupComparability(surveys.map((s) => s.items.filter((i) => i.type === 'likert' && i.factor === fid).map((i) => i.id)), comparability)
      : { status: 'missing' as const, detail: 'factor not in every version' };
    const label = latestFirst.flatMap((s) => s.factors).find((f) => f.id === fid)?.label ?? fid;
    return measure('factor', fid, label, comp, groups.map((g) => g.factors.find((f) => f.id === fid)?.value));
  });

  const items: MeasureComparison[] = [];
  const scales: MeasureComparison[] = [];
  const gaps: MeasureComparison[] = [];
  const seen = new Set<string>();
  // An item whose type changed is listed under the latest version in which it had a mean, and
  // flagged, so it is not silently dropped either.
  for (const item of latestFirst.flatMap((s) => s.items)) {
    if (seen.has(item.id) || (item.type !== 'nowDesired' && item.type !== 'likert' && item.type !== 'scale')) continue;
    seen.add(item.id);
    const comp = itemStatus(comparability, item.id);
    if (item.type === 'nowDesired') gaps.push(measure('gap', item.id, item.text, comp, groups.map((g) => g.nowDesired.find((n) => n.id === item.id)?.gap)));
    else if (item.type === 'likert' || item.type === 'scale') {
      const kind = item.type === 'scale' ? 'scale' : RAUS_ITEM_IDS.includes(item.id) ? 'raus' : 'likert';
      (kind === 'scale' ? scales : items).push(measure(kind, item.id, item.text, comp, groups.map((g) => g.items.find((i) => i.id === item.id)?.value)));
    }
  }

  const rausMembers = surveys.map((s) => s.items.filter((i) => i.type === 'likert' && RAUS_ITEM_IDS.includes(i.id)).map((i) => i.id));
  const hasRaus = groups.some((g) => g.rausTotal);
  const rausTotal = hasRaus ? measure('raus_total', 'raus_total', undefined, groupComparability(rausMembers, comparability), groups.map((g) => g.rausTotal)) : undefined;

  let position: PositionComparison | undefined;
  if (groups.some((g) => g.position)) {
    // Every position figure reads several items, so a change to any of them stops all position changes.
    const comp = groupComparability(surveys.map((s) => s.items.filter((i) => isPositionItem(i.id)).map((i) => i.id)), comparability);
    position = {
      current: measure('position_current', 'position_current', undefined, comp, groups.map((g) => g.position?.current)),
      desired: measure('position_desired', 'position_desired', undefined, comp, groups.map((g) => g.position?.desired)),
      shares: positionShares(groups, comp, minN, level),
    };
  }

  // The false-alarm rule, family by family: main measures, single statements, position size.
  keepFalseAlarmsDown([...factors, ...(rausTotal ? [rausTotal] : [])], level);
  keepFalseAlarmsDown([...items, ...scales, ...gaps], level);
  if (position) keepFalseAlarmsDown([position.current, position.desired, ...position.shares], level);

  return {
    unitId,
    shown: true,
    waves: waves.map((w, k) => {
      const g = groups[k] as ShownGroup;
      return { waveId: w.waveId, label: w.label, n: g.n, ...(g.responseRate === undefined ? {} : { responseRate: g.responseRate }) };
    }),
    factors,
    items,
    ...(rausTotal ? { rausTotal } : {}),
    scales,
    gaps,
    ...(position ? { position } : {}),
  };
}

/** keepFalseAlarmsDown applies the false-alarm rule to one family, column by column (first→last and
 *  each step): a change outside 0 that Benjamini–Hochberg does not keep reads 'possible_chance'.
 *  Where no change is claimed, a mean change gets the smallest change it could have detected. */
function keepFalseAlarmsDown(family: readonly Series<unknown, Change | ShareChange>[], level: number): void {
  const columns = [(s: Series<unknown, Change | ShareChange>) => s.overall, ...(family[0]?.steps ?? []).map((_, k) => (s: Series<unknown, Change | ShareChange>) => s.steps[k])];
  for (const column of columns) {
    const tested = family.map(column).filter((c): c is Change | ShareChange => c !== undefined && isChange(c) && c.p !== undefined);
    const kept = benjaminiHochberg(tested.map((c) => c.p as number));
    tested.forEach((c, i) => {
      if ((c.reading === 'increase' || c.reading === 'decrease') && !kept[i]) c.reading = 'possible_chance';
    });
    for (const c of family.map(column)) {
      if (!c || !isChange(c) || !('df' in c) || (c.reading !== 'too_few' && c.reading !== 'no_clear_change')) continue;
      const d = detectableDifference(c, level);
      if (d !== undefined) c.detectable = d;
    }
  }
}

/** Shares of the position distribution per wave with changes in percentage points and their
 *  Newcombe interval, none where withheld. */
function positionShares(groups: ShownGroup[], comp: Comparability, minN: number, level: number): ShareComparison[] {
  const change = (a: ShareFigure, b: ShareFigure): ShareChange | NoChange => {
    if (a.n === 0 || b.n === 0) return { reason: 'no_estimate' };
    const d = newcombe(a.count, a.n, b.count, b.n, level);
    // Counts over n: small integers, so these fractions always fit.
    const exactChange = sub(ratio(b.count, b.n), ratio(a.count, a.n));
    const exact: ShareChange['exact'] = { change: exactChange };
    if (a.count > 0) exact.relative = div(exactChange, ratio(a.count, a.n));
    return {
      percentagePoints: d.diff * 100,
      ...(a.share > 0 ? { relativeChange: (b.share - a.share) / a.share } : {}),
      low: d.low * 100,
      high: d.high * 100,
      p: d.p,
      reading: readChange(d, a.n, b.n, minN),
      exact,
    };
  };
  const shares = (id: ShareComparison['id'], denominator: ShareComparison['denominator'], pick: (d: PositionDistribution) => Share | undefined, label?: string): ShareComparison => {
    const figures = groups.map((g): ShareFigure | Withheld | undefined => {
      const d = g.position?.distribution;
      const s = d?.released ? pick(d) : undefined;
      if (!d?.released) return d;
      const n = denominator === 'all' ? d.n : d.partTime.count;
      return s && { released: true, n, count: s.count, share: s.share };
    });
    return { id, denominator, ...(label === undefined ? {} : { label }), ...series(figures, comp, change) };
  };
  const involuntary = (def: (typeof INVOLUNTARY_DEFINITIONS)[number]) => (d: PositionDistribution) => d.involuntary.find((i) => i.id === def.id);
  return [
    shares('fullTime', 'all', (d) => d.fullTime),
    shares('more', 'all', (d) => d.more),
    shares('same', 'all', (d) => d.same),
    shares('less', 'all', (d) => d.less),
    // Every definition is computed for every wave, so each series stays within one definition.
    ...INVOLUNTARY_DEFINITIONS.map((def) => shares(def.id, 'all', involuntary(def), def.name)),
    ...INVOLUNTARY_DEFINITIONS.map((def) =>
      shares(def.id, 'partTime', (d) => {
        const i = involuntary(def)(d);
        return i && { count: i.count, share: i.ofPartTime };
      }, def.name),
    ),
  ];
}

export type OverviewEntry = { unitId: string; factorId: string; label: string; reading: 'increase' | 'decrease'; nA: number; nB: number } & Pick<Change, 'diff' | 'low' | 'high' | 'exact'>;

/** overviewChanges lists, for the project leader, the units × factors with a clear first→last change
 *  (interval excludes zero, enough n, kept by the false-alarm rule), each with both waves' n. */
export function overviewChanges(comparisons: readonly UnitComparison[]): OverviewEntry[] {
  const out: OverviewEntry[] = [];
  for (const c of comparisons) {
    if (!c.shown) continue;
    for (const f of c.factors) {
      const o = f.overall;
      if (!isChange(o) || (o.reading !== 'increase' && o.reading !== 'decrease')) continue;
      const [a, b] = [f.figures[0], f.figures[f.figures.length - 1]];
      out.push({
        unitId: c.unitId,
        factorId: f.id,
        label: f.text ?? f.id,
        reading: o.reading,
        diff: o.diff,
        low: o.low,
        high: o.high,
        ...(o.exact ? { exact: o.exact } : {}),
        nA: a?.released ? (a.n ?? 0) : 0,
        nB: b?.released ? (b.n ?? 0) : 0,
      });
    }
  }
  return out;
}
