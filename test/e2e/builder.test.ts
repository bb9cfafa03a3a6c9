// End-to-end: a project leader builds a small survey in the browser (every item type, a factor and
// a condition, chosen from lists), sees a mistake reported at its field, saves a version, previews
// it at phone width with the condition live, opens a wave with it, a respondent answers through the
// link on a phone (told on the welcome page about the background question), and after the close the project leader sees the factor in the results. axe runs
// on every builder page; no page may report a console error (the CSP allows no inline script).
// With SHOTS_DIR set, the builder pages are also saved as screenshots at 390 and 1280 px.
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import request from 'supertest';
import { expect, test } from 'vitest';
import { getSurveyVersion } from '../../src/store/survey-versions.js';
import { sectionBody, encode } from '../helpers/answers.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { checkA11y, DESKTOP, pathOf, PHONE, submitWith, text } from './browser.js';
import { createStaff, staffSessions, useE2e, watch } from './harness.js';

const ACCOUNTS = {
  admin: { username: 'pia.prosjekt', displayName: 'Pia Prosjekt', role: 'admin', unitIds: [] as string[], who: 'Pia Prosjekt (prosjektleder)' },
} as const;

let t: TestApp;
const e2e = useE2e({
  async serve() {
    // In memory: a closed wave's tallies are computed in place, so the results are there at once.
    t = makeTestApp();
    await createStaff(t.db, ACCOUNTS);
    return t.app;
  },
  close: () => t?.close(),
});
const session = staffSessions(e2e, ACCOUNTS);
const SHOTS_DIR = process.env.SHOTS_DIR;

const button = (page: Page, name: string): Locator => page.getByRole('button', { name, exact: true });
const field = (page: Page, label: string): Locator => page.getByLabel(label, { exact: true });

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS_DIR) return;
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: path.join(SHOTS_DIR, `builder-${width}-${name}.png`), fullPage: true });
}

/** addItem adds a question of a type to the first part through its form and saves it. */
async function addItem(page: Page, typeLabel: string, fill: () => Promise<void>): Promise<void> {
  await page.getByLabel('Nytt spørsmål av typen').first().selectOption({ label: typeLabel });
  await submitWith(page, page.getByRole('button', { name: /^Legg til spørsmål/ }).first());
  await checkA11y(page, `the new ${typeLabel} question`);
  await fill();
  const response = await submitWith(page, button(page, 'Lagre spørsmålet'));
  expect(response.status(), `saving the ${typeLabel} question`).toBe(200);
  expect(pathOf(page)).toBe('/admin/skjema/lokal');
}

test('build a survey with every item type, preview it on a phone, answer it through a wave and see the results', async () => {
  const { page, errors } = watch(await e2e.newPage({ ...DESKTOP, storageState: await session('admin') }));
  await e2e.visit(page, '/admin/skjema');
  await checkA11y(page, 'the builder list');
  await shot(page, '1-list');
  await field(page, 'Kortnavn').fill('lokal');
  await field(page, 'Tittel').fill('Lokal kartlegging');
  await submitWith(page, button(page, 'Opprett'));
  expect(pathOf(page)).toBe('/admin/skjema/lokal');
  expect(await text(page.locator('.problems'))).toContain('Del 1: delen har ingen spørsmål ennå');
  await checkA11y(page, 'a new survey');

  // Scale and factor.
  await page.getByRole('link', { name: 'Skalaer og faktorer' }).click();
  await page.waitForURL('**/skalaer');
  await checkA11y(page, 'scales and factors');
  const scale = page.locator('section', { has: page.getByRole('heading', { name: 'Ny skala' }) });
  await scale.getByLabel('Kortnavn for skalaen').fill('enig5');
  const labels = ['Helt uenig', 'Litt uenig', 'Verken enig eller uenig', 'Litt enig', 'Helt enig'];
  for (const [i, label] of labels.entries()) {
    await scale.getByLabel(`Verdi for punkt ${i + 1}`, { exact: true }).fill(String(i + 1));
    await scale.getByLabel(`Tekst for punkt ${i + 1}`, { exact: true }).fill(label);
  }
  await scale.getByLabel('Tekst for «vet ikke» (valgfri)').fill('Vet ikke');
  await submitWith(page, scale.getByRole('button', { name: 'Lagre skalaen' }));
  await field(page, 'Kortnavn for faktor 1').fill('trivsel');
  await field(page, 'Navn på faktor 1').fill('Trivsel');
  await submitWith(page, button(page, 'Lagre faktorene'));
  expect(await page.getByRole('heading', { name: 'Skala enig5' }).count()).toBe(1);
  await shot(page, '2-parts');
  await page.getByRole('link', { name: /lokal/ }).first().click();
  await page.waitForURL('**/admin/skjema/lokal');

  // A mistake is reported at its field, with the rest kept.
  await page.getByLabel('Nytt spørsmål av typen').first().selectOption({ label: 'enighetsskala' });
  await submitWith(page, page.getByRole('button', { name: /^Legg til spørsmål/ }).first());
  await field(page, 'Kortnavn for spørsmålet').fill('trives');
  await field(page, 'Hjelpetekst (valgfri)').fill('Tenk på de siste fire ukene.');
  const bad = await submitWith(page, button(page, 'Lagre spørsmålet'));
  expect(bad.status()).toBe(422);
  expect(await text(page.locator('#e-text'))).toContain('Skriv spørsmålsteksten.');
  expect(await page.locator('#text').getAttribute('aria-invalid')).toBe('true');
  expect(await field(page, 'Hjelpetekst (valgfri)').inputValue()).toBe('Tenk på de siste fire ukene.');
  expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
  await checkA11y(page, 'a question with a mistake');
  await shot(page, '3-item-error');
  await field(page, 'Spørsmålstekst (bokmål)').fill('Jeg trives på jobben');
  await field(page, 'Faktor').selectOption('trivsel');
  await field(page, 'Må besvares').check();
  await submitWith(page, button(page, 'Lagre spørsmålet'));
  expect(pathOf(page)).toBe('/admin/skjema/lokal');

  await addItem(page, 'skala 0–10', async () => {
    await field(page, 'Spørsmålstekst (bokmål)').fill('Hvor godt trives du alt i alt?');
    await field(page, 'Tekst ved laveste verdi').fill('Svært dårlig');
    await field(page, 'Tekst ved høyeste verdi').fill('Svært godt');
  });
  await addItem(page, 'ett valg', async () => {
    await field(page, 'Kortnavn for spørsmålet').fill('turnus');
    await field(page, 'Spørsmålstekst (bokmål)').fill('Jobber du turnus?');
    await field(page, 'Kortnavn for alternativ 1').fill('ja');
    await field(page, 'Tekst for alternativ 1').fill('Ja');
    await field(page, 'Kortnavn for alternativ 2').fill('nei');
    await field(page, 'Tekst for alternativ 2').fill('Nei');
    await page.getByLabel(/^Bakgrunnsspørsmål/).check();
  });
  await addItem(page, 'fritekst', async () => {
    await field(page, 'Kortnavn for spørsmålet').fill('natt');
    await field(page, 'Spørsmålstekst (bokmål)').fill('Hva gjør turnusen krevende?');
    // Conditions are chosen from earlier questions and their answers, never typed.
    await field(page, 'Vis spørsmålet').selectOption({ label: 'Jobber du turnus? = Ja' });
  });
  await addItem(page, 'flere valg', async () => {
    await field(page, 'Spørsmålstekst (bokmål)').fill('Hva gir deg energi?');
    await field(page, 'Kortnavn for alternativ 1').fill('kolleger');
    await field(page, 'Tekst for alternativ 1').fill('Kolleger');
    await field(page, 'Kortnavn for alternativ 2').fill('oppgaver');
    await field(page, 'Tekst for alternativ 2').fill('Oppgavene');
  });
  await addItem(page, 'tall', async () => {
    await field(page, 'Spørsmålstekst (bokmål)').fill('Hvor mange vakter har du i måneden?');
    await field(page, 'Enhet (f.eks. %)').fill('vakter');
  });
  await addItem(page, 'nå og ønsket', async () => {
    await field(page, 'Spørsmålstekst (bokmål)').fill('Jeg får være med på å planlegge arbeidet');
    await field(page, 'Faktor').selectOption('trivsel');
  });
  expect(await page.locator('ol.builder-items > li').count()).toBe(7);
  // Moved with the keyboard: focus the button and press Enter.
  await page.locator('#q-natt').getByRole('button', { name: /^Flytt ned/ }).focus();
  await submitWith(page, () => page.keyboard.press('Enter'));
  expect(await page.locator('ol.builder-items > li').nth(4).getAttribute('id')).toBe('q-natt');
  expect(await text(page.locator('#problems-title + p'))).toBe('Skjemaet er gyldig og kan lagres som versjon.');
  await checkA11y(page, 'the survey with seven questions');
  await shot(page, '4-overview');
  await submitWith(page, button(page, 'Lagre versjon'));
  expect(await text(page.getByRole('status'))).toContain('Lagret som versjon 1');
  const survey = getSurveyVersion(t.db, 'lokal', 1);
  expect(survey?.items.map((i) => i.type)).toEqual(['likert', 'scale', 'single', 'multi', 'text', 'number', 'nowDesired']);
  await page.getByRole('link', { name: 'Versjoner og endringer' }).click();
  await page.waitForURL('**/versjoner');
  await checkA11y(page, 'the versions page');

  // Preview on a phone: the respondent page, with the condition live.
  const phone = watch(await e2e.newPage({ ...PHONE, storageState: await session('admin') }));
  await e2e.visit(phone.page, '/admin/skjema/lokal/forhandsvis');
  expect(await text(phone.page.locator('h1'))).toBe('Del 1');
  const natt = phone.page.locator('.q[data-item="natt"]');
  expect(await natt.isVisible()).toBe(false);
  await phone.page.locator('.q[data-item="turnus"]').getByText('Ja', { exact: true }).click();
  expect(await natt.isVisible()).toBe(true);
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'no sideways scrolling at 390 px').toBeLessThanOrEqual(0);
  await checkA11y(phone.page, 'the preview at 390 px');
  await shot(phone.page, '5-preview');
  await phone.page.getByRole('link', { name: 'Se velkomstsiden' }).click();
  await phone.page.waitForURL('**/forhandsvis/nb/velkommen');
  expect(await text(phone.page.locator('h1'))).toBe('Lokal kartlegging');
  await checkA11y(phone.page, 'the welcome page preview at 390 px');
  for (const [name, url] of [['list', '/admin/skjema'], ['overview', '/admin/skjema/lokal'], ['item', '/admin/skjema/lokal/sporsmal/turnus'], ['parts', '/admin/skjema/lokal/skalaer'], ['delete', '/admin/skjema/lokal/slett']]) {
    await e2e.visit(phone.page, url!);
    await checkA11y(phone.page, `the builder ${name} page at 390 px`);
    await shot(phone.page, `6-${name}`);
  }

  // A wave with the new survey; a respondent answers through the link on a phone.
  await e2e.visit(page, '/admin/malinger/ny');
  await field(page, 'Navn på målingen').fill('Lokal kartlegging våren');
  await field(page, 'Spørreskjema').selectOption('lokal@1');
  await page.getByLabel('Solsikken, blå avdeling').check();
  // The survey is in bokmål only; the form offers every language of the surveys it lists.
  for (const box of await page.locator('input[name="languages"]:not([value="nb"])').all()) await box.uncheck();
  expect((await submitWith(page, button(page, 'Opprett måling'))).status()).toBe(200);
  const waveId = Number(/^\/admin\/malinger\/(\d+)$/.exec(pathOf(page))?.[1]);
  await submitWith(page, button(page, 'Åpne målingen'));
  const link = await field(page, 'Lenke for Solsikken, blå avdeling').inputValue();
  const respondent = await e2e.newPage(PHONE);
  await respondent.goto(link);
  // The welcome page says which background question is asked, and why.
  expect(await text(respondent.locator('section[aria-labelledby="background-title"]'))).toContain('Jobber du turnus?');
  await checkA11y(respondent, 'the welcome page with a background question');
  await submitWith(respondent, button(respondent, 'Start undersøkelsen'));
  const q = (id: string): Locator => respondent.locator(`.q[data-item="${id}"]`);
  await q('trives').getByText('Litt enig', { exact: true }).click();
  await q('del_1_scale').locator('.option label').nth(8).click();
  await q('turnus').getByText('Ja', { exact: true }).click();
  await q('natt').locator('textarea').fill('Mange helgevakter.');
  await q('del_1_multi').getByText('Kolleger', { exact: true }).click();
  await q('del_1_number').locator('input').fill('12');
  for (const group of await q('del_1_nowdesired').locator('.options').all()) await group.locator('.option label').nth(3).click();
  await submitWith(respondent, button(respondent, 'Til oppsummeringen'));
  await submitWith(respondent, button(respondent, 'Send inn svarene'));
  expect(await text(respondent.locator('h1'))).toBe('Takk for svaret ditt!');

  // Four colleagues answer too (through the same routes), so the unit reaches k = 5.
  const code = new URL(link).pathname.split('/').pop()!;
  for (let n = 0; n < 4; n++) {
    const agent = request.agent(t.app);
    await agent.post(`/s/${code}/start`).type('form').send('');
    const section = survey!.sections[0]!;
    expect((await agent.post(`/s/${code}/del/${section.id}`).type('form').send(encode(sectionBody(section, { turnus: 'nei' })))).status).toBe(303);
    expect((await agent.post(`/s/${code}/send`).type('form').send('')).status).toBe(303);
  }
  await e2e.visit(page, `/admin/malinger/${waveId}`);
  await submitWith(page, button(page, 'Avslutt målingen'));
  await submitWith(page, button(page, 'Ja, avslutt målingen'));
  await e2e.visit(page, `/resultater/${waveId}/enhet/solsikken_bla`);
  expect(await text(page.locator('main'))).toContain('Trivsel');
  await shot(page, '7-results');

  // Translations side by side: with English added, every text has its field beside the bokmål.
  await e2e.visit(page, '/admin/skjema/lokal');
  await field(page, 'English').check();
  await submitWith(page, button(page, 'Lagre innstillinger'));
  await page.getByRole('link', { name: 'Oversett til English' }).click();
  await page.waitForURL('**/oversett/en');
  await field(page, 'Jobber du turnus?').fill('Do you work shifts?');
  await submitWith(page, button(page, 'Lagre oversettelsene'));
  expect(await field(page, 'Jobber du turnus?').inputValue()).toBe('Do you work shifts?');
  await checkA11y(page, 'the translation page');
  await shot(page, '8-translate');

  // English dropped again; a changed scale in use makes version 2, and the diff says which
  // questions can no longer be compared before/after.
  await e2e.visit(page, '/admin/skjema/lokal');
  await field(page, 'English').uncheck();
  await submitWith(page, button(page, 'Lagre innstillinger'));
  await e2e.visit(page, '/admin/skjema/lokal/skalaer');
  const enig = page.locator('section', { has: page.getByRole('heading', { name: 'Skala enig5' }) });
  await enig.getByLabel('Tekst for punkt 3', { exact: true }).fill('Nøytral');
  await submitWith(page, enig.getByRole('button', { name: 'Lagre skalaen' }));
  const inUse = await submitWith(page, page.getByRole('button', { name: 'Slett skalaen enig5' }));
  expect(inUse.status()).toBe(422);
  expect(await text(page.locator('#e-remove-scale-enig5'))).toContain('Skalaen brukes av 2 spørsmål');
  await checkA11y(page, 'scales with a refused removal');
  await e2e.visit(page, '/admin/skjema/lokal');
  await submitWith(page, button(page, 'Lagre versjon'));
  expect(await text(page.getByRole('status'))).toContain('Lagret som versjon 2');
  await page.getByRole('link', { name: 'Versjoner og endringer' }).click();
  await page.waitForURL('**/versjoner');
  const diff = page.locator('table.diff');
  expect(await text(diff.locator('tr', { hasText: 'trives' }))).toContain('Kan ikke sammenlignes: svaralternativene er endret');
  expect(await diff.locator('tr', { hasText: 'turnus' }).count()).toBe(0);
  await checkA11y(page, 'the diff between two versions');
  await shot(page, '9-diff');
  // Chromium reports the 422 of the deliberate mistake as a console error; nothing else may fail.
  expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
  expect(phone.errors).toEqual([]);
});
