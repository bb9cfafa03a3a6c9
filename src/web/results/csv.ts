// A unit's results as CSV, from the same suppressed table as the page and with the same rounding
// (format.ts). Shares are whole percent of the row's n; the SD is the sample SD (divisor n - 1).
import { assertNever } from '../../errors.js';
import type { Num } from '../../report/exact.js';
import type { ReleasedGroup, Stats, Withheld } from '../../report/released.js';
import type { Unit } from '../../store/units.js';
import { toCsv, type Delimiter } from '../csv.js';
import type { Translate } from '../i18n/index.js';
import { exactFavourable, exactMean, exactSd, decimal, percent, shareOf } from './format.js';

interface Row {
  section: string;
  id: string;
  text: string;
  /** A count, or "≤N" where only an upper bound may be shown (Stats.nUpTo). */
  n?: number | string;
  mean?: string;
  sd?: string;
  count?: number;
  share?: number;
  note?: string;
}

type ColumnKey = 'section' | 'id' | 'text' | 'n' | 'mean' | 'sd' | 'count' | 'share' | 'note' | 'change' | 'low' | 'high' | 'reading' | 'detectable';

/** csvColumn heads a column in the staff user's language (machine-friendly words, no spaces). */
export const csvColumn = (t: Translate, key: ColumnKey, value: string): { label: string; value: string } => ({ label: t(`csv.col.${key}`), value });

const columns = (t: Translate) => [
  csvColumn(t, 'section', 'section'),
  csvColumn(t, 'id', 'id'),
  csvColumn(t, 'text', 'text'),
  csvColumn(t, 'n', 'n'),
  csvColumn(t, 'mean', 'mean'),
  csvColumn(t, 'sd', 'sd'),
  csvColumn(t, 'count', 'count'),
  csvColumn(t, 'share', 'share'),
  csvColumn(t, 'note', 'note'),
];

/** boundedMean writes a mean, as ">4,5" or "<1,5" where the tables give only a bound. */
export function boundedMean(f: Stats, num: (x: Num) => string | undefined): string | undefined {
  const mean = exactMean(f);
  const text = mean === undefined ? undefined : num(mean);
  return text === undefined || !f.meanBound ? text : `${f.meanBound === 'above' ? '>' : '<'}${text}`;
}

/** withheldNote words why a figure is missing, as on the page, in the staff user's language. */
export function withheldNote(w: Withheld, t: Translate): string {
  if (w.reason === 'below_k') return t('csv.withheld.below_k', { k: w.fewerThan });
  switch (w.reason) {
    case 'complementary':
    case 'release':
    case 'disabled':
      return t(`csv.withheld.${w.reason}`);
    default:
      return assertNever(w);
  }
}

/** unitCsv renders every figure of a unit's results page as rows, headers and notes in the staff
 *  user's language (t); withheld figures carry only a note. */
export function unitCsv(unit: Unit, group: ReleasedGroup, delimiter: Delimiter, t: Translate): string {
  const COLUMNS = columns(t);
  const num = (x: Num | undefined): string | undefined => (x === undefined ? undefined : decimal(x, delimiter === ';' ? 'csv-nb' : 'csv-en'));
  const rows: Row[] = [];
  const figure = (section: string, id: string, text: string, f: Stats | Withheld, favourable = false, ownN = true): void => {
    if (!f.released) return void rows.push({ section, id, text, note: withheldNote(f, t) });
    const fav = favourable ? exactFavourable(f) : undefined;
    rows.push({
      section,
      id,
      text,
      ...(ownN ? { n: f.n ?? (f.nUpTo === undefined ? undefined : `≤${f.nUpTo}`) } : {}),
      mean: boundedMean(f, num),
      sd: num(exactSd(f)),
      ...(fav !== undefined ? { share: percent(fav) } : {}),
      ...(f.meanBound ? { note: t('csv.meanBound') } : {}),
    });
  };
  if (!group.released) {
    rows.push({ section: t('csv.unit'), id: unit.id, text: unit.name, note: withheldNote(group.reason === 'below_k' ? group : { released: false, reason: group.reason }, t) });
    return toCsv(rows as unknown as Record<string, unknown>[], COLUMNS, delimiter);
  }
  rows.push({
    section: t('csv.unit'),
    id: unit.id,
    text: unit.name,
    n: group.n,
    ...(group.headcount === undefined ? {} : { share: percent(shareOf(group.n, group.headcount)), note: t('csv.responseRate') }),
  });
  for (const f of group.factors) figure(t('csv.factor'), f.id, f.label, f.value);
  if (group.rausTotal) figure('RAUS', 'raus_total', t('csv.rausTotal'), group.rausTotal);
  for (const i of group.items) {
    if (i.type === 'number') continue;
    const section = i.type === 'likert' ? (i.id.startsWith('raus_') ? 'RAUS' : t('csv.statement')) : i.type === 'scale' ? t('csv.scale') : t('csv.choice');
    if (i.type === 'likert' || i.type === 'scale') figure(section, i.id, i.text, i.value, i.type === 'likert');
    if ((i.type === 'single' || i.type === 'multi') && !i.distribution.released) rows.push({ section, id: i.id, text: i.text, note: withheldNote(i.distribution, t) });
    if (i.distribution.released) {
      const d = i.distribution;
      if (i.type === 'single' || i.type === 'multi') {
        for (const c of d.counts) rows.push({ section, id: `${i.id}:${c.key}`, text: `${i.text}: ${c.label}`, n: d.n, count: c.count, share: percent(shareOf(c.count, d.n)) });
      }
    }
  }
  for (const nd of group.nowDesired) {
    figure(t('csv.now'), `${nd.id}:now`, nd.text, nd.now.value);
    figure(t('csv.desired'), `${nd.id}:desired`, nd.text, nd.desired.value);
    // The gap is read against the now and desired rows' n: it has none of its own.
    figure(t('csv.gap'), `${nd.id}:gap`, nd.text, nd.gap, false, false);
  }
  const p = group.position;
  if (p) {
    const position = t('csv.position');
    figure(position, 'stilling_naa', t('csv.positionCurrent'), p.current);
    figure(position, 'stilling_onsket', t('csv.positionDesired'), p.desired);
    const d = p.distribution;
    if (!d.released) rows.push({ section: position, id: 'fordeling', text: t('csv.positionDistribution'), note: withheldNote(d, t) });
    else {
      // n is the denominator of each share: all respondents, or part-time employees where labelled.
      const share = (id: string, text: string, count: number, n: number): void => void rows.push({ section: position, id, text, n, count, share: percent(shareOf(count, n)) });
      const ofAll = (what: string): string => t('csv.ofAll', { what });
      const ofPartTime = (what: string): string => t('csv.ofPartTime', { what });
      const partTime = d.partTime.count;
      share('heltid', t('csv.fullTime'), d.fullTime.count, d.n);
      share('deltid', t('csv.partTime'), partTime, d.n);
      share('onsker_storre', ofAll(t('csv.wantsMore')), d.more.count, d.n);
      share('onsker_storre_av_deltid', ofPartTime(t('csv.wantsMore')), d.moreOfPartTime.count, partTime);
      share('onsker_samme', t('csv.wantsSame'), d.same.count, d.n);
      share('onsker_mindre', t('csv.wantsLess'), d.less.count, d.n);
      for (const inv of d.involuntary) {
        const name = t('csv.involuntary', { name: inv.name });
        share(`ufrivillig_${inv.id}`, ofAll(name), inv.count, d.n);
        share(`ufrivillig_${inv.id}_av_deltid`, ofPartTime(name), inv.count, partTime);
      }
    }
  }
  return toCsv(rows as unknown as Record<string, unknown>[], COLUMNS, delimiter);
}
