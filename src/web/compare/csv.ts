// A unit's before/after comparison as CSV: the page's figures, changes and intervals.
import { isChange, type MeasureComparison, type ShareComparison, type UnitComparison } from '../../report/compare.js';
import { toCsv, type Delimiter } from '../csv.js';
import { boundedMean, withheldNote } from '../results/csv.js';
import { decimal, decimal2 } from '../results/format.js';
import type { ProjectComparison } from './model.js';

const READING: Record<string, string> = {
  too_few: 'for få svar til å si noe sikkert',
  no_clear_change: 'ingen sikker endring',
  increase: 'økning',
  decrease: 'nedgang',
};

/** comparisonCsv renders one row per measure: value per wave, change first→last with its 95 % interval and reading. */
export function comparisonCsv(c: ProjectComparison, unit: { id: string; name: string }, comparison: UnitComparison, delimiter: Delimiter): string {
  const style = delimiter === ';' ? 'csv-nb' : 'csv-en';
  const num = (x: number): string => decimal(x, style);
  const num2 = (x: number): string => decimal2(x, style);
  const waveCols = c.waves.map((w, k) => ({ label: w.wave.name, value: `w${k}` }));
  const columns = [{ label: 'del', value: 'section' }, { label: 'id', value: 'id' }, { label: 'tekst', value: 'text' }, ...waveCols, { label: 'endring', value: 'diff' }, { label: 'ki_95_lav', value: 'low' }, { label: 'ki_95_hoy', value: 'high' }, { label: 'vurdering', value: 'reading' }];
  const rows: Record<string, unknown>[] = [];
  if (!comparison.shown) {
    rows.push({ section: 'Enhet', id: unit.id, text: unit.name, reading: 'ingen sammenligning: for få svar i minst én måling' });
    return toCsv(rows, columns, delimiter);
  }
  const measure = (section: string, m: MeasureComparison): void => {
    const row: Record<string, unknown> = { section, id: m.id, text: m.text ?? m.id };
    m.figures.forEach((f, k) => (row[`w${k}`] = f === undefined ? '' : f.released ? (f.mean === undefined ? '' : boundedMean(f, num)) : withheldNote(f)));
    if (isChange(m.overall)) Object.assign(row, { diff: num2(m.overall.diff), low: num2(m.overall.low), high: num2(m.overall.high), reading: READING[m.overall.reading] });
    else row.reading = m.overall.reason === 'not_comparable' ? `ikke sammenlignbart (${m.overall.status})` : 'ingen sammenligning';
    rows.push(row);
  };
  const share = (s: ShareComparison): void => {
    const row: Record<string, unknown> = { section: 'Stillingsstørrelse (andel %)', id: s.id, text: s.label ?? s.id };
    s.figures.forEach((f, k) => (row[`w${k}`] = f === undefined ? '' : f.released ? num(f.share * 100) : withheldNote(f)));
    if (isChange(s.overall)) Object.assign(row, { diff: `${num2(s.overall.percentagePoints)} prosentpoeng`, reading: s.overall.relativeChange === undefined ? '' : `relativ endring ${Math.round(s.overall.relativeChange * 100)} %` });
    rows.push(row);
  };
  rows.push({ section: 'Enhet', id: unit.id, text: unit.name, ...Object.fromEntries(comparison.waves.map((w, k) => [`w${k}`, `n=${w.n}`])) });
  comparison.factors.forEach((m) => measure('Faktor', m));
  comparison.items.forEach((m) => measure(m.kind === 'raus' ? 'RAUS' : 'Påstand', m));
  if (comparison.rausTotal) measure('RAUS', comparison.rausTotal);
  comparison.scales.forEach((m) => measure('Skala 0–10', m));
  comparison.gaps.forEach((m) => measure('Avstand ønsket – nå', m));
  if (comparison.position) {
    measure('Stillingsstørrelse', comparison.position.current);
    measure('Stillingsstørrelse', comparison.position.desired);
    comparison.position.shares.forEach(share);
  }
  return toCsv(rows, columns, delimiter);
}
