// Route checks for the cases driven through the CSV exports: every figure a unit's results CSV
// prints must be among the collected figures (same n, same mean, SD, share and counts) and every
// collected figure of a kind the CSV prints must be in it; the project comparison CSV must print,
// for this wave, exactly the results CSV's means and withheld notes (nothing the release lacks).
import { parseCsv } from '../../../src/org/import.js';
import type { WaveResults } from '../../../src/report/wave-results.js';
import type { Figure } from './model.js';
import type { ReleaseFigures } from './figures.js';
import type { Harness } from './scenario.js';

type CsvRow = Record<string, string>;

/** rowsOf reads the product's CSV (with the organisation importer's parser) into rows keyed by header. */
function rowsOf(text: string): CsvRow[] {
  const [header, ...rest] = parseCsv(text).records;
  return rest.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}

const num = (s: string | undefined): number => Number((s ?? '').replace(',', '.'));

interface Expected {
  n?: number;
  sum?: number;
  sumSq?: number;
  fav?: number;
  count?: number;
}

const POSITION_COUNT: Record<string, string> = { fullTime: 'heltid', more: 'onsker_storre', same: 'onsker_samme', less: 'onsker_mindre' };

/** csvKey names the CSV row (section|id) that prints a figure, and which column it fills; undefined when the CSV does not print it. */
function csvKey(results: WaveResults, f: Figure): { key: string; field: keyof Expected } | undefined {
  const m = f.measure;
  const valueField = (stat: string): keyof Expected | undefined => (stat === 'n' || stat === 'sum' || stat === 'sumSq' || stat === 'fav' ? stat : undefined);
  switch (m.type) {
    case 'derived': {
      const field = valueField(f.stat);
      return field && { key: m.name === 'raus_total' ? 'RAUS|raus_total' : `Faktor|${m.name}`, field };
    }
    case 'item': {
      const item = results.survey.items.find((i) => i.id === m.item);
      if (item?.type === 'likert' || item?.type === 'scale') {
        const field = valueField(f.stat);
        const section = item.type === 'scale' ? 'Skala 0–10' : m.item.startsWith('raus_') ? 'RAUS' : 'Påstand';
        return field && { key: `${section}|${m.item}`, field };
      }
      if (f.stat.startsWith('count:')) return { key: `Valg|${m.item}:${f.stat.slice('count:'.length)}`, field: 'count' };
      return undefined;
    }
    case 'now':
    case 'desired':
    case 'gap': {
      const field = valueField(f.stat);
      const section = { now: 'Nå', desired: 'Ønsket', gap: 'Avstand ønsket – nå' }[m.type];
      return field && { key: `${section}|${m.item}:${m.type}`, field };
    }
    case 'position': {
      if (f.stat === 'n' || f.stat === 'sum' || f.stat === 'sumSq') return { key: 'Stillingsstørrelse|stilling_naa', field: f.stat };
      if (f.stat === 'desN' || f.stat === 'desSum' || f.stat === 'desSumSq') return { key: 'Stillingsstørrelse|stilling_onsket', field: ({ desN: 'n', desSum: 'sum', desSumSq: 'sumSq' } as const)[f.stat] };
      const id = POSITION_COUNT[f.stat] ?? (f.stat.startsWith('inv:') ? `ufrivillig_${f.stat.slice(4)}` : undefined);
      return id === undefined ? undefined : { key: `Stillingsstørrelse|${id}`, field: 'count' };
    }
    default:
      return undefined;
  }
}

/** checkRoutes fetches every unit's results CSV (and, with a project, its comparison CSV) and checks them against the collected figures. */
export async function checkRoutes(h: Harness, results: WaveResults, rf: ReleaseFigures, projectId?: number): Promise<string[]> {
  const problems: string[] = [];
  const release = rf.figures[0]?.release ?? 0;
  for (const unit of results.units) {
    const res = await h.admin.agent.get(`/resultater/${results.wave.id}/enhet/${unit.id}/csv`);
    if (res.status !== 200) {
      problems.push(`results CSV of ${unit.id} answered ${res.status}`);
      continue;
    }
    const rows = rowsOf(res.text);
    const byKey = new Map(rows.map((r) => [`${r.del}|${r.id}`, r]));
    const expected = new Map<string, Expected>();
    for (const f of rf.figures) {
      if (f.group !== unit.id) continue;
      const at = csvKey(results, f);
      if (!at) continue;
      const e = expected.get(at.key) ?? {};
      e[at.field] = f.value;
      expected.set(at.key, e);
    }
    // Count rows carry the distribution's n (choices) or the position n.
    for (const f of rf.figures) {
      if (f.group !== unit.id) continue;
      if (f.measure.type === 'item' && f.stat === 'answered') for (const [key, e] of expected) if (key.startsWith(`Valg|${f.measure.item}:`)) e.n = f.value;
      if (f.measure.type === 'position' && f.stat === 'n') for (const [key, e] of expected) if (e.count !== undefined && key.startsWith('Stillingsstørrelse|')) e.n = f.value;
    }
    const where = `R${release} ${unit.id}`;
    for (const [key, e] of expected) {
      const row = byKey.get(key);
      if (!row || row.n === '') {
        problems.push(`${where}: collected ${key} but the CSV ${row ? `withholds it (${row.merknad})` : 'has no such row'}`);
        continue;
      }
      const close = (shown: string | undefined, value: number, tol: number) => shown !== undefined && shown !== '' && Math.abs(num(shown) - value) <= tol + 1e-9;
      const n = e.n ?? NaN;
      if (num(row.n) !== n) problems.push(`${where}: ${key} n ${row.n} in the CSV, ${n} collected`);
      if (e.sum !== undefined && !close(row.snitt, e.sum / n, 0.05)) problems.push(`${where}: ${key} mean ${row.snitt} in the CSV, ${e.sum / n} collected`);
      if (e.sumSq !== undefined && e.sum !== undefined && !close(row.standardavvik, Math.sqrt(Math.max(0, (e.sumSq - (e.sum * e.sum) / n) / (n - 1))), 0.05)) problems.push(`${where}: ${key} SD ${row.standardavvik} in the CSV differs`);
      if (e.fav !== undefined && !close(row.andel_prosent, (100 * e.fav) / n, 0.5)) problems.push(`${where}: ${key} share ${row.andel_prosent} in the CSV differs`);
      if (e.count !== undefined && num(row.antall) !== e.count) problems.push(`${where}: ${key} count ${row.antall} in the CSV, ${e.count} collected`);
      // And nothing the CSV prints for this row is missing from the collected figures.
      for (const [column, has] of [['snitt', e.sum], ['standardavvik', e.sumSq], ['andel_prosent', e.fav ?? e.count], ['antall', e.count]] as const) {
        if (row[column] !== '' && row[column] !== undefined && has === undefined) problems.push(`${where}: the CSV prints ${key} ${column} ${row[column]}, which was not collected`);
      }
    }
    for (const [key, row] of byKey) if (row.n !== '' && row.del !== 'Enhet' && !expected.has(key)) problems.push(`${where}: the CSV prints ${key} (n=${row.n}), which was not collected`);
    if (projectId !== undefined) problems.push(...(await checkComparison(h, projectId, results, unit.id, byKey)));
  }
  return problems;
}

/** The results CSV row a comparison row's figure comes from. */
function resultsKeyOf(section: string, id: string): string | undefined {
  if (section === 'Avstand ønsket – nå') return `${section}|${id}:gap`;
  if (section === 'Stillingsstørrelse') return { position_current: 'Stillingsstørrelse|stilling_naa', position_desired: 'Stillingsstørrelse|stilling_onsket' }[id];
  if (section === 'Stillingsstørrelse (andel %)') {
    const mapped = POSITION_COUNT[id] ?? `ufrivillig_${id}`;
    return `Stillingsstørrelse|${mapped}`;
  }
  return `${section}|${id}`;
}

async function checkComparison(h: Harness, projectId: number, results: WaveResults, unitId: string, resultsRows: Map<string, CsvRow>): Promise<string[]> {
  const res = await h.admin.agent.get(`/sammenligning/${projectId}/enhet/${unitId}/csv`);
  if (res.status === 404) return [];
  if (res.status !== 200) return [`comparison CSV of ${unitId} answered ${res.status}`];
  const column = results.wave.name;
  const problems: string[] = [];
  for (const row of rowsOf(res.text)) {
    const cell = row[column] ?? '';
    if (row.del === 'Enhet') {
      if (cell !== '' && cell !== `n=${resultsRows.get(`Enhet|${unitId}`)?.n ?? ''}`) problems.push(`comparison ${unitId}: ${cell} but the results CSV says n=${resultsRows.get(`Enhet|${unitId}`)?.n}`);
      continue;
    }
    const key = resultsKeyOf(row.del ?? '', row.id ?? '');
    // A withheld position distribution is one note row in the results CSV.
    const shares = row.del === 'Stillingsstørrelse (andel %)';
    const source = (key === undefined ? undefined : resultsRows.get(key)) ?? (shares ? resultsRows.get('Stillingsstørrelse|fordeling') : undefined);
    if (cell === '') continue;
    if (!source) {
      problems.push(`comparison ${unitId}: ${row.del}|${row.id} shows "${cell}" with no results CSV row behind it`);
      continue;
    }
    const shown = source.n === '' ? source.merknad : shares ? String(Math.round((1000 * num(source.antall)) / num(source.n)) / 10) : source.snitt;
    const same = shares && source.n !== '' ? Math.abs(num(cell) - num(shown)) <= 0.05 + 1e-9 : cell === shown;
    if (!same) problems.push(`comparison ${unitId}: ${row.del}|${row.id} shows "${cell}", the results CSV "${shown}"`);
  }
  return problems;
}
