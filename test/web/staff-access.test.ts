// Authorization matrix: every staff route x every role x own / other unit, and CSRF rejection.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { signIn, type SignedIn } from '../helpers/staff.js';

let t: TestApp;
let who: Record<'admin' | 'leaderOwn' | 'leaderOther' | 'repOwn' | 'repOther', SignedIn>;

beforeAll(async () => {
  t = makeTestApp();
  // "Own" staff sit on units taking part in the demo wave; "other" staff on a unit outside it.
  t.db.prepare("INSERT INTO unit (id, name, parent_id, headcount) VALUES ('annen', 'Annen etat', NULL, 9)").run();
  who = {
    admin: await signIn(t, 'admin'),
    leaderOwn: await signIn(t, 'leader', ['solbakken']),
    leaderOther: await signIn(t, 'leader', ['annen']),
    repOwn: await signIn(t, 'representative', ['solbakken_avd1']),
    repOther: await signIn(t, 'representative', ['annen']),
  };
});
afterAll(() => t.close());

const w = () => t.demo.waveId;
type Method = 'GET' | 'POST';
const ADMIN_ROUTES: [Method, () => string][] = [
  ['GET', () => '/admin/enheter'],
  ['POST', () => '/admin/enheter'],
  ['GET', () => '/admin/enheter/solbakken'],
  ['POST', () => '/admin/enheter/solbakken'],
  ['POST', () => '/admin/enheter/solbakken/status'],
  ['GET', () => '/admin/import'],
  ['POST', () => '/admin/import'],
  ['POST', () => '/admin/import/bekreft'],
  ['GET', () => '/admin/kontoer'],
  ['POST', () => '/admin/kontoer'],
  ['POST', () => '/admin/kontoer/1/lenke'],
  ['POST', () => '/admin/kontoer/1/status'],
  ['GET', () => '/admin/malinger/ny'],
  ['POST', () => '/admin/malinger'],
  ['GET', () => `/admin/malinger/${w()}`],
  ['POST', () => `/admin/malinger/${w()}/innstillinger`],
  ['POST', () => `/admin/malinger/${w()}/status`],
  ['POST', () => `/admin/malinger/${w()}/prosjekt`],
  ['GET', () => `/admin/malinger/${w()}/lenker.csv`],
  ['POST', () => `/admin/malinger/${w()}/personlige-lenker`],
  ['GET', () => `/admin/malinger/${w()}/utskrift/solbakken_avd1`],
  ['GET', () => '/admin/logg'],
];

function send(agent: ReturnType<typeof request.agent> | ReturnType<typeof request>, method: Method, url: string, csrf?: string) {
  if (method === 'GET') return agent.get(url);
  return agent.post(url).type('form').send(csrf ? { _csrf: csrf } : {});
}

describe('admin routes', () => {
  test.each(ADMIN_ROUTES)('%s %s: anonymous is sent to login (GET) or refused with 401 (POST)', async (method, url) => {
    const res = await send(request(t.app), method, url());
    if (method === 'GET') {
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/innlogging\?neste=/);
    } else expect(res.status).toBe(401);
  });

  test.each(ADMIN_ROUTES)('%s %s: leaders and representatives get 403, own unit or not', async (method, url) => {
    for (const role of ['leaderOwn', 'leaderOther', 'repOwn', 'repOther'] as const) {
      const res = await send(who[role].agent, method, url(), who[role].csrf);
      expect(res.status, role).toBe(403);
    }
  });

  test.each(ADMIN_ROUTES)('%s %s: the project leader gets through (no 401/403)', async (method, url) => {
    const res = await send(who.admin.agent, method, url(), who.admin.csrf);
    expect([401, 403]).not.toContain(res.status);
    expect(res.status).toBeLessThan(500);
  });

  test.each(ADMIN_ROUTES.filter(([m]) => m === 'POST'))('%s %s: the project leader without the CSRF token gets 403', async (method, url) => {
    const res = await send(who.admin.agent, method, url());
    expect(res.status).toBe(403);
    expect(res.text).toContain('Skjemaet ble avvist');
  });

  test('a cross-site post with a valid token is still refused by the origin check', async () => {
    const res = await who.admin.agent.post('/admin/enheter').set('Origin', 'https://evil.example').type('form').send({ _csrf: who.admin.csrf, id: 'x', name: 'X' });
    expect(res.status).toBe(403);
    expect(t.db.prepare("SELECT count(*) AS n FROM unit WHERE id = 'x'").get()).toEqual({ n: 0 });
  });
});

describe('routes for every staff member', () => {
  test('the overview lists only the units each person may see', async () => {
    const own = await who.leaderOwn.agent.get('/oversikt');
    expect(own.status).toBe(200);
    expect(own.text).toContain('Solbakken sykehjem');
    expect(own.text).not.toContain('Nordby skole');
    const other = await who.leaderOther.agent.get('/oversikt');
    expect(other.status).toBe(200);
    expect(other.text).not.toContain('Solbakken');
    expect((await request(t.app).get('/oversikt')).status).toBe(303);
  });

  test.each([
    ['admin', 200],
    ['leaderOwn', 200],
    ['repOwn', 200],
    ['leaderOther', 403],
    ['repOther', 403],
  ] as const)('response rates: %s gets %i', async (role, status) => {
    const res = await who[role].agent.get(`/malinger/${w()}/svar`);
    expect(res.status).toBe(status);
  });

  test('a representative sees the response rate of their own unit only', async () => {
    const res = await who.repOwn.agent.get(`/malinger/${w()}/svar`);
    expect(res.text).toContain('Solbakken, avdeling 1');
    expect(res.text).not.toContain('Solbakken, avdeling 2');
    expect(res.text).not.toContain('Hjemmetjenesten');
  });

  test('logout needs the CSRF token', async () => {
    const res = await who.repOther.agent.post('/utlogging').type('form').send({});
    expect(res.status).toBe(403);
  });
});
