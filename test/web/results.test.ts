// Results pages through the real app: access, no live results, suppression on every output,
// and the CSV carrying exactly the page's numbers.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../../src/app.js';
import { testConfig } from '../../src/config.js';
import { openDb } from '../../src/store/db.js';
import { syncSurveyVersions } from '../../src/store/survey-versions.js';
import { setWaveStatus } from '../../src/store/waves.js';
import { bundledSurveys, makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { signIn, type SignedIn } from '../helpers/staff.js';

let t: HistoryApp;
let closed: number;
let admin: SignedIn;
let leader: SignedIn;
let rep: SignedIn;
let other: SignedIn;

beforeAll(async () => {
  t = makeHistoryApp();
  closed = t.closedWaveId;
  admin = await signIn(t, 'admin');
  leader = await signIn(t, 'leader', ['solbakken']);
  rep = await signIn(t, 'representative', ['solbakken_avd1']);
  other = await signIn(t, 'leader', ['oppvekst']);
});
afterAll(() => t.close());

const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ');

describe('access', () => {
  test.each([
    ['admin', 'solbakken_avd1', 200],
    ['leader', 'solbakken_avd1', 200],
    ['leader', 'solbakken', 200],
    ['leader', 'helse', 403],
    ['leader', 'nordby_skole', 403],
    ['rep', 'solbakken_avd1', 200],
    ['rep', 'solbakken_avd2', 403],
    ['other', 'solbakken_avd1', 403],
    ['other', 'nordby_skole', 200],
  ] as const)('%s on %s gets %i (page and CSV)', async (who, unit, status) => {
    const agent = { admin, leader, rep, other }[who].agent;
    expect((await agent.get(`/resultater/${closed}/enhet/${unit}`)).status).toBe(status);
    expect((await agent.get(`/resultater/${closed}/enhet/${unit}/csv`)).status).toBe(status);
  });

  test('anonymous visitors are sent to login', async () => {
    const { default: request } = await import('supertest');
    const res = await request(t.app).get(`/resultater/${closed}/enhet/demo`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/innlogging/);
  });

  test('the unit list shows each person only their own units', async () => {
    const res = await rep.agent.get(`/resultater/${closed}`);
    expect(res.text).toContain('Solbakken, avdeling 1');
    expect(res.text).not.toContain('Nordby skole');
  });
});

describe('no live results', () => {
  test('an open wave shows no figures, only that results come at close', async () => {
    const res = await admin.agent.get(`/resultater/${t.demo.waveId}/enhet/demo`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Resultatene vises når målingen er avsluttet.');
    expect(res.text).not.toContain('Faktorer');
  });

  test('a reopened wave hides its results again until it closes', async () => {
    setWaveStatus(t.db, closed, 'open');
    const res = await admin.agent.get(`/resultater/${closed}/enhet/demo`);
    expect(res.text).toContain('Resultatene vises når målingen er avsluttet.');
    setWaveStatus(t.db, closed, 'closed');
    expect((await admin.agent.get(`/resultater/${closed}/enhet/demo`)).text).toContain('Faktorer');
  });
});

describe('suppression on every output', () => {
  test('a unit below k shows no figures, says why, and offers the parent', async () => {
    const res = await admin.agent.get(`/resultater/${closed}/enhet/solbakken_natt`);
    expect(res.text).toContain('Færre enn 5 har svart');
    expect(res.text).toContain('Se resultatene for Solbakken sykehjem');
    expect(res.text).not.toContain('factor-chart');
    const csv = await admin.agent.get(`/resultater/${closed}/enhet/solbakken_natt/csv`);
    expect(csv.text.trim().split('\r\n')).toHaveLength(2);
    expect(csv.text).toContain('færre enn 5 svar');
  });

  test('the next-smallest sibling is hidden too, so the small unit cannot be computed from the parent', async () => {
    const res = await admin.agent.get(`/resultater/${closed}/enhet/solbakken_avd2`);
    expect(res.text).toContain('En mindre enhet i nærheten har for få svar');
    const parent = await admin.agent.get(`/resultater/${closed}/enhet/solbakken`);
    expect(text(parent.text)).toContain('Solbakken, nattevakter: færre enn 5 svar');
    expect(text(parent.text)).toContain('Solbakken, avdeling 2: skjult så andre skjulte tall ikke kan regnes ut');
  });

  test('the organisation overview marks hidden units and shows no numbers for them', async () => {
    const res = await admin.agent.get(`/resultater/${closed}/organisasjon`);
    const row = /<tr>\s*<th scope="row"[^>]*><a[^>]*>Solbakken, nattevakter<\/a><\/th>([\s\S]*?)<\/tr>/.exec(res.text)?.[1] ?? '';
    expect(row).toContain('færre enn 5 svar');
    expect(row).not.toMatch(/\d,\d/);
  });

  test('chart data carries only what the table shows', async () => {
    const res = await leader.agent.get(`/resultater/${closed}/enhet/solbakken_avd1`);
    const chart = JSON.parse((/data-chart="([^"]+)"/.exec(res.text)?.[1] ?? '{}').replace(/&#34;/g, '"')) as { labels: string[]; series: { label: string; data: (number | null)[] }[] };
    const table = /<table class="data" id="factor-table">([\s\S]*?)<\/table>/.exec(res.text)?.[1] ?? '';
    const shown = [...table.matchAll(/<tr><th scope="row" lang="nb">([^<]+)<\/th><td class="num">([^<]*)/g)].map((m) => [m[1], m[2]?.trim()]);
    expect(chart.labels).toEqual(shown.map(([label]) => label));
    const own = chart.series[0]?.data ?? [];
    shown.forEach(([, value], i) => expect(own[i] === null ? '–' : String(own[i]).replace('.', ',').replace(/^(\d)$/, '$1,0')).toBe(value));
  });
});

describe('CSV', () => {
  test('UTF-8 with BOM, semicolons, formula-safe, and the same numbers as the page', async () => {
    const page = await admin.agent.get(`/resultater/${closed}/enhet/demo`);
    const csv = await admin.agent.get(`/resultater/${closed}/enhet/demo/csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.startsWith('\uFEFF"del";"id";"tekst"')).toBe(true);
    const factorRows = csv.text.split('\r\n').filter((l) => l.startsWith('"Faktor"'));
    expect(factorRows.length).toBe(t.survey.factors.length);
    const pageText = text(page.text);
    for (const row of factorRows) {
      const [, , label, n, mean, sd] = row.split(';').map((c) => c.replace(/^"|"$/g, ''));
      expect(pageText).toContain(`${label} ${mean} ${sd} ${n}`);
    }
    const comma = await admin.agent.get(`/resultater/${closed}/enhet/demo/csv?skilletegn=komma`);
    expect(comma.text.startsWith('\uFEFF"del","id","tekst"')).toBe(true);
    expect(comma.text).toMatch(/"Faktor","begripelighet","Begripelighet",\d+,"\d\.\d"/);
  });
});

describe('free text', () => {
  async function setup(freeText: boolean, writers: number) {
    const db = openDb(':memory:');
    syncSurveyVersions(db, bundledSurveys().values());
    const survey = bundledSurveys().get('kartlegging');
    if (!survey) throw new Error('no survey');
    const { addUnit } = await import('../../src/store/units.js');
    const { createWave, updateWaveSettings, getWave } = await import('../../src/store/waves.js');
    const { syntheticAnswers, seededRandom } = await import('../../src/demo-answers.js');
    const { answerRows } = await import('../../src/store/responses.js');
    addUnit(db, { id: 'org', name: 'Org' });
    addUnit(db, { id: 'a', name: 'A', parentId: 'org', headcount: 10 });
    const waveId = createWave(db, { name: 'W', surveyId: survey.id, surveyVersion: survey.version, unitIds: ['a'], linkMode: 'open', status: 'closed' });
    const wave = getWave(db, waveId);
    if (!wave) throw new Error('no wave');
    updateWaveSettings(db, waveId, { ...wave, kResults: 3, kDistribution: 5, kText: 5, freeTextInReports: freeText });
    const rand = seededRandom(1);
    for (let i = 0; i < 8; i++) {
      const answers = syntheticAnswers(survey, rand, 0);
      if (i < writers) answers.kommentar = `Kommentar nummer ${8 - i}`;
      db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, ?, 'a', ?, ?)").run(i + 1, waveId, survey.id, survey.version);
      for (const r of answerRows(survey, answers)) db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, ?)').run(i + 1, r.itemId, r.part, r.num, r.txt);
    }
    const config = testConfig();
    const app = { app: createApp({ db, config }), db, config, demo: { waveId, links: [] }, survey, code: () => '', close: () => db.close() };
    const pl = await signIn(app, 'admin');
    const res = await pl.agent.get(`/resultater/${waveId}/enhet/a`);
    db.close();
    return res.text;
  }

  test('shown, alphabetically, when the wave turned free text on and enough wrote', async () => {
    const html = await setup(true, 6);
    expect(html).toContain('Kommentarer');
    const shown = [...html.matchAll(/<li lang="nb">(Kommentar nummer \d)<\/li>/g)].map((m) => m[1]);
    expect(shown).toEqual(['Kommentar nummer 3', 'Kommentar nummer 4', 'Kommentar nummer 5', 'Kommentar nummer 6', 'Kommentar nummer 7', 'Kommentar nummer 8']);
  });

  test('never shown when the wave has free text off', async () => {
    expect(await setup(false, 8)).not.toContain('Kommentar nummer');
  });

  test('never shown when fewer than the text threshold wrote', async () => {
    expect(await setup(true, 4)).not.toContain('Kommentar nummer');
  });
});
