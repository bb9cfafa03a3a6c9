// A unit's before/after comparison as CSV: the page's figures, n, changes, intervals and readings,
// rounded as on the page (results/format.ts).
import { isChange, type MeasureComparison, type ShareComparison, type UnitComparison } from '../../report/compare.js';
import { toCsv, type Delimiter } from '../csv.js';
import { boundedMean, withheldNote } from '../results/csv.js';
import { decimal, decimal2, percent, shareOf, signedPercent, whole } from '../results/format.js';
import type { ProjectComparison } from './model.js';

/** The readings as the CSV words them (the page's words, in lower case). */
export const CSV_READING: Record<string, string> = {
  too_few: 'for få svar til å si noe om endring',
  no_variation: 'alle svarte likt: usikkerheten kan ikke beregnes',
  no_clear_change: 'ingen tydelig endring',
  possible_chance: 'mulig endring, men kan skyldes tilfeldigheter',
  increase: 'tydelig økning',
  decrease: 'tydelig nedgang',
};

/** comparisonCsv renders one row per measure: value and n per wave, change first→last with its 95 % interval,
 *  reading and, where no change is claimed, the smallest change the n and SDs could have detected. */
export function comparisonCsv(c: ProjectComparison, unit: { id: string; name: string }, comparison: UnitComparison, delimiter: Delimiter): string {
  const style = delimiter === ';' ? 'csv-nb' : 'csv-en';
  const num2 = (x: Parameters<typeof decimal2>[0]): string => decimal2(x, style);
  const waveCols = c.waves.map((w, k) => ({ label: w.wave.name, value: `w${k}` }));
  const nCols = c.waves.map((w, k) => ({ label: `n ${w.wave.name}`, value: `n${k}` }));
  const columns = [
    { label: 'del', value: 'section' },
    { label: 'id', value: 'id' },
    { label: 'tekst', value: 'text' },
    ...waveCols,
    { label: 'endring', value: 'diff' },
    { label: 'ki_95_lav', value: 'low' },
    { label: 'ki_95_hoy', value: 'high' },
    { label: 'vurdering', value: 'reading' },
    ...nCols,
    { label: 'minste_pavisbare_endring', value: 'detectable' },
  ];
  const rows: Record<string, unknown>[] = [];
  if (!comparison.shown) {
    rows.push({ section: 'Enhet', id: unit.id, text: unit.name, reading: 'ingen sammenligning: for få svar i minst én måling' });
    return toCsv(rows, columns, delimiter);
  }
  const measure = (section: string, m: MeasureComparison): void => {
    const row: Record<string, unknown> = { section, id: m.id, text: m.text ?? m.id };
    m.figures.forEach((f, k) => {
      row[`w${k}`] = f === undefined ? '' : f.released ? (f.mean === undefined ? '' : boundedMean(f, (x) => decimal(x, style))) : withheldNote(f);
      if (f?.released) row[`n${k}`] = f.n ?? (f.nUpTo === undefined ? '' : `≤${f.nUpTo}`);
    });
    const o = m.overall;
    if (isChange(o)) {
      // No spread in either wave: no interval to give (docs/METHODS.md).
      Object.assign(row, { diff: num2(o.exact ?? o.diff), reading: CSV_READING[o.reading] }, o.se === 0 ? {} : { low: num2(o.low), high: num2(o.high) });
      if (o.detectable !== undefined) row.detectable = num2(o.detectable);
    } else row.reading = o.reason === 'not_comparable' ? `ikke sammenlignbart (${o.status})` : o.reason === 'small' ? CSV_READING.too_few : 'ingen sammenligning';
    rows.push(row);
  };
  const share = (s: ShareComparison): void => {
    const of = s.denominator === 'partTime' ? 'av deltidsansatte' : 'av alle';
    const row: Record<string, unknown> = { section: `Stillingsstørrelse (andel % ${of}; endring i prosentpoeng)`, id: s.denominator === 'partTime' ? `${s.id}_av_deltid` : s.id, text: s.label ?? s.id };
    s.figures.forEach((f, k) => {
      row[`w${k}`] = f === undefined ? '' : f.released ? percent(shareOf(f.count, f.n)) : withheldNote(f);
      if (f?.released) row[`n${k}`] = f.n;
    });
    const o = s.overall;
    if (isChange(o)) {
      const relative = o.exact.relative === undefined ? '' : `; relativ endring ${signedPercent(o.exact.relative, style).replace('−', '-')} %`;
      Object.assign(row, { diff: percent(o.exact.change), low: whole(o.low), high: whole(o.high), reading: `${CSV_READING[o.reading]}${relative}` });
    }
    rows.push(row);
  };
  rows.push({ section: 'Enhet', id: unit.id, text: unit.name, ...Object.fromEntries(comparison.waves.flatMap((w, k) => [[`w${k}`, `n=${w.n}`], [`n${k}`, w.n]])) });
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
