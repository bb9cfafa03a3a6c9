// Route checks for the cases driven through the CSV exports: every figure a unit's results CSV
// prints must be among the collected displays (same n or "≤N", mean or bound, SD, share and counts)
// and every collected display of a kind the CSV prints must be in it. The project comparison CSV
// must print, for this wave, exactly the results CSV's means and withheld notes, and a change (with
// its two-decimal interval) only beside a figure whose exact n and exact mean are shown in both
// waves: the change is then the difference of two figures the attacker holds exactly, and no
// rounding check covers such a figure (its distribution is shown, or it has none: a composite's
// mean, position size), so the finer digits tell nothing the model lacks. The changes and
// intervals are returned so the run can report them with the release.
import { parseCsv } from '../helpers.js';
import type { WaveResults } from '../../../src/report/wave-results.js';
import type { Display, ReleaseFigures } from './figures.js';
import type { Harness } from './scenario.js';

type CsvRow = Record<string, string>;

const num = (s: string | undefined): number => Number((s ?? '').replace(',', '.').replace(/^[<>≤]/, ''));

const POSITION_COUNT: Record<string, string> = {
  fullTime: 'heltid',
  partTime: 'deltid',
  more: 'onsker_storre',
  moreOfPartTime: 'onsker_storre_av_deltid',
  same: 'onsker_samme',
  less: 'onsker_mindre',
};

/** csvKey names the results CSV row (section|id) that prints a display; undefined when the CSV does not print it. */
function csvKey(results: WaveResults, d: Display): string | undefined {
  const [kind, id = '', option] = d.key.split(':');
  switch (kind) {
    case 'factor':
      return `Faktor|${id}`;
    case 'raus_total':
      return 'RAUS|raus_total';
    case 'item': {
      const item = results.survey.items.find((i) => i.id === id);
      const section = item?.type === 'scale' ? 'Skala 0–10' : id.startsWith('raus_') ? 'RAUS' : 'Påstand';
      return `${section}|${id}`;
    }
    case 'now':
      return `Nå|${id}:now`;
    case 'desired':
      return `Ønsket|${id}:desired`;
    case 'gap':
      return `Avstand ønsket – nå|${id}:gap`;
    case 'position':
      return id === 'current' ? 'Stillingsstørrelse|stilling_naa' : 'Stillingsstørrelse|stilling_onsket';
    case 'count':
      return `Valg|${id}:${option}`;
    case 'share':
      if (id === 'invOfPartTime') return `Stillingsstørrelse|ufrivillig_${option}_av_deltid`;
      return `Stillingsstørrelse|${POSITION_COUNT[id] ?? `ufrivillig_${option}`}`;
    default:
      return undefined;
  }
}

/** What the CSV must print for a display, column by column (blank where nothing is shown). */
function expectedColumns(d: Display): Record<'n' | 'snitt' | 'standardavvik' | 'antall' | 'andel_prosent', string | number | undefined> {
  return {
    n: d.n ?? (d.nUpTo === undefined ? undefined : `≤${d.nUpTo}`),
    snitt: d.mean === undefined ? undefined : d.meanBound ? `${d.meanBound === 'above' ? '>' : '<'}${d.mean}` : d.mean,
    standardavvik: d.sd,
    antall: d.count,
    andel_prosent: d.count !== undefined && d.n !== undefined ? (d.n > 0 ? (100 * d.count) / d.n : 0) : d.share === undefined ? undefined : 100 * d.share,
  };
}

/** same compares a CSV cell with an expected value: text exactly (n), numbers to the CSV's rounding. */
function same(cell: string | undefined, want: string | number | undefined, tol: number): boolean {
  const c = cell ?? '';
  if (want === undefined) return c === '';
  if (typeof want === 'string') {
    if (want.startsWith('≤')) return c === want;
    const sign = want[0];
    return c.startsWith(sign as string) && Math.abs(num(c) - Number(want.slice(1))) <= tol + 1e-9;
  }
  return c !== '' && Math.abs(num(c) - want) <= tol + 1e-9;
}

const TOLERANCE = { n: 0, snitt: 0.05, standardavvik: 0.05, antall: 0, andel_prosent: 0.5 } as const;

/** A change the comparison CSV prints for this wave against the baseline, as the attacker reads it. */
export interface PrintedChange {
  unit: string;
  row: string;
  diff: number;
  low: number;
  high: number;
}

/** checkRoutes fetches every unit's results CSV (and, with a project, its comparison CSV) and checks them against the collected displays. */
export async function checkRoutes(h: Harness, results: WaveResults, rf: ReleaseFigures, projectId?: number): Promise<{ problems: string[]; changes: PrintedChange[] }> {
  const problems: string[] = [];
  const changes: PrintedChange[] = [];
  const release = rf.figures[0]?.release ?? 0;
  for (const unit of results.units) {
    const res = await h.admin.agent.get(`/resultater/${results.wave.id}/enhet/${unit.id}/csv`);
    if (res.status !== 200) {
      problems.push(`results CSV of ${unit.id} answered ${res.status}`);
      continue;
    }
    const rows = parseCsv(res.text);
    const byKey = new Map(rows.map((r) => [`${r.del}|${r.id}`, r]));
    const where = `R${release} ${unit.id}`;
    const expected = new Map<string, Display>();
    for (const d of rf.displays) {
      if (d.group !== unit.id) continue;
      const key = csvKey(results, d);
      if (key !== undefined) expected.set(key, d);
    }
    for (const [key, d] of expected) {
      const row = byKey.get(key);
      // Withheld rows carry only a note; the gap row has no n of its own (it is the difference of two means).
      if (!row || (row.n === '' && (row.snitt ?? '') === '' && (row.antall ?? '') === '')) {
        problems.push(`${where}: collected ${key} but the CSV ${row ? `withholds it (${row.merknad})` : 'has no such row'}`);
        continue;
      }
      const want = expectedColumns(d);
      for (const column of ['n', 'snitt', 'standardavvik', 'antall', 'andel_prosent'] as const) {
        if (column === 'n' && key.endsWith(':gap')) continue;
        // The SD column is named for what it is: the sample SD.
        const shown = column === 'standardavvik' ? row.standardavvik_utvalg : row[column];
        if (!same(shown, want[column], TOLERANCE[column])) problems.push(`${where}: ${key} ${column} "${shown ?? ''}" in the CSV, ${want[column] ?? 'nothing'} collected`);
      }
    }
    for (const [key, row] of byKey) if ((row.n !== '' || (row.snitt ?? '') !== '') && row.del !== 'Enhet' && !expected.has(key)) problems.push(`${where}: the CSV prints ${key} (n=${row.n}), which was not collected`);
    if (projectId !== undefined) {
      const c = await checkComparison(h, projectId, results, unit.id, byKey);
      problems.push(...c.problems);
      changes.push(...c.changes);
    }
  }
  return { problems, changes };
}

const SHARES_OF_ALL = 'Stillingsstørrelse (andel % av alle; endring i prosentpoeng)';
const SHARES_OF_PART_TIME = 'Stillingsstørrelse (andel % av deltidsansatte; endring i prosentpoeng)';

/** The results CSV row a comparison row's figure comes from. */
function resultsKeyOf(section: string, id: string): string | undefined {
  if (section === 'Avstand ønsket – nå') return `${section}|${id}:gap`;
  if (section === 'Stillingsstørrelse') return { position_current: 'Stillingsstørrelse|stilling_naa', position_desired: 'Stillingsstørrelse|stilling_onsket' }[id];
  // Shares of all respondents (id as in compare.ts) and of part-time employees (DEF_av_deltid).
  if (section === SHARES_OF_ALL) return `Stillingsstørrelse|${POSITION_COUNT[id] ?? `ufrivillig_${id}`}`;
  if (section === SHARES_OF_PART_TIME) return `Stillingsstørrelse|ufrivillig_${id}`;
  return `${section}|${id}`;
}

async function checkComparison(h: Harness, projectId: number, results: WaveResults, unitId: string, resultsRows: Map<string, CsvRow>): Promise<{ problems: string[]; changes: PrintedChange[] }> {
  const res = await h.admin.agent.get(`/sammenligning/${projectId}/enhet/${unitId}/csv`);
  if (res.status === 404) return { problems: [], changes: [] };
  if (res.status !== 200) return { problems: [`comparison CSV of ${unitId} answered ${res.status}`], changes: [] };
  const column = results.wave.name;
  const problems: string[] = [];
  const changes: PrintedChange[] = [];
  for (const row of parseCsv(res.text)) {
    const cell = row[column] ?? '';
    if (row.del === 'Enhet') {
      if (cell !== '' && cell !== `n=${resultsRows.get(`Enhet|${unitId}`)?.n ?? ''}`) problems.push(`comparison ${unitId}: ${cell} but the results CSV says n=${resultsRows.get(`Enhet|${unitId}`)?.n}`);
      continue;
    }
    const key = resultsKeyOf(row.del ?? '', row.id ?? '');
    // A withheld position distribution is one note row in the results CSV.
    const shares = row.del === SHARES_OF_ALL || row.del === SHARES_OF_PART_TIME;
    if (!shares && (row.del ?? '').startsWith('Stillingsstørrelse (')) problems.push(`comparison ${unitId}: unknown section ${row.del}`);
    const source = (key === undefined ? undefined : resultsRows.get(key)) ?? (shares ? resultsRows.get('Stillingsstørrelse|fordeling') : undefined);
    if (cell === '') continue;
    if (!source) {
      problems.push(`comparison ${unitId}: ${row.del}|${row.id} shows "${cell}" with no results CSV row behind it`);
      continue;
    }
    const withheld = source.n === '' && (source.snitt ?? '') === '';
    // Both CSVs print a share as whole percent of its count over its n (results/format.ts).
    const shown = withheld ? source.merknad : shares ? source.andel_prosent : source.snitt;
    if (cell !== shown) problems.push(`comparison ${unitId}: ${row.del}|${row.id} shows "${cell}", the results CSV "${shown}"`);
    // The n beside it: the results row's own or, for a gap, the smaller of its halves' exact n, else
    // "≤" the larger of what they show (checked in figures.ts): nothing the halves' rows do not print.
    const gapN = (): string => {
      const halves = [`Nå|${row.id}:now`, `Ønsket|${row.id}:desired`].map((k) => resultsRows.get(k)?.n ?? '');
      if (halves.some((x) => x === '')) return '';
      const values = halves.map(num);
      return halves.some((x) => x.startsWith('≤')) ? `≤${Math.max(...values)}` : String(Math.min(...values));
    };
    const ownN = row.del === 'Avstand ønsket – nå' ? gapN() : (source.n ?? '');
    const wantN = withheld ? '' : ownN;
    const printedN = row[`n ${column}`] ?? '';
    if (printedN !== wantN) problems.push(`comparison ${unitId}: ${row.del}|${row.id} prints n "${printedN}", the results CSV "${wantN}"`);
    const diff = row.endring ?? '';
    if (diff === '' || shares) continue;
    // A change in points: only beside an exact n and an exact mean (see the header).
    if (ownN === '' || ownN.startsWith('≤') || /^[<>]/.test(source.snitt ?? '')) {
      problems.push(`comparison ${unitId}: ${row.del}|${row.id} prints a change ${diff} beside n "${ownN}" and mean "${source.snitt}"`);
    }
    changes.push({ unit: unitId, row: `${row.del}|${row.id}`, diff: num(diff), low: num(row.ki_95_lav), high: num(row.ki_95_hoy) });
  }
  return { problems, changes };
}
