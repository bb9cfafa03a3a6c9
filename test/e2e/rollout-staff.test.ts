// End-to-end tests of the staff pages changed after the roll-out review (issue 15), in a real
// Chromium against the real app with the demo organisation and its history: the heat map at
// 1280 and 390 px (upright factor names, a sticky unit column, a keyboard-scrollable region with a
// visible hint, CSV and XLSX downloads with the page's figures), the wave page at 320 px (no
// sideways scrolling, whole links, closing asks first), the 403 page with the staff menu, the
// language switch, follow-up choices kept after an error, deleting an action, "Ny måling" with
// "med underenheter", the organisation import of a Windows-1252 file, the printable results and
// dialogue pages (A4 portrait, unit, wave and date in every page's margin) and the start page.
// Every page is checked with axe and for ISO dates, and photographed at the widths named (into
// /tmp/shots-staff, outside the repository) for a person to look at.
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { testConfig } from '../../src/config.js';
import { today } from '../../src/clock.js';
import { formatDay } from '../../src/web/dates.js';
import { addAction, getAction } from '../../src/store/followups.js';
import { getWave } from '../../src/store/waves.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { checkA11y, DESKTOP, parseCsv, PHONE, readTable, submitWith, text } from './browser.js';
import { createStaff, staffSessions, useE2e, watch, type Watched } from './harness.js';

const ACCOUNTS = {
  admin: { username: 'pia.prosjekt', displayName: 'Pia Prosjekt', role: 'admin', unitIds: [] as string[], who: 'Pia Prosjekt (prosjektleder)' },
  leader: { username: 'lise.leder', displayName: 'Lise Leder', role: 'leader', unitIds: ['solbakken'], who: 'Lise Leder (leder)' },
} as const;
type Who = keyof typeof ACCOUNTS;

const NARROW: BrowserContextOptions = Object.freeze({ ...PHONE, viewport: { width: 320, height: 640 } });
const SHOTS = '/tmp/shots-staff';

let t: HistoryApp;
let closed = 0;
let open = 0;

const e2e = useE2e({
  serve() {
    t = makeHistoryApp({ day: today(testConfig().TIME_ZONE) });
    closed = t.closedWaveId;
    open = t.demo.waveId;
    return createStaff(t.db, ACCOUNTS).then(() => t.app);
  },
  close: () => t?.close(),
});

const session = staffSessions(e2e, ACCOUNTS, { loginPageOnce: true });

async function newPage(who: Who | undefined, options: BrowserContextOptions = DESKTOP): Promise<Watched> {
  const page = await e2e.newPage({ ...options, acceptDownloads: true, ...(who ? { storageState: await session(who) } : {}) });
  page.setDefaultTimeout(15_000);
  return watch(page);
}

/** look checks a page as shown: axe clean, no ISO dates in its text, no sideways scrolling of the
 *  page itself, and a full-page screenshot for a person to look at. */
async function look(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  const file = `${SHOTS}/${name.replace(/[^a-z0-9]+/gi, '-')}-${width}`;
  await page.screenshot({ path: `${file}.png`, fullPage: true, scale: 'css' });
  // Wide tables scroll inside their own box (.table-scroll), never the page.
  // The long page also in screen-sized parts, which a person can read.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let i = 0, y = 0; y < height && i < 8; i++, y += 1000) {
    await page.screenshot({ path: `${file}-part${i + 1}.png`, fullPage: true, scale: 'css', clip: { x: 0, y, width: Math.max(width, 320), height: Math.min(1000, height - y) } });
  }
  const over = await page.evaluate((w) => Array.from(document.querySelectorAll('body *')).filter((el) => el.getBoundingClientRect().right > w + 0.5 && !el.closest('.table-scroll')).slice(0, 5).map((el) => `${el.tagName}.${el.className}#${el.id}`), width);
  expect(over, `${name}: elements wider than ${width} px`).toEqual([]);
  await checkA11y(page, name);
  const body = await page.evaluate(() => document.body.innerText);
  expect(body, `${name}: dates as 18.12.2026`).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(wide, `${name}: the page does not scroll sideways at ${width} px`).toBeLessThanOrEqual(width);
}

// ---------------------------------------------------------------------------------------------

describe('the heat map (item 6)', () => {
  const path = (): string => `/resultater/${closed}/organisasjon`;

  test('at 1280 px every factor fits beside the unit names, with no scroll hint', async () => {
    const { page, errors } = await newPage('admin', DESKTOP);
    await e2e.visit(page, path());
    const box = page.locator('#heat-scroll');
    const { scroll, client } = await box.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(scroll, 'the table fits its box at 1280 px').toBeLessThanOrEqual(client + 1);
    const factors = t.survey.factors.length;
    expect(await page.locator('table.heat thead th.factor-col').count()).toBe(factors);
    const last = await page.locator('table.heat thead th.factor-col').last().boundingBox();
    expect((last?.x ?? 9999) + (last?.width ?? 0), 'the last factor column is on screen').toBeLessThanOrEqual(1280);
    expect(await page.locator('#heat-hint').isHidden(), 'no hint when nothing scrolls').toBe(true);
    await look(page, 'heat map');
    expect(errors).toEqual([]);
  });

  test('at 390 px the region scrolls by keyboard under a visible hint, and the unit names stay', async () => {
    const { page, errors } = await newPage('admin', PHONE);
    await e2e.visit(page, path());
    const hint = page.locator('#heat-hint');
    expect(await hint.isVisible(), 'the scroll hint shows').toBe(true);
    const box = page.getByRole('region', { name: await text(page.locator('#heat-caption')) });
    expect(await box.getAttribute('tabindex')).toBe('0');
    expect(await box.getAttribute('aria-describedby')).toBe('heat-hint');
    const firstUnit = page.locator('table.heat tbody th[scope="row"]').first();
    const before = await firstUnit.boundingBox();
    await box.focus();
    expect(await box.evaluate((el) => el === document.activeElement), 'the region has the focus').toBe(true);
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
    // Keyboard scrolling is animated, and on a busy machine the animation takes its time: wait for
    // it (vitest's default of 1 s failed once in CI under load) rather than read the position at once.
    await expect.poll(() => box.evaluate((el) => el.scrollLeft), { message: 'the arrow keys scroll the table', timeout: 10_000 }).toBeGreaterThan(0);
    const after = await firstUnit.boundingBox();
    expect(after?.x, 'the unit column stays in place').toBeCloseTo(before?.x ?? -1, 0);
    await look(page, 'heat map');
    expect(errors).toEqual([]);
  });

  test('the CSV and XLSX downloads hold the figures the page shows', async () => {
    const { page } = await newPage('admin', DESKTOP);
    await e2e.visit(page, path());
    const shown = await readTable(page.locator('table.heat'));
    const csvLink = page.getByRole('link', { name: 'Last ned varmekartet (CSV)' });
    const csvResponse = await page.request.get(`${e2e.base}${await csvLink.getAttribute('href')}`);
    expect(csvResponse.headers()['content-type']).toContain('text/csv');
    const csv = parseCsv((await csvResponse.text()).replace(/^\uFEFF/, ''), ';');
    const header = csv[0] ?? [];
    expect(header.slice(0, 3)).toEqual(['enhet_id', 'enhet', 'n']);
    expect(header.slice(3, 3 + t.survey.factors.length)).toEqual(t.survey.factors.map((f) => f.label));
    const body = csv.slice(1).filter((r) => r.length > 1);
    expect(body.map((r) => r[1])).toEqual(shown.rows.map((r) => r.label));
    // Every shown mean is in the CSV as the page writes it; every withheld cell is empty there.
    shown.rows.forEach((row, i) => {
      const line = body[i] ?? [];
      t.survey.factors.forEach((f, j) => {
        const cell = (row.cells[j + 1] ?? '').replace(/\s*\(.*\)$/, '');
        expect(line[3 + j], `${row.label} / ${f.label}`).toBe(/^[<>]?\d|^(over|under)/.test(cell) ? cell.replace(/^over /, '>').replace(/^under /, '<') : '');
      });
    });

    const xlsxLink = page.getByRole('link', { name: 'Last ned varmekartet (Excel)' });
    const xlsx = await page.request.get(`${e2e.base}${await xlsxLink.getAttribute('href')}`);
    expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await xlsx.body()) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(sheet?.views[0]).toMatchObject({ state: 'frozen', xSplit: 2, ySplit: 1 });
    expect(sheet?.rowCount).toBe(shown.rows.length + 1);
    body.forEach((line, i) => {
      const row = sheet?.getRow(i + 2);
      expect(row?.getCell(2).value).toBe(line[1]);
      t.survey.factors.forEach((_f, j) => {
        const v = row?.getCell(4 + j).value ?? null;
        const c = line[3 + j] ?? '';
        expect(v === null ? '' : typeof v === 'number' ? v.toFixed(1).replace('.', ',') : String(v)).toBe(c);
      });
    });
  });
});

describe('the wave page (items 7 and 11)', () => {
  test('at 320 px nothing scrolls sideways, each link box shows its whole link, and closing asks first', async () => {
    const { page, errors } = await newPage('admin', NARROW);
    await e2e.visit(page, `/admin/malinger/${open}`);
    const boxes = page.locator('textarea.copy');
    expect(await boxes.count()).toBeGreaterThan(0);
    for (const box of await boxes.all()) {
      const m = await box.evaluate((el) => ({ value: (el as HTMLTextAreaElement).value, sh: el.scrollHeight, ch: el.clientHeight, sw: el.scrollWidth, cw: el.clientWidth }));
      expect(m.value).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]+$/);
      expect(m.sh, `the whole of ${m.value} shows`).toBeLessThanOrEqual(m.ch + 1);
      expect(m.sw).toBeLessThanOrEqual(m.cw + 1);
    }
    const close = page.getByRole('button', { name: 'Avslutt målingen', exact: true });
    expect(await close.getAttribute('class'), '"Avslutt målingen" is not the primary button').not.toContain('primary');
    await look(page, 'wave page');
    await submitWith(page, close);
    expect(await text(page.locator('h1'))).toBe('Avslutte målingen?');
    expect(await page.getByRole('link', { name: 'Avbryt', exact: true }).getAttribute('class')).toContain('primary');
    await look(page, 'wave close confirmation');
    await submitWith(page, () => page.getByRole('link', { name: 'Avbryt', exact: true }).click());
    expect(getWave(t.db, open)?.status).toBe('open');
    expect(errors).toEqual([]);
  });

  test.each([
    ['390', PHONE],
    ['1280', DESKTOP],
  ] as const)('the wave page and its close confirmation at %s px', async (_w, options) => {
    const { page } = await newPage('admin', options);
    await e2e.visit(page, `/admin/malinger/${open}`);
    await look(page, 'wave page');
    await submitWith(page, page.getByRole('button', { name: 'Avslutt målingen', exact: true }));
    await look(page, 'wave close confirmation');
  });
});

describe('staff menu, language and the start page (items 8 and 11)', () => {
  test('a 403 keeps the staff menu and a way back, at 390 and 1280 px', async () => {
    for (const options of [PHONE, DESKTOP]) {
      const { page } = await newPage('leader', options);
      await e2e.visit(page, '/admin/enheter', 403);
      expect(await page.getByRole('navigation', { name: 'Hovedmeny' }).isVisible()).toBe(true);
      await look(page, 'forbidden');
      await submitWith(page, () => page.getByRole('link', { name: 'Tilbake til oversikten' }).click());
      expect(new URL(page.url()).pathname).toBe('/oversikt');
    }
  });

  test('the language switch on staff pages changes the language and keeps it', async () => {
    const { page } = await newPage('leader', PHONE);
    await e2e.visit(page, '/oversikt');
    const langs = page.getByRole('navigation', { name: 'Bytt språk' });
    await submitWith(page, () => langs.getByRole('link', { name: 'English' }).click());
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await look(page, 'overview in English');
    await e2e.visit(page, `/resultater/${closed}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await submitWith(page, () => page.getByRole('navigation', { name: 'Change language' }).getByRole('link', { name: 'Bokmål' }).click());
    expect(await page.locator('html').getAttribute('lang')).toBe('nb');
  });

  test('the start page has a login link', async () => {
    for (const options of [PHONE, DESKTOP]) {
      const { page } = await newPage(undefined, options);
      await e2e.visit(page, '/');
      await look(page, 'start page');
      await submitWith(page, () => page.getByRole('link', { name: 'Logg inn' }).click());
      expect(new URL(page.url()).pathname).toBe('/innlogging');
    }
  });

  test("the overview lists an open wave's links, whole, at 390 and 1280 px", async () => {
    for (const options of [PHONE, DESKTOP]) {
      const { page } = await newPage('admin', options);
      await e2e.visit(page, '/oversikt');
      const link = page.getByLabel('Lenke for Solbakken, avdeling 1');
      expect(await link.inputValue()).toBe(`${e2e.base}/s/${t.code('solbakken_avd1')}`);
      await look(page, 'overview');
    }
  });
});

describe('follow-up (items 1, 13 and 15)', () => {
  const unitPath = (tail = ''): string => `/oppfolging/${closed}/enhet/solbakken_avd1${tail}`;

  test('four strengths: the message, and every tick and the own wording still there (390 px)', async () => {
    const { page } = await newPage('leader', PHONE);
    await e2e.visit(page, unitPath());
    const strengths = page.locator('#strengths');
    const boxes = strengths.locator('input[type="checkbox"]');
    for (const box of await boxes.all()) await box.uncheck();
    for (let i = 0; i < 4; i++) await boxes.nth(i).check();
    await strengths.getByLabel('Med egne ord').fill('Vi ler mye sammen');
    const response = await submitWith(page, page.getByRole('button', { name: 'Lagre valgene' }));
    expect(response.status()).toBe(422);
    expect(await page.locator('.error-summary').textContent()).toContain('Velg høyst tre styrker.');
    expect(await boxes.evaluateAll((els) => els.filter((e) => (e as HTMLInputElement).checked).length)).toBe(4);
    expect(await strengths.getByLabel('Med egne ord').inputValue()).toBe('Vi ler mye sammen');
    await look(page, 'follow-up after an error');
  });

  test('deleting an action asks first, names it, and deletes only on confirming (390 and 1280 px)', async () => {
    for (const options of [PHONE, DESKTOP]) {
      const id = addAction(t.db, { waveId: closed, unitId: 'solbakken_avd1', what: `Slettes ${options.viewport?.width}`, factorId: null, responsible: 'Leder', dueOn: '2027-01-15', status: 'planned', note: '' });
      const { page } = await newPage('leader', options);
      await e2e.visit(page, unitPath());
      await look(page, 'follow-up');
      await submitWith(page, page.getByRole('button', { name: `Slett tiltaket : Slettes ${options.viewport?.width}` }));
      expect(await text(page.locator('h1'))).toBe('Slette tiltaket?');
      expect(await text(page.locator('main'))).toContain('15.01.2027');
      await look(page, 'delete action');
      expect(getAction(t.db, id)).toBeDefined();
      await submitWith(page, page.getByRole('button', { name: 'Ja, slett tiltaket' }));
      expect(getAction(t.db, id)).toBeUndefined();
    }
  });

  test('the overview says "Valgte styrker og områder" and the audit log speaks Norwegian (1280 px)', async () => {
    const { page } = await newPage('admin', DESKTOP);
    await e2e.visit(page, `/oppfolging/${closed}`);
    expect(await page.getByText('Valgte styrker og områder').count()).toBeGreaterThan(0);
    expect(await page.getByText('Valgt styrker').count()).toBe(0);
    await look(page, 'follow-up overview');
    await e2e.visit(page, '/admin/logg');
    const actions = (await readTable(page.locator('table.data'))).rows.map((r) => r.cells[2] ?? '');
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) expect(a, 'no raw keys').not.toMatch(/^[a-z]+(\.[a-zA-Z]+)+$/);
    await look(page, 'audit log');
  });
});

describe('"Ny måling" (item 10)', () => {
  test('"med underenheter" ticks the units below; a low threshold is reported with the other errors', async () => {
    for (const options of [PHONE, DESKTOP]) {
      const { page, errors } = await newPage('admin', options);
      await e2e.visit(page, '/admin/malinger/ny');
      await page.getByRole('checkbox', { name: 'med underenheter (Solbakken sykehjem)' }).check();
      expect(await page.getByRole('checkbox', { name: /^Solbakken, avdeling 1/ }).isChecked()).toBe(true);
      expect(await page.getByRole('checkbox', { name: /^Solbakken, avdeling 2/ }).isChecked()).toBe(true);
      await page.getByLabel('Resultater', { exact: true }).fill('2');
      const response = await submitWith(page, page.getByRole('button', { name: 'Opprett måling' }));
      expect(response.status()).toBe(422);
      const summary = await text(page.locator('.error-summary'));
      expect(summary).toContain('Skriv et navn');
      expect(summary).toMatch(/minst 3/);
      expect(await page.getByRole('checkbox', { name: /^Solbakken, avdeling 2/ }).isChecked()).toBe(true);
      await look(page, 'new wave with errors');
      expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    }
  });
});

describe('organisation import (item 3)', () => {
  test('a Windows-1252 file previews with æøå (390 and 1280 px)', async () => {
    for (const options of [PHONE, DESKTOP]) {
      const { page } = await newPage('admin', options);
      await e2e.visit(page, '/admin/import');
      await look(page, 'import');
      await page.getByLabel('CSV- eller Excel-fil (.csv, .txt, .xlsx)', { exact: true }).setInputFiles({ name: 'enheter.csv', mimeType: 'text/csv', buffer: Buffer.from('id;navn;overordnet;antall_ansatte\r\nbjorkly;Bjørkly bofellesskap;helse;12\r\n', 'latin1') });
      await submitWith(page, page.getByRole('button', { name: 'Forhåndsvis' }));
      expect(await text(page.locator('table.data'))).toContain('Bjørkly bofellesskap');
      expect(await text(page.locator('main'))).toContain('Windows-1252');
      await look(page, 'import preview');
    }
  });
});

describe('printing (item 16)', () => {
  /** marginBoxes reads the @page margin boxes the print stylesheet sets: name -> content. */
  const marginBoxes = (page: Page): Promise<Record<string, string>> =>
    page.evaluate(() => {
      const out: Record<string, string> = {};
      for (const sheet of Array.from(document.styleSheets)) {
        if (!sheet.href?.endsWith('/utskrift.css')) continue;
        const walk = (rules: CSSRuleList): void => {
          for (const r of Array.from(rules)) {
            if ('cssRules' in r) walk((r as CSSGroupingRule).cssRules);
            if (r.constructor.name === 'CSSMarginRule') out[(r as unknown as { name: string }).name] = (r as unknown as { style: CSSStyleDeclaration }).style.getPropertyValue('content');
          }
        };
        walk(sheet.cssRules);
      }
      return out;
    });

  test("a unit's results print on A4 portrait with unit, wave and date on every page; strengths first, the hidden-figures note and the tables", async () => {
    const { page, errors } = await newPage('leader', DESKTOP);
    // The print date is the server's today in TIME_ZONE; read the day on both sides of the page
    // load, so a run across midnight accepts either day and nothing else.
    const dayBefore = formatDay(today(testConfig().TIME_ZONE));
    await e2e.visit(page, `/resultater/${closed}/enhet/solbakken`);
    await look(page, 'results unit');
    expect(await page.getByRole('button', { name: 'Skriv ut eller lagre som PDF' }).isVisible()).toBe(true);
    const wave = getWave(t.db, closed)?.name ?? '';
    const boxes = await marginBoxes(page);
    expect(boxes['top-left']).toBe(`"Solbakken sykehjem · ${wave}"`);
    const dayAfter = formatDay(today(testConfig().TIME_ZONE));
    expect([`"Skrevet ut ${dayBefore}"`, `"Skrevet ut ${dayAfter}"`]).toContain(boxes['top-right']);
    expect(boxes['bottom-right']).toContain('counter(page)');
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation', { name: 'Hovedmeny' }).isHidden()).toBe(true);
    expect(await page.getByRole('button', { name: 'Skriv ut eller lagre som PDF' }).isHidden()).toBe(true);
    const order = await page.locator('main h2').evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => (e.textContent ?? '').trim()));
    expect(order.indexOf('Dette får dere til'), 'strengths before the factor tables').toBeLessThan(order.indexOf('Faktorer'));
    expect(await page.locator('#factor-chart').isVisible()).toBe(true);
    expect(await page.locator('#factor-table').isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/results-unit-print-media-1280.png`, fullPage: true, scale: 'css' });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const raw = pdf.toString('latin1');
    const pages = raw.match(/\/Type\s*\/Page\b/g)?.length ?? 0;
    expect(pages, 'several A4 pages').toBeGreaterThan(1);
    fs.writeFileSync(`${SHOTS}/results-unit.pdf`, pdf);
    const box = /\/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]/.exec(raw);
    expect(Number(box?.[1]), 'A4 width in points').toBeCloseTo(595.3, 0);
    expect(Number(box?.[2]), 'A4 height in points (portrait)').toBeCloseTo(841.9, 0);
    await page.emulateMedia({ media: 'screen' });
    await look(page, 'results unit');
    expect(errors).toEqual([]);
  });

  test('the dialogue page carries the factor chart and prints the same way (390 and 1280 px)', async () => {
    for (const options of [PHONE, DESKTOP]) {
      const { page, errors } = await newPage('leader', options);
      await e2e.visit(page, `/oppfolging/${closed}/enhet/solbakken_avd1/dialog`);
      const chart = page.locator('#dialogue-chart');
      await expect.poll(() => chart.evaluate((c) => (c as HTMLCanvasElement).width)).toBeGreaterThan(0);
      expect((await marginBoxes(page))['top-left']).toContain('Solbakken, avdeling 1');
      await look(page, 'dialogue');
      expect(errors).toEqual([]);
    }
  });
});
