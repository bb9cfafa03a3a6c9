// A unit's results as CSV, from the same suppressed table as the page and with the same rounding
// (format.ts). Shares are whole percent of the row's n; the SD is the sample SD (divisor n - 1).
import { assertNever } from '../../errors.js';
import type { Num } from '../../report/exact.js';
import type { ReleasedGroup, Stats, Withheld } from '../../report/released.js';
import type { Unit } from '../../store/units.js';
import { toCsv, type Delimiter } from '../csv.js';
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

const COLUMNS = [
  { label: 'del', value: 'section' },
  { label: 'id', value: 'id' },
  { label: 'tekst', value: 'text' },
  { label: 'n', value: 'n' },
  { label: 'snitt', value: 'mean' },
  { label: 'standardavvik_utvalg', value: 'sd' },
  { label: 'antall', value: 'count' },
  { label: 'andel_prosent', value: 'share' },
  { label: 'merknad', value: 'note' },
];

/** What a CSV says beside a mean shown only as a bound. */
export const MEAN_BOUND_NOTE = 'liten gruppe: gjennomsnittet vises bare som over/under en grense nær enden av skalaen';

/** boundedMean writes a mean, as ">4,5" or "<1,5" where the tables give only a bound. */
export function boundedMean(f: Stats, num: (x: Num) => string | undefined): string | undefined {
  const mean = exactMean(f);
  const text = mean === undefined ? undefined : num(mean);
  return text === undefined || !f.meanBound ? text : `${f.meanBound === 'above' ? '>' : '<'}${text}`;
}

/** withheldNote words why a figure is missing, as on the page. */
export function withheldNote(w: Withheld): string {
  if (w.reason === 'below_k') return `færre enn ${w.fewerThan} svar`;
  switch (w.reason) {
    case 'complementary':
      return 'skjult så et annet skjult tall ikke kan regnes ut';
    case 'release':
      return 'holdt tilbake: ville sammen med tall vist før avsløre de få som svarte etter at målingen ble åpnet igjen';
    case 'disabled':
      return 'ikke slått på for denne målingen';
    default:
      return assertNever(w);
  }
}

/** unitCsv renders every figure of a unit's results page as rows; withheld figures carry only a note. */
export function unitCsv(unit: Unit, group: ReleasedGroup, delimiter: Delimiter): string {
  const num = (x: Num | undefined): string | undefined => (x === undefined ? undefined : decimal(x, delimiter === ';' ? 'csv-nb' : 'csv-en'));
  const rows: Row[] = [];
  const figure = (section: string, id: string, text: string, f: Stats | Withheld, favourable = false, ownN = true): void => {
    if (!f.released) return void rows.push({ section, id, text, note: withheldNote(f) });
    const fav = favourable ? exactFavourable(f) : undefined;
    rows.push({
      section,
      id,
      text,
      ...(ownN ? { n: f.n ?? (f.nUpTo === undefined ? undefined : `≤${f.nUpTo}`) } : {}),
      mean: boundedMean(f, num),
      sd: num(exactSd(f)),
      ...(fav !== undefined ? { share: percent(fav) } : {}),
      ...(f.meanBound ? { note: MEAN_BOUND_NOTE } : {}),
    });
  };
  if (!group.released) {
    rows.push({ section: 'Enhet', id: unit.id, text: unit.name, note: withheldNote(group.reason === 'below_k' ? group : { released: false, reason: group.reason }) });
    return toCsv(rows as unknown as Record<string, unknown>[], COLUMNS, delimiter);
  }
  rows.push({
    section: 'Enhet',
    id: unit.id,
    text: unit.name,
    n: group.n,
    ...(group.headcount === undefined ? {} : { share: percent(shareOf(group.n, group.headcount)), note: 'andel = svarprosent' }),
  });
  for (const f of group.factors) figure('Faktor', f.id, f.label, f.value);
  if (group.rausTotal) figure('RAUS', 'raus_total', 'RAUS samlet', group.rausTotal);
  for (const i of group.items) {
    if (i.type === 'number') continue;
    const section = i.type === 'likert' ? (i.id.startsWith('raus_') ? 'RAUS' : 'Påstand') : i.type === 'scale' ? 'Skala 0–10' : 'Valg';
    if (i.type === 'likert' || i.type === 'scale') figure(section, i.id, i.text, i.value, i.type === 'likert');
    if ((i.type === 'single' || i.type === 'multi') && !i.distribution.released) rows.push({ section, id: i.id, text: i.text, note: withheldNote(i.distribution) });
    if (i.distribution.released) {
      const d = i.distribution;
      if (i.type === 'single' || i.type === 'multi') {
        for (const c of d.counts) rows.push({ section, id: `${i.id}:${c.key}`, text: `${i.text}: ${c.label}`, n: d.n, count: c.count, share: percent(shareOf(c.count, d.n)) });
      }
    }
  }
  for (const nd of group.nowDesired) {
    figure('Nå', `${nd.id}:now`, nd.text, nd.now.value);
    figure('Ønsket', `${nd.id}:desired`, nd.text, nd.desired.value);
    // The gap is read against the now and desired rows' n: it has none of its own.
    figure('Avstand ønsket – nå', `${nd.id}:gap`, nd.text, nd.gap, false, false);
  }
  const p = group.position;
  if (p) {
    figure('Stillingsstørrelse', 'stilling_naa', 'Gjennomsnittlig stillingsprosent nå', p.current);
    figure('Stillingsstørrelse', 'stilling_onsket', 'Gjennomsnittlig ønsket stillingsprosent', p.desired);
    const d = p.distribution;
    if (!d.released) rows.push({ section: 'Stillingsstørrelse', id: 'fordeling', text: 'Heltid, ønsker og ufrivillig deltid', note: withheldNote(d) });
    else {
      // n is the denominator of each share: all respondents, or part-time employees where labelled.
      const share = (id: string, text: string, count: number, n: number): void => void rows.push({ section: 'Stillingsstørrelse', id, text, n, count, share: percent(shareOf(count, n)) });
      const partTime = d.partTime.count;
      share('heltid', 'Heltid (100 %)', d.fullTime.count, d.n);
      share('deltid', 'Deltid (under 100 %)', partTime, d.n);
      share('onsker_storre', 'Ønsker større stilling, andel av alle', d.more.count, d.n);
      share('onsker_storre_av_deltid', 'Ønsker større stilling, andel av deltidsansatte', d.moreOfPartTime.count, partTime);
      share('onsker_samme', 'Ønsker samme stilling', d.same.count, d.n);
      share('onsker_mindre', 'Ønsker mindre stilling', d.less.count, d.n);
      for (const inv of d.involuntary) {
        share(`ufrivillig_${inv.id}`, `Ufrivillig deltid – ${inv.name}, andel av alle`, inv.count, d.n);
        share(`ufrivillig_${inv.id}_av_deltid`, `Ufrivillig deltid – ${inv.name}, andel av deltidsansatte`, inv.count, partTime);
      }
    }
  }
  return toCsv(rows as unknown as Record<string, unknown>[], COLUMNS, delimiter);
}
