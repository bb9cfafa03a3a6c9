// The survey in the respondent's language, through the real app: the welcome page's choice, the
// language kept in the sealed draft across pages and devices, and answers that do not depend on it.
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { today } from '../../src/clock.js';
import { getDraft } from '../../src/store/drafts.js';
import { setWaveLanguages } from '../../src/store/waves.js';
import { localizeSurvey } from '../../src/survey/texts.js';
import { LANGS, RESPONDENT_LANGS, RESPONDENT_PREFIXES } from '../../src/web/i18n/index.js';
import { en } from '../../src/web/i18n/en.js';
import { lt } from '../../src/web/i18n/lt.js';
import { nb } from '../../src/web/i18n/nb.js';
import { nn } from '../../src/web/i18n/nn.js';
import { pl } from '../../src/web/i18n/pl.js';
import { encode, sectionBody, type Body } from '../helpers/answers.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp();
  setWaveLanguages(t.db, t.demo.waveId, ['nb', 'nn', 'en', 'pl', 'lt'], 'nb');
});
afterEach(() => t.close());

type Agent = ReturnType<typeof request.agent>;
const post = (agent: Agent, url: string, body: Body) => agent.post(url).type('form').send(encode(body));
const text = (lang: string, pick: (s: typeof t.survey) => string | undefined): string => pick(localizeSurvey(t.survey, lang)) ?? '';
const firstItem = (s: typeof t.survey): string | undefined => s.sections[0]?.items[0]?.text;

/** Starts a draft in a language (as the welcome page's start form posts it). */
async function startIn(lang: string, code = t.code('administrasjon')) {
  const agent = request.agent(t.app);
  const res = await post(agent, `/s/${code}/start`, { lang });
  expect(res.status).toBe(303);
  const draftId = decodeURIComponent(/kartlegg_draft=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1] ?? '');
  return { agent, code, draftId };
}

/** Answers every visible section with the same defaults and submits. */
async function answerAll(agent: Agent, code: string) {
  const stilling: Body = { stilling_naa: '60', ansettelse: 'fast', onsket_endring: 'storre', onsket_stilling: '80' };
  for (const s of t.survey.sections) {
    if ((await agent.get(`/s/${code}/del/${s.id}`)).status === 404) continue;
    const body = sectionBody(s, stilling);
    for (const key of Object.keys(body)) if (key !== '_nav' && !s.items.some((i) => key === i.id || key.startsWith(`${i.id}.`))) delete body[key];
    expect((await post(agent, `/s/${code}/del/${s.id}`, body)).status).toBe(303);
  }
  return post(agent, `/s/${code}/send`, {});
}

describe('choosing a language', () => {
  test('the welcome page offers the wave languages, each named in itself, and opens in the wave default', async () => {
    const res = await request(t.app).get(`/s/${t.code('administrasjon')}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="nb">');
    for (const [tag, name] of [['nn', 'Norsk nynorsk'], ['en', 'English'], ['pl', 'Polski'], ['lt', 'Lietuvių']]) {
      expect(res.text).toContain(`<a href="?lang=${tag}" lang="${tag}" dir="ltr" hreflang="${tag}">${name}</a>`);
    }
    expect(res.text).toContain('name="lang" value="nb"');
  });

  test.each([
    ['pl-PL,pl;q=0.9,en;q=0.5', 'pl'],
    ['lt,en-GB;q=0.8', 'lt'],
    ['en-GB,en;q=0.9', 'en'],
    ['nb-NO,nb;q=0.9,pl;q=0.5', 'nn'],
    ['de-DE,de;q=0.9', 'nn'],
  ])('Accept-Language %s opens the welcome page in %s (wave default nynorsk)', async (header, lang) => {
    setWaveLanguages(t.db, t.demo.waveId, ['nb', 'nn', 'en', 'pl', 'lt'], 'nn');
    const res = await request(t.app).get(`/s/${t.code('administrasjon')}`).set('Accept-Language', header);
    expect(res.text).toContain(`<html lang="${lang}">`);
    expect(res.text).toContain(`name="lang" value="${lang}"`);
    expect(res.text).toContain(text(lang, (s) => s.title));
  });

  test('a language the wave does not offer is ignored, and a wave with one language shows no choice', async () => {
    setWaveLanguages(t.db, t.demo.waveId, ['nb', 'pl'], 'nb');
    const res = await request(t.app).get(`/s/${t.code('administrasjon')}?lang=lt`).set('Accept-Language', 'lt');
    expect(res.text).toContain('name="lang" value="nb"');
    expect(res.text).not.toContain('hreflang="lt"');
    setWaveLanguages(t.db, t.demo.waveId, ['nb'], 'nb');
    expect((await request(t.app).get(`/s/${t.code('administrasjon')}`)).text).not.toContain('hreflang=');
  });

  test.each(['nn', 'en', 'pl', 'lt'])('a draft started in %s shows questions, options and buttons in it on every page', async (lang) => {
    const { agent, code } = await startIn(lang);
    const first = t.survey.sections[0];
    const page = await agent.get(`/s/${code}/del/${first?.id}`);
    expect(page.text).toContain(`<html lang="${lang}">`);
    expect(page.text).toContain(text(lang, firstItem));
    expect(page.text).toContain(text(lang, (s) => s.scales.enig5?.points[0]?.label));
    expect(page.text).not.toContain(firstItem(t.survey) ?? '-');
    expect(page.text).toContain(`<legend><span lang="${lang}">`);
    expect(page.text).not.toContain('dir="rtl"');
    expect(page.text).not.toContain('lang="nb"');
    // A browser asking for another language changes nothing inside the draft.
    const again = await agent.get(`/s/${code}/del/${first?.id}`).set('Accept-Language', 'nb-NO');
    expect(again.text).toContain(text(lang, firstItem));
  });

  test('the language is sealed in the draft and follows the resume code to another device', async () => {
    const { agent, code, draftId } = await startIn('pl');
    const first = t.survey.sections[0];
    const saved = await post(agent, `/s/${code}/del/${first?.id}`, { ...sectionBody(first!), _nav: 'save' });
    const resume = /([A-Z0-9]{5}-[A-Z0-9]{5})/.exec(saved.text)?.[1] ?? '';
    expect(getDraft(t.db, draftId, today(t.config.TIME_ZONE))?.language).toBe('pl');
    // The other device's browser speaks Norwegian and its welcome page was in bokmål.
    const other = request.agent(t.app).set('Accept-Language', 'nb-NO');
    const ok = await post(other, `/s/${code}/fortsett`, { resume_code: resume, lang: 'nb' });
    expect(ok.status).toBe(303);
    const page = await other.get(ok.headers.location as string);
    expect(page.text).toContain('<html lang="pl">');
    expect(page.text).toContain(text('pl', firstItem));
    expect(page.text).toMatch(/value="4" checked/);
  });

  test('continuing on the welcome page in another language switches the draft to it', async () => {
    const { agent, code, draftId } = await startIn('en');
    const welcome = await agent.get(`/s/${code}`);
    expect(welcome.text).toContain('name="lang" value="en"');
    await post(agent, `/s/${code}/start`, { lang: 'lt' });
    expect(getDraft(t.db, draftId, today(t.config.TIME_ZONE))?.language).toBe('lt');
  });

  test('an error page keeps the language: 422 in Lithuanian', async () => {
    const { agent, code } = await startIn('lt');
    const s = t.survey.sections.find((x) => x.items.some((i) => i.id === 'stilling_naa'));
    const res = await post(agent, `/s/${code}/del/${s?.id}`, { stilling_naa: '140', _nav: 'next' });
    expect(res.status).toBe(422);
    expect(res.text).toContain(lt['errors.title'] as string);
    expect(res.text).toContain(text('lt', (x) => x.items.find((i) => i.id === 'stilling_naa')?.text));
  });
});

describe('answers do not depend on the language', () => {
  test('the same answers given in bokmål and in Polish store identical rows, and no response table has a language column', async () => {
    // Everything but the random id (which differs for any two responses).
    const responseRows = () => t.db.prepare('SELECT wave_id, unit_id, survey_id, survey_version FROM response ORDER BY id').all();
    const answersOf = (): unknown[][] =>
      (t.db.prepare('SELECT id FROM response').all() as { id: number }[]).map(({ id }) =>
        t.db.prepare('SELECT item_id, part, num, txt FROM answer WHERE response_id = ? ORDER BY item_id, part').all(id),
      );
    const nbDraft = await startIn('nb');
    const nbSent = await answerAll(nbDraft.agent, nbDraft.code);
    expect(nbSent.headers.location).toBe(`/s/${nbDraft.code}/takk`);
    const plDraft = await startIn('pl');
    const plPage = await plDraft.agent.get(`/s/${plDraft.code}/oppsummering`);
    expect(plPage.text).toContain(pl['review.title'] as string);
    const sent = await answerAll(plDraft.agent, plDraft.code);
    expect(sent.status).toBe(303);
    // The Polish thank-you page is named by the redirect, since this browser would open in bokmål.
    expect(sent.headers.location).toBe(`/s/${plDraft.code}/takk?lang=pl`);
    expect((await plDraft.agent.get(sent.headers.location as string)).text).toContain(pl['thanks.title'] as string);

    const responses = responseRows();
    expect(responses).toHaveLength(2);
    expect(responses[0]).toEqual(responses[1]);
    const [a, b] = answersOf();
    expect(a?.length).toBeGreaterThan(50);
    expect(a).toEqual(b);
    // Only staff settings may name languages: the languages a wave offers, and invitation texts per language.
    const tables = (t.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('wave', 'invite_template')").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['response', 'answer']));
    for (const table of tables) {
      const columns = (t.db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name);
      expect(columns.filter((c) => /lang/i.test(c)), table).toEqual([]);
    }
  });
});

describe('catalogues', () => {
  const keys = Object.keys(nb).filter((k) => RESPONDENT_PREFIXES.some((p) => k.startsWith(p)));
  const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

  test.each([['pl', pl], ['lt', lt]] as const)('%s has every respondent key with the same placeholders, and nothing else', (_lang, catalogue) => {
    expect(keys.length).toBeGreaterThan(90);
    expect(Object.keys(catalogue).sort()).toEqual([...keys].sort());
    for (const k of keys) expect(placeholders(catalogue[k as keyof typeof nb] ?? ''), k).toEqual(placeholders(nb[k as keyof typeof nb]));
  });

  test('staff languages stay nb, nn and en; respondents get pl and lt as well', () => {
    expect(LANGS).toEqual(['nb', 'nn', 'en']);
    expect(RESPONDENT_LANGS).toEqual(['nb', 'nn', 'en', 'pl', 'lt']);
    for (const c of [nn, en]) expect(c['respondLang.title']).toBeTruthy();
  });
});
