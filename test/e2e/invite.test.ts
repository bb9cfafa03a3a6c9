// Invitations end to end in a real Chromium: a project leader imports contacts on the invitation
// page, sends; the SMTP server and the SMS gateway (real local servers) receive one personal link
// each; a respondent opens the link from a captured mail and answers; a reminder then reaches only
// those who have not answered. Every page is checked with axe. The send loop runs at a clock the
// test steps (no sleeps).
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { createApp } from '../../src/app.js';
import { hashPassword } from '../../src/auth/password.js';
import type { Scheduler } from '../../src/invite/scheduler.js';
import { createAccount } from '../../src/store/accounts.js';
import { createScheduler } from '../../src/invite/scheduler.js';
import { createTransports } from '../../src/invite/transport.js';
import { createWave, setWaveLanguages } from '../../src/store/waves.js';
import { waveResponseCount } from '../../src/store/waves.js';
import { bundledSurveys, makeTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD } from '../helpers/staff.js';
import { drain, inviteConfig, ManualClock } from '../invite/harness.js';
import { linkIn, useMailServers } from '../invite/servers.js';
import { checkA11y, pathOf, submitWith, text } from './browser.js';
import { useE2e } from './harness.js';

const ADMIN = 'pia.prosjekt';
let t: TestApp;
let waveId: number;
const clock = new ManualClock(Date.parse('2027-03-01T09:00:00Z'));
// Registered first, so the servers are up before the app is built.
const servers = useMailServers();

const e2e = useE2e({
  async serve() {
    t = makeTestApp({ file: true });
    createAccount(t.db, { username: ADMIN, displayName: 'Pia Prosjekt', role: 'admin', passwordHash: await hashPassword(PASSWORD) });
    const raus = bundledSurveys().get('raus');
    if (!raus) throw new Error('no RAUS survey');
    waveId = createWave(t.db, { name: 'RAUS-måling', surveyId: raus.id, surveyVersion: raus.version, unitIds: ['solbakken_avd1', 'nordby_skole'], linkMode: 'token', status: 'open', closesOn: '2099-03-14' });
    return createApp({ db: t.db, config: inviteConfig(servers.mailbox, servers.gateway, { DATABASE_PATH: t.config.DATABASE_PATH }), clock: clock.read });
  },
  close() {
    t?.close();
  },
});

const button = (page: Page, name: string): Locator => page.getByRole('button', { name, exact: true });

let scheduler: Scheduler | undefined;
/** sendAll runs the send loop (the one the server starts) until the queue is empty. */
async function sendAll(): Promise<void> {
  scheduler ??= createScheduler({ db: t.db, config: inviteConfig(servers.mailbox, servers.gateway), clock: clock.read, transports: createTransports(inviteConfig(servers.mailbox, servers.gateway)), baseUrl: e2e.base });
  await drain(t.db, scheduler, clock);
}

/** answerRaus answers the four statements on the page it is on (the welcome page) and submits. */
async function answerRaus(page: Page): Promise<void> {
  await submitWith(page, button(page, 'Start undersøkelsen'));
  for (let n = 0; n < 5 && !pathOf(page).endsWith('/oppsummering'); n++) {
    const groups = page.locator('form .q .options');
    for (let g = 0, count = await groups.count(); g < count; g++) if (await groups.nth(g).isVisible()) await groups.nth(g).locator('.option label').first().click();
    await submitWith(page, button(page, (await button(page, 'Til oppsummeringen').count()) > 0 ? 'Til oppsummeringen' : 'Neste'));
  }
  await submitWith(page, button(page, 'Send inn svarene'));
  expect(await text(page.locator('h1'))).toBe('Takk for svaret ditt!');
}

test('import, send, answer from the mailed link, remind: only the non-respondents get the reminder', async () => {
  const page = await e2e.newPage();
  await page.goto(`${e2e.base}/innlogging`);
  await page.getByLabel('Brukernavn', { exact: true }).fill(ADMIN);
  await page.getByLabel('Passord', { exact: true }).fill(PASSWORD);
  await submitWith(page, button(page, 'Logg inn'));

  await e2e.visit(page, `/admin/malinger/${waveId}`);
  await page.getByRole('link', { name: /^Invitasjoner og påminnelser/ }).click();
  expect(pathOf(page)).toBe(`/admin/malinger/${waveId}/invitasjoner`);
  await checkA11y(page, 'the invitation page');

  // A typo first: the problem report names the line, nothing is stored.
  await page.getByLabel('Eller skriv eller lim inn', { exact: true }).fill('enhet;e-post;mobil\nsolbakken_avd1;kari@kommune.test;\nsolbakken_avd1;ola(at)kommune.test;\nnordby_skole;;912 34 567');
  expect((await submitWith(page, button(page, 'Forhåndsvis'))).status()).toBe(422);
  expect(await text(page.locator('.error-summary li'))).toBe('Linje 3: «ola(at)kommune.test» er ikke en gyldig e-postadresse');
  await checkA11y(page, 'the contact import with a problem');
  await page.getByLabel('Eller skriv eller lim inn', { exact: true }).fill('enhet;e-post;mobil\nsolbakken_avd1;kari@kommune.test;\nsolbakken_avd1;ola@kommune.test;\nnordby_skole;;912 34 567');
  expect((await submitWith(page, button(page, 'Forhåndsvis'))).status()).toBe(200);
  expect(await text(page.getByText('3 kontakter kan legges til.'))).toBe('3 kontakter kan legges til.');
  await checkA11y(page, 'the contact preview');
  await submitWith(page, button(page, 'Legg til kontaktene'));
  expect(await text(page.locator('#contact-counts'))).toBe('3 kontakter: 2 med e-post, 1 med bare mobilnummer, 0 uten adresse (brev).');

  await submitWith(page, button(page, 'Send invitasjoner'));
  await sendAll();
  expect(servers.mailbox.mails.map((m) => m.to).sort()).toEqual(['kari@kommune.test', 'ola@kommune.test']);
  expect(servers.gateway.messages.map((m) => m.to)).toEqual(['+4791234567']);
  await page.reload();
  const row = page.locator('#jobs tbody tr').first();
  expect(await row.locator('td').allTextContents()).toEqual(['Invitasjon', expect.any(String), 'Ferdig', '3', '3', '0', '0', '0']);
  await checkA11y(page, 'the invitation page with a finished job');

  // Kari opens her link from the mail and answers.
  const kari = servers.mailbox.mails.find((m) => m.to === 'kari@kommune.test');
  const respondent = await e2e.newPage();
  const link = linkIn(kari?.text ?? '');
  await respondent.goto(link.replace(/^https?:\/\/[^/]+/, e2e.base));
  await checkA11y(respondent, 'the welcome page from a mailed link');
  await answerRaus(respondent);
  expect(waveResponseCount(t.db, waveId)).toBe(1);
  // The contacts' references appear only in the contact and token tables: no response, answer or
  // other row carries one, so the used flag is all a contact shares with the answers.
  const refs = (t.db.prepare('SELECT token_ref FROM contact WHERE wave_id = ?').all(waveId) as { token_ref: string }[]).map((r) => r.token_ref);
  expect(refs).toHaveLength(3);
  const tables = (t.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('contact', 'token')").all() as { name: string }[]).map((r) => r.name);
  const rest = tables.map((name) => JSON.stringify(t.db.prepare(`SELECT * FROM "${name}"`).all())).join('\n');
  for (const ref of refs) expect(rest).not.toContain(ref);

  servers.mailbox.mails.length = 0;
  servers.gateway.messages.length = 0;
  await submitWith(page, button(page, 'Send påminnelse nå'));
  await sendAll();
  expect(servers.mailbox.mails.map((m) => `${m.to}: ${m.subject}`)).toEqual(['ola@kommune.test: Påminnelse: RAUS-måling']);
  expect(servers.gateway.messages.map((m) => m.to)).toEqual(['+4791234567']);
  await page.reload();
  // Two reminders, fewer than k: the row says so instead of counting (a count of a few tells too much).
  expect(await page.locator('#jobs tbody tr').first().locator('td').allTextContents()).toEqual(['Påminnelse', expect.any(String), 'Ferdig', 'færre enn 5 påminnelser']);
  // Staff see counts only: no address on the page.
  expect(await page.content()).not.toContain('kommune.test');
  await checkA11y(page, 'the invitation page after the reminder');
}, 120_000);

test('a wave in three languages shows the message texts side by side; axe is clean at 390 and 1280 px', async () => {
  setWaveLanguages(t.db, waveId, ['nb', 'en', 'pl'], 'nb');
  for (const width of [390, 1280]) {
    const page = await e2e.newPage({ viewport: { width, height: 900 } });
    await page.goto(`${e2e.base}/innlogging`);
    await page.getByLabel('Brukernavn', { exact: true }).fill(ADMIN);
    await page.getByLabel('Passord', { exact: true }).fill(PASSWORD);
    await submitWith(page, button(page, 'Logg inn'));
    await e2e.visit(page, `/admin/malinger/${waveId}/invitasjoner`);
    expect(await page.getByLabel('Tekst (Polski)').first().inputValue()).toContain('Zapraszamy do udziału');
    const columns = page.locator('fieldset').first().locator('.template-language');
    expect(await columns.count()).toBe(3);
    const [a, b] = [await columns.nth(0).boundingBox(), await columns.nth(1).boundingBox()];
    // Side by side where there is room, one under the other on a phone.
    if (width === 1280) expect(b?.y).toBe(a?.y);
    else expect((b?.y ?? 0) > (a?.y ?? 0)).toBe(true);
    await checkA11y(page, `the invitation texts in three languages at ${width} px`);
    if (process.env.SHOTS_DIR) await page.locator('form[aria-labelledby="templates-title"]').screenshot({ path: path.join(process.env.SHOTS_DIR, `${width}-invitation-texts.png`) });
  }
}, 120_000);
