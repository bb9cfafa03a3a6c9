// The organisation heat map as a download (CSV and XLSX): the same released tables, the same
// rounding and the same rows (the units the staff member may see) as the page, so a spreadsheet
// never holds a figure the page hides. A withheld figure is an empty cell with its reason in the
// row's note; a mean shown only as a bound stays a bound (">4,5"), never a number.
import ExcelJS from 'exceljs';
import type { Num } from '../../report/exact.js';
import type { Stats, Withheld } from '../../report/released.js';
import { toCsv, type Delimiter } from '../csv.js';
import type { Translate } from '../i18n/index.js';
import { boundedMean, withheldNote } from './csv.js';
import { chartValue, decimal } from './format.js';
import { heatBand, type UnitLink } from './view-model.js';

/** A factor column: its id and its label as the survey words it. */
type Factor = { id: string; label: string };

/** HeatRow is one unit's line of the exported heat map. */
interface HeatRow {
  id: string;
  name: string;
  depth: number;
  n?: number;
  /** Per factor id: the shown mean (text as in the CSV), its value for a spreadsheet cell, and its band. */
  cells: Map<string, { text: string; value: number | string; band: ReturnType<typeof heatBand> }>;
  note: string;
}

function heatRows(rows: UnitLink[], factors: Factor[], delimiter: Delimiter, t: Translate): HeatRow[] {
  const num = (x: Num): string => decimal(x, delimiter === ';' ? 'csv-nb' : 'csv-en');
  return rows.map(({ unit, depth, group }) => {
    const cells: HeatRow['cells'] = new Map();
    const notes = new Set<string>();
    if (!group.released) {
      notes.add(withheldNote(group.reason === 'below_k' ? group : { released: false, reason: group.reason }, t));
      return { id: unit.id, name: unit.name, depth, cells, note: [...notes].join('; ') };
    }
    for (const f of factors) {
      const v: Stats | Withheld | undefined = group.factors.find((x) => x.id === f.id)?.value;
      if (!v) continue;
      if (!v.released) {
        notes.add(`${f.label}: ${withheldNote(v, t)}`);
        continue;
      }
      const text = boundedMean(v, num);
      if (text === undefined) continue;
      if (v.meanBound) notes.add(t('csv.meanBound'));
      cells.set(f.id, { text, value: v.meanBound ? text : (chartValue(v) ?? text), band: heatBand(v) });
    }
    return { id: unit.id, name: unit.name, depth, n: group.n, cells, note: [...notes].join('; ') };
  });
}

/** heatmapCsv renders the heat map's rows as CSV: unit, n, one column per factor, a note in the staff user's language (t). */
export function heatmapCsv(rows: UnitLink[], factors: Factor[], delimiter: Delimiter, t: Translate): string {
  const lines = heatRows(rows, factors, delimiter, t).map((r) => ({
    enhet_id: r.id,
    enhet: r.name,
    n: r.n,
    ...Object.fromEntries(factors.map((f) => [`f_${f.id}`, r.cells.get(f.id)?.text])),
    merknad: r.note,
  }));
  const columns = [
    { label: t('csv.col.unitId'), value: 'enhet_id' },
    { label: t('csv.col.unit'), value: 'enhet' },
    { label: 'n', value: 'n' },
    ...factors.map((f) => ({ label: f.label, value: `f_${f.id}` })),
    { label: t('csv.col.note'), value: 'merknad' },
  ];
  return toCsv(lines, columns, delimiter);
}

// The page's colours (public/css/staff.css), as ARGB.
const FILL: Record<string, string> = { high: 'FFCFE8D6', good: 'FFE6F2E9', mid: 'FFFBF1D9', low: 'FFF6D9D9' };

/** heatmapXlsx renders the heat map as a workbook: one sheet, the first row and column frozen,
 *  means as numbers with one decimal (bounds as text) in the page's colours. */
export async function heatmapXlsx(rows: UnitLink[], factors: Factor[], title: string, t: Translate): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Kartlegg';
  const sheet = book.addWorksheet('Varmekart', { views: [{ state: 'frozen', xSplit: 2, ySplit: 1 }] });
  sheet.columns = [
    { header: t('csv.col.unitId'), width: 16 },
    { header: title, width: 36 },
    { header: 'n', width: 6 },
    ...factors.map((f) => ({ header: f.label, width: 12 })),
    { header: t('csv.col.note'), width: 60 },
  ];
  const head = sheet.getRow(1);
  head.font = { bold: true };
  head.alignment = { wrapText: true, vertical: 'bottom' };
  for (const r of heatRows(rows, factors, ';', t)) {
    const row = sheet.addRow([r.id, r.name, r.n ?? null, ...factors.map((f) => r.cells.get(f.id)?.value ?? null), r.note]);
    row.getCell(2).alignment = { indent: Math.min(r.depth, 5) };
    factors.forEach((f, i) => {
      const c = r.cells.get(f.id);
      const cell = row.getCell(4 + i);
      if (typeof c?.value === 'number') cell.numFmt = '0.0';
      const fill = c ? FILL[c.band] : undefined;
      if (fill) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
    });
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
