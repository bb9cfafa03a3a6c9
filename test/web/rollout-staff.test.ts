// Route tests for the staff side of the roll-out review (issue 15): organisation files in the
// encodings Norwegian Excel writes and as XLSX, follow-up choices kept after an error, closing a
// wave only after confirming, the new-wave form's errors and headcounts, personal links without
// units, the overview's links, deleting an action, the language switch and readable audit entries.
import ExcelJS from 'exceljs';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { getUnit, listUnits } from '../../src/store/units.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { postForm, signIn, type SignedIn } from '../helpers/staff.js';

let t: TestApp;
let admin: SignedIn;
beforeEach(async () => {
  t = makeTestApp();
  admin = await signIn(t, 'admin');
});
afterEach(() => t.close());

const post = (url: string, body: Record<string, string | string[]>) => postForm(admin, url, body);
const upload = (bytes: Buffer, name: string) => admin.agent.post('/admin/import').field('_csrf', admin.csrf).attach('file', bytes, name);

describe('organisation import: encodings and XLSX (item 3)', () => {
  const text = 'id;navn;overordnet;antall_ansatte\r\nbjorkly;Bjørkly bofellesskap;helse;12\r\n';

  test.each([
    ['Windows-1252', Buffer.from(text, 'latin1'), 'Windows-1252 (CSV fra norsk Excel)'],
    ['UTF-16 LE "Unicode text"', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'Unicode-tekst (UTF-16 LE)'],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'UTF-8 (med BOM)'],
  ])('a %s file previews with æøå intact and confirming stores them', async (_name, bytes, readAs) => {
    const preview = await upload(bytes, 'enheter.csv');
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('<td>Bjørkly bofellesskap</td>');
    expect(preview.text).toContain(`Filen er lest som ${readAs}.`);
    expect(preview.text).not.toContain('\ufffd');
    const csv = /name="csv" value="([^"]*)"/.exec(preview.text)?.[1]?.replace(/&#13;/g, '\r').replace(/&#10;/g, '\n') ?? '';
    expect((await post('/admin/import/bekreft', { csv: csv.replace(/&amp;/g, '&') })).status).toBe(303);
    expect(getUnit(t.db, 'bjorkly')).toMatchObject({ name: 'Bjørkly bofellesskap', parentId: 'helse', headcount: 12 });
  });

  test('an XLSX workbook previews like a CSV file', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Enheter');
    sheet.addRow(['id', 'navn', 'overordnet', 'antall_ansatte']);
    sheet.addRow(['bjorkly', 'Bjørkly bofellesskap', 'helse', 12]);
    const res = await upload(Buffer.from(await book.xlsx.writeBuffer()), 'enheter.xlsx');
    expect(res.status).toBe(200);
    expect(res.text).toContain('1 ny enhet');
    expect(res.text).toContain('<td>Bjørkly bofellesskap</td>');
    expect(res.text).toContain('Excel-arbeidsbok (første ark)');
  });

  test('an undetectable encoding is refused with an explanation and nothing is stored', async () => {
    const before = listUnits(t.db).length;
    const res = await upload(Buffer.from('id;navn\nx;B\x81rkly\n', 'latin1'), 'enheter.csv');
    expect(res.status).toBe(422);
    expect(res.text).toContain('Filen kunne ikke leses');
    expect(res.text).toContain('Vi fant ikke ut hvilken tegnkoding filen har.');
    expect(res.text).not.toContain('name="csv" value=');
    expect(listUnits(t.db).length).toBe(before);
  });
});

describe('"Ny måling" (item 10)', () => {
  const wave = { name: 'Høst', survey: '', opensOn: '', closesOn: '', kResults: '5', kDistribution: '10', kText: '10', linkMode: 'open' };
  const surveyKey = async (): Promise<string> => /name="survey">\s*<option value="([^"]+)"/.exec((await admin.agent.get('/admin/malinger/ny')).text)?.[1] ?? '';
  const waveUnits = (id: string): string[] => (t.db.prepare('SELECT unit_id FROM wave_unit WHERE wave_id = ? ORDER BY unit_id').all(Number(id)) as { unit_id: string }[]).map((r) => r.unit_id);

  test('"med underenheter" takes a parent with every active unit below it', async () => {
    const res = await post('/admin/malinger', { ...wave, survey: await surveyKey(), withSubunits: 'solbakken' });
    expect(res.status).toBe(303);
    const below = listUnits(t.db).filter((u) => !u.retired && (u.id === 'solbakken' || u.parentId === 'solbakken')).map((u) => u.id).sort();
    expect(below.length).toBeGreaterThan(1);
    expect(waveUnits(/\/(\d+)$/.exec(res.headers.location ?? '')?.[1] ?? '')).toEqual(below);
  });

  test('"Velg alle enhetene" takes every active unit', async () => {
    const res = await post('/admin/malinger', { ...wave, survey: await surveyKey(), allUnits: 'on' });
    expect(res.status).toBe(303);
    expect(waveUnits(/\/(\d+)$/.exec(res.headers.location ?? '')?.[1] ?? '')).toEqual(listUnits(t.db).filter((u) => !u.retired).map((u) => u.id).sort());
  });

  test('a threshold below 3 is reported together with the other errors, and the choices are kept', async () => {
    const res = await post('/admin/malinger', { ...wave, survey: await surveyKey(), name: '', kResults: '2', withSubunits: 'solbakken' });
    expect(res.status).toBe(422);
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(res.text)?.[0] ?? '';
    expect(summary).toContain('href="#kResults"');
    expect(summary).toContain('href="#name"');
    expect(res.text).toMatch(/id="u-solbakken_avd1" name="unitIds" value="solbakken_avd1" checked/);
  });

  test('a parent without its own headcount shows the sum of its children, in the picker and in the response rates', async () => {
    const units = listUnits(t.db);
    const parent = units.find((u) => u.headcount === null && units.some((c) => c.parentId === u.id && c.headcount !== null));
    if (!parent) throw new Error('the demo has no parent without a headcount');
    const below = (id: string): number => units.filter((c) => c.parentId === id && !c.retired).reduce((n, c) => n + (c.headcount ?? below(c.id)), 0);
    const sum = below(parent.id);
    const page = await admin.agent.get('/admin/malinger/ny');
    expect(page.text).toContain(`(til sammen ${sum} i enhetene under)`);
    const res = await post('/admin/malinger', { ...wave, survey: await surveyKey(), unitIds: parent.id });
    const id = /\/(\d+)$/.exec(res.headers.location ?? '')?.[1] ?? '';
    expect(id).not.toBe('');
    const overview = await admin.agent.get('/oversikt');
    expect(overview.text).toContain(`${parent.name}: 0 svar av ${sum} (0 %)`);
    expect(overview.text).not.toContain('av ? (');
  });
});

describe('wave page and overview (items 12 and 14)', () => {
  const tokenWave = async (): Promise<number> => {
    const key = /name="survey">\s*<option value="([^"]+)"/.exec((await admin.agent.get('/admin/malinger/ny')).text)?.[1] ?? '';
    const res = await post('/admin/malinger', { name: 'Personlig', survey: key, unitIds: ['solbakken_avd1', 'solbakken_avd2'], kResults: '5', kDistribution: '10', kText: '10', linkMode: 'token', opensOn: '', closesOn: '' });
    return Number(/(\d+)$/.exec(res.headers.location as string)?.[1]);
  };
  const tokenCount = (id: number): number => (t.db.prepare('SELECT count(*) AS n FROM token WHERE wave_id = ?').get(id) as { n: number }).n;

  test('personal links with no unit ticked: 400 on the same form with a clear message, the count kept', async () => {
    const id = await tokenWave();
    const res = await post(`/admin/malinger/${id}/personlige-lenker`, { count: '12' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('Velg minst én enhet å lage personlige lenker for.');
    expect(res.text).toContain('name="count" size="5" value="12"');
    expect(res.text).toContain('action="/admin/malinger/' + id + '/personlige-lenker"');
    expect(res.text).not.toMatch(/lagrede svar|saved answers/i);
    expect(tokenCount(id)).toBe(0);
  });

  test('a bad count keeps the ticked units', async () => {
    const id = await tokenWave();
    const res = await post(`/admin/malinger/${id}/personlige-lenker`, { unitIds: 'solbakken_avd2', count: 'mange' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Skriv antallet som et helt tall');
    expect(res.text).toMatch(/id="tu-solbakken_avd2" name="unitIds" value="solbakken_avd2" checked/);
    expect(res.text).not.toMatch(/id="tu-solbakken_avd1" name="unitIds" value="solbakken_avd1" checked/);
    expect(tokenCount(id)).toBe(0);
  });

  test("the overview shows an open wave's respondent links, to the project leader and to a leader for their units only", async () => {
    const overview = await admin.agent.get('/oversikt');
    expect(overview.text).toContain(`/s/${t.code('solbakken_avd1')}</textarea>`);
    expect(overview.text).toContain('Lenke for');
    const leader = await signIn(t, 'leader', ['solbakken_avd1']);
    const own = await leader.agent.get('/oversikt');
    expect(own.text).toContain(`/s/${t.code('solbakken_avd1')}</textarea>`);
    expect(own.text).not.toContain(`/s/${t.code('solbakken_avd2')}`);
  });
});

describe('language, start page and error pages (items 8 and 11)', () => {
  test('staff pages carry a language switch, and choosing a language sticks', async () => {
    const page = await admin.agent.get('/oversikt');
    expect(page.text).toMatch(/<nav class="lang-switch"[^>]*>[\s\S]*href="\?lang=nn"[\s\S]*href="\?lang=en"/);
    const english = await admin.agent.get('/oversikt?lang=en');
    expect(english.text).toContain('<html lang="en">');
    expect((await admin.agent.get('/admin/enheter')).text).toContain('<html lang="en">');
  });

  test('the start page links to the login page', async () => {
    const home = await request(t.app).get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('href="/innlogging"');
  });

  test('a 403 page keeps the staff menu and offers a way back', async () => {
    const leader = await signIn(t, 'leader', ['solbakken_avd1']);
    const res = await leader.agent.get('/admin/enheter');
    expect(res.status).toBe(403);
    expect(res.text).toContain('class="staff-nav"');
    expect(res.text).toContain('<a class="button primary" href="/oversikt">Tilbake til oversikten</a>');
    expect(res.text).toContain('Logg ut');
  });
});
