// End-to-end: the questionnaire in the respondent's language, in a real Chromium on a phone (390 px):
// the whole combined survey answered in nynorsk, English, Polish and Lithuanian with axe on every
// page, a draft continued in its language on another device by the resume code, and a right-to-left
// (Arabic) test survey that renders with dir="rtl" and passes axe.
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { createLink } from '../../src/store/links.js';
import { syncSurveyVersions } from '../../src/store/survey-versions.js';
import { createWave, setWaveLanguages } from '../../src/store/waves.js';
import { parseSurveyFiles } from '../../src/survey/load.js';
import type { Survey } from '../../src/survey/model.js';
import { localizeSurvey } from '../../src/survey/texts.js';
import { translator, type RespondentLang } from '../../src/web/i18n/index.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { checkA11y, pathOf, PHONE, submitWith, text } from './browser.js';
import { useE2e } from './harness.js';

let t: TestApp;
let rtlCode = '';
const e2e = useE2e({
  serve() {
    t = makeTestApp({ file: true });
    setWaveLanguages(t.db, t.demo.waveId, ['nb', 'nn', 'en', 'pl', 'lt'], 'nb');
    const file = path.resolve(import.meta.dirname, '../fixtures/rtl-survey.json');
    const rtl = parseSurveyFiles([{ file, text: fs.readFileSync(file, 'utf8') }]).get('rtl_test') as Survey;
    syncSurveyVersions(t.db, [rtl]);
    const waveId = createWave(t.db, { name: 'RTL', surveyId: rtl.id, surveyVersion: rtl.version, unitIds: ['administrasjon'], linkMode: 'open', status: 'open' });
    setWaveLanguages(t.db, waveId, ['nb', 'ar'], 'nb');
    rtlCode = createLink(t.db, waveId, 'administrasjon');
    return t.app;
  },
  close: () => t?.close(),
});

const button = (page: Page, name: string): Locator => page.getByRole('button', { name, exact: true });
const exactly = (s: string): RegExp => new RegExp(`^\\s*${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
const NAMES: Record<string, string> = { nn: 'Norsk nynorsk', en: 'English', pl: 'Polski', lt: 'Lietuvių', ar: 'العربية' };

/** The combined survey's pages for someone in a 60 % position who wants a larger one. */
const ROUTE = ['hefa_arbeidet', 'hefa_mening', 'hefa_mestring', 'hefa_leder', 'hefa_fellesskap', 'hefa_trivsel', 'hefa_naa_onsket', 'raus', 'stilling_naa', 'stilling_storre', 'avslutning'] as const;
/** Choices by option id (the label to click is the option's text in the page's language). */
const CHOICES: Record<string, string[]> = { ansettelse: ['fast'], onsket_endring: ['storre'], onske_fast: ['ja'], skriftlig: ['nei'], kvalifisert: ['ja'], oppstart: ['innen_3_mnd'], barnehage_eneste_hinder: ['nei'], takker_ja: ['ja'], villig_til: ['flere_enheter', 'ekstravakter'] };
const TYPED: Record<string, string> = { stilling_naa: '60', onsket_stilling: '80', kommentar: 'OK' };

/** clickLabel clicks the one label in scope whose text is exactly `label` and checks its input. */
async function clickLabel(scope: Locator, label: string): Promise<void> {
  const labels = scope.locator('label').filter({ hasText: exactly(label) });
  expect(await labels.count(), `exactly one label "${label}"`).toBe(1);
  await labels.click();
  expect(await scope.page().locator(`[id="${await labels.getAttribute('for')}"]`).isChecked(), label).toBe(true);
}

/** answerPage answers the visible questions through their labels in the survey's language. */
async function answerPage(page: Page, survey: Survey): Promise<void> {
  const questions = page.locator('form .q');
  for (let i = 0, n = await questions.count(); i < n; i++) {
    const q = questions.nth(i);
    const id = (await q.getAttribute('data-item')) ?? '';
    if (!(await q.isVisible())) continue;
    const item = survey.items.find((x) => x.id === id);
    if (!item) throw new Error(`no item ${id}`);
    if (item.type === 'likert') await clickLabel(q, survey.scales[item.scale]?.points[3]?.label ?? '');
    else if (item.type === 'nowDesired') {
      for (const [part, k] of [[0, 3], [1, 4]] as const) await clickLabel(q.locator('.nd-part').nth(part), survey.scales[item.scale]?.points[k]?.label ?? '');
    } else if (item.type === 'scale') await clickLabel(q, '8');
    else if (item.type === 'number' || item.type === 'text') await q.locator('input, textarea').fill(TYPED[id] ?? '');
    else for (const option of CHOICES[id] ?? []) await clickLabel(q, item.options.find((o) => o.id === option)?.label ?? '');
  }
}

/** Opens the welcome page on a Norwegian phone and picks the language there. */
async function welcomeIn(page: Page, code: string, lang: string): Promise<void> {
  await page.goto(`${e2e.base}/s/${code}`);
  expect(await page.locator('html').getAttribute('lang')).toBe('nb');
  await submitWith(page, () => page.getByRole('link', { name: NAMES[lang], exact: true }).click());
}

test.each(['nn', 'en', 'pl', 'lt'] as const)('a phone answers the whole combined survey in %s, every page in it and passing axe', async (lang: RespondentLang) => {
  const unit = { nn: 'hjemmetjenesten', en: 'solbakken_avd1', pl: 'nordby_skole', lt: 'administrasjon' }[lang as 'nn'];
  const code = t.code(unit);
  const survey = localizeSurvey(t.survey, lang);
  const tr = translator(lang);
  const page = await (await e2e.newContext(PHONE)).newPage();
  await welcomeIn(page, code, lang);
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  expect(await text(page.locator('h1'))).toBe(survey.title);
  expect(await page.locator('h1').getAttribute('lang')).toBe(lang);
  await checkA11y(page, `the welcome page in ${lang}`);
  await submitWith(page, button(page, tr('welcome.start')));

  for (const [index, sectionId] of ROUTE.entries()) {
    const label = `${lang} page ${index + 1} (${sectionId})`;
    expect(pathOf(page), label).toBe(`/s/${code}/del/${sectionId}`);
    expect(await text(page.locator('h1')), label).toBe(survey.sections.find((s) => s.id === sectionId)?.title);
    // The share of the survey's 12 pages (the conditional one included) before this one.
    const percent = Math.floor((100 * t.survey.sections.findIndex((s) => s.id === sectionId)) / t.survey.sections.length);
    expect(await text(page.locator('#progress-text')), label).toBe(tr('page.progress', { percent }));
    // Every survey text on the page says its language; nothing is left in bokmål.
    expect(await page.locator('[lang="nb"]').count(), label).toBe(0);
    await checkA11y(page, label);
    await answerPage(page, survey);
    if ((await page.locator('.q[data-show-if]').count()) > 0) await checkA11y(page, `${label}, answered`);
    const response = await submitWith(page, button(page, tr(index === ROUTE.length - 1 ? 'nav.review' : 'nav.next')));
    expect(response.status(), label).toBe(200);
  }
  expect(await text(page.locator('h1'))).toBe(tr('review.title'));
  expect(await text(page.getByRole('status'))).toBe(tr('review.allAnswered'));
  await checkA11y(page, `the review page in ${lang}`);
  await submitWith(page, button(page, tr('review.submit')));
  expect(await text(page.locator('h1'))).toBe(tr('thanks.title'));
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  await checkA11y(page, `the thanks page in ${lang}`);

  const stored = t.db.prepare('SELECT id FROM response WHERE wave_id = ? AND unit_id = ?').all(t.demo.waveId, unit) as { id: number }[];
  expect(stored).toHaveLength(1);
  const rows = t.db.prepare('SELECT item_id, part, num, txt FROM answer WHERE response_id = ?').all(stored[0]?.id) as { item_id: string; part: string; num: number | null; txt: string | null }[];
  expect(rows.map((r) => `${r.item_id}:${r.part}:${r.num ?? r.txt}`)).toEqual(expect.arrayContaining(['stilling_naa::60', 'ansettelse::fast', 'oppstart::innen_3_mnd', 'raus_glad::4', 'hefa_nd_innflytelse:now:4', 'hefa_nd_innflytelse:desired:5', 'kommentar::OK']));
});

test('a draft started in Lithuanian continues in Lithuanian on another device by its resume code', async () => {
  const code = t.code('solbakken_avd2');
  const survey = localizeSurvey(t.survey, 'lt');
  const tr = translator('lt');
  const phone = await (await e2e.newContext(PHONE)).newPage();
  await welcomeIn(phone, code, 'lt');
  await submitWith(phone, button(phone, tr('welcome.start')));
  await answerPage(phone, survey);
  await submitWith(phone, button(phone, tr('nav.save')));
  const resume = await text(phone.locator('.resume-code .code'));
  expect(resume).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);

  // Another device, a Norwegian browser: its welcome page is in bokmål until the code opens the draft.
  const other = await (await e2e.newContext(PHONE)).newPage();
  await other.goto(`${e2e.base}/s/${code}`);
  expect(await other.locator('html').getAttribute('lang')).toBe('nb');
  await other.getByLabel('Fortsettelseskode', { exact: true }).fill(resume);
  await submitWith(other, button(other, 'Fortsett med koden'));
  expect(pathOf(other)).toBe(`/s/${code}/del/hefa_arbeidet`);
  expect(await other.locator('html').getAttribute('lang')).toBe('lt');
  expect(await text(other.locator('h1'))).toBe(survey.sections[0]?.title);
  expect(await other.locator('form .q input:checked').count()).toBe(survey.sections[0]?.items.length);
  await checkA11y(other, 'the resumed page in lt');
  await submitWith(other, button(other, tr('nav.next')));
  expect(await text(other.locator('h1'))).toBe(survey.sections[1]?.title);
});

test('a right-to-left (Arabic) survey renders its texts with dir="rtl" and passes axe', async () => {
  const page = await (await e2e.newContext(PHONE)).newPage();
  await welcomeIn(page, rtlCode, 'ar');
  // No Arabic interface catalogue: the interface stays in the browser's Norwegian, the survey's texts are Arabic.
  expect(await page.locator('html').getAttribute('lang')).toBe('nb');
  const h1 = page.locator('h1');
  expect([await h1.getAttribute('lang'), await h1.getAttribute('dir')]).toEqual(['ar', 'rtl']);
  expect(await text(h1)).toBe('استبيان تجريبي من اليمين إلى اليسار');
  await checkA11y(page, 'the Arabic welcome page');
  await submitWith(page, button(page, 'Start undersøkelsen'));
  expect([await h1.getAttribute('lang'), await h1.getAttribute('dir'), await text(h1)]).toEqual(['ar', 'rtl', 'عملك']);
  for (const selector of ['legend span[lang]', '.option label', '.intro', 'p.hint[lang]']) {
    const all = page.locator(selector);
    expect(await all.count(), selector).toBeGreaterThan(0);
    for (let i = 0, n = await all.count(); i < n; i++) expect(await all.nth(i).getAttribute('dir'), `${selector} ${i}`).toBe('rtl');
  }
  expect(await page.locator('label', { hasText: 'أوافق تمامًا' }).count()).toBe(2);
  // The browser lays the legend out right to left.
  expect(await page.locator('legend span[lang]').first().evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
  await checkA11y(page, 'the Arabic question page');
  await clickLabel(page.locator('#q-velkommen'), 'أوافق تمامًا');
  await clickLabel(page.locator('#q-skift'), 'ليلًا');
  await submitWith(page, button(page, 'Til oppsummeringen'));
  expect(await text(page.locator('.section-list a [lang="ar"]'))).toBe('عملك');
  await checkA11y(page, 'the Arabic review page');
  await submitWith(page, button(page, 'Send inn svarene'));
  expect(await text(page.locator('h1'))).toBe('Takk for svaret ditt!');
});
