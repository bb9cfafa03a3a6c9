// End-to-end tests of the staff side in a real Chromium against the real app on temp-file databases:
// first run, login, CSV import, a wave from creation to a counted response, a leader scoped to one
// unit, the printable QR page and keyboard login. Every staff page visited is checked with axe.
// One server serves two apps, told apart by host name: http://localhost:<port> is a first-run app
// (empty database, setup code), http://127.0.0.1:<port> the demo organisation with an open wave.
// Each test logs in through the page in its own browser context and uses its own units and
// accounts, so none depends on another.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page, Response } from 'playwright-core';
import QRCode from 'qrcode';
import { expect, test } from 'vitest';
import { createApp } from '../../src/app.js';
import { hashPassword } from '../../src/auth/password.js';
import { testConfig } from '../../src/config.js';
import { createAccount } from '../../src/store/accounts.js';
import { talliesIdle } from '../../src/report/tally-jobs.js';
import { openDb, type Db } from '../../src/store/db.js';
import { syncSurveyVersions } from '../../src/store/survey-versions.js';
import { getUnit } from '../../src/store/units.js';
import { bundledSurveys, makeTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD } from '../helpers/staff.js';
import { checkA11y, DESKTOP, pathOf, PHONE, submitWith, text } from './browser.js';
import { useE2e } from './harness.js';

const SETUP_CODE = 'kode123';
const ADMIN = 'pia.prosjekt';

let t: TestApp;
let first: { app: ReturnType<typeof createApp>; db: Db; dir: string } | undefined;
const e2e = useE2e({
  async serve() {
    t = makeTestApp({ file: true });
    createAccount(t.db, { username: ADMIN, displayName: 'Pia Prosjekt', role: 'admin', passwordHash: await hashPassword(PASSWORD) });

    // The first-run app: bundled surveys, no units, no accounts, a setup code.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-first-'));
    const config = testConfig({ DATABASE_PATH: path.join(dir, 'first.db') });
    const db = openDb(config.DATABASE_PATH);
    syncSurveyVersions(db, bundledSurveys().values());
    first = { app: createApp({ db, config, setupToken: SETUP_CODE }), db, dir };

    const firstRun = first;
    return (req, res) => {
      const app = req.headers.host?.startsWith('localhost:') ? firstRun.app : t.app;
      app(req, res);
    };
  },
  close() {
    t?.close();
    if (first) {
      first.db.close();
      fs.rmSync(first.dir, { recursive: true, force: true });
    }
  },
});

/** The first-run app's address: the same server, asked for by the host name localhost. */
const firstBase = (): string => `http://localhost:${e2e.port}`;
const button = (page: Page, name: string): Locator => page.getByRole('button', { name, exact: true });
const field = (page: Page, label: string): Locator => page.getByLabel(label, { exact: true });

/** focusedIsErrorSummary tells whether focus sits on an error summary, as on the respondent pages. */
const focusedIsErrorSummary = (page: Page): Promise<boolean> => page.evaluate(() => document.activeElement?.classList.contains('error-summary') ?? false);

/** logIn signs in through the login page and lands on the overview. */
async function logIn(page: Page, username = ADMIN, password = PASSWORD): Promise<void> {
  await page.goto(`${e2e.base}/innlogging`);
  await field(page, 'Brukernavn').fill(username);
  await field(page, 'Passord').fill(password);
  const response = await submitWith(page, button(page, 'Logg inn'));
  expect(response.status(), 'login').toBe(200);
  expect(pathOf(page)).toBe('/oversikt');
}

/** upload chooses a CSV file on the import page and asks for the preview. */
async function upload(page: Page, csv: string, name = 'enheter.csv'): Promise<Response> {
  await field(page, 'CSV- eller Excel-fil (.csv, .txt, .xlsx)').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  return submitWith(page, button(page, 'Forhåndsvis'));
}

/** The cells after the row header of the table row for a unit, trimmed. */
async function rowCells(page: Page, unitName: string): Promise<string[]> {
  const row = page.locator('table.data tbody tr').filter({ has: page.getByRole('rowheader', { name: unitName, exact: true }) });
  expect(await row.count(), `one row for ${unitName}`).toBe(1);
  return (await row.locator('td').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
}

/** The overview card of a wave, found by its heading. */
const waveCard = (page: Page, name: string): Locator => page.locator('section.card').filter({ has: page.getByRole('heading', { name, exact: true }) });

/** Answers for the respondent in a full-time permanent position who wants to keep it: no follow-up pages. */
const CHOICES: Record<string, string> = { stilling_naa: '100', ansettelse: 'Fast ansatt', onsket_endring: 'Samme stilling som i dag' };

/** answerWholeSurvey goes from a unit's welcome page through every page, answering each visible
 *  question (the first option of rating questions, CHOICES for the rest), to the thanks page. */
async function answerWholeSurvey(page: Page): Promise<void> {
  await submitWith(page, button(page, 'Start undersøkelsen'));
  for (let n = 0; n < 20 && !pathOf(page).endsWith('/oppsummering'); n++) {
    const questions = page.locator('form .q');
    for (let i = 0, count = await questions.count(); i < count; i++) {
      const q = questions.nth(i);
      if (!(await q.isVisible())) continue;
      const id = (await q.getAttribute('data-item')) ?? '';
      const type = /\bq-(\w+)\b/.exec((await q.getAttribute('class')) ?? '')?.[1];
      const want = CHOICES[id];
      if (type === 'likert' || type === 'nowDesired' || type === 'scale') {
        const groups = q.locator('.options');
        for (let g = 0, gs = await groups.count(); g < gs; g++) await groups.nth(g).locator('.option label').first().click();
      } else if (type === 'number' && want !== undefined) await q.locator('input').fill(want);
      else if (type === 'single' && want !== undefined) await q.locator('label').filter({ hasText: new RegExp(`^\\s*${want}\\s*$`) }).click();
      else if (type !== 'text' && type !== 'multi') throw new Error(`no answer planned for "${id}" (${type})`);
    }
    const next = (await button(page, 'Til oppsummeringen').count()) > 0 ? 'Til oppsummeringen' : 'Neste';
    const response = await submitWith(page, button(page, next));
    expect(response.status(), `after ${pathOf(page)}`).toBe(200);
  }
  expect(pathOf(page)).toMatch(/\/oppsummering$/);
  expect(await text(page.getByRole('status'))).toBe('Du har svart på alle spørsmålene som må besvares.');
  await submitWith(page, button(page, 'Send inn svarene'));
  expect(pathOf(page)).toMatch(/\/takk$/);
  expect(await text(page.locator('h1'))).toBe('Takk for svaret ditt!');
}

test('first run: the one-time setup page creates the project leader and loads the demo organisation', async () => {
  if (!first) throw new Error('no first-run app');
  const page = await e2e.newPage(DESKTOP);
  const wrong = await page.goto(`${firstBase()}/oppsett?kode=feil`);
  expect(wrong?.status(), 'a wrong setup code').toBe(404);

  const shown = await page.goto(`${firstBase()}/oppsett?kode=${SETUP_CODE}`);
  expect(shown?.status()).toBe(200);
  expect(await text(page.locator('h1'))).toBe('Kom i gang med Kartlegg');
  const demo = field(page, 'Last inn en demo-organisasjon');
  expect(await demo.isChecked(), 'the demo is offered and checked on an empty database').toBe(true);
  await checkA11y(page, 'the setup page');

  await field(page, 'Navn').fill('Ola Oppsett');
  await field(page, 'Brukernavn').fill('ola');
  await field(page, 'Nytt passord').fill(PASSWORD);
  await field(page, 'Gjenta passordet').fill(`${PASSWORD}!`);
  const refused = await submitWith(page, button(page, 'Opprett prosjektleder'));
  expect(refused.status()).toBe(422);
  const summary = page.getByRole('alert');
  expect(await text(summary.getByRole('heading'))).toBe('Noe må rettes før du går videre');
  expect(await text(summary.getByRole('link'))).toBe('Passordene er ikke like.');
  expect(await field(page, 'Gjenta passordet').getAttribute('aria-invalid')).toBe('true');
  expect(await field(page, 'Navn').inputValue()).toBe('Ola Oppsett');
  expect(await field(page, 'Brukernavn').inputValue()).toBe('ola');
  expect(await demo.isChecked(), 'the demo choice is kept').toBe(true);
  expect.soft(await focusedIsErrorSummary(page), 'focus moves to the error summary (data-focus-on-load)').toBe(true);
  await checkA11y(page, 'the setup page with mismatched passwords');
  expect(first.db.prepare('SELECT count(*) AS n FROM account').get()).toEqual({ n: 0 });

  await field(page, 'Nytt passord').fill(PASSWORD);
  await field(page, 'Gjenta passordet').fill(PASSWORD);
  await submitWith(page, button(page, 'Opprett prosjektleder'));
  expect(pathOf(page)).toBe('/oversikt');
  expect(await text(page.locator('h1'))).toBe('Oversikt');
  expect(await text(page.locator('.who'))).toBe('Ola Oppsett (prosjektleder)');

  // Three demo waves in one project: a baseline two years back and last year's, both closed with
  // synthetic answers, and an open one without answers yet.
  const closed = waveCard(page, 'Arbeidsmiljøkartlegging i fjor (demo)');
  const open = waveCard(page, 'Arbeidsmiljøkartlegging (demo)');
  expect(await page.locator('section.card').count()).toBe(3);
  expect(await text(closed.locator('.status'))).toBe('Avsluttet');
  expect(await text(open.locator('.status'))).toBe('Åpen');
  const waves = first.db.prepare('SELECT id, status, name FROM wave ORDER BY id').all() as { id: number; status: string; name: string }[];
  expect(waves.map((w) => w.status)).toEqual(['closed', 'closed', 'open']);
  const lastYear = waves.find((w) => w.name === 'Arbeidsmiljøkartlegging i fjor (demo)');
  const answered = (first.db.prepare('SELECT count(*) AS n FROM response WHERE wave_id = ?').get(lastYear?.id) as { n: number }).n;
  expect(answered).toBeGreaterThan(0);
  expect(await text(closed.locator('li'))).toMatch(new RegExp(`^Demo kommune: ${answered} svar av 114 \\(\\d+ %\\)$`));
  expect(await text(open.locator('li'))).toBe('Demo kommune: 0 svar av 114 (0 %)');
  await checkA11y(page, 'the overview after the first run');

  // The setup page is gone once an account exists.
  const again = await page.goto(`${firstBase()}/oppsett?kode=${SETUP_CODE}`);
  expect(again?.status()).toBe(410);
  expect(first.db.prepare("SELECT username, role FROM account").all()).toEqual([{ username: 'ola', role: 'admin' }]);
});

test('a project leader logs in on a desktop; a wrong password is refused accessibly (401)', async () => {
  const page = await e2e.newPage(DESKTOP);
  await page.goto(`${e2e.base}/oversikt`);
  expect(pathOf(page), 'staff pages send visitors to the login page').toBe('/innlogging');
  expect(await text(page.locator('h1'))).toBe('Logg inn');
  await checkA11y(page, 'the login page');

  await field(page, 'Brukernavn').fill(ADMIN);
  await field(page, 'Passord').fill('ikke det riktige passordet');
  const refused = await submitWith(page, button(page, 'Logg inn'));
  expect(refused.status()).toBe(401);
  expect(pathOf(page)).toBe('/innlogging');
  expect(await text(page.getByRole('alert'))).toBe('Feil brukernavn eller passord.');
  expect(await field(page, 'Brukernavn').inputValue()).toBe(ADMIN);
  expect(await field(page, 'Passord').inputValue()).toBe('');
  expect.soft(await focusedIsErrorSummary(page), 'focus moves to the error (data-focus-on-load)').toBe(true);
  await checkA11y(page, 'the login page with a wrong password');

  await field(page, 'Passord').fill(PASSWORD);
  await submitWith(page, button(page, 'Logg inn'));
  expect(pathOf(page), 'back where the visitor was going').toBe('/oversikt');
  expect(await text(page.locator('h1'))).toBe('Oversikt');
  expect(await text(page.locator('.who'))).toBe('Pia Prosjekt (prosjektleder)');
  const nav = page.getByRole('navigation', { name: 'Hovedmeny' });
  expect(await nav.getByRole('link').allTextContents()).toEqual(['Oversikt', 'Enheter', 'Ny måling', 'Sykefravær', 'Spørreskjema', 'Brukere', 'Logg']);
  expect(await nav.getByRole('link', { name: 'Oversikt' }).getAttribute('aria-current')).toBe('page');
  expect(await waveCard(page, 'Arbeidsmiljøkartlegging (demo)').count()).toBe(1);
  await checkA11y(page, 'the overview of a project leader');

  await submitWith(page, button(page, 'Logg ut'));
  expect(pathOf(page)).toBe('/innlogging');
  await page.goto(`${e2e.base}/oversikt`);
  expect(pathOf(page), 'logged out').toBe('/innlogging');
});

test('CSV import: a bad parent is listed as a problem and nothing is written; the corrected file is previewed and saved', async () => {
  const page = await e2e.newPage(DESKTOP);
  await logIn(page);
  await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Enheter' }).click();
  await page.waitForURL('**/admin/enheter');
  await checkA11y(page, 'the units page');
  await page.getByRole('link', { name: 'Importer enheter fra CSV' }).click();
  await page.waitForURL('**/admin/import');
  expect(await text(page.locator('h1'))).toBe('Importer enheter fra CSV eller Excel');
  await checkA11y(page, 'the import page');

  const bad = '\uFEFFid;navn;overordnet;antall_ansatte\nkultur;Kultur og fritid;demo;\nbibliotek;Biblioteket;kultr;9\nkulturskole;Kulturskolen;kultur;7\n';
  const refused = await upload(page, bad);
  expect(refused.status()).toBe(422);
  const problems = page.getByRole('alert');
  expect(await text(problems.getByRole('heading'))).toBe('1 problem må rettes i filen');
  expect(await text(problems)).toContain('Ingenting er lagret. Rett filen og prøv igjen.');
  expect((await problems.locator('li').allTextContents()).map((s) => s.trim())).toEqual(['Linje 3: overordnet enhet «kultr» finnes ikke']);
  expect(await button(page, 'Lagre endringene').count(), 'nothing to confirm').toBe(0);
  expect.soft(await focusedIsErrorSummary(page), 'focus moves to the problem list (data-focus-on-load)').toBe(true);
  await checkA11y(page, 'the import preview with problems');
  expect(getUnit(t.db, 'kultur'), 'nothing written').toBeUndefined();

  // The corrected file, this time comma-separated.
  const good = 'id,navn,overordnet,antall_ansatte\nkultur,Kultur og fritid,demo,\nbibliotek,Biblioteket,kultur,9\nkulturskole,Kulturskolen,kultur,7\n';
  const preview = await upload(page, good);
  expect(preview.status()).toBe(200);
  expect(await page.getByRole('alert').count()).toBe(0);
  expect(await text(page.getByRole('status'))).toBe('3 nye enheter, 0 endres, 0 uendret.');
  const table = page.getByRole('table', { name: 'Endringer som lagres' });
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => (c.textContent ?? '').trim())));
  expect(rows).toEqual([
    ['Ny', 'kultur', 'Kultur og fritid', 'demo', '–'],
    ['Ny', 'bibliotek', 'Biblioteket', 'kultur', '9'],
    ['Ny', 'kulturskole', 'Kulturskolen', 'kultur', '7'],
  ]);
  await checkA11y(page, 'the import preview');
  expect(getUnit(t.db, 'kultur'), 'a preview writes nothing').toBeUndefined();

  await submitWith(page, button(page, 'Lagre endringene'));
  expect(pathOf(page)).toBe('/admin/enheter');
  expect(await rowCells(page, 'Kultur og fritid')).toEqual(['kultur', '–', 'Endre Kultur og fritid']);
  expect(await rowCells(page, 'Biblioteket')).toEqual(['bibliotek', '9', 'Endre Biblioteket']);
  expect(await rowCells(page, 'Kulturskolen')).toEqual(['kulturskole', '7', 'Endre Kulturskolen']);
  // In the tree: the sector under the municipality, the two units under the sector.
  expect(await page.getByRole('rowheader', { name: 'Kultur og fritid', exact: true }).getAttribute('class')).toContain('depth-1');
  expect(await page.getByRole('rowheader', { name: 'Biblioteket', exact: true }).getAttribute('class')).toContain('depth-2');
  expect(getUnit(t.db, 'bibliotek')).toMatchObject({ name: 'Biblioteket', parentId: 'kultur', headcount: 9 });
  await checkA11y(page, 'the units page after the import');
});

test('a new wave for two imported units: a respondent answers through its link and the count goes from 0 to 1', async () => {
  const page = await e2e.newPage(DESKTOP);
  await logIn(page);
  await page.goto(`${e2e.base}/admin/import`);
  await upload(page, 'id;navn;overordnet;antall_ansatte\nteknisk;Teknisk drift;demo;\nvei;Veivedlikehold;teknisk;5\nvann;Vannverket;teknisk;8\n');
  await submitWith(page, button(page, 'Lagre endringene'));
  expect(pathOf(page)).toBe('/admin/enheter');

  await page.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link', { name: 'Ny måling' }).click();
  await page.waitForURL('**/admin/malinger/ny');
  expect(await text(page.locator('h1'))).toBe('Ny måling');
  await checkA11y(page, 'the new wave page');
  await field(page, 'Navn på målingen').fill('Teknisk drift våren');
  await page.getByLabel('Veivedlikehold').check();
  await page.getByLabel('Vannverket').check();
  expect(await field(page, 'Én felles lenke per enhet').isChecked(), 'open links by default').toBe(true);
  expect(await field(page, 'Resultater').inputValue(), 'k = 5 by default').toBe('5');
  await submitWith(page, button(page, 'Opprett måling'));
  const waveId = Number(/^\/admin\/malinger\/(\d+)$/.exec(pathOf(page))?.[1]);
  expect(waveId).toBeGreaterThan(0);
  expect(await text(page.locator('h1'))).toBe('Teknisk drift våren');
  expect(await text(page.locator('main .status'))).toBe('Ikke åpnet');
  expect(await text(page.locator('main > p').first())).toContain('0 svar');
  await checkA11y(page, 'a new wave');

  await submitWith(page, button(page, 'Åpne målingen'));
  expect(pathOf(page)).toBe(`/admin/malinger/${waveId}`);
  expect(await text(page.locator('main .status'))).toBe('Åpen');
  const link = await field(page, 'Lenke for Veivedlikehold').inputValue();
  expect(link).toMatch(new RegExp(`^${e2e.base.replace(/\./g, '\\.')}/s/[A-Za-z0-9_-]+$`));
  expect(await field(page, 'Lenke for Vannverket').inputValue()).not.toBe(link);
  await checkA11y(page, 'the open wave with its links');

  await page.getByRole('link', { name: 'Svarprosent per enhet' }).click();
  await page.waitForURL(`**/malinger/${waveId}/svar`);
  expect(await text(page.locator('h1'))).toBe('Svarprosent');
  expect(await rowCells(page, 'Teknisk drift')).toEqual(['0', '13', '0 %']);
  expect(await rowCells(page, 'Veivedlikehold')).toEqual(['0', '5', '0 %']);
  expect(await rowCells(page, 'Vannverket')).toEqual(['0', '8', '0 %']);
  await checkA11y(page, 'the response-rate page');

  // A respondent on a phone, in a browser of their own.
  const phone = await e2e.newPage(PHONE);
  await phone.goto(link);
  await answerWholeSurvey(phone);
  expect(t.db.prepare('SELECT unit_id AS unitId FROM response WHERE wave_id = ?').all(waveId)).toEqual([{ unitId: 'vei' }]);

  await page.reload();
  expect(await rowCells(page, 'Veivedlikehold')).toEqual(['1', '5', '20 %']);
  expect(await rowCells(page, 'Vannverket')).toEqual(['0', '8', '0 %']);
  expect(await rowCells(page, 'Teknisk drift')).toEqual(['1', '13', '8 %']);
  await checkA11y(page, 'the response-rate page with a response');
  await page.goto(`${e2e.base}/admin/malinger/${waveId}`);
  expect(await text(page.locator('main > p').first())).toContain('1 svar');
  expect(await page.getByText('Målingen har svar: anonymitetsgrensene kan bare heves').count()).toBe(1);
  await checkA11y(page, 'the wave page with a response');

  // Closing releases the results; reopening a released wave first says what the next close will
  // hold back, and nothing changes until the project leader confirms.
  await submitWith(page, page.getByRole('button', { name: 'Avslutt målingen' }));
  expect(await text(page.locator('h1'))).toBe('Avslutte målingen?');
  expect(t.db.prepare('SELECT status FROM wave WHERE id = ?').get(waveId)).toEqual({ status: 'open' });
  await checkA11y(page, 'the close confirmation');
  await submitWith(page, page.getByRole('button', { name: 'Ja, avslutt målingen' }));
  await talliesIdle(t.db);
  await submitWith(page, page.getByRole('button', { name: 'Åpne målingen igjen' }));
  expect(await text(page.locator('h1'))).toBe('Åpne målingen igjen?');
  await checkA11y(page, 'the reopen confirmation');
  await page.getByRole('link', { name: 'Avbryt' }).click();
  await page.waitForURL(`**/admin/malinger/${waveId}`);
  expect(t.db.prepare('SELECT status FROM wave WHERE id = ?').get(waveId)).toEqual({ status: 'closed' });
  await submitWith(page, page.getByRole('button', { name: 'Åpne målingen igjen' }));
  await submitWith(page, page.getByRole('button', { name: 'Ja, åpne målingen igjen' }));
  expect(t.db.prepare('SELECT status FROM wave WHERE id = ?').get(waveId)).toEqual({ status: 'open' });
});

test('a leader scoped to one unit sets a password from the link, sees only that subtree, and gets 403 on admin pages', async () => {
  const admin = await e2e.newPage(DESKTOP);
  await logIn(admin);
  await admin.goto(`${e2e.base}/admin/kontoer`);
  expect(await text(admin.locator('h1'))).toBe('Brukere');
  await checkA11y(admin, 'the accounts page');
  await field(admin, 'Navn').fill('Lise Leder');
  await field(admin, 'Brukernavn').fill('lise.leder');
  expect(await admin.getByRole('radio', { name: /^leder/ }).isChecked(), 'leader by default').toBe(true);
  await field(admin, 'Solbakken sykehjem').check();
  await submitWith(admin, button(admin, 'Opprett bruker'));
  expect(await text(admin.locator('h1'))).toBe('Lenke for å sette passord');
  const link = await field(admin, 'Lenke').inputValue();
  expect(link).toMatch(new RegExp(`^${e2e.base.replace(/\./g, '\\.')}/passord/\\S+$`));
  await checkA11y(admin, 'the set-password link page');

  const leader = await e2e.newPage(DESKTOP);
  await leader.goto(link);
  expect(await text(leader.locator('h1'))).toBe('Sett passord');
  expect(await text(leader.locator('main > p').first())).toBe('Velg et passord for Lise Leder (brukernavn lise.leder).');
  await checkA11y(leader, 'the set-password page');
  await field(leader, 'Nytt passord').fill('for kort');
  await field(leader, 'Gjenta passordet').fill('for kort');
  const refused = await submitWith(leader, button(leader, 'Lagre passordet'));
  expect(refused.status()).toBe(422);
  expect(await text(leader.getByRole('alert').getByRole('link'))).toBe('Passordet må ha minst 12 tegn.');
  expect(await field(leader, 'Nytt passord').getAttribute('aria-invalid')).toBe('true');
  await checkA11y(leader, 'the set-password page with a too short password');
  await field(leader, 'Nytt passord').fill(PASSWORD);
  await field(leader, 'Gjenta passordet').fill(PASSWORD);
  await submitWith(leader, button(leader, 'Lagre passordet'));
  expect(pathOf(leader)).toBe('/oversikt');
  expect(await text(leader.locator('.who'))).toBe('Lise Leder (leder)');

  // Only the overview in the menu; only the demo wave, which has units under Solbakken.
  expect(await leader.getByRole('navigation', { name: 'Hovedmeny' }).getByRole('link').allTextContents()).toEqual(['Oversikt']);
  expect(await leader.locator('section.card').count()).toBe(1);
  const card = waveCard(leader, 'Arbeidsmiljøkartlegging (demo)');
  expect((await card.locator('li').allTextContents()).map((s) => s.trim())).toEqual(['Solbakken sykehjem: færre enn 5 svar av 36']);
  expect(await card.getByRole('link', { name: 'Administrer målingen' }).count()).toBe(0);
  const main = await text(leader.locator('main'));
  for (const other of ['Demo kommune', 'Helse og omsorg', 'Hjemmetjenesten', 'Nordby skole', 'Administrasjon']) expect(main, other).not.toContain(other);
  await checkA11y(leader, 'the overview of a leader');

  await card.getByRole('link', { name: 'Svarprosent per enhet' }).click();
  await leader.waitForURL(`**/malinger/${t.demo.waveId}/svar`);
  expect(await leader.locator('table.data tbody th[scope="row"]').allTextContents()).toEqual([
    'Solbakken sykehjem',
    'Solbakken, avdeling 1',
    'Solbakken, avdeling 2',
    'Solbakken, nattevakter',
  ]);
  await checkA11y(leader, 'the response-rate page of a leader');

  const forbidden = await leader.goto(`${e2e.base}/admin/enheter`);
  expect(forbidden?.status()).toBe(403);
  expect(await text(leader.locator('h1'))).toBe('Ingen tilgang');
  await checkA11y(leader, 'the 403 page');
});

test('the printable page for a unit shows its link and a QR code of it', async () => {
  const page = await e2e.newPage(DESKTOP);
  await logIn(page);
  await page.goto(`${e2e.base}/admin/malinger/${t.demo.waveId}`);
  expect(await text(page.locator('h1'))).toBe('Arbeidsmiljøkartlegging (demo)');
  await checkA11y(page, 'the demo wave page');
  await page.getByRole('link', { name: 'Utskrift med QR-kode Administrasjon', exact: true }).click();
  await page.waitForURL(`**/admin/malinger/${t.demo.waveId}/utskrift/administrasjon`);

  const url = `${e2e.base}/s/${t.code('administrasjon')}`;
  expect(await text(page.locator('h1'))).toBe('Hvordan har vi det på jobb?');
  expect(await text(page.locator('.print-sheet .lead'))).toBe('Arbeidsmiljøkartlegging for Administrasjon');
  expect(await text(page.locator('.print-url'))).toBe(url);
  const qr = page.getByRole('img', { name: 'QR-kode til undersøkelsen', exact: true });
  expect(await qr.locator('svg').count()).toBe(1);
  const box = await qr.locator('svg').boundingBox();
  expect(box?.width, 'the QR code is drawn large enough to scan').toBeGreaterThan(150);
  // The code drawn is the code of exactly this link.
  const drawn = await qr.locator('svg path').evaluateAll((ps) => ps.map((p) => p.getAttribute('d')));
  const expected = [...(await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })).matchAll(/ d="([^"]+)"/g)].map((m) => m[1]);
  expect(drawn).toEqual(expected);
  await checkA11y(page, 'the printable page');
});

test('keyboard: the login form is filled and submitted with the keyboard alone', async () => {
  const page = await e2e.newPage(DESKTOP);
  await page.goto(`${e2e.base}/innlogging`);
  const focused = (): Promise<{ id: string; outline: string }> =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return { id: el?.id ?? '', outline: el ? getComputedStyle(el).outlineStyle : '' };
    });
  let tabs = 0;
  // The skip link, the brand and the three languages come first.
  while ((await focused()).id !== 'username' && tabs < 8) {
    await page.keyboard.press('Tab');
    tabs++;
  }
  expect((await focused()).id, 'Tab reaches the username field').toBe('username');
  expect((await focused()).outline, 'focus is visible').not.toBe('none');
  await page.keyboard.type(ADMIN);
  await page.keyboard.press('Tab');
  expect((await focused()).id).toBe('password');
  await page.keyboard.type(PASSWORD);
  await submitWith(page, () => page.keyboard.press('Enter'));
  expect(pathOf(page)).toBe('/oversikt');
  expect(await text(page.locator('.who'))).toBe('Pia Prosjekt (prosjektleder)');
  await checkA11y(page, 'the overview after a keyboard login');
});
