// CSV output as Norwegian Excel opens it: UTF-8 with BOM and semicolons by default, comma on
// request, and cells that a spreadsheet would run as formulas neutralised.
import { Parser } from '@json2csv/plainjs';
import type { Response } from 'express';

export type Delimiter = ';' | ',';

/** neutralise prefixes cells starting with = + - @ tab or CR with an apostrophe (OWASP CSV injection);
 *  plain negative numbers such as "-0,12" stay numbers. */
export function neutralise(value: unknown): unknown {
  if (typeof value !== 'string' || /^-\d+([.,]\d+)?$/.test(value)) return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** toCsv renders rows with the given columns (label -> key). Every cell goes through neutralise,
 *  the header row too: labels can be user text (a wave's name heads a comparison column). */
export function toCsv(rows: Record<string, unknown>[], columns: { label: string; value: string }[], delimiter: Delimiter = ';'): string {
  const fields = columns.map((c) => ({ label: String(neutralise(c.label)), value: c.value }));
  const parser = new Parser({ fields, delimiter, withBOM: true, eol: '\r\n' });
  return parser.parse(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, neutralise(v)]))));
}

/** delimiterFrom reads ?skilletegn=komma (comma) or defaults to semicolon. */
export function delimiterFrom(query: unknown): Delimiter {
  return query === 'komma' || query === ',' ? ',' : ';';
}

/** sendCsv sends CSV text as a download. */
export function sendCsv(res: Response, filename: string, csv: string): void {
  res.set('Content-Type', 'text/csv; charset=utf-8');
  res.set('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  res.send(csv);
}
