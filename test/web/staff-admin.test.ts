import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { planImport } from '../../src/org/import.js';
import { getUnit, listUnits } from '../../src/store/units.js';
import { getWave } from '../../src/store/waves.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { signIn, type SignedIn } from '../helpers/staff.js';

let t: TestApp;
let admin: SignedIn;
beforeEach(async () => {
  t = makeTestApp();
  admin = await signIn(t, 'admin');
});
afterEach(() => t.close());

const post = (url: string, body: Record<string, string | string[]>) => {
  const params = new URLSearchParams({ _csrf: admin.csrf });
  for (const [k, v] of Object.entries(body)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
  return admin.agent.post(url).type('form').send(params.toString());
};
const unitCount = () => listUnits(t.db).length;

describe('organisation tree', () => {
  test('create, rename and move a unit; its id stays', async () => {
    expect((await post('/admin/enheter', { id: 'kjokken', name: 'Kjøkkenet', parentId: 'solbakken', headcount: '7' })).status).toBe(303);
    expect(getUnit(t.db, 'kjokken')).toMatchObject({ name: 'Kjøkkenet', parentId: 'solbakken', headcount: 7 });
    expect((await post('/admin/enheter/kjokken', { name: 'Storkjøkkenet', parentId: 'helse', headcount: '8' })).status).toBe(303);
    expect(getUnit(t.db, 'kjokken')).toMatchObject({ id: 'kjokken', name: 'Storkjøkkenet', parentId: 'helse', headcount: 8 });
  });

  test.each([
    [{ id: 'solbakken', name: 'Dup' }, 'Det finnes allerede en enhet med denne ID-en.'],
    [{ id: 'bad id!', name: 'X' }, 'ID-en kan bare ha bokstaver'],
    [{ id: 'x', name: '' }, 'Skriv et navn'],
    [{ id: 'x', name: 'X', parentId: 'nowhere' }, 'Den overordnede enheten finnes ikke.'],
    [{ id: 'x', name: 'X', headcount: '-3' }, 'Skriv et helt tall'],
  ])('invalid new unit %j gets 422 and a message', async (form, message) => {
    const before = unitCount();
    const res = await post('/admin/enheter', form);
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    expect(unitCount()).toBe(before);
  });

  test('moving a unit below its own descendant is refused', async () => {
    const res = await post('/admin/enheter/helse', { name: 'Helse og omsorg', parentId: 'solbakken_avd1' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('kan ikke ligge under seg selv');
    expect(getUnit(t.db, 'helse')?.parentId).toBe('demo');
  });

  test('retiring keeps the unit but leaves it out of new waves', async () => {
    await post('/admin/enheter/administrasjon/status', { retired: '1' });
    expect(getUnit(t.db, 'administrasjon')?.retired).toBe(true);
    const form = await admin.agent.get('/admin/malinger/ny');
    expect(form.text).not.toContain('value="administrasjon"');
  });
});

describe('CSV import', () => {
  const csv = '\uFEFFid;navn;overordnet;antall_ansatte\r\nbhg;Eventyrskogen barnehage;oppvekst;\r\nbhg_rod;Rød avdeling;bhg;7\r\nsolbakken;Solbakken bo- og omsorgssenter;helse;\r\n';

  test('a dry run shows what would change and writes nothing; confirming writes it', async () => {
    const before = unitCount();
    const preview = await post('/admin/import', { csv });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('2 nye enheter, 1 endres');
    expect(unitCount()).toBe(before);
    const apply = await post('/admin/import/bekreft', { csv });
    expect(apply.status).toBe(303);
    expect(unitCount()).toBe(before + 2);
    expect(getUnit(t.db, 'bhg_rod')).toMatchObject({ parentId: 'bhg', headcount: 7 });
    expect(getUnit(t.db, 'solbakken')?.name).toBe('Solbakken bo- og omsorgssenter');
  });

  test('a file upload (multipart) works like pasting', async () => {
    const res = await admin.agent.post('/admin/import').field('_csrf', admin.csrf).attach('file', Buffer.from(csv, 'utf8'), 'enheter.csv');
    expect(res.status).toBe(200);
    expect(res.text).toContain('2 nye enheter');
  });

  test('problems are all reported before anything is written, and confirming is refused', async () => {
    const bad = 'id,name,parent id,headcount\na,A,,x\na,A2,,\nb,B,nowhere,\nc,C,d,\nd,D,c,\n';
    const preview = await post('/admin/import', { csv: bad });
    expect(preview.status).toBe(422);
    for (const message of ['antall ansatte «x» er ikke et helt tall', 'id-en «a» står også på linje 2', 'overordnet enhet «nowhere» finnes ikke', '«c» ville ligge under seg selv']) {
      expect(preview.text).toContain(message);
    }
    const before = unitCount();
    expect((await post('/admin/import/bekreft', { csv: bad })).status).toBe(422);
    expect(unitCount()).toBe(before);
  });

  test.each([
    ['comma and quotes', 'id,name,parent,headcount\nx,"Enhet, med komma",,3\n', { id: 'x', name: 'Enhet, med komma', headcount: 3 }],
    ['semicolon, CRLF, BOM', '\uFEFFid;navn\r\ny;Ypsilon\r\n', { id: 'y', name: 'Ypsilon', headcount: null }],
    ['escaped quote', 'id;navn\nz;"Sier ""hei"""\n', { id: 'z', name: 'Sier "hei"', headcount: null }],
  ])('parses %s', (_name, text, expected) => {
    const plan = planImport(text, []);
    expect(plan.problems).toEqual([]);
    expect(plan.create[0]).toMatchObject(expected);
  });

  test('a missing required column is reported', () => {
    expect(planImport('id;foo\na;b\n', []).problems).toEqual([{ line: 1, code: 'header', value: 'name' }]);
  });
});

describe('waves', () => {
  test('create a wave: open links per unit, frozen survey version, default thresholds', async () => {
    const res = await post('/admin/malinger', { name: 'T1', survey: `kartlegging@${t.survey.version}`, unitIds: ['solbakken_avd1', 'solbakken_avd2'], kResults: '5', kDistribution: '10', kText: '10', linkMode: 'open', opensOn: '', closesOn: '' });
    expect(res.status).toBe(303);
    const id = Number(/\/admin\/malinger\/(\d+)/.exec(res.headers.location as string)?.[1]);
    expect(getWave(t.db, id)).toMatchObject({ name: 'T1', surveyId: 'kartlegging', surveyVersion: t.survey.version, status: 'draft', kResults: 5 });
    const page = await admin.agent.get(`/admin/malinger/${id}`);
    expect(page.text.match(/\/s\/[a-z0-9]{10}/g)).toHaveLength(2);
  });

  test.each([
    [{ kResults: '2' }, 'minst 3'],
    [{ kDistribution: '4' }, 'kan ikke være lavere'],
    [{ closesOn: '2020-01-01', opensOn: '2020-02-01' }, 'Stengedatoen kan ikke være før åpningsdatoen.'],
    [{ unitIds: [] as string[] }, 'Velg minst én enhet.'],
  ])('invalid wave %j gets 422', async (change, message) => {
    const res = await post('/admin/malinger', { name: 'T1', survey: `kartlegging@${t.survey.version}`, unitIds: ['solbakken_avd1'], kResults: '5', kDistribution: '10', kText: '10', linkMode: 'open', opensOn: '', closesOn: '', ...change });
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
  });

  test('once a wave has answers, thresholds cannot be lowered, free text not turned on, link mode not changed', async () => {
    t.db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (42, ?, 'administrasjon', 'kartlegging', 1)").run(t.demo.waveId);
    const base = { name: 'Demo', kResults: '5', kDistribution: '10', kText: '10', linkMode: 'open', opensOn: '', closesOn: '' };
    for (const [change, message] of [
      [{ kResults: '4' }, 'kan ikke senkes'],
      [{ kText: '9' }, 'kan ikke senkes'],
      [{ freeText: 'on' }, 'fritekst kan ikke slås på'],
      [{ linkMode: 'token' }, 'lenketypen kan ikke endres'],
    ] as const) {
      const res = await post(`/admin/malinger/${t.demo.waveId}/innstillinger`, { ...base, ...change });
      expect(res.status, JSON.stringify(change)).toBe(422);
      expect(res.text).toContain(message);
    }
    expect((await post(`/admin/malinger/${t.demo.waveId}/innstillinger`, { ...base, kResults: '7', kDistribution: '12', kText: '12' })).status).toBe(303);
    expect(getWave(t.db, t.demo.waveId)?.kResults).toBe(7);
  });

  test('open, close and reopen are audited', async () => {
    // Closing asks first and changes nothing until confirmed.
    const askClose = await post(`/admin/malinger/${t.demo.waveId}/status`, { status: 'closed' });
    expect(askClose.status).toBe(200);
    expect(askClose.text).toContain('Avslutte målingen?');
    expect(getWave(t.db, t.demo.waveId)?.status).toBe('open');
    await post(`/admin/malinger/${t.demo.waveId}/status`, { status: 'closed', confirm: 'yes' });
    expect(getWave(t.db, t.demo.waveId)?.status).toBe('closed');
    // Reopening a released wave first asks, saying what the next close will hold back.
    const ask = await post(`/admin/malinger/${t.demo.waveId}/status`, { status: 'open' });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('Åpne målingen igjen?');
    expect(ask.text).toContain('name="confirm" value="yes"');
    expect(getWave(t.db, t.demo.waveId)?.status).toBe('closed');
    await post(`/admin/malinger/${t.demo.waveId}/status`, { status: 'open', confirm: 'yes' });
    expect(getWave(t.db, t.demo.waveId)?.status).toBe('open');
    const log = await admin.agent.get('/admin/logg');
    expect(log.text).toContain('Måling avsluttet');
    expect(log.text).toContain('Måling åpnet igjen');
  });

  test('links CSV: BOM, semicolons, one row per unit; comma on request', async () => {
    const res = await admin.agent.get(`/admin/malinger/${t.demo.waveId}/lenker.csv`);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.text.startsWith('\uFEFF"enhet_id";"enhet";"lenke"')).toBe(true);
    expect(res.text.trim().split('\r\n')).toHaveLength(1 + t.demo.links.length);
    const comma = await admin.agent.get(`/admin/malinger/${t.demo.waveId}/lenker.csv?skilletegn=komma`);
    expect(comma.text.startsWith('\uFEFF"enhet_id","enhet","lenke"')).toBe(true);
  });

  test('personal links: a CSV of working one-time links, default count = headcount', async () => {
    const res = await post('/admin/malinger', { name: 'Tokens', survey: `kartlegging@${t.survey.version}`, unitIds: ['solsikken_bla'], kResults: '5', kDistribution: '10', kText: '10', linkMode: 'token', opensOn: '', closesOn: '' });
    const id = Number(/(\d+)$/.exec(res.headers.location as string)?.[1]);
    await post(`/admin/malinger/${id}/status`, { status: 'open' });
    const csv = await post(`/admin/malinger/${id}/personlige-lenker`, { unitIds: 'solsikken_bla', count: '' });
    const links = csv.text.match(/\/s\/[a-z0-9]{16}/g) ?? [];
    expect(links).toHaveLength(6);
    expect((await admin.agent.get(links[0] as string)).status).toBe(200);
  });

  test('the printable page has the link and a QR code as inline SVG', async () => {
    const res = await admin.agent.get(`/admin/malinger/${t.demo.waveId}/utskrift/solbakken_avd1`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`/s/${t.code('solbakken_avd1')}`);
    expect(res.text).toMatch(/<svg[^>]*viewBox/);
  });

  test('the response-rate page counts responses against headcount', async () => {
    t.db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (7, ?, 'solbakken_avd1', 'kartlegging', 1), (8, ?, 'solbakken_avd1', 'kartlegging', 1)").run(t.demo.waveId, t.demo.waveId);
    const res = await admin.agent.get(`/malinger/${t.demo.waveId}/svar`);
    expect(res.text).toMatch(/Solbakken, avdeling 1<\/th><td class="num">2<\/td><td class="num">18<\/td><td class="num">11 %/);
    expect(res.text).toMatch(/Solbakken sykehjem<\/th><td class="num">2<\/td><td class="num">36<\/td><td class="num">6 %/);
  });
});

describe('projects', () => {
  test('a wave joins a new project, then leaves it; a project of another survey is refused', async () => {
    const res = await post(`/admin/malinger/${t.demo.waveId}/prosjekt`, { project: 'new', newProject: 'Heltid 2026' });
    expect(res.status).toBe(303);
    const row = t.db.prepare('SELECT p.name, p.survey_id FROM wave w JOIN project p ON p.id = w.project_id WHERE w.id = ?').get(t.demo.waveId);
    expect(row).toEqual({ name: 'Heltid 2026', survey_id: 'kartlegging' });
    t.db.prepare("INSERT INTO project (id, name, survey_id) VALUES (99, 'RAUS alene', 'raus')").run();
    expect((await post(`/admin/malinger/${t.demo.waveId}/prosjekt`, { project: '99' })).status).toBe(400);
    expect((await post(`/admin/malinger/${t.demo.waveId}/prosjekt`, { project: '' })).status).toBe(303);
    expect(t.db.prepare('SELECT project_id FROM wave WHERE id = ?').get(t.demo.waveId)).toEqual({ project_id: null });
  });
});
