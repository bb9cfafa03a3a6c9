import request from 'supertest';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createApp } from '../../src/app.js';
import { countAccounts, createPasswordLink, findLogin } from '../../src/store/accounts.js';
import { recentAudit } from '../../src/store/audit.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, signIn } from '../helpers/staff.js';

let t: TestApp;
beforeEach(() => {
  t = makeTestApp();
});
afterEach(() => t.close());

describe('first run', () => {
  const withToken = () => createApp({ db: t.db, config: t.config, setupToken: 'first-run-code' });

  test('the setup page needs the printed one-time code', async () => {
    const app = withToken();
    expect((await request(app).get('/oppsett')).status).toBe(404);
    expect((await request(app).get('/oppsett?kode=wrong')).status).toBe(404);
    const page = await request(app).get('/oppsett?kode=first-run-code');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Opprett prosjektleder');
  });

  test('setup creates the first project leader, signs in, and then closes for good', async () => {
    const app = withToken();
    const agent = request.agent(app);
    const weak = await agent.post('/oppsett').type('form').send({ token: 'first-run-code', displayName: 'Pia', username: 'pia', password: 'kort', password2: 'kort' });
    expect(weak.status).toBe(422);
    expect(weak.text).toContain('minst 12 tegn');
    expect(countAccounts(t.db)).toBe(0);
    const res = await agent.post('/oppsett').type('form').send({ token: 'first-run-code', displayName: 'Pia', username: 'pia', password: PASSWORD, password2: PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/oversikt');
    expect((await agent.get('/oversikt')).text).toContain('Pia (prosjektleder)');
    expect(findLogin(t.db, 'PIA')?.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);
    // The used link says it was used and points to the login page.
    const used = await request(app).get('/oppsett?kode=first-run-code');
    expect(used.status).toBe(410);
    expect(used.text).toContain('Oppsettlenken er brukt');
    expect(used.text).toContain('href="/innlogging"');
    expect(used.text).not.toContain('Opprett prosjektleder');
  });

  test('without a setup code (accounts exist or none was printed) there is no setup page', async () => {
    expect((await request(t.app).get('/oppsett?kode=anything')).status).toBe(404);
  });
});

describe('login and sessions', () => {
  test('wrong password gets 401 and the same message as an unknown user', async () => {
    await signIn(t, 'admin');
    const wrong = await request(t.app).post('/innlogging').type('form').send({ username: 'admin-all', password: 'feil passord her' });
    const unknown = await request(t.app).post('/innlogging').type('form').send({ username: 'nobody', password: 'feil passord her' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('Feil brukernavn eller passord.');
    expect(unknown.text).toContain('Feil brukernavn eller passord.');
  });

  test('the session cookie is httpOnly and SameSite, and logout ends the session', async () => {
    const agent = request.agent(t.app);
    const { accountId } = await signIn(t, 'admin');
    expect(accountId).toBeGreaterThan(0);
    const res = await agent.post('/innlogging').type('form').send({ username: 'admin-all', password: PASSWORD });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/kartlegg_session=[a-z0-9]{40}/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const page = await agent.get('/oversikt');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    expect((await agent.post('/utlogging').type('form').send({ _csrf: csrf })).status).toBe(303);
    expect((await agent.get('/oversikt')).status).toBe(303);
    // The session id is stored only as a hash.
    const id = /kartlegg_session=([a-z0-9]+)/.exec(cookie)?.[1] ?? '';
    expect(JSON.stringify(t.db.prepare('SELECT * FROM session').all())).not.toContain(id);
  });

  test('after 10 failures for a username, logins are refused with 429 even with the right password', async () => {
    await signIn(t, 'admin');
    for (let i = 0; i < 10; i++) await request(t.app).post('/innlogging').type('form').send({ username: 'admin-all', password: `feil ${i}` });
    const res = await request(t.app).post('/innlogging').type('form').send({ username: 'admin-all', password: PASSWORD });
    expect(res.status).toBe(429);
    expect(res.text).toContain('For mange mislykkede forsøk');
  });

  test('a login never redirects to another site', async () => {
    await signIn(t, 'admin');
    const res = await request(t.app).post('/innlogging').type('form').send({ username: 'admin-all', password: PASSWORD, next: '//evil.example/x' });
    expect(res.headers.location).toBe('/oversikt');
  });

  test('a set-password link works once and then the new password logs in', async () => {
    const admin = await signIn(t, 'admin');
    const created = await admin.agent.post('/admin/kontoer').type('form').send({ _csrf: admin.csrf, displayName: 'Lise Leder', username: 'lise', role: 'leader', unitIds: 'solbakken' });
    expect(created.status).toBe(200);
    const url = /\/passord\/([a-z0-9]+)/.exec(created.text)?.[0] ?? '';
    expect(url).not.toBe('');
    const form = await request(t.app).get(url);
    expect(form.text).toContain('Lise Leder');
    const set = await request(t.app).post(url).type('form').send({ password: 'et langt nytt passord', password2: 'et langt nytt passord' });
    expect(set.status).toBe(303);
    expect((await request(t.app).get(url)).status).toBe(404);
    const login = await request(t.app).post('/innlogging').type('form').send({ username: 'lise', password: 'et langt nytt passord' });
    expect(login.status).toBe(303);
    expect(recentAudit(t.db).map((e) => e.action)).toEqual(expect.arrayContaining(['account.create', 'password.set', 'login']));
  });

  test('an expired set-password link is refused', async () => {
    const admin = await signIn(t, 'admin');
    const token = createPasswordLink(t.db, admin.accountId, Date.now() - 1);
    expect((await request(t.app).get(`/passord/${token}`)).status).toBe(404);
  });
});

describe('expiry', () => {
  test('expired sessions and set-password links are purged; live ones stay', async () => {
    const { deleteExpiredSessions } = await import('../../src/store/sessions.js');
    const admin = await signIn(t, 'admin');
    createPasswordLink(t.db, admin.accountId, Date.now() - 1);
    createPasswordLink(t.db, admin.accountId, Date.now() + 60_000);
    t.db.prepare('INSERT INTO session (id_hash, account_id, csrf_token, expires_at) VALUES (?, ?, ?, ?)').run('old', admin.accountId, 'x', Date.now() - 1);
    deleteExpiredSessions(t.db, Date.now());
    expect(t.db.prepare('SELECT count(*) AS n FROM password_link').get()).toEqual({ n: 1 });
    expect(t.db.prepare("SELECT count(*) AS n FROM session WHERE id_hash = 'old'").get()).toEqual({ n: 0 });
    expect((await admin.agent.get('/oversikt')).status).toBe(200);
  });
});
