// End-to-end tests of the results pages in a real Chromium against the real app: a leader's unit
// page at a phone and a desktop viewport (chart.js really draws the factor table's numbers, under
// the CSP), the CSV download, a unit below k, the project leader's organisation overview, an open
// wave (no live results) and the print layout. Every page visited is checked with axe.
// One server and one browser for the file; the app runs on an in-memory database with the demo
// organisation and its history: a closed wave of synthetic answers and an open wave without any.
// Staff log in through /innlogging once per account; each test gets fresh browser contexts that
// carry that session, so no test depends on another.
import fs from 'node:fs';
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { today } from '../../src/clock.js';
import { testConfig } from '../../src/config.js';
import { waveTree as involvedUnits } from '../../src/store/releases.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { checkA11y, column, DESKTOP, parseCsv, PHONE, readTable, text } from './browser.js';
import { createStaff, staffSessions, useE2e, watch, type Watched } from './harness.js';

/** The project leader (sees everything) and a leader scoped to Solbakken sykehjem and its units. */
const ACCOUNTS = {
  admin: { username: 'pia.prosjekt', displayName: 'Pia Prosjekt', role: 'admin', unitIds: [] as string[], who: 'Pia Prosjekt (prosjektleder)' },
  leader: { username: 'lise.leder', displayName: 'Lise Leder', role: 'leader', unitIds: ['solbakken'], who: 'Lise Leder (leder)' },
} as const;
type Who = keyof typeof ACCOUNTS;

/** The names the page gives the three definitions of involuntary part-time (report/position.ts). */
const INVOLUNTARY = [
  'Ufrivillig deltid, selvrapportert',
  'Ufrivillig deltid, streng definisjon (Drammen)',
  'Ufrivillig deltid, strengere definisjon (Surnadal)',
];
const NOT_READY = 'Resultatene vises når målingen er avsluttet.';
const HIDDEN_COMPLEMENTARY = 'skjult så andre skjulte tall ikke kan regnes ut';

let t: HistoryApp;
let closed = 0;
let open = 0;

const e2e = useE2e({
  async serve() {
    t = makeHistoryApp({ day: today(testConfig().TIME_ZONE) });
    closed = t.closedWaveId;
    open = t.demo.waveId;
    await createStaff(t.db, ACCOUNTS);
    return t.app;
  },
  close: () => t?.close(),
});

// ---------------------------------------------------------------------------------------------
// Helpers

const session = staffSessions(e2e, ACCOUNTS);

/** newPage opens a signed-in page in a fresh context, recording console errors, page errors and
 *  securitypolicyviolation events (the last read back with cspViolations). */
async function newPage(who: Who, options: BrowserContextOptions = DESKTOP): Promise<Watched> {
  const context = await e2e.newContext({ ...options, storageState: await session(who) });
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`));
  });
  return watch(await context.newPage());
}

/** cspViolations returns the securitypolicyviolation events the page has seen. */
const cspViolations = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);

/** number reads a figure as the page writes it ("3,9", or "3,9 (n = 91)" where the column has no n
 *  of its own) or null for a withheld/empty cell ("–", "færre enn 5 svar"). */
function number(cell: string): number | null {
  const m = /^(\d+(?:,\d+)?)(?:\s*%)?(?: \(n = \d+\))?$/.exec(cell.trim());
  return m?.[1] === undefined ? null : Number(m[1].replace(',', '.'));
}

interface DrawnChart {
  labels: string[];
  datasets: { label: string; data: (number | null)[] }[];
  width: number;
  height: number;
  box: { left: number; right: number; width: number; height: number };
  inkedPixels: number;
  viewport: number;
}

/** drawnChart waits for chart.js to own the factor canvas and reads back what it drew. */
async function drawnChart(page: Page): Promise<DrawnChart> {
  type ChartJs = { getChart(c: HTMLCanvasElement): { data: { labels: string[]; datasets: { label: string; data: (number | null)[] }[] } } | undefined };
  await page
    .waitForFunction(
      () => {
        const canvas = document.getElementById('factor-chart') as HTMLCanvasElement | null;
        const Chart = (window as unknown as { Chart?: ChartJs }).Chart;
        return canvas !== null && Chart !== undefined && Chart.getChart(canvas) !== undefined;
      },
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => {
      throw new Error('chart.js never drew the factor chart (window.Chart.getChart(#factor-chart) stayed undefined)');
    });
  return page.evaluate(() => {
    const canvas = document.getElementById('factor-chart') as HTMLCanvasElement;
    const chart = (window as unknown as { Chart: ChartJs }).Chart.getChart(canvas);
    if (!chart) throw new Error('no chart');
    const ctx = canvas.getContext('2d');
    let inked = 0;
    if (ctx && canvas.width > 0 && canvas.height > 0) {
      const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) inked++;
    }
    const r = canvas.getBoundingClientRect();
    return {
      labels: [...chart.data.labels],
      datasets: chart.data.datasets.map((d) => ({ label: d.label, data: [...d.data] })),
      width: canvas.width,
      height: canvas.height,
      box: { left: r.left, right: r.right, width: r.width, height: r.height },
      inkedPixels: inked,
      viewport: document.documentElement.clientWidth,
    };
  });
}

const unitPath = (wave: number, unit: string): string => `/resultater/${wave}/enhet/${unit}`;
const factorTable = (page: Page): Locator => page.getByRole('table', { name: 'Gjennomsnitt per faktor', exact: true });

// ---------------------------------------------------------------------------------------------
// 1. The leader's unit page at a phone and a desktop viewport

describe('a leader opens a unit\'s results', () => {
  test.each([
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const)('on a %s: chart.js draws the factor table\'s numbers, strengths before areas, RAUS and position panels, CSP on', async (label, viewport) => {
    const { page, errors } = await newPage('leader', viewport);
    const response = await page.goto(`${e2e.base}${unitPath(closed, 'solbakken_avd1')}`);
    expect(response?.status()).toBe(200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp, 'a Content-Security-Policy is sent').toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await text(page.locator('h1'))).toBe('Solbakken, avdeling 1');
    expect(await text(page.locator('p.lead'))).toMatch(/^\d+ av 18 har svart \(\d+ %\)\.$/);

    // The factor table, and the chart chart.js drew from the same numbers.
    const table = await readTable(factorTable(page));
    expect(table.headers[0]).toBe('Faktor');
    expect(table.headers, 'the unit, its n, and the comparison with the parent and the whole organisation').toEqual(
      expect.arrayContaining(['Solbakken, avdeling 1', 'Antall svar', 'Solbakken sykehjem', 'Hele organisasjonen']),
    );
    expect(table.rows.length).toBeGreaterThan(3);
    const own = column(table, 'Solbakken, avdeling 1').map(number);
    expect(own.filter((x) => x !== null).length, 'the unit has released factor means').toBeGreaterThan(0);

    const chart = await drawnChart(page);
    expect(chart.labels, 'one bar group per factor, in table order').toEqual(table.rows.map((r) => r.label));
    expect(chart.datasets[0]?.label).toBe('Solbakken, avdeling 1');
    expect(chart.datasets[0]?.data, "the unit's bars are the table's numbers").toEqual(own);
    for (const ds of chart.datasets.slice(1)) {
      expect(table.headers, `the chart series "${ds.label}" is a column of the table`).toContain(ds.label);
      expect(ds.data, `the "${ds.label}" bars are the table's numbers`).toEqual(column(table, ds.label).map(number));
    }
    const comparedWithNumbers = ['Solbakken sykehjem', 'Hele organisasjonen'].filter((h) => column(table, h).some((c) => number(c) !== null));
    // The comparison columns have no n column of their own: each figure carries its n, or says why it is withheld.
    for (const h of ['Solbakken sykehjem', 'Hele organisasjonen']) for (const c of column(table, h)) expect(c, `${h}: a figure with its n`).toMatch(/^(\d+,\d \(n = \d+\)|færre enn \d+ svar|skjult så andre skjulte tall ikke kan regnes ut)$/);
    expect(chart.datasets.map((d) => d.label).slice(1), 'every compared column with numbers is drawn').toEqual(comparedWithNumbers);
    expect(chart.width, 'canvas width').toBeGreaterThan(0);
    expect(chart.height, 'canvas height').toBeGreaterThan(0);
    expect(chart.box.width).toBeGreaterThan(0);
    expect(chart.box.height).toBeGreaterThan(0);
    expect(chart.inkedPixels, 'something is painted on the canvas').toBeGreaterThan(1000);
    expect(chart.box.right, 'the chart fits the viewport').toBeLessThanOrEqual(chart.viewport + 1);
    // Wide tables scroll inside their own box: the page itself never scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 'no sideways page scroll').toBeLessThanOrEqual(1);

    // Strengths first, then areas to improve, then the factors; the top strength is the highest
    // factor of the table and the top area the lowest.
    const headings = (await page.locator('main h2').allTextContents()).map((s) => s.trim());
    const strengths = headings.indexOf('Dette får dere til');
    const areas = headings.indexOf('Dette kan bli bedre');
    expect(strengths, 'a strengths section').toBeGreaterThanOrEqual(0);
    expect(areas, 'strengths come before areas').toBeGreaterThan(strengths);
    expect(headings.indexOf('Faktorer')).toBeGreaterThan(areas);
    const released = own.filter((x): x is number => x !== null);
    const topScore = number(await text(page.locator('ul.ranked').first().locator('li .score').first()));
    const bottomScore = number(await text(page.locator('ul.ranked').nth(1).locator('li .score').first()));
    expect(topScore, 'the first strength is the highest factor').toBe(Math.max(...released));
    expect(bottomScore, 'the first area is the lowest factor').toBe(Math.min(...released));

    // RAUS panel: the statements and the four together.
    const raus = page.getByRole('region', { name: 'RAUS – nærvær på jobb', exact: true });
    expect(await raus.count()).toBe(1);
    const rausTable = await readTable(raus.getByRole('table'));
    expect(rausTable.rows.length, 'four RAUS statements and the total').toBe(5);
    expect(rausTable.rows.at(-1)?.label).toBe('RAUS samlet');
    expect(number(rausTable.rows.at(-1)?.cells[0] ?? ''), 'RAUS total shown').not.toBeNull();

    // Position-size panel with the three part-time definitions named.
    const position = page.getByRole('region', { name: 'Stillingsstørrelse', exact: true });
    expect(await position.count()).toBe(1);
    expect(await text(position)).toContain('Gjennomsnittlig stilling nå');
    expect(await text(position.getByRole('heading', { level: 3 }))).toBe('Ufrivillig deltid etter tre definisjoner');
    const definitions = await position.locator('table').last().locator('tbody th span[lang="nb"]:not(.hint)').allTextContents();
    expect(definitions.map((s) => s.trim())).toEqual(INVOLUNTARY);

    await checkA11y(page, `a leader's unit page on a ${label}`);
    expect(await cspViolations(page), 'no securitypolicyviolation events').toEqual([]);
    expect(errors.filter((e) => /Content Security Policy/i.test(e)), 'no CSP violations in the console').toEqual([]);
    expect(errors, 'no console or page errors').toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. The CSV download

test('the "Last ned som CSV (Excel)" link downloads UTF-8 with BOM, semicolons, and the page\'s factor numbers', async () => {
  const { page, errors } = await newPage('leader', DESKTOP);
  await e2e.visit(page, unitPath(closed, 'solbakken_avd1'));
  await checkA11y(page, 'the unit page before the download');
  const table = await readTable(factorTable(page));
  const lead = await text(page.locator('p.lead'));

  const link = page.getByRole('link', { name: 'Last ned som CSV (Excel)', exact: true });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe(`resultater-${closed}-solbakken_avd1.csv`);
  const file = await download.path();
  const bytes = fs.readFileSync(file);
  expect([...bytes.subarray(0, 3)], 'starts with a UTF-8 byte order mark').toEqual([0xef, 0xbb, 0xbf]);
  const csv = bytes.subarray(3).toString('utf8');
  expect(csv.split('\r\n')[0], 'semicolon-separated header').toBe('"del";"id";"tekst";"n";"snitt";"standardavvik_utvalg";"antall";"andel_prosent";"merknad"');

  const rows = parseCsv(csv, ';');
  expect(rows.every((r) => r.length === 9), 'every row has the nine columns').toBe(true);
  const unitRow = rows.find((r) => r[0] === 'Enhet');
  expect(unitRow?.[1]).toBe('solbakken_avd1');
  expect(lead, 'the unit\'s n and response rate as on the page').toBe(`${unitRow?.[3]} av 18 har svart (${unitRow?.[7]} %).`);

  const factors = rows.filter((r) => r[0] === 'Faktor');
  expect(factors.map((r) => r[2]), 'a row per factor, in table order').toEqual(table.rows.map((r) => r.label));
  const means = column(table, 'Solbakken, avdeling 1');
  const ns = column(table, 'Antall svar');
  const sds = table.headers.includes('Standardavvik') ? column(table, 'Standardavvik') : undefined;
  for (const [i, row] of table.rows.entries()) {
    const csvRow = factors[i] ?? [];
    const mean = means[i] ?? '';
    if (number(mean) === null) {
      expect(csvRow[4], `${row.label}: withheld on the page, no mean in the CSV`).toBe('');
      expect(csvRow[8], `${row.label}: the CSV says why`).not.toBe('');
    } else {
      expect(csvRow[4], `${row.label}: mean`).toBe(mean);
      expect(csvRow[3], `${row.label}: n`).toBe(ns[i]);
      if (sds) expect(csvRow[5], `${row.label}: standard deviation`).toBe(sds[i]);
    }
  }
  expect(errors).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// 3. A unit below k and its parent

test('a unit below k explains in plain words and links to its parent, which lists the hidden units with reasons', async () => {
  const { page, errors } = await newPage('leader', DESKTOP);
  await e2e.visit(page, unitPath(closed, 'solbakken_natt'));
  expect(await text(page.locator('h1'))).toBe('Solbakken, nattevakter');
  const status = page.getByRole('status');
  expect(await text(status.getByRole('heading'))).toBe('Resultatene for enheten vises ikke');
  expect(await text(status)).toContain('Færre enn 5 har svart, så resultatene kunne avsløre hvem som har svart hva.');
  expect(await page.locator('canvas').count(), 'no chart').toBe(0);
  expect(await page.locator('main table').count(), 'no tables').toBe(0);
  expect(await page.getByRole('link', { name: 'Last ned som CSV (Excel)' }).count(), 'no CSV link').toBe(0);
  expect(await text(page.locator('main')), 'no figures').not.toMatch(/\d,\d/);
  const parentLink = status.getByRole('link', { name: 'Se resultatene for Solbakken sykehjem', exact: true });
  expect(await parentLink.getAttribute('href')).toBe(unitPath(closed, 'solbakken'));
  await checkA11y(page, 'a unit below k');

  await parentLink.click();
  await page.waitForURL(`**${unitPath(closed, 'solbakken')}`);
  await page.waitForLoadState('load');
  expect(await text(page.locator('h1'))).toBe('Solbakken sykehjem');
  const below = page.getByRole('region', { name: 'Enhetene under', exact: true });
  const items = (await below.locator('li').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
  expect(items).toHaveLength(3);
  expect(items[0]).toMatch(/^Solbakken, avdeling 1 \(\d+ svar\)$/);
  expect(items).toContain('Solbakken, avdeling 2: ' + HIDDEN_COMPLEMENTARY);
  expect(items).toContain('Solbakken, nattevakter: færre enn 5 svar');
  expect(await below.getByRole('link').allTextContents(), 'only the released unit is a link').toEqual(['Solbakken, avdeling 1']);
  // The parent's own chart is drawn too.
  const chart = await drawnChart(page);
  expect(chart.datasets[0]?.data).toEqual((await readTable(factorTable(page))).rows.map((r) => number(r.cells[0] ?? '')));
  await checkA11y(page, 'the parent of a unit below k');
  expect(await cspViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// 4. The organisation overview

test('the organisation overview: a row per unit, hidden cells marked, a keyboard-focusable scroll region', async () => {
  const { page, errors } = await newPage('admin', DESKTOP);
  await e2e.visit(page, `/resultater/${closed}/organisasjon`);
  expect(await text(page.locator('h1'))).toBe('Oversikt over enhetene: Arbeidsmiljøkartlegging i fjor (demo)');
  const heat = page.getByRole('table', { name: 'Gjennomsnitt per faktor og enhet (1–5)', exact: true });
  const table = await readTable(heat);
  const units = involvedUnits(t.db, closed);
  expect(table.rows.map((r) => r.label).sort(), 'a row per unit of the wave').toEqual(units.map((u) => u.name).sort());
  const factorCount = table.headers.length - 2;
  expect(factorCount).toBeGreaterThan(3);

  const row = (name: string) => table.rows.find((r) => r.label === name);
  expect(row('Solbakken, nattevakter')?.cells, 'below k: one marked cell, no numbers').toEqual(['færre enn 5 svar']);
  expect(row('Solbakken, avdeling 2')?.cells, 'complementary suppression marked').toEqual([HIDDEN_COMPLEMENTARY]);
  for (const r of table.rows) {
    if (r.cells.length === 1) {
      expect(r.cells[0], `${r.label}: a hidden row says why`).toMatch(/^(færre enn \d+ svar|skjult så andre skjulte tall ikke kan regnes ut)$/);
    } else {
      expect(r.cells, `${r.label}: n and a cell per factor`).toHaveLength(factorCount + 1);
      expect(r.cells[0], `${r.label}: n`).toMatch(/^\d+$/);
      for (const c of r.cells.slice(1)) expect(c, `${r.label}: a mean or a dash`).toMatch(/^(\d,\d|–)$/);
    }
  }
  const hiddenCells = heat.locator('td.withheld-cell');
  expect(await hiddenCells.count(), 'hidden rows are marked as such').toBe(table.rows.filter((r) => r.cells.length === 1).length);
  // The heat colours follow the legend ("grønn 4,2 og over, lys grønn 3,6–4,1, gul 3,0–3,5, rød
  // under 3,0"), read on the number the cell shows.
  const bands = await heat.locator('td[class*="heat-"]').evaluateAll((tds) =>
    tds.map((td) => ({ unit: td.parentElement?.querySelector('th')?.textContent?.trim() ?? '', cls: /heat-(\w+)/.exec(td.className)?.[1] ?? '', shown: (td.textContent ?? '').trim() })),
  );
  const wrongColour = bands.flatMap((b) => {
    const m = number(b.shown);
    const want = m === null ? 'none' : m >= 4.2 ? 'high' : m >= 3.6 ? 'good' : m >= 3.0 ? 'mid' : 'low';
    return b.cls === want ? [] : [`${b.unit}: ${b.shown} coloured heat-${b.cls}, the legend says heat-${want}`];
  });
  expect.soft(wrongColour, 'heat colours agree with the legend for the number shown').toEqual([]);
  await checkA11y(page, 'the organisation overview');

  // The scroll region is reached with Tab, shows focus, and scrolls with the arrow keys when narrow.
  const region = page.getByRole('region', { name: 'Gjennomsnitt per faktor og enhet (1–5)', exact: true });
  expect(await region.getAttribute('tabindex')).toBe('0');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  let focused = false;
  for (let tabs = 0; tabs < 30 && !focused; tabs++) {
    await page.keyboard.press('Tab');
    focused = await region.evaluate((el) => el === document.activeElement);
  }
  expect(focused, 'Tab reaches the scroll region').toBe(true);
  expect(await region.evaluate((el) => getComputedStyle(el).outlineStyle), 'focus is visible').not.toBe('none');
  const overflow = await region.evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow, 'at a phone width the table scrolls inside its region').toBeGreaterThan(0);
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  // Keyboard scrolling is animated, so wait for it rather than reading the position at once.
  await expect.poll(() => region.evaluate((el) => el.scrollLeft), { message: 'the arrow keys scroll it', timeout: 10_000 }).toBeGreaterThan(0);
  await checkA11y(page, 'the organisation overview at a phone width');
  expect(errors).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// 5. No live results

test('while a wave is open its results pages say results come at close and show no numbers', async () => {
  const { page, errors } = await newPage('leader', DESKTOP);
  for (const path of [`/resultater/${open}`, unitPath(open, 'solbakken_avd1'), `/resultater/${open}/organisasjon`]) {
    await e2e.visit(page, path);
    expect(await text(page.locator('h1')), path).toBe('Resultater: Arbeidsmiljøkartlegging (demo)');
    expect(await text(page.getByRole('status')), path).toContain(NOT_READY);
    expect(await page.locator('main table, main canvas').count(), `${path}: no tables or chart`).toBe(0);
    expect(await page.getByRole('link', { name: /CSV/ }).count(), `${path}: no CSV link`).toBe(0);
    expect(await text(page.locator('main')), `${path}: no figures`).not.toMatch(/\d,\d|\d+ %|\d+ svar/);
    expect(await page.getByRole('link', { name: 'Svarprosent' }).getAttribute('href'), 'points to the response rates').toBe(`/malinger/${open}/svar`);
    await checkA11y(page, `the open wave's ${path}`);
  }
  // Nor through the CSV address.
  const csv = await page.request.get(`${e2e.base}${unitPath(open, 'solbakken_avd1')}/csv`);
  expect(csv.headers()['content-type']).not.toContain('text/csv');
  expect(await csv.text()).toContain(NOT_READY);
  expect(errors).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// 6. Print

describe('print', () => {
  test('the print layout hides the navigation and the buttons and keeps the tables', async () => {
    const { page } = await newPage('leader', DESKTOP);
    await e2e.visit(page, unitPath(closed, 'solbakken_avd1'));
    await drawnChart(page);
    await checkA11y(page, 'the unit page before printing');
    expect(await page.locator('.staff-nav').isVisible(), 'the menu is on screen').toBe(true);

    const tables = page.locator('main table.data');
    const count = await tables.count();
    expect(count).toBeGreaterThan(3);
    const onScreen: boolean[] = [];
    for (let i = 0; i < count; i++) onScreen.push(await tables.nth(i).isVisible());

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.staff-nav').isVisible(), 'no menu on paper').toBe(false);
    expect(await page.locator('form.logout').isVisible(), 'no log-out button on paper').toBe(false);
    expect(await page.getByRole('link', { name: 'Last ned som CSV (Excel)' }).isVisible(), 'no download buttons on paper').toBe(false);
    expect(await text(page.locator('h1'))).toBe('Solbakken, avdeling 1');
    expect(await page.locator('h1').isVisible()).toBe(true);
    expect(await factorTable(page).isVisible(), 'the factor table is printed').toBe(true);
    const lost: string[] = [];
    for (let i = 0; i < count; i++) {
      if (onScreen[i] && !(await tables.nth(i).isVisible())) lost.push((await text(tables.nth(i).locator('caption'))) || `table ${i + 1}`);
    }
    expect(lost, 'every table shown on screen is printed').toEqual([]);
    expect(await page.getByRole('region', { name: 'RAUS – nærvær på jobb' }).isVisible()).toBe(true);
    expect(await page.getByRole('region', { name: 'Stillingsstørrelse' }).isVisible()).toBe(true);
  });

  test('the unit page prints to an A4 PDF', async (ctx) => {
    const { page } = await newPage('leader', DESKTOP);
    await e2e.visit(page, unitPath(closed, 'solbakken_avd1'));
    await drawnChart(page);
    await checkA11y(page, 'the unit page before the PDF');
    const pdf = await page.pdf({ format: 'A4', printBackground: true }).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    if (pdf instanceof Error) return ctx.skip(`page.pdf() is not available in this Chromium, PDF check skipped: ${pdf.message.split('\n')[0]}`);
    expect(pdf.length, 'a non-empty PDF').toBeGreaterThan(1000);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
