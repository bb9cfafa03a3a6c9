// End-to-end tests of the follow-up pages in a real Chromium against the real app: a representative
// of a unit hidden in the results (its dialogue builds on the parent's results), a leader scoped to
// Solbakken choosing strengths and areas and recording, correcting and finishing an action on a
// phone, the printable dialogue-meeting page (screen, print media and a PDF), the project leader's
// overview with the actions CSV, and a leader of another unit who gets no access. Every page
// visited is checked with axe.
// One server and one browser for the file; the app runs on an in-memory database with the demo
// organisation and its history (a closed wave with follow-ups on some units). Staff log in through
// /innlogging once per account; each test gets fresh browser contexts carrying that session. The
// tests that read the whole wave (dialogue, overview, CSV) take their expectations from the
// database, so they hold whether or not the phone walk-through ran before them.
import fs from 'node:fs';
import type { BrowserContextOptions, Locator } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { addDays, today } from '../../src/clock.js';
import { formatDay } from '../../src/web/dates.js';
import { testConfig } from '../../src/config.js';
import type { Db } from '../../src/store/db.js';
import { getFollowup, isOverdue, listActions, listFollowups } from '../../src/store/followups.js';
import { listUnits } from '../../src/store/units.js';
import { getWave } from '../../src/store/waves.js';
import { nb } from '../../src/web/i18n/nb.js';
import type { Survey } from '../../src/survey/model.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { checkA11y, DESKTOP, parseCsv, pathOf, PHONE, readTable, submitWith, text } from './browser.js';
import { createStaff, staffSessions, useE2e, watch, type Watched } from './harness.js';

/** The project leader, a leader scoped to Solbakken sykehjem, a representative of Solbakken's
 *  avdeling 2 (hidden in the results) and a leader of Oppvekst (outside Solbakken). */
const ACCOUNTS = {
  admin: { username: 'pia.prosjekt', displayName: 'Pia Prosjekt', role: 'admin', unitIds: [] as string[], who: 'Pia Prosjekt (prosjektleder)' },
  leader: { username: 'lise.leder', displayName: 'Lise Leder', role: 'leader', unitIds: ['solbakken'], who: 'Lise Leder (leder)' },
  rep: { username: 'rita.rep', displayName: 'Rita Representant', role: 'representative', unitIds: ['solbakken_avd2'], who: 'Rita Representant (tillitsvalgt/verneombud)' },
  other: { username: 'ola.oppvekst', displayName: 'Ola Oppvekst', role: 'leader', unitIds: ['oppvekst'], who: 'Ola Oppvekst (leder)' },
} as const;
type Who = keyof typeof ACCOUNTS;

const STRENGTHS = 'Styrker vi vil ta vare på';
const AREAS = 'Områder vi vil forbedre';
const PARENT_BASIS = 'Enheten har for få svar til egne resultater, så dialogen bygger på resultatene for Solbakken sykehjem.';
const PROMPT_BEST = 'Hvordan er det hos oss når det er som best?';
const PROMPT_SIGN = 'Hva er det første lille tegnet på at vi er på rett vei?';
const WHAT_MISSING = 'Skriv hva som skal gjøres (høyst 500 tegn).';
const CSV_LINK = 'Last ned alle tiltak (CSV)';
/** The demo's actions on the last closed wave (src/demo.ts). */
const DEMO_ACTIONS = [
  { unit: 'solbakken_avd1', what: 'Fem minutter «dagens gode ting» på personalmøtet', status: 'done' },
  { unit: 'solbakken_avd1', what: 'Prøve 15 minutters overlapp mellom kveld og natt', status: 'in_progress' },
  { unit: 'nordby_skole', what: 'Faste samarbeidstider for trinnene', status: 'planned' },
];
const OVERDUE_DEMO = 'Prøve 15 minutters overlapp mellom kveld og natt';

let t: HistoryApp;
let db: Db;
let survey: Survey;
let wave = 0;
let waveName = '';
let day = '';

const e2e = useE2e({
  async serve() {
    day = today(testConfig().TIME_ZONE);
    t = makeHistoryApp({ day });
    db = t.db;
    survey = t.survey;
    wave = t.closedWaveId;
    waveName = getWave(db, wave)?.name ?? '';
    await createStaff(db, ACCOUNTS);
    return t.app;
  },
  close: () => t?.close(),
});

// ---------------------------------------------------------------------------------------------
// Helpers

const unitPath = (unit: string, tail = ''): string => `/oppfolging/${wave}/enhet/${encodeURIComponent(unit)}${tail}`;
const overviewPath = (): string => `/oppfolging/${wave}`;
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const focused = (locator: Locator): Promise<boolean> => locator.evaluate((el) => el === document.activeElement);

/** session logs the account in once per file; axe checks the login page only at the first login. */
const session = staffSessions(e2e, ACCOUNTS, { loginPageOnce: true });

/** newPage opens a signed-in page in a fresh context, recording console and page errors. */
async function newPage(who: Who, options: BrowserContextOptions = DESKTOP): Promise<Watched> {
  const page = await e2e.newPage({ ...options, acceptDownloads: true, storageState: await session(who) });
  page.setDefaultTimeout(10_000);
  return watch(page);
}

/** A figure as the pages write it ("3,9") as a number. */
const figure = (s: string): number => Number(s.replace(',', '.'));

interface Option {
  id: string;
  label: string;
  mean: number;
  checked: boolean;
  /** Factors first, then a few statements (marked "påstand" beside the mean). */
  statement: boolean;
}

/** options reads a choice group's checkboxes: value, label text (without the mean), mean, state. */
function options(group: Locator): Promise<Option[]> {
  return group.locator('input[type="checkbox"]').evaluateAll((els) =>
    els.map((el) => {
      const input = el as HTMLInputElement;
      const label = input.labels?.[0];
      const name = label?.querySelector('[lang]')?.textContent?.trim() ?? '';
      const muted = label?.querySelector('.muted')?.textContent ?? '';
      const mean = /(\d+,\d)\)$/.exec(muted.trim())?.[1] ?? '';
      return { id: input.value, label: name, mean: Number(mean.replace(',', '.')), checked: input.checked, statement: muted.includes('påstand') };
    }),
  );
}

/** The checkbox of a choice, found as a user finds it: by its label (the name, then the mean). */
const checkbox = (group: Locator, label: string): Locator => group.getByRole('checkbox', { name: new RegExp(`^${escapeRe(label)} \\(`) });

/** listTexts reads the text of each list item under a locator. */
const listTexts = (locator: Locator): Promise<string[]> => locator.locator('li').evaluateAll((els) => els.map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim()));

// ---------------------------------------------------------------------------------------------
// 1. A unit's follow-up page

describe("a unit's follow-up", () => {
  test('a representative of a unit hidden in the results gets a follow-up that builds on the parent unit', async () => {
    const { page, errors } = await newPage('rep', PHONE);
    await e2e.visit(page, unitPath('solbakken_avd2'));
    expect(await text(page.locator('h1'))).toBe('Oppfølging: Solbakken, avdeling 2');
    expect(await text(page.getByRole('status')), 'the page says whose results the dialogue uses').toBe(PARENT_BASIS);
    const results = page.getByRole('link', { name: 'Resultatene for Solbakken sykehjem', exact: true });
    expect(await results.getAttribute('href'), "the results link is the parent's").toBe(`/resultater/${wave}/enhet/solbakken`);
    const strengths = await options(page.getByRole('group', { name: STRENGTHS, exact: true }));
    expect(strengths.filter((o) => !o.statement).length, "the parent's factors to choose from").toBe(survey.factors.length);
    expect(strengths.filter((o) => o.statement).length, "and the parent's highest statements").toBe(5);
    expect(await page.getByRole('form', { name: 'Nytt tiltak', exact: true }).count(), 'the representative may add actions').toBe(1);
    await checkA11y(page, "the follow-up of a unit hidden in the results (representative, phone)");

    await submitWith(page, () => page.getByRole('link', { name: 'Side for dialogmøtet (utskrift)', exact: true }).click());
    expect(pathOf(page)).toBe(unitPath('solbakken_avd2', '/dialog'));
    expect(await text(page.locator('main > p').first())).toBe(`${waveName} · ${PARENT_BASIS}`);
    await checkA11y(page, 'the dialogue page of a unit hidden in the results');
    expect(errors).toEqual([]);
  });

  test('a leader chooses strengths and areas, adds an action with the keyboard after a validation error, and completes it (phone)', async () => {
    const { page, errors } = await newPage('leader', PHONE);
    // From the leader's overview to the unit.
    await e2e.visit(page, overviewPath());
    const overview = await readTable(page.getByRole('table', { name: 'Oppfølging etter kartleggingen', exact: true }));
    expect(overview.rows.map((r) => r.label.replace(/ \(bruker resultatene over\)$/, '')), 'the leader sees Solbakken and its units').toEqual([
      'Solbakken sykehjem',
      'Solbakken, avdeling 1',
      'Solbakken, avdeling 2',
      'Solbakken, nattevakter',
    ]);
    expect(await page.getByRole('link', { name: CSV_LINK }).count(), 'no CSV of all actions for a leader').toBe(0);
    expect(await page.getByRole('heading', { name: 'Faktorer uten tiltak' }).count(), 'the steering-group view is for the project leader').toBe(0);
    await checkA11y(page, "the leader's follow-up overview (phone)");
    await submitWith(page, () => page.getByRole('link', { name: 'Solbakken, avdeling 1', exact: true }).click());
    expect(pathOf(page)).toBe(unitPath('solbakken_avd1'));
    expect(await text(page.locator('h1'))).toBe('Oppfølging: Solbakken, avdeling 1');
    expect(await page.getByRole('status').count(), 'a unit with its own results: no parent notice').toBe(0);
    expect(await text(page.getByRole('form', { name: new RegExp(`^${escapeRe(OVERDUE_DEMO)}`) }).locator('h3')), "the demo's overdue action is marked").toBe(`${OVERDUE_DEMO} forfalt`);
    await checkA11y(page, "the unit's follow-up page with the demo's choices (phone)");

    // Strengths and areas: two checked boxes each, plus one strength in own words.
    const strengthGroup = page.getByRole('group', { name: STRENGTHS, exact: true });
    const areaGroup = page.getByRole('group', { name: AREAS, exact: true });
    const strengthOptions = (await options(strengthGroup)).filter((o) => !o.statement);
    const areaOptions = (await options(areaGroup)).filter((o) => !o.statement);
    const strengthStatements = (await options(strengthGroup)).filter((o) => o.statement);
    const areaStatements = (await options(areaGroup)).filter((o) => o.statement);
    expect(strengthOptions.map((o) => o.mean), 'strengths are offered highest first').toEqual([...strengthOptions.map((o) => o.mean)].sort((a, b) => b - a));
    expect(areaOptions.map((o) => o.mean), 'areas are offered lowest first').toEqual([...areaOptions.map((o) => o.mean)].sort((a, b) => a - b));
    expect(strengthStatements.map((o) => o.mean), 'statements among strengths: highest first').toEqual([...strengthStatements.map((o) => o.mean)].sort((a, b) => b - a));
    expect(areaStatements.map((o) => o.mean), 'statements among areas: lowest first').toEqual([...areaStatements.map((o) => o.mean)].sort((a, b) => a - b));
    const pickStrengths = strengthOptions.slice(0, 2);
    const pickAreas = areaOptions.slice(0, 2);
    expect(new Set([...pickStrengths, ...pickAreas].map((o) => o.id)).size, 'four different factors').toBe(4);
    const ownStrength = 'Vi ler mye sammen i lunsjen';
    for (const o of strengthOptions) if (o.checked) await checkbox(strengthGroup, o.label).uncheck();
    for (const o of areaOptions) if (o.checked) await checkbox(areaGroup, o.label).uncheck();
    for (const o of pickStrengths) await checkbox(strengthGroup, o.label).check();
    for (const o of pickAreas) await checkbox(areaGroup, o.label).check();
    await strengthGroup.getByLabel('Med egne ord', { exact: true }).fill(ownStrength);
    await areaGroup.getByLabel('Med egne ord', { exact: true }).fill('');
    const saved = await submitWith(page, page.getByRole('button', { name: 'Lagre valgene', exact: true }));
    expect(saved.status()).toBe(200);
    expect(pathOf(page)).toBe(unitPath('solbakken_avd1'));
    const checked = async (group: Locator): Promise<string[]> => (await options(group)).filter((o) => o.checked).map((o) => o.id);
    expect(await checked(strengthGroup), 'the chosen strengths are kept').toEqual(pickStrengths.map((o) => o.id));
    expect(await checked(areaGroup), 'the chosen areas are kept').toEqual(pickAreas.map((o) => o.id));
    expect(await strengthGroup.getByLabel('Med egne ord', { exact: true }).inputValue(), 'the own wording is kept').toBe(ownStrength);
    expect(await areaGroup.getByLabel('Med egne ord', { exact: true }).inputValue()).toBe('');
    expect(await text(page.getByText(/^Sist lagret av /)), 'who saved last').toBe(`Sist lagret av Lise Leder ${formatDay(day)}.`);
    expect(getFollowup(db, wave, 'solbakken_avd1'), 'stored as chosen').toMatchObject({
      strengths: [...pickStrengths.map((o) => ({ ref: o.id, text: o.label })), { text: ownStrength }],
      areas: pickAreas.map((o) => ({ ref: o.id, text: o.label })),
      updatedBy: 'Lise Leder',
    });
    await checkA11y(page, 'the follow-up page after saving the choices (phone)');

    // A new action without "Hva skal gjøres": the error summary takes focus and leads to the field.
    const what = 'Månedlig tavlemøte om arbeidsmengde';
    const factor = pickAreas[0] as Option;
    const due = addDays(day, 90);
    const form = page.getByRole('form', { name: 'Nytt tiltak', exact: true });
    await form.getByLabel('Faktor tiltaket gjelder', { exact: true }).selectOption({ label: factor.label });
    await form.getByLabel('Ansvarlig', { exact: true }).fill('Avdelingsleder og verneombud');
    await form.getByLabel('Frist', { exact: true }).fill(due);
    await form.getByLabel('Status', { exact: true }).selectOption({ label: 'Pågår' });
    const before = listActions(db, wave, 'solbakken_avd1').length;
    const refused = await submitWith(page, form.getByRole('button', { name: 'Legg til tiltaket', exact: true }));
    expect(refused.status(), 'an action without "what" is refused').toBe(422);
    expect(listActions(db, wave, 'solbakken_avd1').length, 'nothing stored').toBe(before);
    const summary = page.locator('.error-summary');
    expect(await summary.getAttribute('role')).toBe('alert');
    expect(await text(summary.getByRole('heading'))).toBe('Noe må rettes før du går videre');
    await expect.poll(() => focused(summary), { message: 'focus is on the error summary', timeout: 3000 }).toBe(true);
    const link = summary.getByRole('link', { name: WHAT_MISSING, exact: true });
    expect(await link.getAttribute('href'), 'the summary links to the field').toBe('#what');
    const whatField = form.getByLabel('Hva skal gjøres', { exact: true });
    expect(await whatField.getAttribute('aria-invalid'), 'the field is marked invalid').toBe('true');
    expect(await whatField.getAttribute('aria-describedby'), 'the field is described by its message').toBe('e-what');
    expect(await text(page.locator('#e-what'))).toBe(`Feil: ${WHAT_MISSING}`);
    expect(await form.getByLabel('Ansvarlig', { exact: true }).inputValue(), 'what was typed is kept').toBe('Avdelingsleder og verneombud');
    expect(await form.getByLabel('Faktor tiltaket gjelder', { exact: true }).inputValue()).toBe(factor.id);
    expect(await form.getByLabel('Frist', { exact: true }).inputValue()).toBe(due);
    expect(await form.getByLabel('Status', { exact: true }).inputValue()).toBe('in_progress');
    await checkA11y(page, 'the new-action form with the missing "what" error (phone)');

    // The keyboard: Tab to the summary's link, Enter to the field, type, Enter to submit.
    await page.keyboard.press('Tab');
    expect(await focused(link), 'Tab from the summary reaches its link').toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(whatField), { message: 'the link moves focus to "Hva skal gjøres"', timeout: 3000 }).toBe(true);
    await page.keyboard.type(what);
    const added = await submitWith(page, () => page.keyboard.press('Enter'));
    expect(added.status()).toBe(200);
    expect(pathOf(page)).toBe(unitPath('solbakken_avd1'));
    expect(new URL(page.url()).hash).toBe('#tiltak');
    expect(await page.locator('.error-summary').count()).toBe(0);
    const stored = listActions(db, wave, 'solbakken_avd1').find((a) => a.what === what);
    expect(stored, 'the action is stored as entered').toMatchObject({ factorId: factor.id, responsible: 'Avdelingsleder og verneombud', dueOn: due, status: 'in_progress', note: '' });
    const id = stored?.id ?? 0;
    const card = page.getByRole('form', { name: what, exact: true });
    expect(await card.count(), 'the new action is listed with its own form').toBe(1);
    expect(await card.getByLabel('Hva skal gjøres', { exact: true }).inputValue()).toBe(what);
    expect(await card.getByLabel('Faktor tiltaket gjelder', { exact: true }).inputValue()).toBe(factor.id);
    expect(await card.getByLabel('Ansvarlig', { exact: true }).inputValue()).toBe('Avdelingsleder og verneombud');
    expect(await card.getByLabel('Frist', { exact: true }).inputValue()).toBe(due);
    expect(await card.getByLabel('Status', { exact: true }).inputValue()).toBe('in_progress');
    expect(await form.getByLabel('Hva skal gjøres', { exact: true }).inputValue(), 'the new-action form is empty again').toBe('');
    await checkA11y(page, 'the follow-up page with the new action (phone)');

    // Done, with a note on what happened.
    const note = 'Holdt hver måned siden januar; færre sene overtidstimer.';
    await card.getByLabel('Status', { exact: true }).selectOption({ label: 'Gjennomført' });
    await card.getByLabel('Notat om hvordan det gikk', { exact: true }).fill(note);
    const updated = await submitWith(page, card.getByRole('button', { name: new RegExp(`^Lagre tiltaket\\s*:\\s*${escapeRe(what)}$`) }));
    expect(updated.status()).toBe(200);
    expect(pathOf(page)).toBe(unitPath('solbakken_avd1'));
    const after = page.getByRole('form', { name: what, exact: true });
    expect(await after.getByLabel('Status', { exact: true }).inputValue(), 'the status is kept').toBe('done');
    expect(await text(after.getByLabel('Status', { exact: true }).locator('option:checked'))).toBe('Gjennomført');
    expect(await after.getByLabel('Notat om hvordan det gikk', { exact: true }).inputValue(), 'the note is kept').toBe(note);
    expect(listActions(db, wave, 'solbakken_avd1').find((a) => a.id === id)).toMatchObject({ what, status: 'done', note, dueOn: due, factorId: factor.id });
    await checkA11y(page, 'the follow-up page after completing the action (phone)');
    // Chromium logs the refused submission's 422 as a failed resource load: that one is expected.
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. The printable dialogue-meeting page

describe('the dialogue-meeting page', () => {
  test('strengths first, then areas, the factor chart, the chosen items and the forward-looking prompts; prints without navigation', async () => {
    const { page, errors } = await newPage('leader', DESKTOP);
    await e2e.visit(page, unitPath('solbakken_avd1'));
    await submitWith(page, () => page.getByRole('link', { name: 'Side for dialogmøtet (utskrift)', exact: true }).click());
    expect(pathOf(page)).toBe(unitPath('solbakken_avd1', '/dialog'));
    expect(await text(page.locator('h1'))).toBe('Dialogmøte: Solbakken, avdeling 1');
    const headings = await page.locator('main h2').evaluateAll((els) => els.map((el) => (el.textContent ?? '').trim()));
    expect(headings, 'strengths first, then areas, the chosen items, the prompts').toEqual(['Dette får dere til', 'Dette kan bli bedre', 'Faktorene i diagram', 'Dette har vi valgt', 'Spørsmål til samtalen', 'Tiltak']);

    // The unit's own results: the strongest factors above the weakest.
    const factorLabels = new Set(survey.factors.map((f) => f.label));
    const ranked = (id: string): Promise<{ label: string; mean: number }[]> =>
      page.locator(`section[aria-labelledby="${id}"] li`).evaluateAll((els) =>
        els.map((el) => ({ label: (el.querySelector('[lang]')?.textContent ?? '').trim(), mean: Number((el.querySelector('.score')?.textContent ?? '').trim().replace(',', '.')) })),
      );
    const strengths = (await ranked('d-strengths')).filter((r) => factorLabels.has(r.label));
    const areas = (await ranked('d-areas')).filter((r) => factorLabels.has(r.label));
    expect(strengths.length, 'some factor strengths').toBeGreaterThan(0);
    expect(areas.length, 'some factor areas').toBeGreaterThan(0);
    expect(Math.min(...strengths.map((r) => r.mean)), 'every factor strength scores at least as high as every factor area').toBeGreaterThanOrEqual(Math.max(...areas.map((r) => r.mean)));
    expect(strengths.some((s) => areas.some((a) => a.label === s.label)), 'no factor is both').toBe(false);

    // The chosen items, as stored.
    const followup = getFollowup(db, wave, 'solbakken_avd1');
    if (!followup) throw new Error('solbakken_avd1 has no follow-up');
    const chosen = page.locator('section[aria-labelledby="d-chosen"]');
    expect(await listTexts(chosen.locator('div', { has: page.getByRole('heading', { name: STRENGTHS, exact: true }) }).last())).toEqual(followup.strengths.map((c) => c.text));
    expect(await listTexts(chosen.locator('div', { has: page.getByRole('heading', { name: AREAS, exact: true }) }).last())).toEqual(followup.areas.map((c) => c.text));

    const prompts = await listTexts(page.locator('section[aria-labelledby="d-prompts"]'));
    expect(prompts).toEqual(expect.arrayContaining([PROMPT_BEST, PROMPT_SIGN]));
    expect(prompts.indexOf(PROMPT_BEST), '"at its best" opens the conversation').toBe(0);
    const actions = await readTable(page.getByRole('table', { name: 'Tiltak', exact: true }));
    const expected = listActions(db, wave, 'solbakken_avd1').filter((a) => a.status !== 'dropped');
    expect(actions.rows.map((r) => r.label), "the unit's actions (not the dropped ones)").toEqual(expected.map((a) => a.what));
    await checkA11y(page, 'the dialogue-meeting page');

    // Print: no navigation, no way back, the content stays.
    const nav = page.getByRole('navigation', { name: 'Hovedmeny', exact: true });
    const back = page.getByRole('link', { name: 'Tilbake til oppfølgingen', exact: true });
    expect(await nav.isVisible(), 'the navigation shows on screen').toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await nav.isHidden(), 'the navigation is hidden in print').toBe(true);
    expect(await page.locator('.site-header').isHidden(), 'the header is hidden in print').toBe(true);
    expect(await page.getByRole('button', { name: 'Logg ut' }).isHidden(), 'the logout button is hidden in print').toBe(true);
    expect(await back.isHidden(), 'the back link is hidden in print').toBe(true);
    expect(await page.locator('h1').isVisible(), 'the heading prints').toBe(true);
    expect(await page.getByText(PROMPT_SIGN, { exact: true }).isVisible(), 'the prompts print').toBe(true);
    await checkA11y(page, 'the dialogue-meeting page in print media');
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString('latin1'), 'a PDF').toBe('%PDF-');
    expect(pdf.length, 'a PDF with content').toBeGreaterThan(5_000);
    await page.emulateMedia({ media: 'screen' });
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. The project leader's overview

describe("the project leader's overview", () => {
  test('units with follow-up and action counts, the overdue action, factors without actions lowest first, and the CSV', async () => {
    const { page, errors } = await newPage('admin', DESKTOP);
    await e2e.visit(page, overviewPath());
    expect(await text(page.locator('h1'))).toBe(`Oppfølging etter kartleggingen: ${waveName}`);

    // Every unit with its follow-up, actions and overdue actions, as stored.
    const table = await readTable(page.getByRole('table', { name: 'Oppfølging etter kartleggingen', exact: true }));
    expect(table.headers).toEqual(['Enhet', 'Valgte styrker og områder', 'Tiltak', 'Forfalt']);
    const names = new Map(listUnits(db).map((u) => [u.name, u.id]));
    const actions = listActions(db, wave);
    const withFollowup = new Set(listFollowups(db, wave).map((f) => f.unitId));
    const wrong: string[] = [];
    for (const r of table.rows) {
      const name = r.label.replace(/ \(bruker resultatene over\)$/, '');
      const id = names.get(name) ?? '';
      const own = actions.filter((a) => a.unitId === id);
      const overdue = own.filter((a) => isOverdue(a, day)).length;
      const want = [withFollowup.has(id) ? 'Ja' : 'Nei', String(own.length), overdue > 0 ? String(overdue) : ''];
      if (JSON.stringify(r.cells) !== JSON.stringify(want)) wrong.push(`${name}: ${JSON.stringify(r.cells)}, expected ${JSON.stringify(want)}`);
      if (r.link !== unitPath(id)) wrong.push(`${name}: links to ${r.link}`);
    }
    expect(wrong, 'every row as stored').toEqual([]);
    expect(table.rows.length, 'every unit of the demo').toBe(listUnits(db).length);
    const row = (name: string) => table.rows.find((r) => r.label.startsWith(name));
    expect(row('Solbakken, avdeling 1')?.cells[0], "the demo's follow-up").toBe('Ja');
    expect(row('Solbakken, avdeling 1')?.cells[2], "the demo's overdue action").toBe('1');
    expect(row('Nordby skole')?.cells.slice(0, 2)).toEqual(['Nei', '1']);
    expect(row('Solbakken, avdeling 2')?.label, 'a hidden unit uses the results above').toBe('Solbakken, avdeling 2 (bruker resultatene over)');

    const overdue = await listTexts(page.locator('section[aria-labelledby="overdue-title"]'));
    const late = DEMO_ACTIONS.find((a) => a.what === OVERDUE_DEMO);
    const lateDue = actions.find((a) => a.what === OVERDUE_DEMO)?.dueOn ?? '';
    expect(overdue.length, 'one overdue action').toBe(1);
    // The unit is named by its id today; its name would do as well.
    expect(overdue[0], 'the overdue demo action is listed with its unit and due date').toMatch(new RegExp(`^${escapeRe(OVERDUE_DEMO)} \\((${late?.unit}|Solbakken, avdeling 1), Frist ${formatDay(lateDue)}\\)$`));

    // Factors nobody acts on, lowest organisation mean first.
    expect(await page.getByRole('heading', { name: 'Faktorer uten tiltak', exact: true }).count()).toBe(1);
    const untargeted = await page.locator('section[aria-labelledby="untargeted-title"] li').evaluateAll((els) =>
      els.map((el) => ({ label: (el.querySelector('[lang]')?.textContent ?? '').trim(), mean: /([\d,]+)\)$/.exec((el.textContent ?? '').trim())?.[1] ?? '' })),
    );
    const targeted = new Set(actions.filter((a) => a.status !== 'dropped').map((a) => a.factorId));
    expect(untargeted.map((u) => u.label).sort(), 'exactly the factors without actions').toEqual(survey.factors.filter((f) => !targeted.has(f.id)).map((f) => f.label).sort());
    for (const f of ['Anerkjennelse', 'Håndterbarhet', 'Støtte fra kolleger']) expect(untargeted.map((u) => u.label), `${f} has a demo action`).not.toContain(f);
    const means = untargeted.map((u) => figure(u.mean));
    expect(means.every((m) => Number.isFinite(m)), 'each with the organisation mean').toBe(true);
    expect(means, 'lowest first').toEqual([...means].sort((a, b) => a - b));
    await checkA11y(page, "the project leader's follow-up overview");

    // The CSV of all actions.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: CSV_LINK, exact: true }).click()]);
    expect(download.suggestedFilename()).toBe(`tiltak-maling-${wave}.csv`);
    const bytes = fs.readFileSync(await download.path());
    expect([...bytes.subarray(0, 3)], 'starts with a UTF-8 byte order mark').toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.subarray(3).toString('utf8'), ';', { bareLf: true }).filter((r) => r.some((c) => c !== ''));
    expect(rows[0]).toEqual(['enhet_id', 'enhet', 'tiltak', 'faktor', 'ansvarlig', 'frist', 'status', 'notat', 'sist_endret']);
    expect(rows.length - 1, 'a row per action of the wave').toBe(actions.length);
    expect(rows.every((r) => r.length === 9), 'every row has the nine columns').toBe(true);
    for (const a of DEMO_ACTIONS) {
      expect(rows.find((r) => r[2] === a.what)?.filter((_, i) => i === 0 || i === 6), `the demo action "${a.what}"`).toEqual([a.unit, nb[`followup.status.${a.status}` as keyof typeof nb]]);
    }
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. No access outside one's own units

describe('access', () => {
  test('a leader of another unit gets "Ingen tilgang" on the follow-up and its dialogue page', async () => {
    const { page, errors } = await newPage('other', DESKTOP);
    for (const path of [unitPath('solbakken_avd1'), unitPath('solbakken_avd1', '/dialog')]) {
      await e2e.visit(page, path, 403);
      expect(await text(page.locator('h1'))).toBe('Ingen tilgang');
      expect(await page.title()).toBe('Ingen tilgang – Kartlegg');
      expect(await text(page.locator('main'))).not.toContain('Solbakken');
      expect(await page.getByRole('form').count(), 'nothing to edit').toBe(0);
      await checkA11y(page, `the 403 page on ${path}`);
    }
    // Chromium logs the refused page's 403 as a failed resource load: that one is expected.
    expect(errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
  });
});
