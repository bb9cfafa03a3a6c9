// The wave schedule under an injected clock: a wave opens by itself on its opening day (in
// TIME_ZONE) and its invitations go out, reminders follow on their days to unused links only, and
// after its closing day it closes through closeWave (a release is recorded and the results
// computed), its contacts are deleted, and the leaders' "results ready" mails arrive. The audit
// log holds counts, never an address.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { setReminderDays } from '../../src/invite/schedule.js';
import { actionMail } from '../../src/invite/sender.js';
import { createAccount } from '../../src/store/accounts.js';
import { contactCounts } from '../../src/store/contacts.js';
import { addAction, getAction, updateAction } from '../../src/store/followups.js';
import { hashToken } from '../../src/store/ids.js';
import { getWave } from '../../src/store/waves.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { drain, inviteConfig, ManualClock, schedulerFor, tokenWave } from './harness.js';
import { linkIn, startMailbox, type Mailbox } from './servers.js';

let mailbox: Mailbox;
let t: TestApp | undefined;
beforeAll(async () => {
  mailbox = await startMailbox();
});
afterAll(() => mailbox.close());
afterEach(() => {
  t?.close();
  mailbox.mails.length = 0;
});

const oslo = (local: string): number => Date.parse(`${local}+01:00`);

test('a scheduled wave opens, invites, reminds and closes by itself; leaders get "results ready"', async () => {
  t = makeTestApp();
  const people = ['a', 'b', 'c'].map((n) => ({ unitId: 'solbakken_avd1', email: `${n}@kommune.test`, mobile: null }));
  const waveId = tokenWave(t, people, { status: 'draft', opensOn: '2027-03-01', closesOn: '2027-03-14' });
  setReminderDays(t.db, waveId, [7, 12]);
  const leader = createAccount(t.db, { username: 'leder', displayName: 'Leder', role: 'leader', unitIds: ['solbakken'] });
  const outside = createAccount(t.db, { username: 'skole', displayName: 'Rektor', role: 'leader', unitIds: ['administrasjon'] });
  for (const [id, email] of [[leader, 'leder@kommune.test'], [outside, 'rektor@kommune.test']] as const) t.db.prepare('INSERT INTO account_email (account_id, email) VALUES (?, ?)').run(id, email);

  // The demo's own open wave stays out of the way (it would close on its date too).
  t.db.prepare('UPDATE wave SET closes_on = NULL WHERE id = ?').run(t.demo.waveId);
  // 23:30 in Oslo the evening before: still a draft.
  const clock = new ManualClock(oslo('2027-02-28T23:30:00'));
  const scheduler = schedulerFor(t.db, inviteConfig(mailbox, undefined), clock);
  await scheduler.tick();
  expect(getWave(t.db, waveId)?.status).toBe('draft');
  expect(mailbox.mails).toHaveLength(0);

  // Just after midnight in Oslo (still 28 February in UTC): it opens and invites everyone.
  clock.now = oslo('2027-03-01T00:05:00');
  await drain(t.db, scheduler, clock);
  expect(getWave(t.db, waveId)?.status).toBe('open');
  expect(mailbox.mails.map((m) => m.to).sort()).toEqual(['a@kommune.test', 'b@kommune.test', 'c@kommune.test']);
  const aLink = linkIn(mailbox.mails.find((m) => m.to === 'a@kommune.test')?.text ?? '');
  t.db.prepare('UPDATE token SET used = 1 WHERE hash = ?').run(hashToken(aLink.slice(aLink.lastIndexOf('/') + 1)));
  mailbox.mails.length = 0;

  // Day 6: nothing. Day 7: a reminder to b and c only; ticking again that day sends nothing more.
  clock.now = oslo('2027-03-07T12:00:00');
  await drain(t.db, scheduler, clock);
  expect(mailbox.mails).toHaveLength(0);
  clock.now = oslo('2027-03-08T08:00:00');
  await drain(t.db, scheduler, clock);
  await drain(t.db, scheduler, clock);
  expect(mailbox.mails.map((m) => `${m.to} ${m.subject}`).sort()).toEqual(['b@kommune.test Påminnelse: Kartlegging 2027', 'c@kommune.test Påminnelse: Kartlegging 2027']);
  mailbox.mails.length = 0;

  // The closing day itself is still open; the next day it closes through the one close path.
  clock.now = oslo('2027-03-14T23:50:00');
  await drain(t.db, scheduler, clock);
  expect(getWave(t.db, waveId)?.status).toBe('open');
  expect(mailbox.mails.map((m) => m.to).sort()).toEqual(['b@kommune.test', 'c@kommune.test']); // day 12's reminder
  mailbox.mails.length = 0;
  clock.now = oslo('2027-03-15T00:10:00');
  await drain(t.db, scheduler, clock);
  expect(getWave(t.db, waveId)?.status).toBe('closed');
  expect(t.db.prepare('SELECT count(*) AS n FROM wave_release WHERE wave_id = ?').get(waveId)).toEqual({ n: 1 });
  expect(t.db.prepare('SELECT count(*) AS n FROM wave_tally WHERE wave_id = ?').get(waveId)).not.toEqual({ n: 0 });
  expect(contactCounts(t.db, waveId).total).toBe(0);
  expect(t.db.prepare('SELECT count(*) AS n FROM token WHERE wave_id = ? AND ref IS NOT NULL').get(waveId)).toEqual({ n: 0 });
  expect(mailbox.mails.map((m) => `${m.to} ${m.subject}`)).toEqual(['leder@kommune.test Resultatene er klare: Kartlegging 2027']);

  // Later ticks send it once only.
  clock.advance(86_400_000);
  await drain(t.db, scheduler, clock);
  expect(mailbox.mails).toHaveLength(1);

  const audit = t.db.prepare("SELECT action, detail FROM audit_log WHERE action LIKE 'invite.%' OR action LIKE 'wave.%'").all() as { action: string; detail: string }[];
  expect(audit.map((a) => a.action)).toEqual(['wave.open', 'invite.send', 'invite.remind', 'invite.remind', 'wave.close', 'invite.contactsDeleted', 'invite.results']);
  expect(JSON.stringify(audit)).not.toMatch(/@/);
});

test('an action with an address mails its owner once on its due day, again for a new due day, never once it is done', async () => {
  t = makeTestApp();
  const db = t.db;
  t.db.prepare('UPDATE wave SET closes_on = NULL WHERE id = ?').run(t.demo.waveId);
  const base = { waveId: t.demo.waveId, unitId: 'solbakken_avd1', factorId: null, responsible: 'Kari Leder', status: 'planned' as const, note: '' };
  const due = addAction(db, { ...base, what: 'Faste personalmøter', dueOn: '2027-03-10', notifyEmail: 'kari@kommune.test' });
  addAction(db, { ...base, what: 'Uten adresse', dueOn: '2027-03-10' });
  const done = addAction(db, { ...base, what: 'Allerede gjort', dueOn: '2027-03-10', status: 'done', notifyEmail: 'ola@kommune.test' });
  const clock = new ManualClock(oslo('2027-03-09T23:30:00'));
  const scheduler = schedulerFor(db, inviteConfig(mailbox, undefined), clock);
  await drain(db, scheduler, clock);
  expect(mailbox.mails).toHaveLength(0);

  clock.now = oslo('2027-03-10T00:05:00');
  await drain(db, scheduler, clock);
  expect(mailbox.mails.map((m) => [m.to, m.subject])).toEqual([['kari@kommune.test', 'Frist for tiltak: Faste personalmøter']]);
  const text = mailbox.mails[0]?.text ?? '';
  expect(text).toContain('har frist 10.03.2027 og står som «Planlagt»');
  expect(text).toContain(`https://kartlegg.kommune.test/oppfolging/${t.demo.waveId}/enhet/solbakken_avd1#tiltak`);
  // Later ticks the same day and the next day send nothing more.
  clock.advance(60_000);
  await drain(db, scheduler, clock);
  clock.now = oslo('2027-03-11T09:00:00');
  await drain(db, scheduler, clock);
  expect(mailbox.mails).toHaveLength(1);

  // A new due day is a new reminder; an action done before its day gets none.
  const action = getAction(db, due);
  if (!action) throw new Error('no action');
  updateAction(db, due, { ...action, dueOn: '2027-03-20' });
  updateAction(db, done, { ...base, what: 'Allerede gjort', dueOn: '2027-03-20', status: 'done', notifyEmail: 'ola@kommune.test' });
  clock.now = oslo('2027-03-20T08:00:00');
  await drain(db, scheduler, clock);
  expect(mailbox.mails.map((m) => m.to)).toEqual(['kari@kommune.test', 'kari@kommune.test']);
  // The audit log counts the mails; it never names an address.
  const audit = db.prepare("SELECT detail FROM audit_log WHERE action = 'followup.dueMails'").all();
  expect(audit).toEqual([{ detail: '1 mails' }, { detail: '1 mails' }]);
});

test("an action's text with line breaks never breaks the due mail's subject line", () => {
  t = makeTestApp();
  const wave = getWave(t.db, t.demo.waveId);
  if (!wave) throw new Error('no wave');
  const action = { id: 1, waveId: wave.id, unitId: 'solbakken_avd1', what: 'Møte\r\nBcc: alle@kommune.test', factorId: null, responsible: 'X', dueOn: '2027-03-10', status: 'planned' as const, note: '', notifyEmail: 'kari@kommune.test', updatedAt: '' };
  const mail = actionMail(action, wave, 'Solbakken', 'https://kartlegg.kommune.test');
  expect(mail.subject).toBe('Frist for tiltak: Møte Bcc: alle@kommune.test');
});
