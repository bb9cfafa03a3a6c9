// Before/after pages through the real app: access, disclosure across waves, CSV = page.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CSV_READING } from '../../src/web/compare/csv.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { signIn, type SignedIn } from '../helpers/staff.js';

let t: HistoryApp;
let project: number;
let admin: SignedIn;
let leader: SignedIn;
let other: SignedIn;

beforeAll(async () => {
  t = makeHistoryApp();
  project = t.projectId;
  admin = await signIn(t, 'admin');
  leader = await signIn(t, 'leader', ['solbakken']);
  other = await signIn(t, 'leader', ['oppvekst']);
});
afterAll(() => t.close());

const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('access', () => {
  test.each([
    ['admin', 'demo', 200],
    ['leader', 'solbakken_avd1', 200],
    ['leader', 'demo', 403],
    ['other', 'solbakken_avd1', 403],
    ['other', 'nordby_skole', 200],
  ] as const)('%s on %s gets %i (page and CSV)', async (who, unit, status) => {
    const agent = { admin, leader, other }[who].agent;
    expect((await agent.get(`/sammenligning/${project}/enhet/${unit}`)).status).toBe(status);
    expect((await agent.get(`/sammenligning/${project}/enhet/${unit}/csv`)).status).toBe(status);
  });

  test('the overview of clear changes is for the project leader only', async () => {
    expect((await admin.agent.get(`/sammenligning/${project}/endringer`)).status).toBe(200);
    expect((await leader.agent.get(`/sammenligning/${project}/endringer`)).status).toBe(403);
    expect((await request(t.app).get(`/sammenligning/${project}`)).status).toBe(303);
  });

  test('the unit list shows a leader only their subtree', async () => {
    const res = await leader.agent.get(`/sammenligning/${project}`);
    expect(res.text).toContain('Solbakken, avdeling 1');
    expect(res.text).not.toContain('Nordby skole');
  });
});

describe('disclosure across waves', () => {
  test.each(['solbakken_natt', 'solbakken_avd2', 'solsikken_gul'])('%s, hidden in a compared wave, gets no comparison and no numbers', async (unit) => {
    const res = await admin.agent.get(`/sammenligning/${project}/enhet/${unit}`);
    expect(res.text).toContain('Ingen sammenligning for enheten');
    expect(text(res.text)).not.toMatch(/\d,\d/);
    const csv = await admin.agent.get(`/sammenligning/${project}/enhet/${unit}/csv`);
    expect(csv.text).not.toMatch(/\d,\d/);
  });

  test('the open wave of the project is not compared until it closes', async () => {
    const res = await admin.agent.get(`/sammenligning/${project}`);
    expect(res.text).toContain('Ikke avsluttet ennå: Arbeidsmiljøkartlegging (demo).');
  });
});

describe('figures', () => {
  test('changes come with a 95 % interval and a reading; the CSV has the page numbers', async () => {
    const page = text((await admin.agent.get(`/sammenligning/${project}/enhet/demo`)).text);
    const csv = (await admin.agent.get(`/sammenligning/${project}/enhet/demo/csv`)).text;
    expect(csv.startsWith('\uFEFF"del";"id";"tekst";"Nullpunkt for to år siden (demo)";"Arbeidsmiljøkartlegging i fjor (demo)";"endring"')).toBe(true);
    const factors = csv.split('\r\n').filter((l) => l.startsWith('"Faktor"'));
    expect(factors).toHaveLength(t.survey.factors.length);
    for (const row of factors) {
      const [, , label, a, b, diff, low, high, reading, nA, nB] = row.split(';').map((c) => c.replace(/^"|"$/g, ''));
      const sign = Number((diff ?? '').replace(',', '.')) > 0 ? '+' : '−';
      // Every figure with its n, the change with its sign, the interval.
      expect(page).toContain(`${label} ${a} (n = ${nA}) ${b} (n = ${nB}) ${sign}${(diff ?? '').replace('-', '')} ${low?.replace('-', '-')} til ${high}`);
      expect(Object.values(CSV_READING)).toContain(reading);
    }
  });

  test('position-size shares change in percentage points, relative change labelled', async () => {
    const page = text((await admin.agent.get(`/sammenligning/${project}/enhet/demo`)).text);
    expect(page).toContain('Endring (prosentpoeng)');
    expect(page).toContain('Relativ endring');
    expect(page).toContain('Ufrivillig deltid');
  });
});

describe('reorganisations', () => {
  test('mapped units are compared as one group; a unit and one below it cannot be in one group', async () => {
    const post = (url: string, body: Record<string, string>) => admin.agent.post(url).type('form').send({ _csrf: admin.csrf, ...body });
    const nested = await post(`/sammenligning/${project}/koblinger`, { oldUnitId: 'oppvekst', newUnitId: 'nordby_skole' });
    expect(nested.status).toBe(422);
    expect(nested.text).toContain('kan ikke inneholde både en enhet og en enhet under den');
    expect((await post(`/sammenligning/${project}/koblinger`, { oldUnitId: 'nordby_skole', newUnitId: 'solsikken' })).status).toBe(303);
    const index = await admin.agent.get(`/sammenligning/${project}`);
    expect(index.text).toContain('Nordby skole + Solsikken barnehage → Nordby skole + Solsikken barnehage');
    const key = encodeURIComponent('gruppe:nordby_skole+solsikken');
    const page = text((await admin.agent.get(`/sammenligning/${project}/enhet/${key}`)).text);
    // The merged group is exactly their parent here, so its n matches Oppvekst's.
    const parent = text((await admin.agent.get(`/sammenligning/${project}/enhet/oppvekst`)).text);
    const n = /Nullpunkt for to år siden \(demo\): (\d+) svar/.exec(parent)?.[1];
    expect(n).toBeDefined();
    expect(page).toContain(`Nullpunkt for to år siden (demo): ${n} svar`);
    // Leaders must see every member of a group to see it.
    expect((await other.agent.get(`/sammenligning/${project}/enhet/${key}`)).status).toBe(200);
    expect((await leader.agent.get(`/sammenligning/${project}/enhet/${key}`)).status).toBe(403);
    expect((await post(`/sammenligning/${project}/koblinger/slett`, { oldUnitId: 'nordby_skole', newUnitId: 'solsikken' })).status).toBe(303);
    expect((await admin.agent.get(`/sammenligning/${project}/enhet/${key}`)).status).toBe(404);
    // Removing it again finds nothing to remove, and says so instead of auditing a removal.
    const audited = () => t.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'project.unmap'").get();
    const before = audited();
    expect((await post(`/sammenligning/${project}/koblinger/slett`, { oldUnitId: 'nordby_skole', newUnitId: 'solsikken' })).status).toBe(404);
    expect(audited()).toEqual(before);
  });

  test('a mapping form with a unit missing or too long is refused with the message at the field, and stores nothing', async () => {
    const post = (body: Record<string, string>) => admin.agent.post(`/sammenligning/${project}/koblinger`).type('form').send({ _csrf: admin.csrf, ...body });
    const mappings = () => t.db.prepare('SELECT count(*) AS n FROM unit_map').get();
    const before = mappings();
    const bodies: Record<string, string>[] = [{ oldUnitId: '', newUnitId: 'nordby_skole' }, { oldUnitId: 'nordby_skole' }, { oldUnitId: 'x'.repeat(300), newUnitId: 'nordby_skole' }];
    for (const body of bodies) {
      const res = await post(body);
      expect(res.status).toBe(422);
      expect(res.text).toContain('class="error-message"');
    }
    expect(mappings()).toEqual(before);
  });
});

describe('a split', () => {
  test('one old unit mapped to two new ones forms one group whose n is their sum in each wave', async () => {
    const post = (url: string, body: Record<string, string>) => admin.agent.post(url).type('form').send({ _csrf: admin.csrf, ...body });
    expect((await post(`/sammenligning/${project}/koblinger`, { oldUnitId: 'administrasjon', newUnitId: 'hjemmetjenesten' })).status).toBe(303);
    expect((await post(`/sammenligning/${project}/koblinger`, { oldUnitId: 'administrasjon', newUnitId: 'nordby_skole' })).status).toBe(303);
    const key = encodeURIComponent('gruppe:administrasjon+hjemmetjenesten+nordby_skole');
    const page = text((await admin.agent.get(`/sammenligning/${project}/enhet/${key}`)).text);
    // The members left the identity list while mapped, so read their n from the results pages instead.
    const results = async (unit: string) => Number(/(\d+) av \d+ har svart/.exec(text((await admin.agent.get(`/resultater/${t.baselineWaveId}/enhet/${unit}`)).text))?.[1]);
    const sum = (await results('administrasjon')) + (await results('hjemmetjenesten')) + (await results('nordby_skole'));
    expect(sum).toBeGreaterThan(0);
    expect(page).toContain(`Nullpunkt for to år siden (demo): ${sum} svar`);
    for (const newUnitId of ['hjemmetjenesten', 'nordby_skole']) await post(`/sammenligning/${project}/koblinger/slett`, { oldUnitId: 'administrasjon', newUnitId });
  });
});
