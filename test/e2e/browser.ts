// Shared helpers for the end-to-end browser tests: the system Chromium, viewports, axe checks and
// reading what a page shows.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, Result } from 'axe-core';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page, type Response } from 'playwright-core';

const require = createRequire(import.meta.url);

/** The tests never download browsers: they drive the Chromium the system provides. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** PHONE is a mid-size phone in portrait, with touch, as most respondents answer. */
export const PHONE: BrowserContextOptions = Object.freeze({
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  locale: 'nb-NO',
});

/** DESKTOP is a laptop-sized window with mouse and keyboard. */
export const DESKTOP: BrowserContextOptions = Object.freeze({
  viewport: { width: 1280, height: 800 },
  locale: 'nb-NO',
});

/** launchBrowser starts the system Chromium headless, quiet and offline-friendly. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

let axeSource: string | undefined;
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** formatViolations renders axe violations as one readable block: rule, impact, help and nodes. */
export function formatViolations(violations: Result[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => `    - ${n.target.join(' ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ') ?? ''}`).join('\n');
      return `  ${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/** checkA11y runs axe (WCAG 2.1 A and AA rules) on the page as it is now and throws a readable
 *  list of violations. axe is injected through the DevTools protocol (page.evaluate), which the
 *  page's Content-Security-Policy does not govern, so the CSP stays on. axe runs on timers, so the
 *  context needs JavaScript enabled. */
export async function checkA11y(page: Page, label: string): Promise<void> {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(axeSource);
  const results = await page.evaluate(
    (values) =>
      (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<AxeResults> } }).axe.run(document, {
        runOnly: { type: 'tag', values },
        resultTypes: ['violations'],
      }),
    WCAG_TAGS,
  );
  if (results.violations.length > 0) {
    throw new Error(`Accessibility violations on ${label} (${page.url()}):\n${formatViolations(results.violations)}`);
  }
}

/** submitWith clicks a form's submit button and resolves with the response of the document that
 *  ends up shown (after any redirect), once it has loaded. Works with JavaScript off, and for
 *  re-renders at the same address (422, "saved"), where waiting for a URL would not do. Pass a
 *  function instead of a button to submit some other way (e.g. the keyboard). */
export async function submitWith(page: Page, button: Locator | (() => Promise<void>)): Promise<Response> {
  const shown = page.waitForResponse(
    (r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && (r.status() < 300 || r.status() >= 400),
  );
  const committed = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await (typeof button === 'function' ? button() : button.click());
  const [response] = await Promise.all([shown, committed]);
  await page.waitForLoadState('load');
  return response;
}

/** pathOf is the path of the page's current address. */
export const pathOf = (page: Page): string => new URL(page.url()).pathname;

/** text is an element's text with white space folded and trimmed. */
export async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Table is a data table as readTable reads it. */
export interface Table {
  headers: string[];
  rows: { label: string; cells: string[]; link: string | null }[];
}

/** readTable reads a data table: column headers, and each body row's header, cells and link (the
 *  text a sighted reader sees; the visually hidden reasons of withheld figures are left out). */
export function readTable(table: Locator): Promise<Table> {
  return table.evaluate((el) => {
    const seen = (node: Element): string => {
      const clone = node.cloneNode(true) as Element;
      clone.querySelectorAll('.visually-hidden').forEach((h) => h.remove());
      return (clone.textContent ?? '').replace(/\s+/g, ' ').trim();
    };
    return {
      headers: Array.from(el.querySelectorAll('thead th'), seen),
      rows: Array.from(el.querySelectorAll('tbody tr'), (tr) => ({
        label: seen(tr.querySelector('th') ?? tr),
        cells: Array.from(tr.querySelectorAll('td'), seen),
        link: tr.querySelector('th a')?.getAttribute('href') ?? null,
      })),
    };
  });
}

/** column returns the cells under a column header (the first header is the row headers'). */
export function column(table: Table, header: string): string[] {
  const i = table.headers.indexOf(header);
  if (i < 1) throw new Error(`no column "${header}" in a table with ${JSON.stringify(table.headers)}`);
  return table.rows.map((r) => r.cells[i - 1] ?? '');
}

/** parseCsv reads RFC 4180 CSV with the given delimiter (quoted cells, doubled quotes, CRLF; with
 *  bareLf a lone LF ends a row too). */
export function parseCsv(source: string, delimiter: string, opts: { bareLf?: boolean } = {}): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) row.push(cell), (cell = '');
    else if ((opts.bareLf && c === '\n') || (c === '\r' && source[i + 1] === '\n')) {
      row.push(cell), rows.push(row), (row = []), (cell = '');
      if (c === '\r') i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) row.push(cell), rows.push(row);
  return rows;
}
