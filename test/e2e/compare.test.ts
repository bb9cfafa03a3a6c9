// End-to-end tests of the before/after comparison pages in a real Chromium against the real app:
// a two-wave project as a leader scoped to Solbakken (phone and desktop: the unit list, a unit's
// before/after bar chart drawn by chart.js from the factor table's numbers, changes with their
// 95 % intervals and readings, position-size shares in percentage points, a hidden unit, the CSV),
// the project leader's overview of clear changes and the keyboard-driven mapping form, and then a
// three-wave project (the demo's open wave given synthetic answers and closed) with its trend
// chart. Every page visited is checked with axe.
// One server and one browser for the file; the app runs on an in-memory database with the demo
// organisation and its history. The three-wave block runs last and turns the two-wave project into
// a three-wave one in its own beforeAll, so the blocks before it see two waves.
import fs from 'node:fs';
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { today } from '../../src/clock.js';
import { testConfig } from '../../src/config.js';
import { seededRandom, syntheticAnswers } from '../../src/demo-answers.js';
import type { Db } from '../../src/store/db.js';
import { randomResponseId } from '../../src/store/ids.js';
import { getProject } from '../../src/store/projects.js';
import { answerRows } from '../../src/store/responses.js';
import { listUnits } from '../../src/store/units.js';
import { getWave } from '../../src/store/waves.js';
import type { Survey } from '../../src/survey/model.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { checkA11y, DESKTOP, parseCsv, pathOf, PHONE, readTable, submitWith, text, type Table } from './browser.js';
import { createStaff, staffSessions, useE2e, watch, type Watched } from './harness.js';

/** The project leader (sees everything) and a leader scoped to Solbakken sykehjem and its units. */
const ACCOUNTS = {
  admin: { username: 'pia.prosjekt', displayName: 'Pia Prosjekt', role: 'admin', unitIds: [] as string[], who: 'Pia Prosjekt (prosjektleder)' },
  leader: { username: 'lise.leder', displayName: 'Lise Leder', role: 'leader', unitIds: ['solbakken'], who: 'Lise Leder (leder)' },
} as const;
type Who = keyof typeof ACCOUNTS;

const CSV_LINK = 'Last ned som CSV (Excel)';
const FACTOR_TABLE = 'Gjennomsnitt per faktor og måling (1–5)';
const SHARES_TABLE = 'Andeler i prosent, endring i prosentpoeng';
const CLEAR = ['Tydelig økning', 'Tydelig nedgang'];
const POSSIBLE = 'Mulig endring, men kan skyldes tilfeldigheter når så mange tall sammenlignes';
const TOO_FEW = 'For få svar til å si noe om endring';
const NO_CLEAR = 'Ingen tydelig endring';
const NO_VARIATION = 'Alle svarte likt i begge målingene, så usikkerheten kan ikke beregnes';
const READINGS = [...CLEAR, POSSIBLE, NO_CLEAR, TOO_FEW, NO_VARIATION];
/** The CSV's readings and the page's, as compare/csv.ts and the nb texts word them. */
const CSV_READING: Record<string, string> = {
  'tydelig økning': 'Tydelig økning',
  'tydelig nedgang': 'Tydelig nedgang',
  'mulig endring, men kan skyldes tilfeldigheter': POSSIBLE,
  'ingen tydelig endring': NO_CLEAR,
  'for få svar til å si noe om endring': TOO_FEW,
  'alle svarte likt: usikkerheten kan ikke beregnes': NO_VARIATION,
};
/** Where no change is claimed, the reading says how large a change would have had to be. */
const DETECTABLE = /\s*Med \d+(?: og \d+)? svar må endringen være minst \d+,\d\d for å skille seg fra tilfeldig variasjon\.$/;

/** readingOf splits a reading cell into the reading and the detectable-change sentence after it. */
function readingOf(cell: string): { reading: string; detectable: string } {
  const m = DETECTABLE.exec(cell);
  return { reading: (m ? cell.slice(0, m.index) : cell).trim(), detectable: m ? m[0].trim() : '' };
}
const NESTED = 'En gruppe kan ikke inneholde både en enhet og en enhet under den.';

let t: HistoryApp;
let db: Db;
let survey: Survey;
let project = 0;
let projectName = '';
/** The project's waves in time order: the baseline, last year's, and the open one. */
let waveIds: number[] = [];
let waveNames: string[] = [];
let day = '';

const e2e = useE2e({
  async serve() {
    day = today(testConfig().TIME_ZONE);
    t = makeHistoryApp({ day });
    db = t.db;
    survey = t.survey;
    project = t.projectId;
    projectName = getProject(db, project)?.name ?? '';
    waveIds = [t.baselineWaveId, t.closedWaveId, t.demo.waveId];
    waveNames = waveIds.map((id) => getWave(db, id)?.name ?? '');
    expect(getWave(db, t.demo.waveId)?.status).toBe('open');
    await createStaff(db, ACCOUNTS);
    return t.app;
  },
  close: () => t?.close(),
});

// ---------------------------------------------------------------------------------------------
// Helpers

const session = staffSessions(e2e, ACCOUNTS);

/** newPage opens a signed-in page in a fresh context, recording console and page errors. */
async function newPage(who: Who, options: BrowserContextOptions = DESKTOP): Promise<Watched> {
  return watch(await e2e.newPage({ ...options, storageState: await session(who) }));
}

/** number reads a figure as the page or the CSV writes it ("3,9", "3,9 (n = 12)", "+0,25", "−0,12",
 *  "±0,00", "-0,12", "62 % (n = 40)", "+5 %") or null for a withheld or empty cell ("–", ""). */
function number(cell: string): number | null {
  const m = /^([+±−-]?)(\d+(?:,\d+)?)(?:\s*%)?(?: \(n = \d+\))?$/.exec(cell.trim());
  if (!m?.[2]) return null;
  const v = Number(m[2].replace(',', '.'));
  return m[1] === '−' || m[1] === '-' ? -v : v;
}

/** interval reads "a til b" into its bounds. */
function interval(cell: string): { low: number; high: number } | null {
  const m = /^(\S+) til (\S+)$/.exec(cell.trim());
  const low = m?.[1] === undefined ? null : number(m[1]);
  const high = m?.[2] === undefined ? null : number(m[2]);
  return low === null || high === null ? null : { low, high };
}

interface DrawnChart {
  /** What the server asked for in data-chart. */
  kind: string;
  /** The chart type chart.js drew. */
  type: string;
  labels: string[];
  datasets: { label: string; data: (number | null)[] }[];
  box: { right: number; width: number; height: number };
  inkedPixels: number;
  viewport: number;
}

/** drawnChart waits for chart.js to own the comparison canvas and reads back what it drew. */
async function drawnChart(page: Page): Promise<DrawnChart> {
  type ChartJs = { getChart(c: HTMLCanvasElement): { config: { type: string }; data: { labels: string[]; datasets: { label: string; data: (number | null)[] }[] } } | undefined };
  await page
    .waitForFunction(
      () => {
        const canvas = document.querySelector('canvas[data-chart]') as HTMLCanvasElement | null;
        const Chart = (window as unknown as { Chart?: ChartJs }).Chart;
        return canvas !== null && Chart !== undefined && Chart.getChart(canvas) !== undefined;
      },
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => {
      throw new Error('chart.js never drew the comparison chart (window.Chart.getChart(canvas[data-chart]) stayed undefined)');
    });
  return page.evaluate(() => {
    const canvas = document.querySelector('canvas[data-chart]') as HTMLCanvasElement;
    const chart = (window as unknown as { Chart: ChartJs }).Chart.getChart(canvas);
    if (!chart) throw new Error('no chart');
    const ctx = canvas.getContext('2d');
    let inked = 0;
    if (ctx && canvas.width > 0 && canvas.height > 0) {
      const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) inked++;
    }
    const r = canvas.getBoundingClientRect();
    const asked = JSON.parse(canvas.getAttribute('data-chart') ?? '{}') as { kind?: string };
    return {
      kind: asked.kind ?? '',
      type: chart.config.type,
      labels: [...chart.data.labels],
      datasets: chart.data.datasets.map((d) => ({ label: d.label, data: [...d.data] })),
      box: { right: r.right, width: r.width, height: r.height },
      inkedPixels: inked,
      viewport: document.documentElement.clientWidth,
    };
  });
}

const indexPath = (): string => `/sammenligning/${project}`;
const unitPath = (unit: string): string => `/sammenligning/${project}/enhet/${encodeURIComponent(unit)}`;
const factorTable = (page: Page): Locator => page.getByRole('table', { name: FACTOR_TABLE, exact: true });

/** The names of a unit and every unit below it, from the database. */
function subtreeNames(rootId: string): string[] {
  const units = listUnits(db);
  const keep = new Set([rootId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const u of units) if (u.parentId !== null && keep.has(u.parentId) && !keep.has(u.id)) keep.add(u.id), (grew = true);
  }
  return units.filter((u) => keep.has(u.id)).map((u) => u.name);
}

/** A unit list row's unit name, without the "(ingen sammenligning)" / "(omorganisert)" notes. */
const rowName = (label: string): string => label.replace(/\s*\((ingen sammenligning|omorganisert)\)/g, '').trim();

/** The factor rows of the unit page's factor table: the rows the chart has labels for (the table
 *  also has "RAUS samlet" at the end, which is not a factor). */
function factorRows(table: Table, count: number): Table['rows'] {
  return table.rows.slice(0, count);
}

/** checkChangeRow checks a measure row's change, 95 % interval and reading against each other and
 *  against the first and last wave's means in the row; `waves` is how many wave columns there are. */
function checkChangeRow(row: Table['rows'][number], waves: number): void {
  const first = number(row.cells[0] ?? '');
  const last = number(row.cells[waves - 1] ?? '');
  const [changeCell = '', intervalCell = '', readingCell = ''] = row.cells.slice(waves);
  const { reading, detectable } = readingOf(readingCell);
  if (first === null || last === null) {
    expect(changeCell, `${row.label}: no change without both means`).toBe('');
    expect(intervalCell, `${row.label}: no interval without both means`).toBe('');
    return;
  }
  expect(changeCell, `${row.label}: a signed change with two decimals`).toMatch(/^[+−±]\d+,\d\d$/);
  const diff = number(changeCell) ?? NaN;
  // The means are shown with one decimal, the change with two: they agree to within rounding.
  expect(Math.abs(diff - (last - first)), `${row.label}: change ${changeCell} is last minus first (${row.cells[waves - 1]} − ${row.cells[0]})`).toBeLessThanOrEqual(0.1 + 1e-9);
  if (intervalCell === 'kan ikke beregnes') {
    expect([NO_VARIATION, TOO_FEW], `${row.label}: no interval only when nobody's answers varied`).toContain(reading);
    return;
  }
  const ci = interval(intervalCell);
  expect(ci, `${row.label}: a 95 % interval "a til b", got "${intervalCell}"`).not.toBeNull();
  if (!ci) return;
  expect(ci.low, `${row.label}: low ≤ change`).toBeLessThanOrEqual(diff + 0.005);
  expect(ci.high, `${row.label}: change ≤ high`).toBeGreaterThanOrEqual(diff - 0.005);
  expect(READINGS, `${row.label}: a reading`).toContain(reading);
  if (reading === 'Tydelig økning') expect(ci.low, `${row.label}: an increase only when the interval is above 0`).toBeGreaterThan(0);
  if (reading === 'Tydelig nedgang') expect(ci.high, `${row.label}: a decrease only when the interval is below 0`).toBeLessThan(0);
  if (ci.low > 0 || ci.high < 0) expect([...CLEAR, POSSIBLE, TOO_FEW], `${row.label}: an interval excluding 0 (${intervalCell})`).toContain(reading);
  if (ci.low < 0 && ci.high > 0) expect([NO_CLEAR, TOO_FEW], `${row.label}: no effect claimed when 0 is inside ${intervalCell}`).toContain(reading);
  // Every wave's figure carries its n; an unclaimed change says what the unit could have detected.
  for (const c of row.cells.slice(0, waves)) if (number(c) !== null) expect(c, `${row.label}: a figure with its n`).toMatch(/ \(n = \d+\)$/);
  if (reading === NO_CLEAR || reading === TOO_FEW) expect(detectable, `${row.label}: the smallest detectable change`).toMatch(new RegExp(`^${DETECTABLE.source.replace(/^\\s\*/, '')}`));
  else expect(detectable, `${row.label}: no detectable change where a change is seen`).toBe('');
}

// ---------------------------------------------------------------------------------------------
// 1. Two waves, a leader scoped to Solbakken

describe('two waves: a leader scoped to Solbakken', () => {
  test.each([
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const)('on a %s: own units only, a before/after chart of the factor table, changes with intervals, shares in points, a hidden unit, the CSV', async (label, viewport) => {
    const { page, errors } = await newPage('leader', viewport);

    // The project's unit list: Solbakken's units only.
    await e2e.visit(page, indexPath());
    expect(await text(page.locator('h1'))).toBe(`Før og etter: ${projectName}`);
    expect(await text(page.locator('main'))).toContain(`Ikke avsluttet ennå: ${waveNames[2]}.`);
    const index = await readTable(page.getByRole('table', { name: 'Før og etter', exact: true }));
    expect(index.headers, 'a column per compared wave').toEqual(['Enhet', waveNames[0], waveNames[1]]);
    expect(index.rows.map((r) => rowName(r.label)).sort(), "only Solbakken's units").toEqual(subtreeNames('solbakken').sort());
    const avd1 = index.rows.find((r) => rowName(r.label) === 'Solbakken, avdeling 1');
    expect(avd1?.link).toBe(unitPath('solbakken_avd1'));
    for (const c of avd1?.cells ?? []) expect(c).toMatch(/^\d+ svar$/);
    const natt = index.rows.find((r) => rowName(r.label) === 'Solbakken, nattevakter');
    expect(natt?.label).toContain('(ingen sammenligning)');
    expect(natt?.link, 'a hidden unit is not a link').toBeNull();
    expect(await page.getByRole('link', { name: 'Hvor er det tydelige endringer?' }).count(), 'the overview of clear changes is for the project leader').toBe(0);
    expect(await page.locator('form[action$="/koblinger"]').count(), 'no mapping form for a leader').toBe(0);
    await checkA11y(page, `the leader's unit list on a ${label}`);

    // A unit's comparison.
    await submitWith(page, () => page.getByRole('link', { name: 'Solbakken, avdeling 1', exact: true }).click());
    expect(pathOf(page)).toBe(unitPath('solbakken_avd1'));
    expect(await text(page.locator('h1'))).toBe('Solbakken, avdeling 1');
    expect(await text(page.locator('p.lead'))).toMatch(new RegExp(`^${waveNames[0]?.replace(/[()]/g, '\\$&')}: \\d+ svar · ${waveNames[1]?.replace(/[()]/g, '\\$&')}: \\d+ svar$`));
    const table = await readTable(factorTable(page));
    expect(table.headers).toEqual(['Faktor', waveNames[0], waveNames[1], 'Endring', '95 % intervall', 'Vurdering']);

    const chart = await drawnChart(page);
    expect(chart.kind, 'two waves: a before/after chart').toBe('bar');
    expect(chart.type).toBe('bar');
    expect(chart.labels.length, 'a bar group per factor').toBe(survey.factors.length);
    const factors = factorRows(table, chart.labels.length);
    expect(table.rows.slice(chart.labels.length).map((r) => r.label), 'after the factors only the RAUS total').toEqual(table.rows.length > chart.labels.length ? ['RAUS samlet'] : []);
    expect(chart.labels, 'the bars are labelled as the table rows, in order').toEqual(factors.map((r) => r.label));
    expect(chart.datasets.map((d) => d.label), 'a series per wave').toEqual([waveNames[0], waveNames[1]]);
    for (const [k, ds] of chart.datasets.entries()) {
      expect(ds.data, `the "${ds.label}" bars are the table's column`).toEqual(factors.map((r) => number(r.cells[k] ?? '')));
    }
    expect(chart.datasets.flatMap((d) => d.data).filter((x) => x !== null).length, 'something to draw').toBeGreaterThan(0);
    expect(chart.inkedPixels, 'chart.js painted the canvas').toBeGreaterThan(1000);
    expect(chart.box.right, 'the chart fits the viewport').toBeLessThanOrEqual(chart.viewport + 1);
    expect(await page.locator('canvas[data-chart]').getAttribute('role')).toBe('img');
    // Wide tables scroll inside their own box: the page itself never scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 'no sideways page scroll').toBeLessThanOrEqual(1);
    expect(await page.locator('canvas[data-chart]').getAttribute('aria-label')).toContain('Søylediagram');

    const withChange = factors.filter((r) => r.cells[2] !== '');
    expect(withChange.length, 'the factors have changes to show').toBeGreaterThan(0);
    for (const row of factors) checkChangeRow(row, 2);
    expect(await text(page.locator('main'))).toContain('95 % konfidensintervall');

    // Position size: shares in %, changes in percentage points, relative change labelled as such.
    const shares = await readTable(page.getByRole('table', { name: SHARES_TABLE, exact: true }));
    expect(shares.headers).toEqual(['Mål', waveNames[0], waveNames[1], 'Endring (prosentpoeng)', '95 % intervall (prosentpoeng)', 'Relativ endring', 'Vurdering']);
    expect(shares.rows.map((r) => r.label)).toEqual(expect.arrayContaining(['Har heltid', 'Ønsker større stilling', 'Ufrivillig deltid, selvrapportert (andel av deltidsansatte)']));
    let compared = 0;
    for (const row of shares.rows) {
      const [a = '', b = '', points = '', ci = '', relative = '', reading = ''] = row.cells;
      for (const c of [a, b]) expect(c, `${row.label}: a share in whole % with its n, or why it is withheld`).toMatch(/^(\d+ % \(n = \d+\)|færre enn \d+ svar|skjult så andre skjulte tall ikke kan regnes ut)$/);
      const first = number(a);
      const last = number(b);
      if (first === null || last === null) {
        expect(points + ci + relative, `${row.label}: no change without both shares`).toBe('');
        continue;
      }
      compared++;
      expect(points, `${row.label}: a change in whole points, not in %`).toMatch(/^[+−±]\d+$/);
      const pp = number(points) ?? NaN;
      // Shares and points are whole numbers, each rounded from the exact value.
      expect(Math.abs(pp - (last - first)), `${row.label}: ${points} points is ${b} − ${a}`).toBeLessThanOrEqual(1);
      const bounds = interval(ci);
      expect(bounds, `${row.label}: a Newcombe interval in points, got "${ci}"`).not.toBeNull();
      if (bounds) expect(bounds.low <= pp && pp <= bounds.high, `${row.label}: ${points} lies in ${ci}`).toBe(true);
      expect(READINGS, `${row.label}: a reading`).toContain(reading);
      if (first === 0) {
        expect(relative, `${row.label}: no relative change from 0`).toBe('');
        continue;
      }
      expect(relative, `${row.label}: a relative change in whole %`).toMatch(/^[+−±]?\d+ %$/);
      const rel = number(relative) ?? NaN;
      // From whole-percent shares the relative change is known to about a percent of the first.
      expect(Math.abs(rel - ((last - first) / first) * 100), `${row.label}: relative change ${relative} of ${a} → ${b}`).toBeLessThanOrEqual(1 + (1 / first) * 100);
      // An unchanged share is no relative change: no minus sign on it.
      if (pp === 0 && Math.abs(rel) < 1) expect.soft(relative, `${row.label}: no change in points (${points}) is no relative change, without a sign of decline`).toMatch(/^±?0 %$/);
      else if (pp !== 0) expect(relative.startsWith(pp > 0 ? '+' : '−'), `${row.label}: relative change ${relative} has the sign of ${points}`).toBe(true);
    }
    expect(compared, 'some shares are compared').toBeGreaterThan(0);
    await checkA11y(page, `a leader's unit comparison on a ${label}`);

    // The CSV: the page's factor rows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: CSV_LINK, exact: true }).click()]);
    expect(download.suggestedFilename()).toBe(`sammenligning-${project}-solbakken_avd1.csv`);
    const bytes = fs.readFileSync(await download.path());
    expect([...bytes.subarray(0, 3)], 'starts with a UTF-8 byte order mark').toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.subarray(3).toString('utf8'), ';');
    expect(rows[0]).toEqual(['del', 'id', 'tekst', waveNames[0], waveNames[1], 'endring', 'ki_95_lav', 'ki_95_hoy', 'vurdering', `n ${waveNames[0]}`, `n ${waveNames[1]}`, 'minste_pavisbare_endring']);
    expect(rows.every((r) => r.length === 12), 'every row has the twelve columns').toBe(true);
    const csvFactors = rows.filter((r) => r[0] === 'Faktor');
    expect(csvFactors.map((r) => r[2]), 'a row per factor, in table order').toEqual(factors.map((r) => r.label));
    // A spreadsheet must read the numbers as numbers: a figure such as "-0,12" is a number, not a
    // formula, so it needs no apostrophe in front (the CSV-injection guard is for text).
    const numbersAsText = csvFactors.flatMap((r) => r.slice(3, 8).filter((c) => /^'[+-]?\d/.test(c)).map((c) => `${r[2]}: ${c}`));
    expect.soft(numbersAsText, 'no number in the CSV is turned into text by a leading apostrophe').toEqual([]);
    const plain = (cell: string): string => cell.replace(/^'(?=[+-]?\d)/, '');
    for (const [i, row] of factors.entries()) {
      const [w0 = '', w1 = '', diff = '', low = '', high = '', reading = '', n0 = '', n1 = '', detectable = ''] = (csvFactors[i] ?? []).slice(3).map(plain);
      const [a = '', b = '', change = '', ci = '', readingCell = ''] = row.cells;
      const shown = readingOf(readingCell);
      expect(number(w0), `${row.label}: first wave`).toBe(number(a));
      expect(number(w1), `${row.label}: second wave`).toBe(number(b));
      if (number(a) !== null) expect(`${w0} (n = ${n0})`, `${row.label}: the same figure and n as on the page`).toBe(a);
      if (number(b) !== null) expect(`${w1} (n = ${n1})`, `${row.label}: the same figure and n as on the page`).toBe(b);
      if (detectable !== '') expect(shown.detectable, `${row.label}: the detectable change as on the page`).toContain(`minst ${detectable} for`);
      if (change === '') {
        expect(diff + low + high, `${row.label}: no change in the CSV either`).toBe('');
        continue;
      }
      expect(number(diff), `${row.label}: change`).toBe(number(change));
      if (ci === 'kan ikke beregnes') expect(low + high, `${row.label}: no interval in the CSV either`).toBe('');
      else expect({ low: number(low), high: number(high) }, `${row.label}: interval`).toEqual(interval(ci));
      expect(CSV_READING[reading], `${row.label}: reading "${reading}"`).toBe(shown.reading);
    }

    // A unit hidden in a compared wave: no comparison, no numbers.
    await e2e.visit(page, unitPath('solbakken_natt'));
    expect(await text(page.locator('h1'))).toBe('Solbakken, nattevakter');
    const status = page.getByRole('status');
    expect(await text(status.getByRole('heading'))).toBe('Ingen sammenligning for enheten');
    expect(await page.locator('main canvas, main table').count(), 'no chart or tables').toBe(0);
    expect(await page.getByRole('link', { name: CSV_LINK }).count(), 'no CSV link').toBe(0);
    expect(await text(page.locator('main')), 'no figures').not.toMatch(/\d/);
    await checkA11y(page, `a hidden unit's comparison on a ${label}`);
    expect(errors, 'no console or page errors').toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Two waves, the project leader

describe('two waves: the project leader', () => {
  test('the overview of clear changes lists only changes whose interval excludes 0, as the unit pages show them', async () => {
    const { page, errors } = await newPage('admin', DESKTOP);
    await e2e.visit(page, indexPath());
    const index = await readTable(page.getByRole('table', { name: 'Før og etter', exact: true }));
    expect(index.rows.map((r) => rowName(r.label)), 'the project leader sees every unit').toEqual(expect.arrayContaining(['Demo kommune', 'Nordby skole', 'Solbakken, avdeling 1']));
    await checkA11y(page, 'the project page of the project leader');

    await submitWith(page, () => page.getByRole('link', { name: 'Hvor er det tydelige endringer?', exact: true }).click());
    expect(pathOf(page)).toBe(`/sammenligning/${project}/endringer`);
    expect(await text(page.locator('h1'))).toBe(`Tydelige endringer: ${projectName}`);
    const overview = await readTable(page.getByRole('table', { name: 'Tydelige endringer', exact: true }));
    expect(overview.headers).toEqual(['Enhet', 'Faktor', 'Antall svar', 'Endring', '95 % intervall', 'Vurdering']);
    expect(overview.rows.length, 'the demo history has clear changes').toBeGreaterThan(0);
    const wrong: string[] = [];
    for (const r of overview.rows) {
      const [factor = '', ns = '', change = '', ci = '', reading = ''] = r.cells;
      if (!/^n = \d+ → \d+$/.test(ns)) wrong.push(`${r.label} / ${factor}: both waves' n, got "${ns}"`);
      const bounds = interval(ci);
      const diff = number(change);
      const where = `${r.label} / ${factor}: ${change} (${ci}) ${reading}`;
      if (!bounds || diff === null) {
        wrong.push(`${where}: unreadable`);
        continue;
      }
      if (!(Math.sign(bounds.low) === Math.sign(bounds.high) && bounds.low !== 0)) wrong.push(`${where}: the interval does not exclude 0`);
      if (!(bounds.low <= diff + 0.005 && diff - 0.005 <= bounds.high)) wrong.push(`${where}: the change is outside its interval`);
      if (reading !== (bounds.low > 0 ? 'Tydelig økning' : 'Tydelig nedgang')) wrong.push(`${where}: the reading does not follow the interval`);
      if (!r.link?.startsWith(`/sammenligning/${project}/enhet/`)) wrong.push(`${where}: no link to the unit`);
    }
    expect(wrong, 'every listed change has an interval excluding 0 and a matching reading').toEqual([]);
    await checkA11y(page, 'the overview of clear changes');

    // The first unit listed: its page has exactly the listed factors as clear changes, same figures.
    const unitName = overview.rows[0]?.label ?? '';
    const listed = overview.rows.filter((r) => r.label === unitName).map((r) => [r.cells[0], r.cells[2], r.cells[3], r.cells[4]].join(' | '));
    await submitWith(page, () => page.getByRole('link', { name: unitName, exact: true }).first().click());
    expect(await text(page.locator('h1'))).toBe(unitName);
    const table = await readTable(factorTable(page));
    const factorCount = (await drawnChart(page)).labels.length;
    const clear = factorRows(table, factorCount)
      .filter((r) => CLEAR.includes(r.cells[4] ?? ''))
      .map((r) => [r.label, r.cells[2], r.cells[3], r.cells[4]].join(' | '));
    expect(clear, `the clear changes of ${unitName} as its page shows them`).toEqual(listed);
    await checkA11y(page, `the unit page of ${unitName}`);
    expect(errors).toEqual([]);
  });

  test('the mapping form is used with the keyboard alone; a nested mapping shows the error summary with focus on it', async () => {
    const { page, errors } = await newPage('admin', DESKTOP);
    await e2e.visit(page, indexPath());
    const form = page.locator(`form[action="/sammenligning/${project}/koblinger"]`);
    expect(await form.count()).toBe(1);
    const oldSelect = page.getByLabel('Enhet før omorganiseringen', { exact: true });
    const newSelect = page.getByLabel('Enhet etter (i siste måling)', { exact: true });
    const button = page.getByRole('button', { name: 'Koble enhetene', exact: true });
    expect(await page.getByRole('heading', { name: 'Omorganiseringer', exact: true }).count()).toBe(1);
    await checkA11y(page, 'the mapping form');

    const focused = (locator: Locator): Promise<boolean> => locator.evaluate((el) => el === document.activeElement);
    // Tab from the top of the page reaches the first select; each control shows its focus.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let reached = false;
    for (let tabs = 0; tabs < 60 && !reached; tabs++) {
      await page.keyboard.press('Tab');
      reached = await focused(oldSelect);
    }
    expect(reached, 'Tab reaches "Enhet før omorganiseringen"').toBe(true);
    expect(await oldSelect.evaluate((el) => getComputedStyle(el).outlineStyle), 'focus is visible').not.toBe('none');
    await page.keyboard.type('Oppvekst');
    expect(await oldSelect.inputValue(), 'typing a name picks the unit').toBe('oppvekst');
    await page.keyboard.press('Tab');
    expect(await focused(newSelect), 'Tab moves on to "Enhet etter"').toBe(true);
    await page.keyboard.type('Nordby');
    expect(await newSelect.inputValue()).toBe('nordby_skole');
    await page.keyboard.press('Tab');
    expect(await focused(button), 'Tab moves on to the button').toBe(true);
    expect(await button.evaluate((el) => getComputedStyle(el).outlineStyle), 'the button shows its focus').not.toBe('none');
    const response = await submitWith(page, () => page.keyboard.press('Enter'));
    expect(response.status(), 'a nested mapping is refused').toBe(422);

    const summary = page.locator('.error-summary');
    expect(await summary.getAttribute('role')).toBe('alert');
    expect(await text(summary.getByRole('heading'))).toBe('Noe må rettes før du går videre');
    await expect.poll(() => focused(summary), { message: 'focus is on the error summary', timeout: 3000 }).toBe(true);
    const link = summary.getByRole('link', { name: NESTED, exact: true });
    expect(await link.getAttribute('href'), 'the summary links to the field').toBe('#oldUnitId');
    expect(await text(form.locator('.error-message')), 'the message at the field').toContain(NESTED);
    await checkA11y(page, 'the mapping form with the nested-mapping error');
    // The message belongs to the field for screen readers, as in the app's other forms.
    expect.soft(await oldSelect.getAttribute('aria-invalid'), 'the select is marked invalid (aria-invalid="true")').toBe('true');
    expect.soft((await oldSelect.getAttribute('aria-describedby')) ?? '', 'the select is described by its error message (#e-oldUnitId)').toContain('e-oldUnitId');

    // The summary's link takes the keyboard to the field.
    await page.keyboard.press('Tab');
    expect(await focused(link), 'Tab from the summary reaches its link').toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(oldSelect), { message: 'the link moves focus to the field', timeout: 3000 }).toBe(true);
    expect(await page.locator('main ul li', { hasText: '→' }).count(), 'no mapping was made').toBe(0);
    // Chromium logs the refused submission's 422 as a failed resource load: that one is expected.
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Three waves: the demo's open wave answered and closed

describe('three waves', () => {
  beforeAll(() => {
    const waveId = waveIds[2] ?? 0;
    const rand = seededRandom(20261);
    const leaves = listUnits(db).filter((u) => u.headcount !== null);
    const insertResponse = db.prepare('INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, ?, ?, ?, ?)');
    const insertAnswer = db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (const u of leaves) {
        for (let i = 0; i < Math.round((u.headcount ?? 0) * 0.8); i++) {
          const id = randomResponseId();
          insertResponse.run(id, waveId, u.id, survey.id, survey.version);
          for (const r of answerRows(survey, syntheticAnswers(survey, rand, 0.3))) insertAnswer.run(id, r.itemId, r.part, r.num, r.txt);
        }
      }
      db.prepare("UPDATE wave SET status = 'closed' WHERE id = ?").run(waveId);
    })();
    expect(getWave(db, waveId)?.status).toBe('closed');
  });

  test.each([
    ['admin', 'demo', 'Demo kommune', DESKTOP],
    ['admin', 'solbakken_avd1', 'Solbakken, avdeling 1', DESKTOP],
    ['leader', 'solbakken_avd1', 'Solbakken, avdeling 1', PHONE],
  ] as const)('as the %s: the index lists three waves; %s draws a trend line per factor from the table', async (who, unit, name, viewport) => {
    const { page, errors } = await newPage(who, viewport);
    await e2e.visit(page, indexPath());
    expect(await text(page.locator('main')), 'no wave is pending').not.toContain('Ikke avsluttet ennå');
    expect(await text(page.locator('main p').first())).toBe(`Sammenligning av ${waveNames.join(' → ')}. Enheter med for få svar i en av målingene sammenlignes ikke.`);
    const index = await readTable(page.getByRole('table', { name: 'Før og etter', exact: true }));
    expect(index.headers, 'three wave columns in time order').toEqual(['Enhet', ...waveNames]);
    const row = index.rows.find((r) => rowName(r.label) === name);
    expect(row?.link).toBe(unitPath(unit));
    expect(row?.cells.length).toBe(3);
    for (const c of row?.cells ?? []) expect(c).toMatch(/^\d+ svar$/);
    if (who === 'leader') expect(index.rows.map((r) => rowName(r.label)).sort()).toEqual(subtreeNames('solbakken').sort());
    await checkA11y(page, `the three-wave unit list as the ${who}`);

    await submitWith(page, () => page.getByRole('link', { name, exact: true }).click());
    expect(pathOf(page)).toBe(unitPath(unit));
    expect(await text(page.locator('h1'))).toBe(name);
    const table = await readTable(factorTable(page));
    expect(table.headers).toEqual(['Faktor', ...waveNames, 'Endring', '95 % intervall', 'Vurdering']);
    const chart = await drawnChart(page);
    expect(chart.kind, 'three waves: a trend chart').toBe('line');
    expect(chart.type).toBe('line');
    expect(chart.labels, 'the x axis is the three waves').toEqual(waveNames);
    const factors = factorRows(table, chart.datasets.length);
    expect(chart.datasets.length, 'a line per factor').toBe(survey.factors.length);
    expect(chart.datasets.map((d) => d.label), 'the lines are named as the table rows, in order').toEqual(factors.map((r) => r.label));
    for (const [i, ds] of chart.datasets.entries()) {
      expect(ds.data, `the "${ds.label}" line is the table's row`).toEqual((factors[i]?.cells.slice(0, 3) ?? []).map(number));
    }
    expect(chart.datasets.flatMap((d) => d.data).filter((x) => x !== null).length, 'something to draw').toBeGreaterThan(0);
    expect(chart.inkedPixels, 'chart.js painted the canvas').toBeGreaterThan(1000);
    expect(chart.box.right, 'the chart fits the viewport').toBeLessThanOrEqual(chart.viewport + 1);
    expect(await page.locator('canvas[data-chart]').getAttribute('aria-label')).toContain('Linjediagram');
    for (const r of factors) checkChangeRow(r, 3);
    await checkA11y(page, `the three-wave comparison of ${name} as the ${who}`);
    expect(errors).toEqual([]);
  });
});
