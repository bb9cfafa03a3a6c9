// Numbers a reader can trust, through the real app: every figure with its n (or "færre enn k"),
// no certainty claimed from a zero-width interval, and the methods page the help links to.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../../src/app.js';
import { testConfig } from '../../src/config.js';
import { openDb } from '../../src/store/db.js';
import { createProject, setWaveProject } from '../../src/store/projects.js';
import { syncSurveyVersions } from '../../src/store/survey-versions.js';
import { addUnit } from '../../src/store/units.js';
import { createWave } from '../../src/store/waves.js';
import { markdownToHtml } from '../../src/web/results/markdown.js';
import { bundledSurveys, makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { signIn, type SignedIn } from '../helpers/staff.js';

let t: HistoryApp;
let admin: SignedIn;
beforeAll(async () => {
  t = makeHistoryApp();
  admin = await signIn(t, 'admin');
});
afterAll(() => t.close());

const plain = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ').trim();
const cellsOf = (html: string): string[] => [...html.matchAll(/<td class="num">([\s\S]*?)<\/td>/g)].map((m) => plain(m[1] as string));
/** A figure cell that carries its n, or says why it is withheld. */
// Its n, or for a figure whose exact n would tell how many said "vet ikke", "høyst" the group's n.
const hasN = (cell: string): boolean => /\((n = |høyst )\d+\)$/.test(cell) || /^færre enn \d+ svar$/.test(cell) || /^skjult/.test(cell);

describe('every figure shows its n', () => {
  test('a unit page: the parent and organisation columns, position averages, now and desired each with their own n', async () => {
    const html = (await admin.agent.get(`/resultater/${t.closedWaveId}/enhet/solbakken_avd1`)).text;
    const factorTable = /<table class="data" id="factor-table">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(factorTable).toContain('Solbakken sykehjem');
    expect(factorTable).toContain('Hele organisasjonen');
    // Each row: mean, SD, n of the unit, then the two comparison columns with their own n.
    const rows = [...factorTable.matchAll(/<tr><th scope="row"[\s\S]*?<\/tr>/g)].map((m) => cellsOf(m[0]));
    expect(rows.length).toBe(t.survey.factors.length);
    for (const cells of rows) {
      expect(cells).toHaveLength(5);
      expect(cells.slice(3).every(hasN), cells.join(' | ')).toBe(true);
    }
    const position = plain(/<section aria-labelledby="position-title">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '');
    expect(position).toMatch(/Gjennomsnittlig stilling nå \d+,\d % \(n = \d+\)/);
    // The desired average is shown with its n, or withheld where 1..k-1 want another size (their
    // desired minus current would be a sum over just them; disclosure.ts rule 3).
    expect(position).toMatch(/Gjennomsnittlig ønsket stilling (\d+,\d % \(n = \d+\)|skjult)/);
    expect(position).toMatch(/Andel av alle \(n = \d+\) Andel av deltidsansatte \(n = \d+\)/);
    const nowDesired = /<section aria-labelledby="nd-title">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(plain(nowDesired)).toContain('Påstand Slik er det nå n nå Slik ønsker jeg det n ønsket Avstand');
    expect(plain(/<section aria-labelledby="strengths-title"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '')).toMatch(/\d,\d \(n = \d+\)/);
  });

  test('a comparison page: every figure of every wave, statements included, with its n', async () => {
    const html = (await admin.agent.get(`/sammenligning/${t.projectId}/enhet/administrasjon`)).text;
    const waves = 2;
    let figures = 0;
    for (const table of html.match(/<table class="data"[^>]*>[\s\S]*?<\/table>/g) ?? []) {
      for (const row of table.match(/<tr>\s*<th scope="row"[\s\S]*?<\/tr>/g) ?? []) {
        const cells = cellsOf(row).slice(0, waves);
        for (const c of cells) {
          figures += 1;
          expect(hasN(c), `${plain(row).slice(0, 80)}: "${c}"`).toBe(true);
        }
      }
    }
    expect(figures).toBeGreaterThan(60);
    // Administrasjon has 10 answers; "vet ikke" takes some statements below 10: their exact n would
    // tell how many said "vet ikke" (their distribution is withheld), so they say "høyst 10".
    expect(plain(html)).toMatch(/\d,\d \(høyst 10\)/);
  });

  test('the overview of clear changes gives both waves’ n', async () => {
    const html = (await admin.agent.get(`/sammenligning/${t.projectId}/endringer`)).text;
    expect(plain(html)).toMatch(/n = \d+ → \d+ [+−]\d,\d\d/);
    expect(plain(html)).toContain('Tydelig økning');
    expect(plain(html)).not.toContain('Sikker');
  });
});

describe('a zero-width interval never claims certainty', () => {
  test('everyone alike in both waves (n 10): no interval, no verdict', async () => {
    const db = openDb(':memory:');
    syncSurveyVersions(db, bundledSurveys().values());
    const survey = bundledSurveys().get('raus');
    if (!survey) throw new Error('no survey');
    addUnit(db, { id: 'org', name: 'Org' });
    addUnit(db, { id: 'a', name: 'Avdeling A', parentId: 'org', headcount: 12 });
    const project = createProject(db, 'P', survey.id);
    const insert = db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, NULL)');
    let id = 0;
    for (const [k, value] of [4, 5].entries()) {
      const waveId = createWave(db, { name: `W${k}`, surveyId: survey.id, surveyVersion: survey.version, unitIds: ['a'], linkMode: 'open', status: 'closed' });
      setWaveProject(db, waveId, project);
      for (let i = 0; i < 10; i++) {
        id += 1;
        db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, ?, 'a', ?, ?)").run(id, waveId, survey.id, survey.version);
        for (const item of survey.items) insert.run(id, item.id, '', value);
      }
    }
    const app = { app: createApp({ db, config: testConfig() }), db, config: testConfig(), demo: { waveId: 0, links: [] }, survey, code: () => '', close: () => db.close() };
    const pl = await signIn(app, 'admin');
    const html = plain((await pl.agent.get(`/sammenligning/${project}/enhet/a`)).text);
    const csv = (await pl.agent.get(`/sammenligning/${project}/enhet/a/csv`)).text;
    db.close();
    expect(html).toContain('RAUS samlet 4,0 (n = 10) 5,0 (n = 10) +1,00 kan ikke beregnes Alle svarte likt i begge målingene, så usikkerheten kan ikke beregnes');
    expect(html).not.toContain('1,00 til 1,00');
    expect(html).not.toMatch(/Tydelig|Sikker/);
    expect(csv).toContain('"RAUS";"raus_total";"raus_total";"4,0";"5,0";"1,00";;;"alle svarte likt: usikkerheten kan ikke beregnes";10;10;');
  });
});

describe('the methods page', () => {
  test('is linked from the results help, the heat map and the comparison pages, and states the rules', async () => {
    for (const url of [`/resultater/${t.closedWaveId}/enhet/demo`, `/resultater/${t.closedWaveId}/organisasjon`, `/sammenligning/${t.projectId}/enhet/demo`, `/sammenligning/${t.projectId}/endringer`]) {
      expect((await admin.agent.get(url)).text, url).toContain('<a href="/resultater/metode">Slik regner vi ut tallene</a>');
    }
    const res = await admin.agent.get('/resultater/metode');
    expect(res.status).toBe(200);
    const text = plain(res.text);
    for (const phrase of ['halvt bort fra null', 'utvalgets standardavvik', 'Newcombes hybride score-intervall', 'Benjamini–Hochberg', 'Minste påviselige endring', 'barnehage_eneste_hinder', 'andel av deltidsansatte']) {
      expect(text).toContain(phrase);
    }
    expect(res.text).toContain('<h1>Slik regner Kartlegg ut tallene</h1>');
  });

  test('is for signed-in staff only', async () => {
    const res = await request(t.app).get('/resultater/metode');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/innlogging/);
  });

  test('the Markdown is rendered without passing any HTML through', () => {
    expect(markdownToHtml('# T\n\nA <script>x</script> **b** and `c<d`.\n\n- one\n  more\n- two\n\n| a | b |\n| --- | --- |\n| <i>x</i> | y |')).toBe(
      '<h1>T</h1>\n<p>A &lt;script&gt;x&lt;/script&gt; <strong>b</strong> and <code>c&lt;d</code>.</p>\n<ul><li>one more</li><li>two</li></ul>\n' +
        '<table class="data"><thead><tr><th scope="col">a</th><th scope="col">b</th></tr></thead><tbody><tr><th scope="row">&lt;i&gt;x&lt;/i&gt;</th><td>y</td></tr></tbody></table>',
    );
  });
});
