// Sick-leave import: an HR/payroll export (CSV, or XLSX turned into CSV by org/upload.ts) checked
// row by row against the unit tree, the clock and what is stored, into a plan that is previewed
// before anything is written. Days are kept in hundredths, so sums are exact.
import { parseCsv } from '../org/import.js';
import type { SickLeaveRow } from '../store/sickleave.js';
import { isQuarter, lastDay, monthsOf, parsePeriod, quarterOf, type Period } from './period.js';

export type { SickLeaveRow };

export interface PlannedRow extends SickLeaveRow {
  line: number;
}

export type SickLeaveProblemCode =
  | 'syntax'
  | 'empty'
  | 'header'
  | 'columns'
  | 'unknownUnit'
  | 'period'
  | 'future'
  | 'number'
  | 'negative'
  | 'employees'
  | 'lostOverAgreed'
  | 'splitPartial'
  | 'splitSum'
  | 'duplicate'
  | 'granularity';

export interface SickLeaveProblem {
  line: number;
  code: SickLeaveProblemCode;
  /** Shown in the message; two values are joined by '|'. */
  value?: string;
}

export interface SickLeavePlan {
  rows: PlannedRow[];
  /** The periods in the file, each with how many rows it brings and how many stored rows it replaces. */
  periods: { period: Period; rows: number; replaces: number }[];
  problems: SickLeaveProblem[];
}

type Column = keyof Omit<SickLeaveRow, never>;

const HEADERS: Record<string, Column> = {
  enhet: 'unitId',
  enhet_id: 'unitId',
  enhetsid: 'unitId',
  unit: 'unitId',
  unit_id: 'unitId',
  id: 'unitId',
  periode: 'period',
  period: 'period',
  ansatte: 'employees',
  antall_ansatte: 'employees',
  employees: 'employees',
  avtalte_dagsverk: 'agreed',
  agreed_days: 'agreed',
  egenmeldt: 'lostSelf',
  tapte_dagsverk_egenmeldt: 'lostSelf',
  lost_self_certified: 'lostSelf',
  legemeldt: 'lostDoctor',
  tapte_dagsverk_legemeldt: 'lostDoctor',
  lost_doctor_certified: 'lostDoctor',
  kort: 'lostShort',
  korttid: 'lostShort',
  tapte_dagsverk_1_16_dager: 'lostShort',
  lost_short: 'lostShort',
  lang: 'lostLong',
  langtid: 'lostLong',
  tapte_dagsverk_over_16_dager: 'lostLong',
  lost_long: 'lostLong',
};

const REQUIRED: Column[] = ['unitId', 'period', 'employees', 'agreed', 'lostSelf', 'lostDoctor'];

const headerKey = (h: string): string =>
  h
    .trim()
    .toLowerCase()
    .replace(/[–—-]/g, '_')
    .replace(/[^a-zæøå0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');

/** readDays reads a day count such as "12", "12,5" or "1 234.25" into hundredths; 'negative' for
 *  a minus sign, undefined for anything else. */
export function readDays(text: string): number | 'negative' | undefined {
  const t = text.replace(/[\s\u00a0]/g, '');
  if (/^[-−]\d/.test(t)) return 'negative';
  const m = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(t);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** StoredPeriods says, per stored period, how many current rows it has. */
export type StoredPeriods = ReadonlyMap<Period, number>;

/** planSickLeave checks CSV text against the known unit ids, today's date (YYYY-MM-DD, from the
 *  app's clock) and the stored periods, and returns the rows, what they replace, and every problem. */
export function planSickLeave(text: string, unitIds: ReadonlySet<string>, today: string, stored: StoredPeriods): SickLeavePlan {
  const plan: SickLeavePlan = { rows: [], periods: [], problems: [] };
  const problem = (line: number, code: SickLeaveProblemCode, value?: string) => plan.problems.push({ line, code, value });
  const { records, error } = parseCsv(text);
  if (error) {
    problem(error.line, 'syntax');
    return plan;
  }
  const nonEmpty = records.filter((r) => r.fields.some((f) => f.trim() !== ''));
  const header = nonEmpty.shift();
  if (!header) {
    problem(1, 'empty');
    return plan;
  }
  const columns = header.fields.map((h) => HEADERS[headerKey(h)]);
  for (const needed of REQUIRED) if (!columns.includes(needed)) problem(header.line, 'header', needed);
  if (plan.problems.length > 0) return plan;

  const seen = new Map<string, number>();
  for (const { fields, line } of nonEmpty) {
    if (fields.length !== columns.length) {
      problem(line, 'columns', String(fields.length));
      continue;
    }
    const get = (c: Column): string => (columns.includes(c) ? (fields[columns.indexOf(c)]?.trim() ?? '') : '');
    const unitId = get('unitId');
    const period = parsePeriod(get('period'));
    let ok = true;
    if (!unitIds.has(unitId)) {
      problem(line, 'unknownUnit', unitId);
      ok = false;
    }
    if (!period) {
      problem(line, 'period', get('period'));
      continue;
    }
    // A period still running would be replaced by its final figures later, and the difference
    // between the two would be a release of its own (see sickleave/disclosure.ts).
    if (lastDay(period) >= today) {
      problem(line, 'future', period);
      ok = false;
    }
    const days = (c: Column): number | null | undefined => {
      const raw = get(c);
      if (raw === '' && (c === 'lostShort' || c === 'lostLong')) return null;
      const v = readDays(raw);
      if (v === 'negative') {
        problem(line, 'negative', raw);
        return undefined;
      }
      if (v === undefined) problem(line, 'number', raw);
      return v;
    };
    const employeesText = get('employees');
    const employees = /^\d{1,6}$/.test(employeesText) ? Number(employeesText) : undefined;
    if (employees === undefined) problem(line, /^[-−]\d/.test(employeesText) ? 'negative' : 'number', employeesText);
    else if (employees === 0) problem(line, 'employees', unitId);
    const agreed = days('agreed');
    const lostSelf = days('lostSelf');
    const lostDoctor = days('lostDoctor');
    const lostShort = days('lostShort');
    const lostLong = days('lostLong');
    if (employees === undefined || employees === 0 || agreed == null || lostSelf == null || lostDoctor == null || lostShort === undefined || lostLong === undefined) continue;
    if (lostSelf + lostDoctor > agreed) {
      problem(line, 'lostOverAgreed', unitId);
      ok = false;
    }
    if ((lostShort === null) !== (lostLong === null)) {
      problem(line, 'splitPartial', unitId);
      ok = false;
    } else if (lostShort !== null && lostLong !== null && lostShort + lostLong !== lostSelf + lostDoctor) {
      problem(line, 'splitSum', unitId);
      ok = false;
    }
    // One unit's quarter and a month in it would count the same days twice.
    const overlapping = isQuarter(period) ? [period, ...monthsOf(period)] : [period, quarterOf(period)];
    for (const key of overlapping.map((p) => `${unitId} ${p}`)) {
      const other = seen.get(key);
      if (other !== undefined) {
        problem(line, 'duplicate', `${unitId} ${period}|${other}`);
        ok = false;
        break;
      }
    }
    seen.set(`${unitId} ${period}`, line);
    if (ok) plan.rows.push({ line, unitId, period, employees, agreed, lostSelf, lostDoctor, lostShort, lostLong });
  }

  // A quarter is all months or one quarter row, over the whole organisation and for good: a
  // parent's quarter is the sum of its units', which must cover the same days, and a re-import
  // replaces a period by its key, so a quarter row could not replace stored months.
  const shape = new Map<Period, boolean>();
  for (const [p] of stored) shape.set(quarterOf(p), isQuarter(p));
  const fileShape = new Map<Period, boolean>();
  for (const r of plan.rows) {
    const q = quarterOf(r.period);
    const fileQuarter = fileShape.get(q);
    const storedShape = shape.get(q);
    if ((fileQuarter !== undefined && fileQuarter !== isQuarter(r.period)) || (storedShape !== undefined && storedShape !== isQuarter(r.period))) {
      problem(r.line, 'granularity', r.period);
    }
    if (fileQuarter === undefined) fileShape.set(q, isQuarter(r.period));
  }
  plan.problems.sort((a, b) => a.line - b.line);
  if (plan.problems.length > 0) plan.rows = plan.rows.filter((r) => !plan.problems.some((p) => p.line === r.line));

  const counts = new Map<Period, number>();
  for (const r of plan.rows) counts.set(r.period, (counts.get(r.period) ?? 0) + 1);
  plan.periods = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([period, rows]) => ({ period, rows, replaces: stored.get(period) ?? 0 }));
  return plan;
}
