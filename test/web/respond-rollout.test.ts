// Issue 15 on the respondent pages, through the real app on a real database: the way back to the
// review page, required questions marked, progress that never goes backwards when a page appears,
// and the wording (device, multiple choice, steps, dates).
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { visibleSections } from '../../src/survey/answers.js';
import { progressOf } from '../../src/web/respond/view-model.js';
import { encode, sectionBody, type Body } from '../helpers/answers.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp();
});
afterEach(() => t.close());

type Agent = ReturnType<typeof request.agent>;

async function started(unitId = 'administrasjon'): Promise<{ agent: Agent; code: string }> {
  const code = t.code(unitId);
  const agent = request.agent(t.app);
  expect((await agent.post(`/s/${code}/start`)).status).toBe(303);
  return { agent, code };
}

const post = (agent: Agent, url: string, body: Body) => agent.post(url).type('form').send(encode(body));
const section = (id: string) => {
  const s = t.survey.sections.find((x) => x.id === id);
  if (!s) throw new Error(`no section ${id}`);
  return s;
};
/** The page's text as a reader gets it: tags dropped, entities of quotes undone, spaces folded. */
const words = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&#34;|&quot;/g, '"').replace(/\s+/g, ' ');
const progressText = (html: string): string => /<p id="progress-text">([^<]*)<\/p>/.exec(html)?.[1] ?? '';

describe('from the review page to a missing question and back', () => {
  test('the review links open pages that offer "Tilbake til oppsummeringen"; pages reached otherwise do not', async () => {
    const { agent, code } = await started();
    const review = await agent.get(`/s/${code}/oppsummering`);
    const links = [...review.text.matchAll(/href="(\/s\/[^"]+\/del\/[^"]+)"/g)].map((m) => m[1] ?? '');
    expect(links.length).toBeGreaterThan(10);
    for (const href of links) expect(href, 'every page link from the review carries the way back').toMatch(/\?fra=oppsummering(#q-\w+)?$/);
    expect(links).toContain(`/s/${code}/del/stilling_naa?fra=oppsummering#q-stilling_naa`);

    const fromReview = await agent.get(`/s/${code}/del/raus?fra=oppsummering`);
    expect(fromReview.status).toBe(200);
    expect(fromReview.text).toContain('<button type="submit" name="_nav" value="review" class="button primary">Tilbake til oppsummeringen</button>');
    expect(fromReview.text).toContain('<input type="hidden" name="_from" value="review">');
    // "Neste" is still there, but no longer the main button.
    expect(fromReview.text).toContain('<button type="submit" name="_nav" value="next" class="button">Neste</button>');

    const plain = await agent.get(`/s/${code}/del/raus`);
    expect(plain.text).not.toContain('Tilbake til oppsummeringen');
    expect(plain.text).toContain('value="next" class="button primary"');
  });

  test('"Tilbake til oppsummeringen" saves the page and goes straight to the review page', async () => {
    const { agent, code } = await started();
    const res = await post(agent, `/s/${code}/del/raus`, sectionBody(section('raus'), { _from: 'review' }, 'review'));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/s/${code}/oppsummering`);
    const review = await agent.get(`/s/${code}/oppsummering`);
    const raus = new RegExp(`<span lang="nb">${section('raus').title}</span></a>\\s*<span class="muted">([^<]+)</span>`).exec(review.text);
    expect(raus?.[1]).toMatch(/^(\d+) av \1 spørsmål besvart$/);
  });

  test('moving on or back from such a page keeps offering the way back; an error keeps it too', async () => {
    const { agent, code } = await started();
    const next = await post(agent, `/s/${code}/del/raus`, sectionBody(section('raus'), { _from: 'review' }));
    expect(next.headers.location).toBe(`/s/${code}/del/stilling_naa?fra=oppsummering`);
    const back = await post(agent, `/s/${code}/del/raus`, { _nav: 'back', _from: 'review' });
    expect(back.headers.location).toBe(`/s/${code}/del/hefa_naa_onsket?fra=oppsummering`);
    const wrong = await post(agent, `/s/${code}/del/stilling_naa`, { _nav: 'next', _from: 'review', stilling_naa: '150' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('value="review" class="button primary">Tilbake til oppsummeringen</button>');
    const saved = await post(agent, `/s/${code}/del/raus`, { _nav: 'save', _from: 'review' });
    expect(saved.status).toBe(200);
    expect(saved.text).toContain('Tilbake til oppsummeringen');
    // Without the mark, the old way: on to the next page, no query.
    const plain = await post(agent, `/s/${code}/del/raus`, sectionBody(section('raus')));
    expect(plain.headers.location).toBe(`/s/${code}/del/stilling_naa`);
  });
});

describe('required questions', () => {
  test('are marked with * and, for screen readers, "(må besvares)"; the page explains the mark; optional ones say so', async () => {
    const { agent, code } = await started();
    const page = await agent.get(`/s/${code}/del/stilling_naa`);
    expect(page.text).toContain('<p class="hint required-intro">Spørsmål merket med * må besvares før du sender inn. Du kan hoppe over dem nå og svare senere.</p>');
    const required = t.survey.items.filter((i) => i.required && section('stilling_naa').items.includes(i));
    expect(required.length).toBeGreaterThan(1);
    const mark = '<span class="required-mark" aria-hidden="true">*</span><span class="visually-hidden"> (må besvares)</span>';
    for (const item of required) expect(page.text, item.id).toContain(`<span lang="nb">${item.text}</span>${mark}`);
    // The number field says it to assistive technology as well.
    expect(page.text).toMatch(/id="f-stilling_naa"[^>]*aria-required="true"/);
    const optional = t.survey.items.filter((i) => !i.required && section('stilling_naa').items.includes(i));
    for (const item of optional) expect(page.text, item.id).toContain(`<span lang="nb">${item.text}</span> <span class="optional">(valgfritt)</span>`);

    // A page with no required question has no explanation to give.
    const last = await agent.get(`/s/${code}/del/avslutning`);
    expect(section('avslutning').items.every((i) => !i.required)).toBe(true);
    expect(last.text).not.toContain('required-intro');
  });
});

describe('progress', () => {
  test('counts every page of the definition, so it only grows through the survey', () => {
    const percents = t.survey.sections.map((s) => progressOf(t.survey.sections, s).percent);
    expect(percents[0]).toBe(0);
    for (let i = 1; i < percents.length; i++) expect(percents[i]!).toBeGreaterThan(percents[i - 1]!);
    expect(percents.at(-1)).toBeLessThan(100);
  });

  test('a page that appears after an answer does not change the figure on any page (no "Del 9 av 10" then "Del 10 av 11")', async () => {
    const { agent, code } = await started();
    const pages = ['hefa_arbeidet', 'raus', 'stilling_naa', 'avslutning'];
    const before = await Promise.all(pages.map(async (id) => progressText((await agent.get(`/s/${code}/del/${id}`)).text)));
    expect(before).toEqual(['0 % ferdig', '58 % ferdig', '66 % ferdig', '91 % ferdig']);
    const shown = visibleSections(t.survey, {}).length;

    const res = await post(agent, `/s/${code}/del/stilling_naa`, { _nav: 'next', stilling_naa: '60', ansettelse: 'fast', onsket_endring: 'storre', onsket_stilling: '80' });
    expect(res.headers.location).toBe(`/s/${code}/del/stilling_storre`);
    expect(visibleSections(t.survey, { stilling_naa: 60, onsket_endring: 'storre' }).length).toBe(shown + 1);
    const after = await Promise.all(pages.map(async (id) => progressText((await agent.get(`/s/${code}/del/${id}`)).text)));
    expect(after).toEqual(before);
    expect(progressText((await agent.get(`/s/${code}/del/stilling_storre`)).text)).toBe('75 % ferdig');
  });
});

describe('wording', () => {
  test('the phone or PC is never called "enhet", which is the workplace unit', async () => {
    const welcome = await request(t.app).get(`/s/${t.code('administrasjon')}`);
    const text = words(welcome.text);
    expect(text).toContain('åpne den samme lenken på samme telefon eller PC');
    expect(text).toContain('Du svarer som ansatt i: Administrasjon');
    expect(text).not.toMatch(/(samme|denne|annen) enhet(en)?\b/);
    expect(text).not.toMatch(/enheten din\b/);
    const { agent, code } = await started();
    const again = words((await agent.get(`/s/${code}`)).text);
    expect(again).toContain('Du har en påbegynt besvarelse på denne telefonen eller PC-en.');
    const page = words((await agent.get(`/s/${code}/del/raus`)).text);
    expect(page).toContain('Noter koden hvis du vil fortsette på en annen telefon eller PC.');
    const gone = await request(t.app).post(`/s/${code}/send`);
    expect(words(gone.text)).toContain('på denne telefonen eller PC-en');
  });

  test('multiple choice says "Kryss av for alt som passer." once, as the questions do, never "Velg alle som passer."', async () => {
    const { agent, code } = await started();
    await post(agent, `/s/${code}/del/stilling_naa`, { _nav: 'next', stilling_naa: '60', ansettelse: 'fast', onsket_endring: 'storre', onsket_stilling: '80' });
    const larger = words((await agent.get(`/s/${code}/del/stilling_storre`)).text);
    expect(larger.match(/Kryss av for alt som passer\./g)).toHaveLength(1);
    await post(agent, `/s/${code}/del/stilling_naa`, { _nav: 'next', stilling_naa: '60', ansettelse: 'fast', onsket_endring: 'samme' });
    const reasons = words((await agent.get(`/s/${code}/del/stilling_deltid_arsak`)).text);
    expect(reasons.match(/Kryss av for alt som passer\./g)).toHaveLength(1);
    for (const text of [larger, reasons]) expect(text).not.toContain('Velg alle');
  });

  test('a number off its step says what to type, not "Tallet må gå opp i steg på"', async () => {
    const { agent, code } = await started();
    const whole = await post(agent, `/s/${code}/del/hefa_trivsel`, { _nav: 'next', hefa_trivsel_total: '7,5' });
    expect(whole.status).toBe(422);
    expect(words(whole.text)).toContain('Skriv et helt tall, uten desimaler.');
    const decimals = await post(agent, `/s/${code}/del/stilling_naa`, { _nav: 'next', stilling_naa: '62,555' });
    expect(decimals.status).toBe(422);
    expect(words(decimals.text)).toContain('Skriv tallet med høyst 2 desimaler, for eksempel 62,5.');
    for (const res of [whole, decimals]) expect(res.text).not.toMatch(/gå opp i steg/);
  });

  test('dates on respondent pages read 18.12.2026, never 2026-12-18', async () => {
    t.db.prepare("UPDATE wave SET status = 'closed', opens_on = '2026-12-01', closes_on = '2026-12-18' WHERE id = ?").run(t.demo.waveId);
    const closed = await request(t.app).get(`/s/${t.code('administrasjon')}`);
    expect(closed.status).toBe(403);
    expect(words(closed.text)).toContain('Svarperiode: 01.12.2026 til 18.12.2026.');
    expect(words(closed.text)).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  test('no respondent page shows a date in ISO form', async () => {
    const { agent, code } = await started();
    const paths = ['', ...t.survey.sections.slice(0, 9).map((s) => `/del/${s.id}`), '/oppsummering', '/takk'];
    for (const p of paths) {
      const res = await agent.get(`/s/${code}${p}`);
      expect(res.status, p).toBe(200);
      expect(words(res.text), p).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
    }
  });
});
