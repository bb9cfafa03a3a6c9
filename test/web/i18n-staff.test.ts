// Staff read the survey's texts in their interface language where the definition has it (results,
// CSV, comparison, follow-up), in bokmål otherwise; figures are the same in every language.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getWave } from '../../src/store/waves.js';
import { localizeSurvey } from '../../src/survey/texts.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { signIn, type SignedIn } from '../helpers/staff.js';

let t: HistoryApp;
let admin: SignedIn;
beforeAll(async () => {
  t = makeHistoryApp();
  admin = await signIn(t, 'admin');
});
afterAll(() => t.close());

const item = (lang: string, id: string): string => localizeSurvey(t.survey, lang).items.find((i) => i.id === id)?.text ?? '-';
const factor = (lang: string, id: string): string => localizeSurvey(t.survey, lang).factors.find((f) => f.id === id)?.label ?? '-';
// Figures only: the table cells' numbers, the decimal mark aside (3,8 in Norwegian, 3.8 in English).
const numbersOf = (html: string): string[] => [...html.matchAll(/<td class="num"[^>]*>([^<]*)</g)].map((m) => (m[1] ?? '').replace(/\b(\d+),(\d+)\b/g, '$1.$2').trim());

describe('staff pages in their language', () => {
  test('the unit results page shows item texts, factors and answer labels in English under lang="en", the same figures as in bokmål', async () => {
    const url = `/resultater/${t.closedWaveId}/enhet/demo`;
    const nbPage = await admin.agent.get(`${url}?lang=nb`);
    const enPage = await admin.agent.get(`${url}?lang=en`);
    expect(enPage.status).toBe(200);
    expect(enPage.text).toContain(`<th scope="row" lang="en">${item('en', 'raus_velkommen')}</th>`);
    expect(enPage.text).toContain(`lang="en">${factor('en', 'mestring')}</th>`);
    expect(enPage.text).not.toContain(item('nb', 'raus_velkommen'));
    expect(enPage.text).toContain('<th scope="col" class="num" lang="en">Strongly agree</th>');
    expect(nbPage.text).toContain(`<th scope="row" lang="nb">${item('nb', 'raus_velkommen')}</th>`);
    expect(numbersOf(enPage.text)).toEqual(numbersOf(nbPage.text));
    expect(numbersOf(enPage.text).length).toBeGreaterThan(20);
  });

  test('nynorsk staff get nynorsk texts; the CSV follows the interface language', async () => {
    await admin.agent.get('/oversikt?lang=nn');
    const page = await admin.agent.get(`/resultater/${t.closedWaveId}/organisasjon`);
    expect(page.text).toContain(`lang="nn"><span>${factor('nn', 'medvirkning')}</span></th>`);
    const csv = await admin.agent.get(`/resultater/${t.closedWaveId}/enhet/demo/csv`);
    expect(csv.text).toContain(item('nn', 'hefa_beg_rolle'));
    await admin.agent.get('/oversikt?lang=en');
    const en = await admin.agent.get(`/resultater/${t.closedWaveId}/enhet/demo/csv`);
    expect(en.text).toContain(item('en', 'hefa_beg_rolle'));
    expect(en.text).not.toContain(item('nb', 'hefa_beg_rolle'));
    await admin.agent.get('/oversikt?lang=nb');
  });

  test('the comparison and the follow-up page name factors in the reader language', async () => {
    await admin.agent.get('/oversikt?lang=en');
    const compare = await admin.agent.get(`/sammenligning/${t.projectId}/enhet/demo`);
    expect(compare.status).toBe(200);
    expect(compare.text).toContain(`lang="en">${factor('en', 'mestring')}`);
    const followup = await admin.agent.get(`/oppfolging/${t.closedWaveId}/enhet/demo`);
    expect(followup.status).toBe(200);
    expect(followup.text).toContain(`<span lang="en">${factor('en', 'mestring')}</span>`);
    await admin.agent.get('/oversikt?lang=nb');
  });
});

describe('a wave chooses its languages', () => {
  test('the settings offer the survey languages; a language the survey lacks or a default not offered gets 422 with the other input kept', async () => {
    const url = `/admin/malinger/${t.demo.waveId}`;
    const page = await admin.agent.get(url);
    for (const tag of ['nb', 'nn', 'en', 'pl', 'lt']) expect(page.text).toContain(`name="languages" value="${tag}"`);
    const post = (languages: string[], defaultLanguage: string) => {
      const params = new URLSearchParams({ _csrf: admin.csrf, name: 'Demo', kResults: '5', kDistribution: '10', kText: '10', linkMode: 'open', opensOn: '', closesOn: '', languagesShown: '1', defaultLanguage });
      for (const l of languages) params.append('languages', l);
      return admin.agent.post(`${url}/innstillinger`).type('form').send(params.toString());
    };
    const unknown = await post(['nb', 'ar'], 'nb');
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('Velg minst ett språk som undersøkelsen finnes på.');
    const notOffered = await post(['nb', 'pl'], 'nn');
    expect(notOffered.status).toBe(422);
    expect(notOffered.text).toContain('Startspråket må være ett av språkene som tilbys.');
    expect(notOffered.text).toMatch(/value="pl" checked/);
    expect((await post([], 'nb')).status).toBe(422);
    expect((await post(['nn', 'pl'], 'nn')).status).toBe(303);
    expect(getWave(t.db, t.demo.waveId)).toMatchObject({ languages: ['nn', 'pl'], defaultLanguage: 'nn' });
  });
});
