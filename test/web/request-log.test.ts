// The request log: one pino line per request; respondent lines carry only the route template,
// status and duration (no address, user agent, method or link code), staff lines add the method
// and the account id; a server error is logged and the process goes on.
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { signIn } from '../helpers/staff.js';

type Line = Record<string, unknown>;
let t: TestApp;
let lines: Line[];
let app: ReturnType<typeof createApp>;

beforeEach(() => {
  t = makeTestApp({ config: { TRUST_PROXY: 1 } });
  lines = [];
  app = createApp({ db: t.db, config: t.config, logger: createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s) as Line) }) });
});
afterEach(() => t.close());

const requests = (): Line[] => lines.filter((l) => l.msg === 'request' || l.msg === 'request failed');

describe('respondent routes', () => {
  test('log the route template, status and duration only', async () => {
    const code = t.code('administrasjon');
    // Answered requests are debug lines (the next test); what a line holds is the same at every level.
    app = createApp({ db: t.db, config: t.config, logger: createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s) as Line) }) });
    const agent = request.agent(app);
    const ua = 'Mozilla/5.0 (SporbarTelefon 1.0)';
    expect((await agent.get(`/s/${code}`).set('User-Agent', ua).set('X-Forwarded-For', '203.0.113.77')).status).toBe(200);
    expect((await agent.post(`/s/${code}/start`).set('User-Agent', ua).set('X-Forwarded-For', '203.0.113.77')).status).toBe(303);
    expect((await agent.get('/s/finnesikke123').set('X-Forwarded-For', '203.0.113.77')).status).toBe(404);
    const logged = requests();
    expect(logged.map((l) => [l.route, l.status])).toEqual([
      ['/s/:code', 200],
      ['/s/:code/start', 303],
      ['/s/:code', 404],
    ]);
    for (const l of logged) expect(Object.keys(l).sort()).toEqual(['level', 'ms', 'msg', 'route', 'status', 'time']);
    const text = JSON.stringify(lines);
    for (const secret of [code, 'finnesikke123', '203.0.113', 'SporbarTelefon']) expect(text).not.toContain(secret);
  });

  test('at the default level only the requests not answered normally are written: not found, rate limited, failed', async () => {
    const code = t.code('administrasjon');
    const agent = request.agent(app);
    expect((await agent.get(`/s/${code}`)).status).toBe(200);
    expect((await agent.post(`/s/${code}/start`)).status).toBe(303);
    expect((await agent.get('/s/finnesikke123')).status).toBe(404);
    expect(requests().map((l) => [l.route, l.status, l.level])).toEqual([['/s/:code', 404, 30]]);
  });

  test("a server error keeps the error's kind and stack, not its message (it could quote the request)", async () => {
    const code = t.code('administrasjon');
    t.db.exec('ALTER TABLE link RENAME TO link_gone');
    expect((await request(app).get(`/s/${code}`)).status).toBe(500);
    t.db.exec('ALTER TABLE link_gone RENAME TO link');
    const failed = requests().find((l) => l.status === 500) as { route: string; error: Record<string, unknown> };
    expect(failed.route).toBe('/s/:code');
    expect(Object.keys(failed.error).sort()).toEqual(['stack', 'type']);
    expect(JSON.stringify(lines)).not.toContain(code);
    expect((await request(app).get(`/s/${code}`)).status).toBe(200);
  });
});

describe('staff routes', () => {
  test('log method, route template, status, duration and account id, never a token from the path', async () => {
    const admin = await signIn(t, 'admin');
    const agent = request.agent(app);
    await agent.post('/innlogging').type('form').send({ username: 'admin-all', password: 'korrekt hest batteri stift' });
    lines.length = 0;
    expect((await agent.get(`/admin/malinger/${t.demo.waveId}`)).status).toBe(200);
    expect((await request(app).get('/passord/hemmeligtoken123')).status).toBe(404);
    const [wave, password] = requests();
    expect(wave).toMatchObject({ method: 'GET', route: '/admin/malinger/:waveId', status: 200, account: admin.accountId });
    expect(typeof wave?.ms).toBe('number');
    expect(password).toMatchObject({ method: 'GET', route: '/passord/:token', status: 404 });
    expect(JSON.stringify(lines)).not.toContain('hemmeligtoken123');
  });

  test('a server error is answered 500, logged with its error, and the next request is served', async () => {
    await signIn(t, 'admin');
    const agent = request.agent(app);
    await agent.post('/innlogging').type('form').send({ username: 'admin-all', password: 'korrekt hest batteri stift' });
    t.db.exec('ALTER TABLE audit_log RENAME TO audit_log_gone');
    expect((await agent.get('/admin/logg')).status).toBe(500);
    const failed = requests().find((l) => l.status === 500);
    expect(failed).toMatchObject({ msg: 'request failed', route: '/admin/logg', level: 50 });
    expect(JSON.stringify(failed)).toContain('audit_log');
    t.db.exec('ALTER TABLE audit_log_gone RENAME TO audit_log');
    expect((await agent.get('/oversikt')).status).toBe(200);
  });
});

describe('configuration', () => {
  test('LOG_LEVEL is validated and tests log nothing by default', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
    expect(loadConfig({ LOG_LEVEL: 'warn' }).LOG_LEVEL).toBe('warn');
    expect(loadConfig({}).LOG_LEVEL).toBe('info');
    expect(t.config.LOG_LEVEL).toBe('silent');
  });
});
