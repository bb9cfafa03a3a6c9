import request from 'supertest';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { today } from '../../src/clock.js';
import { getDraft, makeWaitingDraftsResumable, RESUMABLE_AFTER_IDLE_MS } from '../../src/store/drafts.js';
import { createTokens } from '../../src/store/links.js';
import { setWaveStatus } from '../../src/store/waves.js';
import { encode, sectionBody, type Body } from '../helpers/answers.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp();
});
afterEach(() => t.close());

const sectionIds = (): string[] => t.survey.sections.map((s) => s.id);
const section = (id: string) => {
  const s = t.survey.sections.find((x) => x.id === id);
  if (!s) throw new Error(`no section ${id}`);
  return s;
};
const count = (sql: string, ...args: unknown[]): number => (t.db.prepare(sql).get(...args) as { n: number }).n;

/** Starts a draft and returns an agent holding its cookie, and the cookie's value (the draft's device key). */
async function started(code = t.code('administrasjon')) {
  const agent = request.agent(t.app);
  const res = await agent.post(`/s/${code}/start`);
  expect(res.status).toBe(303);
  const draftId = decodeURIComponent(/kartlegg_draft=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1] ?? '');
  expect(draftId).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return { agent, code, draftId };
}

/** The answers a draft holds, opened with its device key as the server does. */
const draftAnswers = (draftId: string): Record<string, unknown> => getDraft(t.db, draftId, today(t.config.TIME_ZONE))?.answers ?? {};

function post(agent: ReturnType<typeof request.agent>, url: string, body: Body) {
  return agent.post(url).type('form').send(encode(body));
}

/** Answers every visible section with defaults (part-time, wants larger) and submits. */
async function answerAll(agent: ReturnType<typeof request.agent>, code: string, overrides: Body = {}) {
  const stilling: Body = { stilling_naa: '60', ansettelse: 'fast', onsket_endring: 'storre', onsket_stilling: '80' };
  for (const id of sectionIds()) {
    const s = section(id);
    const page = await agent.get(`/s/${code}/del/${id}`);
    if (page.status === 404) continue; // hidden by an earlier answer
    expect(page.status).toBe(200);
    const body = sectionBody(s, { ...stilling, ...overrides });
    for (const key of Object.keys(body)) if (key !== '_nav' && !s.items.some((i) => key === i.id || key.startsWith(`${i.id}.`))) delete body[key];
    const res = await post(agent, `/s/${code}/del/${id}`, body);
    expect(res.status, `posting ${id}: ${res.text.slice(0, 300)}`).toBe(303);
  }
  return post(agent, `/s/${code}/send`, {});
}

describe('links', () => {
  test('an unknown or malformed code gets a plain 404 page', async () => {
    for (const code of ['zzzzzzzzzz', 'A!', 'x'.repeat(60)]) {
      const res = await request(t.app).get(`/s/${encodeURIComponent(code)}`);
      expect(res.status).toBe(404);
      expect(res.text).toContain('Fant ikke siden');
    }
  });

  test('the welcome page says what anonymous means, with the wave threshold and duration', async () => {
    const res = await request(t.app).get(`/s/${t.code('administrasjon')}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('minst 5 har svart');
    expect(res.text).toContain('omtrent 20 minutter');
    expect(res.text).toContain('IP-adressen');
    expect(res.text).toContain('Administrasjon');
  });

  test('a closed wave shows a friendly page and refuses answers', async () => {
    const { agent, code } = await started();
    setWaveStatus(t.db, t.demo.waveId, 'closed');
    const welcome = await request(t.app).get(`/s/${code}`);
    expect(welcome.status).toBe(403);
    expect(welcome.text).toContain('Undersøkelsen er ikke åpen');
    const first = sectionIds()[0] ?? '';
    const res = await post(agent, `/s/${code}/del/${first}`, sectionBody(section(first)));
    expect(res.status).toBe(403);
    expect((await post(agent, `/s/${code}/send`, {})).status).toBe(403);
  });
});

describe('pages and drafts', () => {
  test('start sets a persistent, httpOnly draft cookie scoped to the link', async () => {
    const code = t.code('administrasjon');
    const res = await request(t.app).post(`/s/${code}/start`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/s/${code}/del/${sectionIds()[0]}`);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toContain(`Path=/s/${code}`);
    expect(cookie).toMatch(/Max-Age=1209600/);
    expect(count('SELECT count(*) AS n FROM draft')).toBe(1);
  });

  test('a page without a draft sends the respondent to the welcome page', async () => {
    const code = t.code('administrasjon');
    const res = await request(t.app).get(`/s/${code}/del/${sectionIds()[0]}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/s/${code}`);
  });

  test('next and back keep answers and show progress', async () => {
    const { agent, code } = await started();
    const [first, second] = sectionIds() as [string, string];
    const page = await agent.get(`/s/${code}/del/${first}`);
    expect(page.text).toContain('0 % ferdig');
    const next = await post(agent, `/s/${code}/del/${first}`, sectionBody(section(first)));
    expect(next.headers.location).toBe(`/s/${code}/del/${second}`);
    const back = await post(agent, `/s/${code}/del/${second}`, { _nav: 'back' });
    expect(back.headers.location).toBe(`/s/${code}/del/${first}`);
    const again = await agent.get(`/s/${code}/del/${first}`);
    const firstItem = section(first).items[0];
    expect(again.text).toContain(`id="f-${firstItem?.id}-4" name="${firstItem?.id}" value="4" checked`);
  });

  test('an out-of-range number gets 422, says what to fix, and keeps the other answers', async () => {
    const { agent, code, draftId } = await started();
    const res = await post(agent, `/s/${code}/del/stilling_naa`, { _nav: 'next', stilling_naa: '150', ansettelse: 'fast', onsket_endring: 'samme' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Skriv et tall fra 0 til 100.');
    expect(res.text).toContain('href="#f-stilling_naa"');
    expect(res.text).toContain('value="150"');
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toMatch(/value="fast" checked/);
    expect(draftAnswers(draftId)).toEqual({ ansettelse: 'fast', onsket_endring: 'samme' });
  });

  test('a decimal position is accepted with a comma or a point, offered a decimal keypad, and stored exactly', async () => {
    const { agent, code, draftId } = await started();
    const page = await agent.get(`/s/${code}/del/stilling_naa`);
    expect(page.text).toMatch(/inputmode="decimal" id="f-stilling_naa"/);
    const res = await post(agent, `/s/${code}/del/stilling_naa`, { _nav: 'next', stilling_naa: '62,5', ansettelse: 'fast', onsket_endring: 'storre', onsket_stilling: '75.5' });
    expect(res.status).toBe(303);
    expect(draftAnswers(draftId)).toMatchObject({ stilling_naa: 62.5, onsket_stilling: 75.5 });
    const again = await agent.get(`/s/${code}/del/stilling_naa`);
    expect(again.text).toContain('value="62,5"');
  });

  test.each([
    ['larger at 100 %', { stilling_naa: '100', onsket_endring: 'storre', onsket_stilling: '100' }, 'Du har oppgitt 100 % stilling i dag, altså full stilling, og at du ønsker større stilling.', 'onsket_endring'],
    ['larger but not more', { stilling_naa: '62,5', onsket_endring: 'storre', onsket_stilling: '60' }, 'Du ønsker større stilling, men 60 % er ikke mer enn de 62,5 % du har i dag.', 'onsket_stilling'],
    ['smaller but not less', { stilling_naa: '60', onsket_endring: 'mindre', onsket_stilling: '80' }, 'Du ønsker mindre stilling, men 80 % er ikke mindre enn de 60 % du har i dag.', 'onsket_stilling'],
  ])('contradicting position answers (%s) get 422, say what contradicts, and keep every answer', async (_, answers, message, field) => {
    const { agent, code } = await started();
    const res = await post(agent, `/s/${code}/del/stilling_naa`, { _nav: 'next', ansettelse: 'fast', ...answers });
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    expect(res.text).toContain(`href="#f-${field}`);
    expect(res.text).toContain(`value="${answers.stilling_naa}"`);
    expect(res.text).toContain(`value="${answers.onsket_stilling}"`);
    expect(res.text).toMatch(/value="fast" checked/);
    expect(res.text).toMatch(new RegExp(`value="${answers.onsket_endring}" checked`));
  });

  test('a multiple-choice question shown and left unticked is stored as an answer, so it counts in the denominator', async () => {
    const { agent, code } = await started();
    const page = await agent.get(`/s/${code}/del/stilling_deltid_arsak`);
    expect(page.status).toBe(404); // hidden until the answers make it relevant
    const res = await answerAll(agent, code, { onsket_endring: 'samme', arsak_deltid: '' });
    expect(res.status).toBe(303);
    expect(t.db.prepare("SELECT part, num, txt FROM answer WHERE item_id = 'arsak_deltid'").all()).toEqual([{ part: '', num: null, txt: '' }]);
    // Never shown: nothing stored at all.
    expect(count("SELECT count(*) AS n FROM answer WHERE item_id = 'villig_til'")).toBe(0);
  });

  test.each([
    ['unknown option', { hefa_beg_rolle: '9' }, 'Velg et av alternativene.'],
    ['a field from another page', { stilling_naa: '50' }, 'ikke hører til denne siden'],
    ['two values for a single choice', { hefa_beg_rolle: ['4', '5'] }, 'Velg et av alternativene.'],
  ])('tampering (%s) gets 422 with a message and stores nothing wrong', async (_name, fields, message) => {
    const { agent, code, draftId } = await started();
    const first = sectionIds()[0] ?? '';
    const res = await post(agent, `/s/${code}/del/${first}`, { ...sectionBody(section(first)), ...fields });
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    const answers = draftAnswers(draftId);
    expect(answers.stilling_naa).toBeUndefined();
    expect(['4', '5', '9']).not.toContain(answers.hefa_beg_rolle);
  });

  test('an oversized body gets 413 and a page saying so', async () => {
    const { agent, code } = await started();
    const res = await post(agent, `/s/${code}/del/avslutning`, { kommentar: 'x'.repeat(200_000) });
    expect(res.status).toBe(413);
    expect(res.text).toContain('For mye tekst');
  });

  test('save for later shows the resume code; the code continues on another device', async () => {
    const { agent, code } = await started();
    const first = sectionIds()[0] ?? '';
    const saved = await post(agent, `/s/${code}/del/${first}`, sectionBody(section(first), {}, 'save'));
    expect(saved.status).toBe(200);
    const resume = /([A-Z0-9]{5}-[A-Z0-9]{5})/.exec(saved.text)?.[1] ?? '';
    expect(saved.text).toContain(`koden ${resume}`);
    // "Continue later" puts the code's resume id in the file at once: it works after any restart.
    expect(count('SELECT count(*) AS n FROM drafts.draft WHERE resume_id IS NOT NULL')).toBe(1);
    const other = request.agent(t.app);
    const wrong = await post(other, `/s/${code}/fortsett`, { resume_code: 'AAAAA-AAAAA' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('Vi fant ingen påbegynt besvarelse');
    const ok = await post(other, `/s/${code}/fortsett`, { resume_code: resume.toLowerCase().replace('-', ' ') });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/s/${code}/del/${first}`);
    const page = await other.get(ok.headers.location as string);
    expect(page.text).toMatch(/value="4" checked/);
    // The code only works with the link it belongs to.
    const elsewhere = await post(request.agent(t.app), `/s/${t.code('hjemmetjenesten')}/fortsett`, { resume_code: resume });
    expect(elsewhere.status).toBe(422);
  });

  test('an expired draft is gone', async () => {
    const { agent, code } = await started();
    t.db.prepare("UPDATE draft SET expires_on = '2000-01-01'").run();
    const res = await agent.get(`/s/${code}/del/${sectionIds()[0]}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/s/${code}`);
  });
});

describe('review and submit', () => {
  test('review lists unanswered required items with links; submitting then is refused with 422', async () => {
    const { agent, code } = await started();
    const review = await agent.get(`/s/${code}/oppsummering`);
    expect(review.status).toBe(200);
    expect(review.text).toContain('Disse spørsmålene mangler svar');
    expect(review.text).toContain(`/s/${code}/del/stilling_naa?fra=oppsummering#q-stilling_naa`);
    const res = await post(agent, `/s/${code}/send`, {});
    expect(res.status).toBe(422);
    expect(count('SELECT count(*) AS n FROM response')).toBe(0);
    expect(count('SELECT count(*) AS n FROM answer')).toBe(0);
  });

  test('a complete submission stores one anonymous response and deletes the draft', async () => {
    const { agent, code } = await started();
    const res = await answerAll(agent, code);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/s/${code}/takk`);
    expect((await agent.get(res.headers.location as string)).text).toContain('Takk for svaret ditt!');
    const row = t.db.prepare('SELECT * FROM response').get() as Record<string, unknown>;
    expect(Object.keys(row).sort()).toEqual(['id', 'survey_id', 'survey_version', 'unit_id', 'wave_id']); // no day, no time
    expect(row.unit_id).toBe('administrasjon');
    expect(count('SELECT count(*) AS n FROM draft')).toBe(0);
    expect(count("SELECT count(*) AS n FROM answer WHERE item_id = 'stilling_naa' AND num = 60")).toBe(1);
    expect(count("SELECT count(*) AS n FROM answer WHERE item_id LIKE 'hefa_nd_%' AND part IN ('now', 'desired')")).toBeGreaterThanOrEqual(10);
    // The follow-up questions for "wants larger" were shown and answered; the voluntary part-time reasons were not.
    expect(count("SELECT count(*) AS n FROM answer WHERE item_id = 'oppstart'")).toBe(1);
    expect(count("SELECT count(*) AS n FROM answer WHERE item_id = 'arsak_deltid'")).toBe(0);
  });

  test('submitting the same draft twice stores one response', async () => {
    const { agent, code } = await started();
    const cookie = (await agent.get(`/s/${code}`)).request.cookies;
    expect((await answerAll(agent, code)).status).toBe(303);
    const again = await request(t.app).post(`/s/${code}/send`).set('Cookie', cookie).type('form').send('');
    expect(again.status).toBe(409);
    expect(again.text).toContain('Ingen påbegynt besvarelse');
    expect(count('SELECT count(*) AS n FROM response')).toBe(1);
  });

  test('answers to questions that became hidden are never stored', async () => {
    const { agent, code } = await started();
    // First say "wants larger" and answer the follow-up page, then change to "same".
    await post(agent, `/s/${code}/del/stilling_naa`, { _nav: 'next', stilling_naa: '60', ansettelse: 'fast', onsket_endring: 'storre', onsket_stilling: '80' });
    await post(agent, `/s/${code}/del/stilling_storre`, sectionBody(section('stilling_storre')));
    const res = await answerAll(agent, code, { onsket_endring: 'samme' });
    expect(res.status).toBe(303);
    for (const id of ['onsket_stilling', ...section('stilling_storre').items.map((i) => i.id)]) {
      expect(count('SELECT count(*) AS n FROM answer WHERE item_id = ?', id), id).toBe(0);
    }
  });

  test('nothing identifying is stored: no IP, user agent, time of day, draft or resume code', async () => {
    const { agent, code, draftId } = await started();
    const resumeCode = /class="code">([^<]+)</.exec((await agent.get(`/s/${code}/del/${sectionIds()[0]}`)).text)?.[1] ?? '';
    expect(resumeCode).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
    const res = await answerAll(agent.set('User-Agent', 'Mozilla/5.0 KartleggTestPhone/1.0').set('X-Forwarded-For', '203.0.113.77'), code);
    expect(res.status).toBe(303);
    const dump = ['main', 'drafts']
      .flatMap((schema) => (t.db.prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => `${schema}."${r.name}"`))
      .map((table) => JSON.stringify(t.db.prepare(`SELECT * FROM ${table}`).all()))
      .join('\n');
    for (const needle of ['KartleggTestPhone', '203.0.113.77', '127.0.0.1', '::ffff', draftId, resumeCode]) expect(dump).not.toContain(needle);
    expect(dump).not.toMatch(/\d{2}:\d{2}:\d{2}/);
  });
});

describe('one-time tokens', () => {
  test('a token works once; the second device on the same token stores nothing', async () => {
    const [token] = createTokens(t.db, t.demo.waveId, 'hjemmetjenesten', 1) as [string];
    const first = await started(token);
    const second = await started(token);
    expect((await answerAll(first.agent, token)).status).toBe(303);
    const late = await answerAll(second.agent, token).catch((e: Error) => e);
    // The second device is stopped at its first page: the token is used.
    expect(late).toBeInstanceOf(Error);
    const welcome = await request(t.app).get(`/s/${token}`);
    expect(welcome.status).toBe(410);
    expect(welcome.text).toContain('Lenken er allerede brukt');
    expect(count('SELECT count(*) AS n FROM response')).toBe(1);
    expect(count('SELECT used AS n FROM token')).toBe(1);
  });

  test('after a page saved and moved on from, the code continues on another device from memory; once the respondent pauses, from the file', async () => {
    let now = Date.UTC(2026, 11, 18, 9);
    t.close();
    t = makeTestApp({ clock: () => now });
    const { agent: phone, code } = await started();
    const [first = '', second = ''] = sectionIds();
    const moved = await post(phone, `/s/${code}/del/${first}`, sectionBody(section(first)));
    expect(moved.headers.location).toBe(`/s/${code}/del/${second}`);
    const resume = /class="code">([^<]+)</.exec((await phone.get(moved.headers.location as string)).text)?.[1] ?? '';
    expect(resume).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
    const inFile = (): number => count('SELECT count(*) AS n FROM drafts.draft WHERE resume_id IS NOT NULL');
    expect(inFile()).toBe(0);
    const laptop = request.agent(t.app);
    const ok = await post(laptop, `/s/${code}/fortsett`, { resume_code: resume });
    expect(ok.status).toBe(303);
    expect((await laptop.get(`/s/${code}/del/${first}`)).text).toMatch(/value="4" checked/);
    // The timer in src/main.ts runs this every half minute with the process's clock.
    const day = today(t.config.TIME_ZONE);
    now += RESUMABLE_AFTER_IDLE_MS - 1;
    expect(makeWaitingDraftsResumable(t.db, { now, today: day })).toBe(0);
    expect(inFile()).toBe(0);
    now += 1;
    expect(makeWaitingDraftsResumable(t.db, { now, today: day })).toBe(0);
    expect(inFile()).toBe(1);
    const tablet = request.agent(t.app);
    expect((await post(tablet, `/s/${code}/fortsett`, { resume_code: resume })).status).toBe(303);
    expect((await answerAll(tablet, code)).status).toBe(303);
    expect(count('SELECT count(*) AS n FROM drafts.draft')).toBe(0);
  });

  test("the resume code continues a personal link's draft on another device, and only on that link", async () => {
    const [token, other] = createTokens(t.db, t.demo.waveId, 'hjemmetjenesten', 2) as [string, string];
    const phone = await started(token);
    const first = sectionIds()[0] ?? '';
    const saved = await post(phone.agent, `/s/${token}/del/${first}`, sectionBody(section(first), {}, 'save'));
    const resume = /class="code">([^<]+)</.exec(saved.text)?.[1] ?? '';
    expect(resume).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
    expect((await post(request.agent(t.app), `/s/${other}/fortsett`, { resume_code: resume })).status).toBe(422);
    expect((await post(request.agent(t.app), `/s/${t.code('hjemmetjenesten')}/fortsett`, { resume_code: resume })).status).toBe(422);
    const laptop = request.agent(t.app);
    const ok = await post(laptop, `/s/${token}/fortsett`, { resume_code: resume });
    expect(ok.status).toBe(303);
    expect((await laptop.get(ok.headers.location as string)).text).toMatch(/value="4" checked/);
    expect((await answerAll(laptop, token)).status).toBe(303);
    expect(count('SELECT used AS n FROM token WHERE used = 1')).toBe(1);
    // The phone's draft was the same one: it is gone.
    expect((await post(phone.agent, `/s/${token}/send`, {})).status).toBe(410);
    expect(count('SELECT count(*) AS n FROM response')).toBe(1);
  });

  test('a draft on a token that gets used elsewhere is refused at submit with 410', async () => {
    const [token] = createTokens(t.db, t.demo.waveId, 'hjemmetjenesten', 1) as [string];
    const a = await started(token);
    const b = await started(token);
    // Answer everything on b, but mark the token used (a submitted) just before b submits.
    const stilling: Body = { stilling_naa: '100', ansettelse: 'fast', onsket_endring: 'samme' };
    for (const id of sectionIds()) {
      const page = await b.agent.get(`/s/${token}/del/${id}`);
      if (page.status !== 200) continue;
      const s = section(id);
      const body = sectionBody(s, stilling);
      for (const key of Object.keys(body)) if (key !== '_nav' && !s.items.some((i) => key === i.id || key.startsWith(`${i.id}.`))) delete body[key];
      await post(b.agent, `/s/${token}/del/${id}`, body);
    }
    expect((await answerAll(a.agent, token)).status).toBe(303);
    t.db.prepare('UPDATE token SET used = 0').run(); // let b pass the open-check, so submit itself must catch it
    t.db.prepare('UPDATE token SET used = 1').run();
    const res = await post(b.agent, `/s/${token}/send`, {});
    expect(res.status).toBe(410);
    expect(count('SELECT count(*) AS n FROM response')).toBe(1);
  });
});

describe('security and language', () => {
  test('a cross-site form post is rejected with 403', async () => {
    const code = t.code('administrasjon');
    const evil = await request(t.app).post(`/s/${code}/start`).set('Origin', 'https://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.text).toContain('Skjemaet ble avvist');
    const crossSite = await request(t.app).post(`/s/${code}/start`).set('Sec-Fetch-Site', 'cross-site');
    expect(crossSite.status).toBe(403);
    const same = await request(t.app).post(`/s/${code}/start`).set('Sec-Fetch-Site', 'same-origin');
    expect(same.status).toBe(303);
    expect(count('SELECT count(*) AS n FROM draft')).toBe(1);
  });

  test('pages send a strict CSP, no-store and no inline scripts', async () => {
    const { agent, code } = await started();
    const res = await agent.get(`/s/${code}/del/stilling_naa`);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['cache-control']).toBe('no-store');
    // A page no browser keeps has no use for an ETag (web/views.ts renderNoStore).
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\sstyle="/);
    expect(res.text).not.toMatch(/\son[a-z]+="/);
  });

  test.each([
    ['nb', 'Start undersøkelsen'],
    ['nn', 'Start undersøkinga'],
    ['en', 'Start the survey'],
  ])('?lang=%s switches the UI language and remembers it', async (lang, text) => {
    const agent = request.agent(t.app);
    const code = t.code('administrasjon');
    const res = await agent.get(`/s/${code}?lang=${lang}`);
    expect(res.text).toContain(`<html lang="${lang}">`);
    expect(res.text).toContain(text);
    expect((await agent.get(`/s/${code}`)).text).toContain(text);
  });
});
