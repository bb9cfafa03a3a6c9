// Issue 12's findings F1-F9 and F11, each reproduced through HTTP against the real app
// (createApp on a real SQLite database); each test failed on the code before the fix.
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { afterEach, describe, expect, test } from 'vitest';
import { createApp } from '../../src/app.js';
import { hashPassword } from '../../src/auth/password.js';
import { testConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createAccount, findLogin } from '../../src/store/accounts.js';
import { recentAudit } from '../../src/store/audit.js';
import { backupDb } from '../../src/store/backup.js';
import { createProject, setWaveProject } from '../../src/store/projects.js';
import { LOGIN_LIMITS } from '../../src/web/staff/rate-limit.js';
import { SESSION_MAX_MS, SESSION_MS } from '../../src/web/staff/session.js';
import { makeHistoryApp, makeTestApp, type TestApp } from '../helpers/app.js';
import { listen, rawRequest, statusOf, TRUNCATED_MULTIPART } from '../helpers/raw-http.js';
import { PASSWORD, signIn } from '../helpers/staff.js';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const x of open.splice(0)) x.close();
});
function app(opts: Parameters<typeof makeTestApp>[0] = {}): TestApp {
  const t = makeTestApp(opts);
  open.push(t);
  return t;
}

const multipartHead = (path: string, length: number, cookie = ''): string =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=BB\r\nContent-Length: ${length}\r\n${cookie ? `Cookie: ${cookie}\r\n` : ''}\r\n`;

async function sessionCookie(t: TestApp, role: 'admin' | 'leader', units: string[] = []): Promise<string> {
  const { agent } = await signIn(t, role, units);
  const res = await agent.post('/innlogging').type('form').send({ username: `${role}-${units.join('-') || 'all'}`, password: PASSWORD });
  return String(res.headers['set-cookie']).match(/kartlegg_session=[a-z0-9]+/)?.[0] ?? '';
}

describe('F1: a truncated multipart body answers 4xx and the server goes on', () => {
  test.each(['/admin/x', '/admin/import', '/admin/enheter', '/admin/malinger'])('anonymous POST %s with the 70-byte body: 401, nothing parsed', async (path) => {
    const t = app();
    const server = await listen(t.app);
    expect(TRUNCATED_MULTIPART.length).toBe(70);
    expect(statusOf(await rawRequest(server.port, multipartHead(path, 70), TRUNCATED_MULTIPART))).toBe(401);
    expect(statusOf(await rawRequest(server.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'))).toBe(200);
    await server.close();
  });

  test('signed in as project leader, the import route answers 400 to the truncated body', async () => {
    const t = app();
    const cookie = await sessionCookie(t, 'admin');
    const server = await listen(t.app);
    expect(statusOf(await rawRequest(server.port, multipartHead('/admin/import', 70, cookie), TRUNCATED_MULTIPART))).toBe(400);
    // A multipart body on any other admin route is never read: the CSRF token is missing from it.
    expect(statusOf(await rawRequest(server.port, multipartHead('/admin/enheter', 70, cookie), TRUNCATED_MULTIPART))).toBe(403);
    expect(statusOf(await rawRequest(server.port, `GET /admin/import HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`))).toBe(200);
    await server.close();
  });
});

describe('F2: concurrent guesses are counted before any password is verified', () => {
  test('of 300 concurrent wrong guesses at most the free attempts are verified; the right password then waits', async () => {
    const t = app();
    await signIn(t, 'admin');
    // The clock stands still: any attempt verified beyond the free ones would be let through by
    // a check made before earlier failures were counted, not by a back-off that ran out.
    const now = Date.now();
    const server = await listen(createApp({ db: t.db, config: t.config, clock: () => now }));
    const base = `http://127.0.0.1:${server.port}`;
    const burst = await Promise.all(Array.from({ length: 300 }, (_, i) => request(base).post('/innlogging').type('form').send({ username: 'admin-all', password: `feil gjetning ${i}` })));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(LOGIN_LIMITS.pair.free);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    const right = await request(base).post('/innlogging').type('form').send({ username: 'admin-all', password: PASSWORD });
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    await server.close();
  });
});

describe('F3: nobody without a session makes the server read a multipart body', () => {
  test('ten anonymous 44 MB multipart posts are answered 401 after 64 KiB of each was sent', async () => {
    const t = app();
    const server = await listen(t.app);
    const chunk = Buffer.concat([Buffer.from('--BB\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'), Buffer.alloc(64 * 1024, 'x')]);
    const answers = await Promise.all(Array.from({ length: 10 }, () => rawRequest(server.port, multipartHead('/admin/import', 44 * 1024 * 1024), chunk)));
    expect(answers.map(statusOf)).toEqual(Array(10).fill(401));
    await server.close();
  });

  test("a signed-in project leader's upload over 2 MB is refused with 413 before the rest is kept", async () => {
    const t = app();
    const admin = await signIn(t, 'admin');
    const res = await admin.agent.post('/admin/import').field('_csrf', admin.csrf).attach('file', Buffer.alloc(3 * 1024 * 1024, 'a'), 'big.csv');
    expect(res.status).toBe(413);
  });
});

describe('F4: every CSV cell a user can influence is neutralised, headers included', () => {
  // Cells a spreadsheet would run as a formula; plain negative numbers are numbers.
  const formulas = (csv: string, delimiter: string): string[] =>
    (parse(csv.replace(/^\uFEFF/, ''), { delimiter, relax_column_count: true }) as string[][]).flat().filter((c) => /^[=+\-@\t\r]/.test(c) && !/^-\d+([.,]\d+)?$/.test(c));

  test('wave and unit names and action texts that look like formulas stay text in every export', async () => {
    const t = makeHistoryApp();
    open.push(t);
    const admin = await signIn(t, 'admin');
    const post = (path: string, body: Record<string, string>) => admin.agent.post(path).type('form').send({ _csrf: admin.csrf, ...body });
    const settings = { kResults: '5', kDistribution: '10', kText: '10', linkMode: 'open' };
    expect((await post(`/admin/malinger/${t.baselineWaveId}/innstillinger`, { ...settings, name: '=HYPERLINK("http://x","Resultat")' })).status).toBe(303);
    expect((await post(`/admin/malinger/${t.closedWaveId}/innstillinger`, { ...settings, name: '@SUM(1)' })).status).toBe(303);
    expect((await post('/admin/enheter/nordby_skole', { name: '+cmd|x', parentId: 'oppvekst', headcount: '32' })).status).toBe(303);
    expect((await post(`/oppfolging/${t.closedWaveId}/enhet/nordby_skole/tiltak`, { what: '-2+3', responsible: '=ansvarlig', status: 'planned' })).status).toBe(303);
    for (const delimiter of [';', ','] as const) {
      const q = delimiter === ',' ? '?skilletegn=komma' : '';
      const exports = [
        `/sammenligning/${t.projectId}/enhet/nordby_skole/csv${q}`,
        `/resultater/${t.closedWaveId}/enhet/nordby_skole/csv${q}`,
        `/oppfolging/${t.closedWaveId}/tiltak.csv${q}`,
        `/admin/malinger/${t.demo.waveId}/lenker.csv${q}`,
      ];
      for (const path of exports) {
        const res = await admin.agent.get(path);
        expect(res.status, path).toBe(200);
        expect(formulas(res.text, delimiter), path).toEqual([]);
      }
    }
    const compare = await admin.agent.get(`/sammenligning/${t.projectId}/enhet/nordby_skole/csv`);
    expect(compare.text.split('\r\n')[0]).toContain(`"'=HYPERLINK(""http://x"",""Resultat"")";"'@SUM(1)"`);
  });
});

describe('F5: no name outside the person\'s scope, not even on a "not ready" page', () => {
  test.each([
    ['results', (w: number) => `/resultater/${w}`],
    ['results unit', (w: number) => `/resultater/${w}/enhet/solbakken_avd1`],
    ['follow-up', (w: number) => `/oppfolging/${w}`],
    ['follow-up unit', (w: number) => `/oppfolging/${w}/enhet/solbakken_avd1`],
    ['response rates', (w: number) => `/malinger/${w}/svar`],
  ])('%s of an open wave: 403 for a leader of another unit, the page for the own leader', async (_name, path) => {
    const t = app();
    t.db.prepare("INSERT INTO unit (id, name, parent_id, headcount) VALUES ('annen', 'Annen etat', NULL, 9)").run();
    const other = await signIn(t, 'leader', ['annen']);
    const own = await signIn(t, 'leader', ['solbakken']);
    const res = await other.agent.get(path(t.demo.waveId));
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('Arbeidsmiljøkartlegging (demo)');
    const mine = await own.agent.get(path(t.demo.waveId));
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('Arbeidsmiljøkartlegging (demo)');
  });

  test('a comparison that is not ready: 403 and no project or wave name for a leader outside it', async () => {
    const t = app();
    t.db.prepare("INSERT INTO unit (id, name, parent_id, headcount) VALUES ('annen', 'Annen etat', NULL, 9)").run();
    const project = createProject(t.db, 'Hemmelig prosjektnavn', 'kartlegging');
    setWaveProject(t.db, t.demo.waveId, project);
    const other = await signIn(t, 'leader', ['annen']);
    const res = await other.agent.get(`/sammenligning/${project}`);
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('Hemmelig prosjektnavn');
    const own = await signIn(t, 'leader', ['solbakken']);
    expect((await own.agent.get(`/sammenligning/${project}`)).text).toContain('Hemmelig prosjektnavn');
  });
});

describe('F6: nobody can keep an account locked against its right password', () => {
  function proxied(clock: () => number) {
    const t = app({ config: { TRUST_PROXY: 1 } });
    return { t, app: createApp({ db: t.db, config: t.config, clock }) };
  }
  type Client = { post(url: string): request.Test };
  const attempt = (client: Client, from: string, username: string, password: string) =>
    client.post('/innlogging').set('X-Forwarded-For', from).type('form').send({ username, password });

  test('guessing from one address in any capitalisation slows only that address: the right password from another logs in', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const { t, app: a } = proxied(() => now);
    createAccount(t.db, { username: 'pia', displayName: 'Pia', role: 'admin', passwordHash: await hashPassword(PASSWORD) });
    for (let i = 0; i < 12; i++) {
      await attempt(request(a), '203.0.113.7', i % 2 ? 'PIA' : 'Pia', `feil ${i}`);
      now += 100;
    }
    expect((await attempt(request(a), '203.0.113.7', 'pia', PASSWORD)).status).toBe(429);
    expect((await attempt(request(a), '198.51.100.9', 'pia', PASSWORD)).status).toBe(303);
  });

  test('guesses from many addresses: a short account back-off, and none at all for a browser that signed in before', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const { t, app: a } = proxied(() => now);
    createAccount(t.db, { username: 'pia', displayName: 'Pia', role: 'admin', passwordHash: await hashPassword(PASSWORD) });
    const browser = request.agent(a);
    expect((await attempt(browser, '192.0.2.10', 'pia', PASSWORD)).status).toBe(303);
    for (let i = 0; i < LOGIN_LIMITS.account.free + 20; i++) await attempt(request(a), `203.0.113.${i + 1}`, 'pia', `feil ${i}`);
    const stranger = await attempt(request(a), '198.51.100.9', 'pia', PASSWORD);
    expect(stranger.status).toBe(429);
    expect(Number(stranger.headers['retry-after'])).toBeLessThanOrEqual(LOGIN_LIMITS.account.maxMs / 1000);
    expect((await attempt(browser, '192.0.2.99', 'pia', PASSWORD)).status).toBe(303);
    now += LOGIN_LIMITS.account.maxMs;
    expect((await attempt(request(a), '198.51.100.9', 'pia', PASSWORD)).status).toBe(303);
  });
});

describe('F7: the session slides in the browser too, and ends 12 hours after login', () => {
  test('the cookie is re-sent as the session slides; continuous use ends at the absolute lifetime', async () => {
    const start = Date.parse('2026-12-01T07:00:00Z');
    let now = start;
    const t = app();
    const a = createApp({ db: t.db, config: t.config, clock: () => now });
    createAccount(t.db, { username: 'pia', displayName: 'Pia', role: 'admin', passwordHash: await hashPassword(PASSWORD) });
    const agent = request.agent(a);
    const login = await agent.post('/innlogging').type('form').send({ username: 'pia', password: PASSWORD });
    expect(String(login.headers['set-cookie'])).toContain(`Max-Age=${SESSION_MS / 1000}`);
    const maxAge = (res: { headers: Record<string, unknown> }): number | undefined => {
      const m = /kartlegg_session=[^;]+;[^,]*Max-Age=(\d+)/.exec(String(res.headers['set-cookie'] ?? ''));
      return m ? Number(m[1]) : undefined;
    };
    now = start + 10 * 60_000;
    expect(maxAge(await agent.get('/oversikt'))).toBe(SESSION_MS / 1000);
    // Sliding at 7 hours stops at the absolute end: the browser is told 5 hours, not 8.
    now = start + 7 * 3600_000;
    const late = await agent.get('/oversikt');
    expect(late.status).toBe(200);
    expect(maxAge(late)).toBe((SESSION_MAX_MS - 7 * 3600_000) / 1000);
    now = start + 11 * 3600_000;
    expect((await agent.get('/oversikt')).status).toBe(200);
    now = start + SESSION_MAX_MS + 60_000;
    const after = await agent.get('/oversikt');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/innlogging/);
  });
});

describe('F8: a new set-password link revokes the older ones', () => {
  test('only the link handed over last works', async () => {
    const t = app();
    const admin = await signIn(t, 'admin');
    const created = await admin.agent.post('/admin/kontoer').type('form').send({ _csrf: admin.csrf, displayName: 'Lise', username: 'lise', role: 'leader', unitIds: 'solbakken' });
    const first = /\/passord\/[a-z0-9]+/.exec(created.text)?.[0] ?? '';
    const id = findLogin(t.db, 'lise')?.id;
    const again = await admin.agent.post(`/admin/kontoer/${id}/lenke`).type('form').send({ _csrf: admin.csrf });
    const second = /\/passord\/[a-z0-9]+/.exec(again.text)?.[0] ?? '';
    expect(first).not.toBe('');
    expect(second).not.toBe(first);
    expect((await request(t.app).get(first)).status).toBe(404);
    expect((await request(t.app).post(first).type('form').send({ password: 'et langt nytt passord', password2: 'et langt nytt passord' })).status).toBe(404);
    expect((await request(t.app).get(second)).status).toBe(200);
  });
});

describe('F9: the database, its -wal and -shm and backups are readable by the owner only', () => {
  test('files 0600, the folder 0700', async () => {
    const t = app({ file: true });
    const admin = await signIn(t, 'admin');
    expect((await admin.agent.post('/admin/enheter').type('form').send({ _csrf: admin.csrf, id: 'ny', name: 'Ny enhet' })).status).toBe(303);
    const file = t.config.DATABASE_PATH;
    const mode = (f: string): string => (fs.statSync(f).mode & 0o777).toString(8);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f), f).toBe('600');
    const copy = `${file}.backup`;
    await backupDb(t.db, copy);
    expect(mode(copy)).toBe('600');
  });
});

describe('F11: failed logins and throttling leave a trace in the audit log and the process log', () => {
  test('a failure, the back-off it starts and the refusals are audited and logged', async () => {
    const lines: string[] = [];
    const t = app();
    // A clock that stands still: however slow scrypt runs on a busy machine, no back-off expires between attempts.
    const now = Date.parse('2026-12-18T12:00:00Z');
    const a = createApp({ db: t.db, config: testConfig(), clock: () => now, logger: createLogger('info', { write: (s: string) => void lines.push(s) }) });
    createAccount(t.db, { username: 'pia', displayName: 'Pia', role: 'admin', passwordHash: await hashPassword(PASSWORD) });
    for (let i = 0; i < LOGIN_LIMITS.pair.free + 2; i++) await request(a).post('/innlogging').type('form').send({ username: 'pia', password: `feil ${i}` });
    const actions = recentAudit(t.db).map((e) => `${e.actor} ${e.action}`);
    expect(actions).toContain('pia login.failed');
    expect(actions).toContain('pia login.backoff');
    expect(actions).toContain('pia login.throttled');
    const logged = lines.map((l) => JSON.parse(l) as { msg: string });
    expect(logged.map((l) => l.msg)).toEqual(expect.arrayContaining(['login failed', 'login back-off', 'login throttled']));
    // A name that is no account is not written down: it may be a password typed in the wrong field.
    await request(a).post('/innlogging').type('form').send({ username: 'mitt hemmelige passord', password: 'x' });
    expect(JSON.stringify(recentAudit(t.db))).not.toContain('hemmelige');
  });
});
