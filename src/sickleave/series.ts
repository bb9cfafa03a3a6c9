// What pages show: a unit's figure per quarter and over a window of quarters, each a sum of
// figures shown for every stored period inside it (sickleave/disclosure.ts), so no span can be
// used to recover a period or unit that is withheld.
import { isQuarter, monthsOf, quarterOf, shiftQuarter, type Period } from './period.js';
import type { PeriodDisclosure, SickLeaveReason } from './disclosure.js';
import { addDays, noDays, ratesOf, type Days, type Rates } from './figures.js';

/** SpanFigure is a unit's figure over one quarter or a window of quarters. */
export type SpanFigure =
  | { status: 'shown'; days: Days; rates: Rates; splitShown: boolean }
  /** Withheld: the first reason met inside the span. */
  | { status: 'hidden'; reason: SickLeaveReason; threshold: number }
  /** Not every period of the span is imported (a quarter with one or two of its months). */
  | { status: 'incomplete' }
  /** Nothing stored for the unit in the span. */
  | { status: 'none' };

type Part = { days: Days; split: boolean } | Extract<SpanFigure, { status: 'hidden' | 'incomplete' | 'none' }>;

function periodPart(periods: ReadonlyMap<Period, PeriodDisclosure>, unitId: string, period: Period): Part {
  const p = periods.get(period);
  if (!p) return { status: 'incomplete' };
  const u = p.forest.index.get(unitId);
  const days = u === undefined ? undefined : p.days[u];
  if (u === undefined || !days || days.employees === 0) return { status: 'none' };
  const f = p.figure[u];
  if (!f?.released) return { status: 'hidden', reason: f?.reason ?? 'below_k', threshold: f?.threshold ?? 5 };
  return { days, split: p.split[u]?.released === true };
}

// Sums parts: any hidden part hides the sum, any missing period makes it incomplete, and parts
// with nobody add nothing.
function sumParts(parts: readonly Part[]): SpanFigure {
  const hidden = parts.find((p) => 'status' in p && p.status === 'hidden');
  if (hidden) return hidden as SpanFigure;
  if (parts.some((p) => 'status' in p && p.status === 'incomplete')) return { status: 'incomplete' };
  const shown = parts.filter((p): p is { days: Days; split: boolean } => !('status' in p));
  if (shown.length === 0) return { status: 'none' };
  const days = shown.reduce((s, p) => addDays(s, p.days), { ...noDays });
  const splitShown = shown.every((p) => p.split);
  const rates = ratesOf(days, splitShown);
  return rates ? { status: 'shown', days, rates, splitShown } : { status: 'none' };
}

function quarterParts(periods: ReadonlyMap<Period, PeriodDisclosure>, unitId: string, quarter: Period): Part[] {
  if (!isQuarter(quarter)) throw new RangeError(`not a quarter: ${quarter}`);
  if (periods.has(quarter)) return [periodPart(periods, unitId, quarter)];
  const months = monthsOf(quarter);
  if (months.every((m) => !periods.has(m))) return [{ status: 'none' }];
  return months.map((m) => periodPart(periods, unitId, m));
}

/** quarterFigure is a unit's figure for one quarter: the quarter as imported, or its three months summed. */
export function quarterFigure(periods: ReadonlyMap<Period, PeriodDisclosure>, unitId: string, quarter: Period): SpanFigure {
  return sumParts(quarterParts(periods, unitId, quarter));
}

/** windowFigure is a unit's figure over consecutive quarters (e.g. the four before a wave). */
export function windowFigure(periods: ReadonlyMap<Period, PeriodDisclosure>, unitId: string, quarters: readonly Period[]): SpanFigure {
  return sumParts(quarters.flatMap((q) => quarterParts(periods, unitId, q)));
}

/** latestQuarter returns the newest complete quarter (imported as a quarter or with all three
 *  months), else the newest quarter with any stored period, or undefined when nothing is stored. */
export function latestQuarter(periods: ReadonlyMap<Period, PeriodDisclosure>): Period | undefined {
  let latest: Period | undefined;
  let complete: Period | undefined;
  for (const p of periods.keys()) {
    const q = quarterOf(p);
    if (latest === undefined || q > latest) latest = q;
    const whole = isQuarter(p) || monthsOf(q).every((m) => periods.has(m));
    if (whole && (complete === undefined || q > complete)) complete = q;
  }
  return complete ?? latest;
}

/** quarterSeries returns the `count` quarters ending with `last`, oldest first. */
export function quarterSeries(last: Period, count: number): Period[] {
  return Array.from({ length: count }, (_, i) => shiftQuarter(last, i - count + 1));
}
