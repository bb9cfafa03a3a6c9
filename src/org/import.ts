// Organisation CSV import: parse (semicolon or comma, UTF-8 with or without BOM, quoted fields),
// check against the existing tree, and produce a plan that is previewed before anything is written.
import { CsvError, parse } from 'csv-parse/sync';
import type { Unit } from '../store/units.js';

export interface ImportRow {
  line: number;
  id: string;
  name: string;
  parentId: string | null;
  headcount: number | null;
}

export interface ImportProblem {
  line: number;
  code: 'header' | 'columns' | 'id' | 'name' | 'duplicate' | 'unknownParent' | 'cycle' | 'headcount' | 'empty' | 'syntax';
  value?: string;
}

export interface ImportPlan {
  rows: ImportRow[];
  create: ImportRow[];
  update: { row: ImportRow; before: Unit }[];
  unchanged: number;
  problems: ImportProblem[];
}

const HEADERS: Record<string, keyof Omit<ImportRow, 'line'>> = {
  id: 'id',
  name: 'name',
  navn: 'name',
  parent: 'parentId',
  'parent id': 'parentId',
  parent_id: 'parentId',
  overordnet: 'parentId',
  'overordnet id': 'parentId',
  headcount: 'headcount',
  'antall ansatte': 'headcount',
  antall_ansatte: 'headcount',
  ansatte: 'headcount',
};

/** parseCsv splits CSV text into records with their line numbers (csv-parse: quoted fields,
 *  doubled quotes, CRLF, LF or CR, BOM); the delimiter (; or ,) is taken from the first line. A
 *  syntax error (an unclosed quote) is returned with its line instead of records after it. */
export function parseCsv(text: string): { delimiter: string; records: { line: number; fields: string[] }[]; error?: { line: number } } {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const semicolons = firstLine.match(/;/g)?.length ?? 0;
  const delimiter = semicolons > 0 && semicolons >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  try {
    const rows = parse(body, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, record_delimiter: ['\r\n', '\n', '\r'], info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return { delimiter, records: rows.map((r) => ({ line: r.info.lines, fields: r.record })) };
  } catch (err) {
    if (err instanceof CsvError) return { delimiter, records: [], error: { line: (err as CsvError & { lines?: number }).lines ?? 1 } };
    throw err;
  }
}

/** planImport checks CSV text against the existing units and returns what would change and every problem. */
export function planImport(text: string, existing: Unit[]): ImportPlan {
  const plan: ImportPlan = { rows: [], create: [], update: [], unchanged: 0, problems: [] };
  const { records, error } = parseCsv(text);
  if (error) {
    plan.problems.push({ line: error.line, code: 'syntax' });
    return plan;
  }
  const nonEmpty = records.map((r) => ({ r: r.fields, line: r.line })).filter(({ r }) => r.some((f) => f.trim() !== ''));
  const header = nonEmpty.shift();
  if (!header) {
    plan.problems.push({ line: 1, code: 'empty' });
    return plan;
  }
  const columns = header.r.map((h) => HEADERS[h.trim().toLowerCase()]);
  for (const needed of ['id', 'name'] as const) {
    if (!columns.includes(needed)) plan.problems.push({ line: header.line, code: 'header', value: needed });
  }
  if (plan.problems.length > 0) return plan;

  const seen = new Map<string, number>();
  for (const { r, line } of nonEmpty) {
    if (r.length !== columns.length) {
      plan.problems.push({ line, code: 'columns', value: String(r.length) });
      continue;
    }
    const get = (key: keyof Omit<ImportRow, 'line'>): string => r[columns.indexOf(key)]?.trim() ?? '';
    const id = get('id');
    const name = get('name');
    const parent = columns.includes('parentId') ? get('parentId') : '';
    const headcountText = columns.includes('headcount') ? get('headcount') : '';
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id)) {
      plan.problems.push({ line, code: 'id', value: id });
      continue;
    }
    if (seen.has(id)) {
      plan.problems.push({ line, code: 'duplicate', value: `${id}|${seen.get(id)}` });
      continue;
    }
    seen.set(id, line);
    if (name === '' || name.length > 200) plan.problems.push({ line, code: 'name', value: id });
    let headcount: number | null = null;
    if (headcountText !== '') {
      headcount = /^\d{1,6}$/.test(headcountText) ? Number(headcountText) : NaN;
      if (Number.isNaN(headcount)) plan.problems.push({ line, code: 'headcount', value: headcountText });
    }
    plan.rows.push({ line, id, name, parentId: parent === '' ? null : parent, headcount: Number.isNaN(headcount) ? null : headcount });
  }

  // The tree after import: existing units, overridden by the file's rows.
  const byId = new Map(existing.map((u) => [u.id, { parentId: u.parentId }]));
  for (const row of plan.rows) byId.set(row.id, { parentId: row.parentId });
  for (const row of plan.rows) {
    if (row.parentId !== null && !byId.has(row.parentId)) plan.problems.push({ line: row.line, code: 'unknownParent', value: row.parentId });
  }
  for (const row of plan.rows) {
    const visited = new Set<string>([row.id]);
    let cursor = byId.get(row.id)?.parentId ?? null;
    while (cursor !== null) {
      if (visited.has(cursor)) {
        plan.problems.push({ line: row.line, code: 'cycle', value: row.id });
        break;
      }
      visited.add(cursor);
      cursor = byId.get(cursor)?.parentId ?? null;
    }
  }
  plan.problems.sort((a, b) => a.line - b.line);

  const existingById = new Map(existing.map((u) => [u.id, u]));
  for (const row of plan.rows) {
    const before = existingById.get(row.id);
    if (!before) plan.create.push(row);
    else if (before.name !== row.name || before.parentId !== row.parentId || before.headcount !== row.headcount) plan.update.push({ row, before });
    else plan.unchanged++;
  }
  return plan;
}
