// Sick-leave figures: days summed up the unit tree (never percentages averaged), and the
// percentages read from the sums. Pure functions over stored rows.
import { sumUp, type Forest } from '../report/forest.js';
import type { SickLeaveRow } from '../store/sickleave.js';

/** Days are a group's sums in hundredths of a day; the split is null unless every row in it has one. */
export type Days = Omit<SickLeaveRow, 'unitId' | 'period'>;

/** noDays is the sum over nobody. */
export const noDays: Readonly<Days> = Object.freeze({ employees: 0, agreed: 0, lostSelf: 0, lostDoctor: 0, lostShort: 0, lostLong: 0 });

/** addDays sums two groups' days; the split survives only where both have it. */
export function addDays(a: Days, b: Days): Days {
  const split = a.lostShort !== null && b.lostShort !== null && a.lostLong !== null && b.lostLong !== null;
  return {
    employees: a.employees + b.employees,
    agreed: a.agreed + b.agreed,
    lostSelf: a.lostSelf + b.lostSelf,
    lostDoctor: a.lostDoctor + b.lostDoctor,
    lostShort: split ? (a.lostShort as number) + (b.lostShort as number) : null,
    lostLong: split ? (a.lostLong as number) + (b.lostLong as number) : null,
  };
}

/** rowDays is one stored row as Days. */
export function rowDays({ unitId: _unit, period: _period, ...days }: SickLeaveRow): Days {
  return days;
}

/** rollUpDays returns, per forest index, the sum of the unit's own rows and all its descendants'
 *  (rows of units outside the forest are left out). */
export function rollUpDays(forest: Forest, rows: readonly SickLeaveRow[]): Days[] {
  const own: Days[] = forest.ids.map(() => ({ ...noDays }));
  for (const r of rows) {
    const u = forest.index.get(r.unitId);
    if (u !== undefined) own[u] = addDays(own[u] as Days, rowDays(r));
  }
  return sumUp(forest, own, addDays);
}

/** Rates are a group's percentages of agreed days (unrounded). */
export interface Rates {
  sickLeave: number;
  selfCertified: number;
  doctorCertified: number;
  presence: number;
  /** Present only when the split is shown. */
  short?: number;
  long?: number;
}

/** ratesOf reads the percentages from summed days; undefined when no days were agreed. */
export function ratesOf(d: Days, withSplit: boolean): Rates | undefined {
  if (d.agreed <= 0) return undefined;
  const pct = (x: number) => (100 * x) / d.agreed;
  const sickLeave = pct(d.lostSelf + d.lostDoctor);
  const rates: Rates = { sickLeave, selfCertified: pct(d.lostSelf), doctorCertified: pct(d.lostDoctor), presence: 100 - sickLeave };
  if (withSplit && d.lostShort !== null && d.lostLong !== null) {
    rates.short = pct(d.lostShort);
    rates.long = pct(d.lostLong);
  }
  return rates;
}
