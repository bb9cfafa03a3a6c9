// End-to-end test of sick leave in a real Chromium against the real app: the project leader
// uploads an HR export, reads the preview and saves it; the figures then show on a unit's results
// page (a drawn line chart and its table, at 390 and 1280 px), on the comparison page (four
// quarters before each wave, with the change) and on the dialogue-meeting page. Every page is
// checked with axe. With SHOTS_DIR set, the unit page is saved as screenshots at both widths.
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContextOptions } from 'playwright-core';
import { expect, test } from 'vitest';
import { today } from '../../src/clock.js';
import { testConfig } from '../../src/config.js';
import { storedPeriods } from '../../src/store/sickleave.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { checkA11y, DESKTOP, PHONE, readTable, submitWith, text } from './browser.js';
import { createStaff, staffSessions, useE2e, watch, type Watched } from './harness.js';

const ACCOUNTS = {
  admin: { username: 'pia.prosjekt', displayName: 'Pia Prosjekt', role: 'admin', unitIds: [] as string[], who: 'Pia Prosjekt (prosjektleder)' },
} as const;
const SHOTS_DIR = process.env.SHOTS_DIR;

let t: HistoryApp;
let day = '';

const e2e = useE2e({
  serve() {
    day = today(testConfig().TIME_ZONE);
    t = makeHistoryApp({ day });
    return createStaff(t.db, ACCOUNTS).then(() => t.app);
  },
  close: () => t?.close(),
});
const session = staffSessions(e2e, ACCOUNTS, { loginPageOnce: true });

async function newPage(options: BrowserContextOptions = DESKTOP): Promise<Watched> {
  const page = await e2e.newPage({ ...options, storageState: await session('admin') });
  page.setDefaultTimeout(10_000);
  return watch(page);
}

// Forty months of rows for Solbakken's units, ending with the last whole quarter before today (so
// every demo wave has its four quarters before it, whatever the date), with the night shift (4
// people) below the threshold.
function exportFile(): string {
  const [year, month] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  const lastQuarterEnd = year * 12 + Math.floor((month - 1) / 3) * 3 - 1;
  const lines = ['enhet;periode;ansatte;avtalte_dagsverk;egenmeldt;legemeldt;kort;lang'];
  for (let i = lastQuarterEnd - 39; i <= lastQuarterEnd; i++) {
    const period = `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    const w = i - lastQuarterEnd + 40;
    lines.push(`solbakken_avd1;${period};18;320;${(4 + (w % 3)).toFixed(1).replace('.', ',')};${20 - Math.floor(w / 3)};10;${14 + (w % 3) - Math.floor(w / 3)}`);
    lines.push(`solbakken_avd2;${period};14;250;3;12;5;10`);
    lines.push(`solbakken_natt;${period};4;70;1;2;;`);
  }
  return lines.join('\r\n');
}

test('the project leader uploads an export, previews it and saves it', async () => {
  const { page, errors: problems } = await newPage();
  await e2e.visit(page, '/admin/sykefravaer');
  await checkA11y(page, 'the sick-leave page');
  await page.getByLabel('CSV- eller Excel-fil (.csv, .txt, .xlsx)').setInputFiles({ name: 'fravaer.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${exportFile()}`, 'utf8') });
  const preview = await submitWith(page, page.getByRole('button', { name: 'Forhåndsvis' }));
  expect(preview.status()).toBe(200);
  const periods = await readTable(page.getByRole('table', { name: 'Periodene i filen' }));
  expect(periods.rows).toHaveLength(40);
  expect(periods.rows.every((r) => r.cells[0] === '3' && r.cells[1] === 'ny')).toBe(true);
  await checkA11y(page, 'the preview');
  expect(storedPeriods(t.db).size).toBe(0);
  await submitWith(page, page.getByRole('button', { name: 'Lagre sykefraværet' }));
  expect(await text(page.getByRole('status').first())).toBe('Sykefraværet er lagret.');
  expect(storedPeriods(t.db).size).toBe(40);
  await checkA11y(page, 'the page after saving');
  expect(problems).toEqual([]);
});

test.each([
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const)('the unit page shows eight quarters as a drawn chart and a table (%s)', async (name, options) => {
  const { page, errors: problems } = await newPage(options);
  await e2e.visit(page, `/resultater/${t.closedWaveId}/enhet/solbakken_avd1`);
  const table = await readTable(page.locator('#sick-table'));
  expect(table.headers).toEqual(['Kvartal', 'Sykefravær', 'Egenmeldt', 'Legemeldt']);
  expect(table.rows).toHaveLength(8);
  for (const r of table.rows) expect(r.cells[0]).toMatch(/^\d+,\d %$/);
  // The chart is drawn from the same released figures the table shows.
  const chart = await page.locator('#sick-chart').evaluate((canvas) => {
    const c = (window as unknown as { Chart: { getChart(el: Element): { data: { datasets: { data: (number | null)[] }[] } } | undefined } }).Chart.getChart(canvas);
    return c?.data.datasets[0]?.data ?? null;
  });
  expect(chart).toEqual(table.rows.map((r) => Number((r.cells[0] as string).replace(' %', '').replace(',', '.'))));
  expect(await page.locator('#sick-chart').boundingBox()).toMatchObject({ width: expect.any(Number) });
  const box = await page.locator('#sick-chart').boundingBox();
  expect(box?.width).toBeLessThanOrEqual((options.viewport?.width ?? 0) - 16);
  const split = await readTable(page.locator('#sick-split'));
  expect(split.headers).toEqual(['Kvartal', '1–16 dager', 'Over 16 dager']);
  for (const r of split.rows) expect(r.cells).toEqual([expect.stringMatching(/^\d+,\d %$/), expect.stringMatching(/^\d+,\d %$/)]);
  // Neither table is wider than the screen: no sideways scrolling on a phone.
  for (const id of ['#sick-table', '#sick-split']) {
    const right = await page.locator(id).evaluate((el) => el.getBoundingClientRect().right);
    expect(right, id).toBeLessThanOrEqual(options.viewport?.width ?? 0);
  }
  await checkA11y(page, `the unit page (${name})`);
  // Below the threshold: the reason, never a figure.
  await e2e.visit(page, `/resultater/${t.closedWaveId}/enhet/solbakken_natt`);
  const natt = await readTable(page.locator('#sick-table'));
  expect(natt.rows.every((r) => r.cells.length === 1 && r.cells[0] === 'Holdt tilbake: færre enn 5 ansatte')).toBe(true);
  expect(problems).toEqual([]);
  if (SHOTS_DIR) {
    fs.mkdirSync(SHOTS_DIR, { recursive: true });
    await e2e.visit(page, `/resultater/${t.closedWaveId}/enhet/solbakken_avd1`);
    await page.locator('#sick-title').scrollIntoViewIfNeeded();
    await page.locator('section.sick-leave').screenshot({ path: path.join(SHOTS_DIR, `sick-${options.viewport?.width}.png`) });
  }
});

test('the comparison shows the four quarters before each wave, and the dialogue page the quarters', async () => {
  const { page, errors: problems } = await newPage();
  await e2e.visit(page, `/sammenligning/${t.projectId}/enhet/solbakken_avd1`);
  const before = await readTable(page.locator('#sick-before'));
  expect(before.headers).toEqual(['Måling', 'Kvartaler', 'Sykefravær', 'Egenmeldt', 'Legemeldt', 'Endring (prosentpoeng)', 'Relativ endring']);
  const shown = before.rows.filter((r) => /%$/.test(r.cells[1] ?? ''));
  expect(shown.length).toBeGreaterThanOrEqual(2);
  expect(shown[1]?.cells[4]).toMatch(/^[+−±]\d+,\d$/);
  expect(shown[1]?.cells[5]).toMatch(/^[+−±]\d+ %$/);
  expect(await text(page.locator('section.sick-leave p.hint'))).toContain('ingen sammenheng mellom faktorene i undersøkelsen og sykefraværet');
  await checkA11y(page, 'the comparison page');
  await e2e.visit(page, `/oppfolging/${t.closedWaveId}/enhet/solbakken_avd1/dialog`);
  expect((await readTable(page.locator('#sick-table'))).rows).toHaveLength(8);
  await checkA11y(page, 'the dialogue page');
  expect(problems).toEqual([]);
});
