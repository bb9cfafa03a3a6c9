// Sick-leave periods: a month ("2026-03") or a quarter ("2026-Q1"). Figures are shown per quarter,
// so a month is always read as part of its quarter.

/** Period is a month YYYY-MM or a quarter YYYY-Qn. */
export type Period = string;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;

/** parsePeriod reads the forms an HR export uses (2026-03, 03.2026, 3/2026, 2026-K1, 2026K1,
 *  K1 2026, 1. kvartal 2026, 2026-Q1) into a Period, or undefined. */
export function parsePeriod(text: string): Period | undefined {
  const t = text.trim().toUpperCase().replace(/\s+/g, ' ');
  let m = /^(\d{4})[-/.]?(\d{1,2})$/.exec(t) ?? null;
  if (m && t.length >= 6) return month(Number(m[1]), Number(m[2]));
  m = /^(\d{1,2})[./-](\d{4})$/.exec(t);
  if (m) return month(Number(m[2]), Number(m[1]));
  m = /^(\d{4}) ?[-/]? ?[KQ]([1-4])$/.exec(t);
  if (m) return `${m[1]}-Q${m[2]}`;
  m = /^[KQ]([1-4])[ -/]?(\d{4})$/.exec(t) ?? /^([1-4])\. ?KVARTAL (\d{4})$/.exec(t);
  if (m) return `${m[2]}-Q${m[1]}`;
  return undefined;
}

function month(year: number, mo: number): Period | undefined {
  return mo >= 1 && mo <= 12 && year >= 1900 ? `${year}-${String(mo).padStart(2, '0')}` : undefined;
}

/** isQuarter tells a quarter from a month. */
export function isQuarter(p: Period): boolean {
  return QUARTER.test(p);
}

/** quarterOf returns the quarter a period lies in (a quarter is its own). */
export function quarterOf(p: Period): Period {
  const m = MONTH.exec(p);
  if (!m) return p;
  return `${m[1]}-Q${Math.ceil(Number(m[2]) / 3)}`;
}

/** monthsOf returns the three months of a quarter. */
export function monthsOf(quarter: Period): Period[] {
  const m = QUARTER.exec(quarter);
  if (!m) return [quarter];
  const first = (Number(m[2]) - 1) * 3 + 1;
  return [0, 1, 2].map((i) => `${m[1]}-${String(first + i).padStart(2, '0')}`);
}

/** lastDay returns the last day of a period as YYYY-MM-DD. */
export function lastDay(p: Period): string {
  const q = QUARTER.exec(p);
  const [year, mo] = q ? [Number(q[1]), Number(q[2]) * 3] : [Number(p.slice(0, 4)), Number(p.slice(5, 7))];
  const d = new Date(Date.UTC(year, mo, 0));
  return d.toISOString().slice(0, 10);
}

/** shiftQuarter moves a quarter by n quarters. */
export function shiftQuarter(q: Period, n: number): Period {
  const m = QUARTER.exec(q);
  if (!m) throw new RangeError(`not a quarter: ${q}`);
  const i = Number(m[1]) * 4 + Number(m[2]) - 1 + n;
  return `${Math.floor(i / 4)}-Q${(i % 4) + 1}`;
}

/** quarterOfDay returns the quarter a YYYY-MM-DD day lies in. */
export function quarterOfDay(day: string): Period {
  return quarterOf(day.slice(0, 7));
}
