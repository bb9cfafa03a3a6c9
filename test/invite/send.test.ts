// Sending through the real transports: an in-process SMTP server receives the mail and a local
// HTTP server plays the SMS servers.gateway. Each contact gets one message with a fresh personal link;
// reminders reach only those whose link is unused; configuration errors stop the job with a clear
// message; bounces, retries and a restart in the middle of a job are counted, each message once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { queueInvitations, queueReminders } from '../../src/invite/schedule.js';
import { backoff } from '../../src/invite/sender.js';
import { LANGUAGE_RULE, saveTemplate } from '../../src/invite/templates.js';
import { hashToken } from '../../src/store/ids.js';
import { getJob, resumeJob } from '../../src/store/jobs.js';
import { resolveCode } from '../../src/store/links.js';
import { openDb } from '../../src/store/db.js';
import { setWaveLanguages } from '../../src/store/waves.js';
import { syncSurveyVersions } from '../../src/store/survey-versions.js';
import { seedDemo } from '../../src/demo.js';
import { bundledSurveys, makeTestApp, type TestApp } from '../helpers/app.js';
import { drain, inviteConfig, ManualClock, schedulerFor, tokenWave } from './harness.js';
import { linkIn, useMailServers } from './servers.js';

const ADMIN = { accountId: null, actor: 'test' };
const START = Date.parse('2027-03-01T09:00:00Z');
const PEOPLE = [
  { unitId: 'solbakken_avd1', email: 'kari@kommune.test', mobile: null },
  { unitId: 'solbakken_avd1', email: 'ola@kommune.test', mobile: '+4791234567' },
  { unitId: 'nordby_skole', email: null, mobile: '+4741234567' },
  { unitId: 'nordby_skole', email: 'per@kommune.test', mobile: null },
];

const servers = useMailServers();
let t: TestApp | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const received = (): string[] => [...servers.mailbox.mails.map((m) => m.to), ...servers.gateway.messages.map((m) => m.to)].sort();
const links = (): string[] => [...servers.mailbox.mails.map((m) => linkIn(m.text)), ...servers.gateway.messages.map((m) => linkIn(m.text))];
const codeOf = (link: string): string => link.slice(link.lastIndexOf('/') + 1);

describe('sending invitations', () => {
  test('each contact gets one message with its own link, at the configured rate; the contact row never holds the token', async () => {
    t = makeTestApp();
    const config = inviteConfig(servers.mailbox, servers.gateway);
    const waveId = tokenWave(t, PEOPLE);
    const clock = new ManualClock(START);
    const scheduler = schedulerFor(t.db, config, clock);
    const { jobId, count } = queueInvitations(t.db, waveId, clock.now, '2027-03-01', ADMIN);
    expect(count).toBe(4);
    // The clock does not move: one message goes, the rest wait for the rate's spacing.
    await scheduler.tick();
    expect(received()).toHaveLength(1);
    await drain(t.db, scheduler, clock);
    expect(received()).toEqual(['+4741234567', 'kari@kommune.test', 'ola@kommune.test', 'per@kommune.test']);
    expect(getJob(t.db, jobId)).toMatchObject({ status: 'done', total: 4, sent: 4, failed: 0, bounced: 0, uncertain: 0 });
    const mail = servers.mailbox.mails.find((m) => m.to === 'kari@kommune.test');
    expect(mail?.subject).toBe('Invitasjon: Kartlegging 2027');
    expect(mail?.text).toContain('Svarfrist: 14.03.2027');
    expect(mail?.text).toContain('Svarene dine er anonyme');
    expect(servers.gateway.messages[0]?.from).toBe('Kartlegg');
    // Every link is a valid, unused token of the contact's unit.
    for (const link of links()) expect(resolveCode(t.db, codeOf(link))).toMatchObject({ kind: 'token', waveId, used: false });
    expect(resolveCode(t.db, codeOf(linkIn(mail?.text ?? '')))).toMatchObject({ unitId: 'solbakken_avd1' });
    // Nothing the invitation tables hold is a token or its hash.
    const dump = JSON.stringify([t.db.prepare('SELECT * FROM contact').all(), t.db.prepare('SELECT * FROM send_item').all(), t.db.prepare('SELECT * FROM send_job').all()]);
    for (const link of links()) {
      expect(dump).not.toContain(codeOf(link));
      expect(dump).not.toContain(hashToken(codeOf(link)));
    }
  });

  test('a reminder goes only to contacts whose link is unused; all links of one person are one vote', async () => {
    t = makeTestApp();
    const waveId = tokenWave(t, PEOPLE);
    const clock = new ManualClock(START);
    const scheduler = schedulerFor(t.db, inviteConfig(servers.mailbox, servers.gateway), clock);
    queueInvitations(t.db, waveId, clock.now, '2027-03-01', ADMIN);
    await drain(t.db, scheduler, clock);
    const kari = codeOf(linkIn(servers.mailbox.mails.find((m) => m.to === 'kari@kommune.test')?.text ?? ''));
    // Kari answers: the submit consumes her token exactly as store/responses.ts does.
    expect(t.db.prepare('UPDATE token SET used = 1 WHERE hash = ? AND used = 0').run(hashToken(kari)).changes).toBe(1);
    servers.mailbox.mails.length = 0;
    servers.gateway.messages.length = 0;
    const { count } = queueReminders(t.db, waveId, clock.now, ADMIN);
    expect(count).toBe(3);
    await drain(t.db, scheduler, clock);
    expect(received()).toEqual(['+4741234567', 'ola@kommune.test', 'per@kommune.test']);
    expect(servers.mailbox.mails[0]?.subject).toBe('Påminnelse: Kartlegging 2027');
    // Per answers with the reminder's link: his invitation's link is used up with it.
    const perReminder = codeOf(linkIn(servers.mailbox.mails.find((m) => m.to === 'per@kommune.test')?.text ?? ''));
    const tokens = t.db.prepare('SELECT hash, used FROM token WHERE wave_id = ?').all(waveId) as { hash: string; used: number }[];
    expect(tokens).toHaveLength(4 + 3);
    expect(t.db.prepare('UPDATE token SET used = 1 WHERE hash = ? AND used = 0').run(hashToken(perReminder)).changes).toBe(1);
    expect((t.db.prepare('SELECT count(*) AS n FROM token WHERE wave_id = ? AND used = 1').get(waveId) as { n: number }).n).toBe(3);
    servers.mailbox.mails.length = 0;
    servers.gateway.messages.length = 0;
    queueReminders(t.db, waveId, clock.now, ADMIN);
    await drain(t.db, scheduler, clock);
    expect(received()).toEqual(['+4741234567', 'ola@kommune.test']);
  });

  test('a wave in several languages sends one message with every language, its default first; an SMS in the default language', async () => {
    t = makeTestApp();
    const waveId = tokenWave(t, [PEOPLE[0], PEOPLE[2]] as typeof PEOPLE);
    setWaveLanguages(t.db, waveId, ['nb', 'pl', 'en'], 'pl');
    saveTemplate(t.db, waveId, 'invite', 'en', { subject: 'Welcome to {maling}', body: 'Hi! Your link: {lenke} (by {frist})' });
    const clock = new ManualClock(START);
    const scheduler = schedulerFor(t.db, inviteConfig(servers.mailbox, servers.gateway), clock);
    queueInvitations(t.db, waveId, clock.now, '2027-03-01', ADMIN);
    await drain(t.db, scheduler, clock);
    const mail = servers.mailbox.mails.find((m) => m.to === 'kari@kommune.test');
    expect(mail?.subject).toBe('Zaproszenie: Kartlegging 2027');
    const parts = (mail?.text ?? '').split(LANGUAGE_RULE.trim()).map((p) => p.trim());
    expect(parts).toHaveLength(3);
    expect(parts[0]).toContain('Zapraszamy do udziału w ankiecie Kartlegging 2027');
    expect(parts[0]).toContain('Termin: 14.03.2027');
    expect(parts[1]).toContain('Du er invitert til å svare på Kartlegging 2027');
    expect(parts[2]).toMatch(/^Hi! Your link: https:\/\/\S+\/s\/[a-z0-9]{16} \(by 14\.03\.2027\)$/);
    // One link, the same in every language.
    expect(new Set(mail?.text.match(/\/s\/[a-z0-9]{16}/g))).toHaveProperty('size', 1);
    expect(servers.gateway.messages[0]?.text).toMatch(/^Zaproszenie: Kartlegging 2027 \S+ Odpowiedzi są anonimowe\.$/);
  });

  test('wrong SMTP credentials stop the job with a clear message; fixed and resumed, it finishes once each', async () => {
    t = makeTestApp();
    const waveId = tokenWave(t, PEOPLE.filter((p) => p.email));
    const clock = new ManualClock(START);
    const wrong = schedulerFor(t.db, inviteConfig({ ...servers.mailbox, url: servers.mailbox.url.replace('secret', 'wrong') }, servers.gateway), clock);
    const { jobId } = queueInvitations(t.db, waveId, clock.now, '2027-03-01', ADMIN);
    await drain(t.db, wrong, clock);
    expect(getJob(t.db, jobId)).toMatchObject({ status: 'stopped', error: 'invite.error.mail.auth', sent: 0 });
    expect(servers.mailbox.mails).toHaveLength(0);
    resumeJob(t.db, jobId);
    await drain(t.db, schedulerFor(t.db, inviteConfig(servers.mailbox, servers.gateway), clock), clock);
    expect(getJob(t.db, jobId)).toMatchObject({ status: 'done', sent: 3, error: null });
    expect(received()).toEqual(['kari@kommune.test', 'ola@kommune.test', 'per@kommune.test']);
  });

  test('a refused SMS servers.gateway stops the job; a refused address bounces; a busy servers.gateway is retried with back-off', async () => {
    t = makeTestApp();
    const waveId = tokenWave(t, [PEOPLE[2] as (typeof PEOPLE)[number], { unitId: 'nordby_skole', email: null, mobile: '+4799999999' }, PEOPLE[0] as (typeof PEOPLE)[number]]);
    const clock = new ManualClock(START);
    const scheduler = schedulerFor(t.db, inviteConfig(servers.mailbox, servers.gateway), clock);
    servers.gateway.status = 403;
    servers.mailbox.reject.add('kari@kommune.test');
    const { jobId } = queueInvitations(t.db, waveId, clock.now, '2027-03-01', ADMIN);
    await drain(t.db, scheduler, clock);
    expect(getJob(t.db, jobId)).toMatchObject({ status: 'stopped', error: 'invite.error.sms.refused' });
    servers.gateway.status = 503;
    clock.advance(1000);
    resumeJob(t.db, jobId);
    const resumedAt = clock.now;
    await scheduler.tick(); // the first number: busy, again after the back-off
    clock.advance(1000);
    await scheduler.tick(); // the second number: busy too
    clock.advance(1000);
    await scheduler.tick(); // Kari's address is refused: bounced, never retried
    expect(servers.gateway.messages).toHaveLength(0);
    servers.gateway.status = 200;
    clock.now = resumedAt + backoff(1) - 1;
    await scheduler.tick();
    expect(servers.gateway.messages).toHaveLength(0);
    clock.advance(1);
    await scheduler.tick();
    expect(servers.gateway.messages.map((m) => m.to)).toEqual(['+4741234567']);
    await drain(t.db, scheduler, clock);
    expect(servers.gateway.messages.map((m) => m.to).sort()).toEqual(['+4741234567', '+4799999999']);
    expect(getJob(t.db, jobId)).toMatchObject({ status: 'done', sent: 2, bounced: 1, failed: 0 });
  });
});

describe('a restart in the middle of a job', () => {
  const open = (file: string) => {
    const db = openDb(file);
    syncSurveyVersions(db, bundledSurveys().values());
    return db;
  };
  const people = Array.from({ length: 6 }, (_, i) => ({ unitId: i % 2 ? 'nordby_skole' : 'solbakken_avd1', email: `ansatt${i}@kommune.test`, mobile: null }));
  let dir = '';
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** queuedJob makes a file database with the demo, a wave of `people` and a queued invitation job. */
  const queuedJob = () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-invite-'));
    const file = path.join(dir, 'k.db');
    const clock = new ManualClock(START);
    const db = open(file);
    const survey = bundledSurveys().get('kartlegging');
    if (!survey) throw new Error('no survey');
    seedDemo(db, survey, '2027-03-01');
    const waveId = tokenWave({ db, survey }, people);
    const { jobId } = queueInvitations(db, waveId, clock.now, '2027-03-01', ADMIN);
    return { file, clock, db, jobId, config: inviteConfig(servers.mailbox, servers.gateway, { DATABASE_PATH: file }) };
  };

  test('stopped after two messages and started again, every contact gets exactly one', async () => {
    const job = queuedJob();
    const { file, clock, config, jobId } = job;
    let db = job.db;
    const first = schedulerFor(db, config, clock);
    first.start(3600_000);
    await first.tick();
    clock.advance(1000);
    await first.tick();
    await first.stop();
    expect(servers.mailbox.mails).toHaveLength(2);
    db.close();

    db = open(file);
    const second = schedulerFor(db, config, clock);
    second.start(3600_000);
    await drain(db, second, clock);
    await second.stop();
    expect(servers.mailbox.mails.map((m) => m.to).sort()).toEqual(people.map((p) => p.email).sort());
    expect(getJob(db, jobId)).toMatchObject({ status: 'done', sent: 6, uncertain: 0 });
    db.close();
  });

  test('a crash between the SMTP server accepting and the mark: the message counts as uncertain and is not sent again', async () => {
    const { file, clock, config, db, jobId } = queuedJob();
    const crashing = schedulerFor(db, config, clock);
    // The server holds the first message's data; meanwhile the process "dies": its database
    // handle is gone, so it can never record the outcome.
    let release!: () => void;
    servers.mailbox.hold = new Promise<void>((r) => (release = r));
    const arrived = new Promise<void>((r) => (servers.mailbox.onData = r));
    const pass = crashing.tick();
    await arrived;
    db.close();
    release();
    await pass;
    expect(servers.mailbox.mails).toHaveLength(1);
    servers.mailbox.hold = undefined;

    const after = open(file);
    const restarted = schedulerFor(after, config, clock);
    restarted.start(3600_000);
    clock.advance(1000);
    await drain(after, restarted, clock);
    await restarted.stop();
    expect(servers.mailbox.mails.map((m) => m.to).sort()).toEqual(people.map((p) => p.email).sort());
    expect(getJob(after, jobId)).toMatchObject({ status: 'done', sent: 5, uncertain: 1 });
    after.close();
  });
});
