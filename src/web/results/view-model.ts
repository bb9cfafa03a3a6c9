// View models for results pages, built only from the suppressed tables (ReleasedGroup): a figure
// the tables withhold cannot appear here, in the chart data or in the CSV.
import type { GroupSummary, ReleasedGroup, ShownGroup, Stats, Withheld } from '../../report/released.js';
import type { WaveResults } from '../../report/wave-results.js';
import type { Unit } from '../../store/units.js';
import type { Staff } from '../staff/session.js';
import { treeRows } from '../admin/units.js';
import type { Num } from '../../report/exact.js';
import { chartValue, exactMean } from './format.js';

export type Figure = Stats | Withheld;

export interface Ranked {
  kind: 'factor' | 'item';
  id: string;
  label: string;
  /** For ordering. */
  mean: number;
  /** Set when the mean is only a bound (see Stats.meanBound). */
  bound?: 'above' | 'below';
  /** For showing: exact where the tables have it, so it rounds like every other output. */
  exact: Num;
  /** The figure itself, shown with its n. */
  figure: Stats;
}

/** rankFigures lists the released factor and likert-item means of a group, highest first. */
export function rankFigures(g: ShownGroup): { factors: Ranked[]; items: Ranked[] } {
  const ranked = (kind: Ranked['kind'], id: string, label: string, v: Figure): Ranked[] =>
    v.released && v.mean !== undefined ? [{ kind, id, label, mean: v.mean, exact: exactMean(v) ?? v.mean, figure: v, ...(v.meanBound ? { bound: v.meanBound } : {}) }] : [];
  const factors = g.factors.flatMap((f) => ranked('factor', f.id, f.label, f.value));
  const items = g.items.flatMap((i) => (i.type === 'likert' ? ranked('item', i.id, i.text, i.value) : []));
  const desc = (a: Ranked, b: Ranked): number => b.mean - a.mean || a.id.localeCompare(b.id);
  return { factors: factors.sort(desc), items: items.sort(desc) };
}

/** strengthsAndAreas picks the top and bottom figures (strengths first), never the same figure twice. */
export function strengthsAndAreas(g: ShownGroup, factorCount = 3, itemCount = 5) {
  const { factors, items } = rankFigures(g);
  const split = <T>(list: T[], n: number): { top: T[]; bottom: T[] } => {
    const take = Math.min(n, Math.floor(list.length / 2));
    return { top: list.slice(0, take), bottom: list.slice(list.length - take).reverse() };
  };
  const f = split(factors, factorCount);
  const i = split(items, itemCount);
  return { strengths: { factors: f.top, items: i.top }, areas: { factors: f.bottom, items: i.bottom } };
}

export interface UnitLink {
  unit: Unit;
  depth: number;
  group: GroupSummary;
}

/** visibleUnits lists the wave's units the staff member may see, in tree order, with their tables' heads. */
export function visibleUnits(results: WaveResults, staff: Staff): UnitLink[] {
  return treeRows(results.units)
    .filter((r) => staff.canSee(r.unit.id))
    .flatMap((r) => {
      // The heads only: a unit's whole table is read back when its own page asks for it.
      const group = results.summaries.get(r.unit.id);
      return group ? [{ unit: r.unit, depth: r.depth, group }] : [];
    });
}

/** chartData is the factor chart's data: released means only, rounded as the table shows them (null where withheld). */
export function chartData(g: ShownGroup, compare: { label: string; group: ReleasedGroup | undefined }[], unitLabel: string) {
  const labels = g.factors.map((f) => f.label);
  const value = (f: Figure | undefined) => chartValue(f && f.released ? f : undefined);
  const series = [{ label: unitLabel, data: g.factors.map((f) => value(f.value)) }];
  for (const c of compare) {
    if (!c.group || !c.group.released) continue;
    const shown = c.group;
    series.push({ label: c.label, data: g.factors.map((f) => value(shown.factors.find((x) => x.id === f.id)?.value)) });
  }
  return { labels, series, min: 1, max: 5 };
}

/** heatBand is the heat map's colour band of a mean, read from the value as shown (1 decimal). */
export function heatBand(f: Figure | undefined): 'none' | 'high' | 'good' | 'mid' | 'low' {
  const m = chartValue(f && f.released ? f : undefined);
  if (m === null) return 'none';
  return m >= 4.2 ? 'high' : m >= 3.6 ? 'good' : m >= 3.0 ? 'mid' : 'low';
}
