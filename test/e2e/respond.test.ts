// End-to-end tests of the respondent flow in a real Chromium against the real app on a temp-file
// database: a phone answering the whole combined survey, conditional questions, save and resume,
// validation, the review page, no JavaScript, and keyboard use. Every page is checked with axe.
// Each test uses its own demo unit and its own browser context, so none depends on another.
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { today } from '../../src/clock.js';
import { findDraftByResumeCode, type Draft } from '../../src/store/drafts.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { checkA11y, DESKTOP, pathOf, PHONE, submitWith, text } from './browser.js';
import { useE2e } from './harness.js';

let t: TestApp;
const e2e = useE2e({
  serve() {
    t = makeTestApp({ file: true });
    return t.app;
  },
  close: () => t?.close(),
});

/** One stored answer row, as the answer table holds it. */
interface Row {
  itemId: string;
  part: string;
  num: number | null;
  txt: string | null;
}

/** What to answer for items that have no default: typed text, or the label(s) to click. */
type Plan = Record<string, string | string[]>;

/** newPage opens a page in a fresh context, on a phone unless told otherwise. */
const newPage = (options: BrowserContextOptions = PHONE): Promise<Page> => e2e.newPage(options);

const linkOf = (unitId: string): string => `${e2e.base}/s/${t.code(unitId)}`;
const pagePath = (unitId: string, sectionId: string): string => `/s/${t.code(unitId)}/del/${sectionId}`;
const button = (page: Page, name: string): Locator => page.getByRole('button', { name, exact: true });
const exactly = (text: string): RegExp => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

function titleOf(sectionId: string): string {
  const section = t.survey.sections.find((s) => s.id === sectionId);
  if (!section) throw new Error(`no section ${sectionId}`);
  return section.title;
}

async function start(page: Page, unitId: string): Promise<void> {
  await page.goto(linkOf(unitId));
  await submitWith(page, button(page, 'Start undersøkelsen'));
  expect(pathOf(page)).toBe(pagePath(unitId, 'hefa_arbeidet'));
}

async function resumeCodeOn(page: Page): Promise<string> {
  const code = await text(page.locator('.resume-code .code'));
  expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  return code;
}

/** The draft a resume code opens on any of the demo's links (drafts are sealed; the code is a key). */
function draftByCode(resumeCode: string): Draft | undefined {
  for (const l of t.demo.links) {
    const draft = findDraftByResumeCode(t.db, resumeCode, { waveId: t.demo.waveId, unitId: l.unitId, tokenHash: null }, today(t.config.TIME_ZONE));
    if (draft) return draft;
  }
  return undefined;
}

function draftAnswers(resumeCode: string): Record<string, unknown> {
  const draft = draftByCode(resumeCode);
  if (!draft) throw new Error(`no draft with resume code ${resumeCode}`);
  return draft.answers;
}

/** checkA11yWithoutScripts runs axe on what a browser without JavaScript shows. axe itself needs
 *  JavaScript (it runs on timers), so it runs in a twin context with the same cookies where the
 *  app's own scripts are blocked; the page's CSP stays on. */
async function checkA11yWithoutScripts(page: Page, label: string): Promise<void> {
  const twin = await e2e.newContext(PHONE);
  await twin.addCookies(await page.context().cookies());
  await twin.route('**/*.js', (route) => route.abort());
  const copy = await twin.newPage();
  await copy.goto(page.url());
  expect(pathOf(copy)).toBe(pathOf(page));
  await checkA11y(copy, label);
}

async function expectShown(locator: Locator, shown: boolean): Promise<void> {
  await locator.waitFor({ state: shown ? 'visible' : 'hidden', timeout: 2000 });
}

/** clickLabel clicks the one label in scope whose text is exactly `label`, checks that its input
 *  is now checked, and returns the input. */
async function clickLabel(scope: Locator, label: string): Promise<Locator> {
  const labels = scope.locator('label').filter({ hasText: exactly(label) });
  expect(await labels.count(), `exactly one label "${label}"`).toBe(1);
  await labels.click();
  const input = scope.page().locator(`[id="${await labels.getAttribute('for')}"]`);
  expect(await input.isChecked(), `"${label}" is checked`).toBe(true);
  return input;
}

/** pickNth clicks the label of the nth option in a radio group and returns the stored row. */
async function pickNth(group: Locator, itemId: string, part: string, index: number): Promise<Row> {
  const option = group.locator('.option').nth(index);
  await option.locator('label').click();
  const input = option.locator('input');
  expect(await input.isChecked(), `${itemId} ${part} option ${index + 1} is checked`).toBe(true);
  return { itemId, part, num: Number(await input.getAttribute('value')), txt: null };
}

/** answerPage answers the visible questions on the page in order, through labels and inputs:
 *  likert the 4th option, now/desired the 4th and 5th, scales 8, the rest as the plan says.
 *  A question shown by an earlier answer on the same page is answered once it appears.
 *  Returns the answer rows the database should end up with. */
async function answerPage(page: Page, plan: Plan, skip: readonly string[] = []): Promise<Row[]> {
  const rows: Row[] = [];
  const questions = page.locator('form .q');
  for (let i = 0, n = await questions.count(); i < n; i++) {
    const q = questions.nth(i);
    const id = (await q.getAttribute('data-item')) ?? '';
    if (skip.includes(id) || !(await q.isVisible())) continue;
    const type = /\bq-(\w+)\b/.exec((await q.getAttribute('class')) ?? '')?.[1];
    const want = plan[id];
    if (type === 'likert') rows.push(await pickNth(q, id, '', 3));
    else if (type === 'nowDesired') {
      rows.push(await pickNth(q.locator('.nd-part').nth(0), id, 'now', 3));
      rows.push(await pickNth(q.locator('.nd-part').nth(1), id, 'desired', 4));
    } else if (type === 'scale') {
      await clickLabel(q, '8');
      rows.push({ itemId: id, part: '', num: 8, txt: null });
    } else if ((type === 'number' || type === 'text') && typeof want === 'string') {
      await q.locator('input, textarea').fill(want);
      rows.push(type === 'number' ? { itemId: id, part: '', num: Number(want), txt: null } : { itemId: id, part: '', num: null, txt: want });
    } else if ((type === 'single' || type === 'multi') && want !== undefined) {
      for (const label of typeof want === 'string' ? [want] : want) {
        const input = await clickLabel(q, label);
        rows.push({ itemId: id, part: '', num: null, txt: await input.getAttribute('value') });
      }
    } else throw new Error(`the test has no answer for "${id}" (${type})`);
  }
  return rows;
}

const byRow = (a: Row, b: Row): number => `${a.itemId}|${a.part}|${a.num}|${a.txt}`.localeCompare(`${b.itemId}|${b.part}|${b.num}|${b.txt}`);

/** comparable sorts rows and blanks the part of multiple-choice rows: the test's contract is one
 *  row per chosen option with the option id as text; how the store fills `part` for them is its own. */
function comparable(rows: Row[], multiItems: ReadonlySet<string>): Row[] {
  return rows.map((r) => (multiItems.has(r.itemId) ? { ...r, part: '*' } : r)).sort(byRow);
}

/** The combined survey's pages for someone in a 60 % position who wants a larger one, with the
 *  progress each shows: the share of the survey's 12 pages (conditional ones included) before it.
 *  The follow-up page appears once that answer is saved, and the figure only ever grows. */
const ROUTE: readonly [sectionId: string, percent: number][] = [
  ['hefa_arbeidet', 0],
  ['hefa_mening', 8],
  ['hefa_mestring', 16],
  ['hefa_leder', 25],
  ['hefa_fellesskap', 33],
  ['hefa_trivsel', 41],
  ['hefa_naa_onsket', 50],
  ['raus', 58],
  ['stilling_naa', 66],
  ['stilling_storre', 75],
  ['avslutning', 91],
];

const PLAN: Plan = {
  stilling_naa: '60',
  ansettelse: 'Fast ansatt',
  onsket_endring: 'Større stilling',
  onsket_stilling: '80',
  onske_fast: 'Ja',
  skriftlig: 'Nei',
  kvalifisert: 'Ja',
  oppstart: 'Innen 3 måneder',
  barnehage_eneste_hinder: 'Nei',
  takker_ja: 'Ja',
  villig_til: ['Jobbe på tvers av enheter', 'Ta ekstravakter'],
  kommentar: 'Godt arbeidsmiljø, men travle vakter.',
};

test('a phone answers the whole combined survey, every page passes axe, and one response is stored', async () => {
  const unit = 'administrasjon';
  const page = await newPage(PHONE);
  await page.goto(linkOf(unit));
  expect(await text(page.locator('h1'))).toBe(t.survey.title);
  await checkA11y(page, 'the welcome page');
  await submitWith(page, button(page, 'Start undersøkelsen'));
  const resumeCode = await resumeCodeOn(page);

  const expected: Row[] = [];
  let before = -1;
  for (const [index, [sectionId, percent]] of ROUTE.entries()) {
    const n = index + 1;
    const label = `page ${n} (${sectionId})`;
    expect(pathOf(page), label).toBe(pagePath(unit, sectionId));
    expect(await text(page.locator('h1')), label).toBe(titleOf(sectionId));
    expect(await text(page.locator('#progress-text')), label).toBe(`${percent} % ferdig`);
    expect(await page.locator('progress').getAttribute('value'), label).toBe(String(percent));
    expect(await page.locator('progress').getAttribute('max'), label).toBe('100');
    expect(percent, `${label}: progress never goes backwards`).toBeGreaterThan(before);
    before = percent;
    await checkA11y(page, label);
    expected.push(...(await answerPage(page, PLAN)));
    // Questions shown on this page by earlier answers are checked too.
    if ((await page.locator('.q[data-show-if]').count()) > 0) await checkA11y(page, `${label}, answered`);
    const response = await submitWith(page, button(page, n === ROUTE.length ? 'Til oppsummeringen' : 'Neste'));
    expect(response.status(), label).toBe(200);
  }
  for (const itemId of Object.keys(PLAN)) expect(expected.some((r) => r.itemId === itemId), `${itemId} was asked`).toBe(true);

  expect(pathOf(page)).toBe(`/s/${t.code(unit)}/oppsummering`);
  expect(await text(page.locator('h1'))).toBe('Oppsummering');
  expect(await text(page.getByRole('status'))).toBe('Du har svart på alle spørsmålene som må besvares.');
  expect(await page.locator('#missing-title').count()).toBe(0);
  const counts = await page.locator('.section-list .muted').allTextContents();
  expect(counts).toHaveLength(ROUTE.length);
  for (const c of counts) expect(c).toMatch(/^(\d+) av \1 spørsmål besvart$/);
  await checkA11y(page, 'the review page');

  await submitWith(page, button(page, 'Send inn svarene'));
  expect(pathOf(page)).toBe(`/s/${t.code(unit)}/takk`);
  expect(await text(page.locator('h1'))).toBe('Takk for svaret ditt!');
  await checkA11y(page, 'the thanks page');

  const responses = t.db
    .prepare('SELECT * FROM response WHERE wave_id = ? AND unit_id = ?')
    .all(t.demo.waveId, unit) as { id: number; survey_id: string; survey_version: number }[];
  expect(responses).toHaveLength(1);
  const [stored] = responses;
  if (!stored) throw new Error('no response');
  expect(stored).toMatchObject({ survey_id: 'kartlegging', survey_version: t.survey.version });
  expect(Object.keys(stored).sort()).toEqual(['id', 'survey_id', 'survey_version', 'unit_id', 'wave_id']); // no day, no time
  const rows = t.db.prepare('SELECT item_id AS itemId, part, num, txt FROM answer WHERE response_id = ?').all(stored.id) as Row[];
  const multi = new Set(t.survey.items.filter((i) => i.type === 'multi').map((i) => i.id));
  expect(comparable(rows, multi)).toEqual(comparable(expected, multi));
  const find = (itemId: string): Row[] => rows.filter((r) => r.itemId === itemId);
  expect(find('stilling_naa')).toEqual([{ itemId: 'stilling_naa', part: '', num: 60, txt: null }]);
  expect(find('onsket_stilling')).toEqual([{ itemId: 'onsket_stilling', part: '', num: 80, txt: null }]);
  expect(find('ansettelse')).toEqual([{ itemId: 'ansettelse', part: '', num: null, txt: 'fast' }]);
  expect(find('villig_til').map((r) => [r.num, r.txt])).toEqual(expect.arrayContaining([[null, 'ekstravakter'], [null, 'flere_enheter']]));
  expect(find('villig_til')).toHaveLength(2);
  expect(find('hefa_nd_innflytelse').sort(byRow)).toEqual([
    { itemId: 'hefa_nd_innflytelse', part: 'desired', num: 5, txt: null },
    { itemId: 'hefa_nd_innflytelse', part: 'now', num: 4, txt: null },
  ]);
  expect(find('hefa_beg_rolle')).toEqual([{ itemId: 'hefa_beg_rolle', part: '', num: 4, txt: null }]);
  expect(find('hefa_trivsel_total')).toEqual([{ itemId: 'hefa_trivsel_total', part: '', num: 8, txt: null }]);
  expect(find('barnehage_eneste_hinder')).toHaveLength(1);
  expect(find('arsak_deltid')).toEqual([]);
  expect(draftByCode(resumeCode)).toBeUndefined();
});

test('with JavaScript, "Hvor stor stilling ønsker du?" shows only for a larger or smaller position', async () => {
  const unit = 'solbakken_avd1';
  const page = await newPage(PHONE);
  await start(page, unit);
  const resumeCode = await resumeCodeOn(page);
  await page.goto(`${linkOf(unit)}/del/stilling_naa`);
  const followUp = page.locator('#q-onsket_stilling');
  const change = page.locator('#q-onsket_endring');

  await expectShown(followUp, false);
  await page.getByLabel('Hvor stor stilling har du i dag?').fill('60');
  await clickLabel(page.locator('#q-ansettelse'), 'Fast ansatt');
  await expectShown(followUp, false);
  await clickLabel(change, 'Samme stilling som i dag');
  await expectShown(followUp, false);
  await clickLabel(change, 'Større stilling');
  await expectShown(followUp, true);
  await expectShown(page.getByLabel('Hvor stor stilling ønsker du?'), true);
  // The "only if ..." hint is for browsers without JavaScript.
  await expectShown(page.locator('#c-f-onsket_stilling'), false);
  await checkA11y(page, 'stillingsstørrelse with the follow-up question shown');
  await clickLabel(change, 'Mindre stilling');
  await expectShown(followUp, true);
  await page.getByLabel('Hvor stor stilling ønsker du?').fill('40');
  await clickLabel(change, 'Samme stilling som i dag');
  await expectShown(followUp, false);

  // Across pages the server decides: no follow-up page for a larger position, the part-time one instead.
  await submitWith(page, button(page, 'Neste'));
  expect(pathOf(page)).toBe(pagePath(unit, 'stilling_deltid_arsak'));
  expect(await text(page.locator('#progress-text'))).toBe('83 % ferdig');
  const saved = draftAnswers(resumeCode);
  expect(saved).toMatchObject({ stilling_naa: 60, ansettelse: 'fast', onsket_endring: 'samme' });
  expect(saved).not.toHaveProperty('onsket_stilling');
});

test('save and resume on the same device: the link offers to continue where the respondent left', async () => {
  const unit = 'solbakken_avd2';
  const page = await newPage(PHONE);
  await start(page, unit);
  const first = await answerPage(page, {});
  await submitWith(page, button(page, 'Neste'));
  expect(pathOf(page)).toBe(pagePath(unit, 'hefa_mening'));
  const context = page.context();
  await page.close();

  const again = await context.newPage();
  await again.goto(linkOf(unit));
  expect(await again.getByText('Du har en påbegynt besvarelse på denne telefonen eller PC-en.').isVisible()).toBe(true);
  expect(await button(again, 'Start undersøkelsen').count()).toBe(0);
  await checkA11y(again, 'the welcome page with a draft on this device');
  await submitWith(again, button(again, 'Fortsett der du slapp'));
  // Continues on the page the respondent had reached; the page before keeps its answers.
  expect(pathOf(again)).toBe(pagePath(unit, 'hefa_mening'));
  await submitWith(again, button(again, 'Tilbake'));
  expect(pathOf(again)).toBe(pagePath(unit, 'hefa_arbeidet'));
  for (const r of first) expect(await again.locator(`#f-${r.itemId}-${r.num}`).isChecked(), `${r.itemId} still checked`).toBe(true);

  // "Lagre og fortsett senere" keeps a page's answers and the place without moving on.
  await submitWith(again, button(again, 'Neste'));
  const second = await answerPage(again, {});
  const code = await resumeCodeOn(again);
  const saved = await submitWith(again, button(again, 'Lagre og fortsett senere'));
  expect(saved.status()).toBe(200);
  expect(pathOf(again)).toBe(pagePath(unit, 'hefa_mening'));
  expect(await text(again.getByRole('status'))).toContain(code);
  await checkA11y(again, 'a page after "Lagre og fortsett senere"');
  await again.close();

  const third = await context.newPage();
  await third.goto(linkOf(unit));
  await submitWith(third, button(third, 'Fortsett der du slapp'));
  expect(pathOf(third)).toBe(pagePath(unit, 'hefa_mening'));
  for (const r of second) expect(await third.locator(`#f-${r.itemId}-${r.num}`).isChecked(), `${r.itemId} still checked`).toBe(true);
});

test('resume on another device with the resume code; a wrong code is refused accessibly (422)', async () => {
  const unit = 'hjemmetjenesten';
  const phone = await newPage(PHONE);
  await start(phone, unit);
  const answered = await answerPage(phone, {});
  await submitWith(phone, button(phone, 'Neste'));
  const code = await resumeCodeOn(phone);

  const laptop = await newPage(DESKTOP);
  await laptop.goto(linkOf(unit));
  expect(await button(laptop, 'Start undersøkelsen').count()).toBe(1);
  const field = laptop.getByLabel('Fortsettelseskode', { exact: true });

  await field.fill('LLLL-OOOO'); // L and O are never in a code
  const refused = await submitWith(laptop, button(laptop, 'Fortsett med koden'));
  expect(refused.status()).toBe(422);
  expect(await text(laptop.locator('#resume-error'))).toContain('Vi fant ingen påbegynt besvarelse med denne koden.');
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  expect(await field.getAttribute('aria-describedby')).toContain('resume-error');
  expect(await field.inputValue()).toBe('LLLL-OOOO');
  // As on the section pages, focus should land on the error so keyboard and screen-reader users meet it.
  expect.soft(await laptop.evaluate(() => document.activeElement?.classList.contains('error-summary')), 'focus moves to the error').toBe(true);
  await checkA11y(laptop, 'the welcome page with a wrong resume code');

  // Typed the way people do on a phone keyboard: lower case, a space instead of the dash.
  await field.fill(code.toLowerCase().replace('-', ' '));
  await submitWith(laptop, button(laptop, 'Fortsett med koden'));
  expect(pathOf(laptop)).toBe(pagePath(unit, 'hefa_mening'));
  expect(await resumeCodeOn(laptop)).toBe(code);
  await submitWith(laptop, button(laptop, 'Tilbake'));
  expect(pathOf(laptop)).toBe(pagePath(unit, 'hefa_arbeidet'));
  for (const r of answered) expect(await laptop.locator(`#f-${r.itemId}-${r.num}`).isChecked(), `${r.itemId} still checked`).toBe(true);
});

test('an out-of-range position size keeps the page, explains the error and keeps the other answers', async () => {
  const unit = 'nordby_skole';
  const page = await newPage(PHONE);
  await start(page, unit);
  const resumeCode = await resumeCodeOn(page);
  await page.goto(`${linkOf(unit)}/del/stilling_naa`);
  const size = page.getByLabel('Hvor stor stilling har du i dag?');
  await size.fill('150');
  await clickLabel(page.locator('#q-ansettelse'), 'Fast ansatt');
  await clickLabel(page.locator('#q-onsket_endring'), 'Større stilling');
  await page.getByLabel('Hvor stor stilling ønsker du?').fill('80');

  const response = await submitWith(page, button(page, 'Neste'));
  expect(response.status()).toBe(422);
  expect(pathOf(page)).toBe(pagePath(unit, 'stilling_naa'));
  const summary = page.getByRole('alert');
  expect(await text(summary.getByRole('heading'))).toBe('Noe må rettes før du går videre');
  const link = summary.getByRole('link');
  expect(await link.count()).toBe(1);
  expect(await link.getAttribute('href')).toBe('#f-stilling_naa');
  expect(await text(link)).toBe('Hvor stor stilling har du i dag?: Skriv et tall fra 0 til 100.');
  expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary')), 'focus moves to the error summary').toBe(true);
  expect(await size.getAttribute('aria-invalid')).toBe('true');
  expect(await size.getAttribute('aria-describedby')).toContain('e-f-stilling_naa');
  expect(await text(page.locator('#e-f-stilling_naa'))).toBe('Feil: Skriv et tall fra 0 til 100.');
  expect(await size.inputValue()).toBe('150');
  expect(await page.getByLabel('Fast ansatt').isChecked()).toBe(true);
  expect(await page.getByLabel('Større stilling').isChecked()).toBe(true);
  await expectShown(page.getByLabel('Hvor stor stilling ønsker du?'), true);
  expect(await page.getByLabel('Hvor stor stilling ønsker du?').inputValue()).toBe('80');
  await checkA11y(page, 'stillingsstørrelse with an error');
  const saved = draftAnswers(resumeCode);
  expect(saved).not.toHaveProperty('stilling_naa');
  expect(saved).toMatchObject({ ansettelse: 'fast', onsket_endring: 'storre', onsket_stilling: 80 });

  await link.click();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-stilling_naa');
  await size.fill('60');
  await submitWith(page, button(page, 'Neste'));
  expect(pathOf(page)).toBe(pagePath(unit, 'stilling_storre'));
  expect(await text(page.locator('#progress-text'))).toBe('75 % ferdig');
});

test('the review page links each missing required question to its page and place', async () => {
  const unit = 'solsikken_bla';
  const page = await newPage(PHONE);
  await start(page, unit);
  const answered = await answerPage(page, {}, ['hefa_han_tid']);
  expect(answered).toHaveLength(7);
  await submitWith(page, button(page, 'Neste'));
  await page.goto(`${linkOf(unit)}/oppsummering`);

  const panel = page.locator('.panel.warning');
  expect(await text(panel.getByRole('heading'))).toBe('Disse spørsmålene mangler svar');
  const links = panel.getByRole('link');
  const unconditionalRequired = t.survey.items.filter((i) => i.required && !i.showIf);
  expect(await links.count()).toBe(unconditionalRequired.length - answered.length);
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  expect(hrefs[0]).toBe(`/s/${t.code(unit)}/del/hefa_arbeidet?fra=oppsummering#q-hefa_han_tid`);
  for (const r of answered) expect(hrefs.some((h) => h?.endsWith(`#q-${r.itemId}`)), `${r.itemId} is not missing`).toBe(false);
  expect(hrefs.some((h) => h?.endsWith('#q-onsket_stilling')), 'hidden questions are not missing').toBe(false);
  expect(hrefs).toContain(`/s/${t.code(unit)}/del/stilling_naa?fra=oppsummering#q-stilling_naa`);
  await checkA11y(page, 'the review page with missing answers');

  // Submitting anyway is refused with the same list as an error summary.
  const refused = await submitWith(page, button(page, 'Send inn svarene'));
  expect(refused.status()).toBe(422);
  // As on the section pages, focus should land on the error summary.
  expect.soft(await page.evaluate(() => document.activeElement?.classList.contains('error-summary')), 'focus moves to the error summary').toBe(true);
  await checkA11y(page, 'the review page after submitting with missing answers');
  expect(t.db.prepare('SELECT count(*) AS n FROM response WHERE unit_id = ?').get(unit)).toEqual({ n: 0 });

  const item = t.survey.items.find((i) => i.id === 'hefa_han_tid');
  await page.getByRole('link', { name: item?.text ?? '?', exact: true }).click();
  await page.waitForURL(`**/del/hefa_arbeidet?fra=oppsummering#q-hefa_han_tid`);
  const question = page.locator('#q-hefa_han_tid');
  expect(await question.evaluate((el) => el.matches(':target'))).toBe(true);
  await page.waitForFunction(() => {
    const box = document.getElementById('q-hefa_han_tid')?.getBoundingClientRect();
    return box !== undefined && box.top >= 0 && box.top < window.innerHeight;
  });
  // Marked as required for the eye (*) and, in words, for screen readers.
  expect(await text(question.locator('legend'))).toBe(`${item?.text}* (må besvares)`);
  expect(await question.locator('legend .required-mark').getAttribute('aria-hidden')).toBe('true');
  expect(await question.locator('input:checked').count()).toBe(0);
  for (const r of answered) expect(await page.locator(`#f-${r.itemId}-${r.num}`).isChecked(), `${r.itemId} still checked`).toBe(true);

  // Answered, the respondent goes straight back to the review page instead of on through the survey.
  await checkA11y(page, 'a page opened from the review page');
  await pickNth(question, 'hefa_han_tid', '', 2);
  // The way back is in sight beside the question, not at the end of a long page.
  const way = await button(page, 'Tilbake til oppsummeringen').boundingBox();
  const viewport = page.viewportSize();
  if (!way || !viewport) throw new Error('no button or viewport');
  expect(way.y, 'the way back is on screen').toBeGreaterThanOrEqual(0);
  expect(way.y + way.height, 'the way back is on screen').toBeLessThanOrEqual(viewport.height);
  const back = await submitWith(page, button(page, 'Tilbake til oppsummeringen'));
  expect(back.status()).toBe(200);
  expect(pathOf(page)).toBe(`/s/${t.code(unit)}/oppsummering`);
  const still = await page.locator('.panel.warning').getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  expect(still).toHaveLength(hrefs.length - 1);
  expect(still.some((h) => h?.endsWith('#q-hefa_han_tid')), 'the answered question is no longer missing').toBe(false);
});

test('works without JavaScript: start, answer, move on, with conditions decided by the server', async () => {
  const unit = 'solsikken_gul';
  const page = await newPage({ ...PHONE, javaScriptEnabled: false });
  await start(page, unit);
  const resumeCode = await resumeCodeOn(page);
  await answerPage(page, {});
  await submitWith(page, button(page, 'Neste'));
  expect(pathOf(page)).toBe(pagePath(unit, 'hefa_mening'));
  expect(await text(page.locator('#progress-text'))).toBe('8 % ferdig');
  expect(Object.keys(draftAnswers(resumeCode))).toHaveLength(8);

  // Without JavaScript the follow-up question is always there, with a hint saying when it applies.
  await page.goto(`${linkOf(unit)}/del/stilling_naa`);
  expect(await page.getByLabel('Hvor stor stilling ønsker du?').isVisible()).toBe(true);
  expect(await text(page.locator('#c-f-onsket_stilling'))).toBe('Svar bare hvis du ønsker større eller mindre stilling enn i dag.');
  await checkA11yWithoutScripts(page, 'stillingsstørrelse without JavaScript');
  await answerPage(page, PLAN);
  await submitWith(page, button(page, 'Neste'));
  expect(pathOf(page)).toBe(pagePath(unit, 'stilling_storre'));
  expect(await text(page.locator('#progress-text'))).toBe('75 % ferdig');

  await submitWith(page, button(page, 'Tilbake'));
  expect(pathOf(page)).toBe(pagePath(unit, 'stilling_naa'));
  expect(await page.getByLabel('Hvor stor stilling har du i dag?').inputValue()).toBe('60');
  expect(await page.getByLabel('Større stilling').isChecked()).toBe(true);
});

test('keyboard: Tab reaches a likert group and the arrow keys change the choice', async () => {
  const unit = 'solbakken_natt';
  const page = await newPage(DESKTOP);
  await start(page, unit);
  const resumeCode = await resumeCodeOn(page);
  const focused = (): Promise<{ id: string; name: string; checked: boolean; outline: string }> =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement | null;
      return { id: el?.id ?? '', name: el?.name ?? '', checked: el?.checked ?? false, outline: el ? getComputedStyle(el).outlineStyle : '' };
    });

  for (let i = 0; i < 10 && (await focused()).name !== 'hefa_beg_rolle'; i++) await page.keyboard.press('Tab');
  expect(await focused()).toMatchObject({ id: 'f-hefa_beg_rolle-1', checked: false });
  expect((await focused()).outline, 'focus is visible').not.toBe('none');
  expect(await page.locator('input[name="hefa_beg_rolle"]:checked').count()).toBe(0);

  await page.keyboard.press('ArrowRight');
  expect(await focused()).toMatchObject({ id: 'f-hefa_beg_rolle-2', checked: true });
  await page.keyboard.press('ArrowDown');
  expect(await focused()).toMatchObject({ id: 'f-hefa_beg_rolle-3', checked: true });
  await page.keyboard.press('ArrowLeft');
  expect(await focused()).toMatchObject({ id: 'f-hefa_beg_rolle-2', checked: true });
  expect(await page.locator('input[name="hefa_beg_rolle"]:checked').getAttribute('value')).toBe('2');

  // One Tab leaves the group; Shift+Tab comes back to the chosen radio.
  await page.keyboard.press('Tab');
  expect((await focused()).name).toBe('hefa_beg_info');
  await page.keyboard.press('Shift+Tab');
  expect(await focused()).toMatchObject({ id: 'f-hefa_beg_rolle-2', checked: true });

  await button(page, 'Neste').focus();
  await submitWith(page, () => page.keyboard.press('Enter'));
  expect(pathOf(page)).toBe(pagePath(unit, 'hefa_mening'));
  expect(draftAnswers(resumeCode)).toEqual({ hefa_beg_rolle: 2 });
});
