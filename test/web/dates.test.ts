// Every date and time on a page or in a file is written in TIME_ZONE as 18.12.2026 and 14:05, by
// one formatter; the clock is injected, so the evening hour in which UTC and Oslo disagree on the
// day (23:00-24:00 UTC in winter) is tested at any hour.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../../src/app.js';
import { hashPassword } from '../../src/auth/password.js';
import { createAccount } from '../../src/store/accounts.js';
import { formatDateOf, formatDateTime, formatDay } from '../../src/web/dates.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { PASSWORD } from '../helpers/staff.js';

describe('the formatter', () => {
  test.each([
    ['2026-12-18T23:30:00Z', 'Europe/Oslo', '19.12.2026 00:30'],
    ['2026-12-18T13:05:00Z', 'Europe/Oslo', '18.12.2026 14:05'],
    ['2026-07-01T21:59:00Z', 'Europe/Oslo', '01.07.2026 23:59'],
    ['2026-07-01T22:00:00Z', 'Europe/Oslo', '02.07.2026 00:00'],
    ['2026-03-29T00:59:00Z', 'Europe/Oslo', '29.03.2026 01:59'],
    ['2026-03-29T01:00:00Z', 'Europe/Oslo', '29.03.2026 03:00'],
    ['2026-12-18T23:30:00Z', 'UTC', '18.12.2026 23:30'],
    ['2026-12-18T23:30:00Z', 'America/New_York', '18.12.2026 18:30'],
  ])('%s in %s is %s', (at, zone, expected) => {
    expect(formatDateTime(at, zone)).toBe(expected);
    expect(formatDateOf(at, zone)).toBe(expected.slice(0, 10));
  });

  test.each([
    ['2026-12-18', '18.12.2026'],
    ['2027-01-01', '01.01.2027'],
    [null, ''],
    ['', ''],
    ['ikke en dato', 'ikke en dato'],
  ])('the day %s is written %s', (day, expected) => {
    expect(formatDay(day)).toBe(expected);
  });
});

describe('pages and files at 23:30 UTC (00:30 in Oslo, the next day)', () => {
  const at = Date.parse('2026-12-18T23:30:00Z');
  let t: HistoryApp;
  let leader: ReturnType<typeof request.agent>;
  let admin: ReturnType<typeof request.agent>;
  let csrf = '';

  beforeAll(async () => {
    t = makeHistoryApp({ day: '2026-12-18' });
    const app = createApp({ db: t.db, config: t.config, clock: () => at });
    const hash = await hashPassword(PASSWORD);
    createAccount(t.db, { username: 'lise', displayName: 'Lise Leder', role: 'leader', unitIds: ['solbakken'], passwordHash: hash });
    createAccount(t.db, { username: 'pia', displayName: 'Pia', role: 'admin', passwordHash: hash });
    const signedIn = async (username: string): Promise<[ReturnType<typeof request.agent>, string]> => {
      const agent = request.agent(app);
      expect((await agent.post('/innlogging').type('form').send({ username, password: PASSWORD })).status).toBe(303);
      const page = await agent.get('/oversikt');
      return [agent, /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? ''];
    };
    [leader, csrf] = await signedIn('lise');
    [admin] = await signedIn('pia');
  });
  afterAll(() => t.close());

  test('the follow-up says "Sist lagret" on the Oslo day', async () => {
    const path = `/oppfolging/${t.closedWaveId}/enhet/solbakken_avd1`;
    expect((await leader.post(`${path}/valg`).type('form').send({ _csrf: csrf, ownStrength: 'Godt samhold' })).status).toBe(303);
    const page = await leader.get(path);
    expect(page.text).toContain('Sist lagret av Lise Leder 19.12.2026.');
  });

  test('the audit log shows the Oslo time', async () => {
    const page = await admin.get('/admin/logg');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<td>19.12.2026 00:30</td>');
    expect(page.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  test("the actions CSV writes the due day and the last change in Norwegian form, in Oslo's time", async () => {
    const path = `/oppfolging/${t.closedWaveId}/enhet/solbakken_avd1/tiltak`;
    expect((await leader.post(path).type('form').send({ _csrf: csrf, what: 'Faste pauser', responsible: 'Lise', dueOn: '2027-03-01', status: 'planned' })).status).toBe(303);
    const csv = (await admin.get(`/oppfolging/${t.closedWaveId}/tiltak.csv`)).text;
    const row = csv.split('\r\n').find((l) => l.includes('Faste pauser')) ?? '';
    expect(row).toContain('"01.03.2027"');
    expect(row).toContain('"19.12.2026 00:30"');
    expect(csv).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  test('the staff overview writes a wave period as days', async () => {
    const page = await admin.get('/oversikt');
    expect(page.text).toMatch(/\d{2}\.\d{2}\.\d{4} til \d{2}\.\d{2}\.\d{4}/);
    expect(page.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });
});
