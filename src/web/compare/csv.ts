// A unit's before/after comparison as CSV: the page's figures, n, changes, intervals and readings,
// rounded as on the page (results/format.ts).
import { isChange, type MeasureComparison, type ShareComparison, type UnitComparison } from '../../report/compare.js';
import { toCsv, type Delimiter } from '../csv.js';
import { translator, type Translate } from '../i18n/index.js';
import { boundedMean, csvColumn, withheldNote } from '../results/csv.js';
import { decimal, decimal2, percent, shareOf, signedPercent, whole } from '../results/format.js';
import type { ProjectComparison } from './model.js';

const READINGS = ['too_few', 'no_variation', 'no_clear_change', 'possible_chance', 'increase', 'decrease'] as const;

/** csvReadings words the readings as the CSV does (the page's words, in lower case) in a language. */
export function csvReadings(t: Translate): Record<string, string> {
  return Object.fromEntries(READINGS.map((r) => [r, t(`csv.reading.${r}`)]));
}

/** The readings as the bokmål CSV words them. */
export const CSV_READING: Record<string, string> = csvReadings(translator('nb'));

/** comparisonCsv renders one row per measure: value and n per wave, change first→last with its 95 % interval,
 *  reading and, where no change is claimed, the smallest change the n and SDs could have detected;
 *  headers and words in the staff user's language (t). */
export function comparisonCsv(c: ProjectComparison, unit: { id: string; name: string }, comparison: UnitComparison, delimiter: Delimiter, t: Translate): string {
  const reading = csvReadings(t);
  const style = delimiter === ';' ? 'csv-nb' : 'csv-en';
  const num2 = (x: Parameters<typeof decimal2>[0]): string => decimal2(x, style);
  const waveCols = c.waves.map((w, k) => ({ label: w.wave.name, value: `w${k}` }));
  const nCols = c.waves.map((w, k) => ({ label: `n ${w.wave.name}`, value: `n${k}` }));
  const columns = [
    csvColumn(t, 'section', 'section'),
    csvColumn(t, 'id', 'id'),
    csvColumn(t, 'text', 'text'),
    ...waveCols,
    csvColumn(t, 'change', 'diff'),
    csvColumn(t, 'low', 'low'),
    csvColumn(t, 'high', 'high'),
    csvColumn(t, 'reading', 'reading'),
    ...nCols,
    csvColumn(t, 'detectable', 'detectable'),
  ];
  const rows: Record<string, unknown>[] = [];
  if (!comparison.shown) {
    rows.push({ section: t('csv.unit'), id: unit.id, text: unit.name, reading: t('csv.noComparisonUnit') });
    return toCsv(rows, columns, delimiter);
  }
  const measure = (section: string, m: MeasureComparison): void => {
    const row: Record<string, unknown> = { section, id: m.id, text: m.text ?? m.id };
    m.figures.forEach((f, k) => {
      row[`w${k}`] = f === undefined ? '' : f.released ? (f.mean === undefined ? '' : boundedMean(f, (x) => decimal(x, style))) : withheldNote(f, t);
      if (f?.released) row[`n${k}`] = f.n ?? (f.nUpTo === undefined ? '' : `≤${f.nUpTo}`);
    });
    const o = m.overall;
    if (isChange(o)) {
      // No spread in either wave: no interval to give (docs/METHODS.md).
      Object.assign(row, { diff: num2(o.exact ?? o.diff), reading: reading[o.reading] }, o.se === 0 ? {} : { low: num2(o.low), high: num2(o.high) });
      if (o.detectable !== undefined) row.detectable = num2(o.detectable);
    } else row.reading = o.reason === 'not_comparable' ? t('csv.notComparable', { status: o.status }) : o.reason === 'small' ? reading.too_few : t('csv.noComparison');
    rows.push(row);
  };
  const share = (s: ShareComparison): void => {
    const of = t(s.denominator === 'partTime' ? 'csv.ofPartTimeShort' : 'csv.ofAllShort');
    const row: Record<string, unknown> = { section: t('csv.sharesSection', { of }), id: s.denominator === 'partTime' ? `${s.id}_av_deltid` : s.id, text: s.label ?? s.id };
    s.figures.forEach((f, k) => {
      row[`w${k}`] = f === undefined ? '' : f.released ? percent(shareOf(f.count, f.n)) : withheldNote(f, t);
      if (f?.released) row[`n${k}`] = f.n;
    });
    const o = s.overall;
    if (isChange(o)) {
      const relative = o.exact.relative === undefined ? '' : t('csv.relative', { x: signedPercent(o.exact.relative, style).replace('−', '-') });
      Object.assign(row, { diff: percent(o.exact.change), low: whole(o.low), high: whole(o.high), reading: `${reading[o.reading]}${relative}` });
    }
    rows.push(row);
  };
  rows.push({ section: t('csv.unit'), id: unit.id, text: unit.name, ...Object.fromEntries(comparison.waves.flatMap((w, k) => [[`w${k}`, `n=${w.n}`], [`n${k}`, w.n]])) });
  comparison.factors.forEach((m) => measure(t('csv.factor'), m));
  comparison.items.forEach((m) => measure(m.kind === 'raus' ? 'RAUS' : t('csv.statement'), m));
  if (comparison.rausTotal) measure('RAUS', comparison.rausTotal);
  comparison.scales.forEach((m) => measure(t('csv.scale'), m));
  comparison.gaps.forEach((m) => measure(t('csv.gap'), m));
  if (comparison.position) {
    measure(t('csv.position'), comparison.position.current);
    measure(t('csv.position'), comparison.position.desired);
    comparison.position.shares.forEach(share);
  }
  return toCsv(rows, columns, delimiter);
}
