// The real server process (tsx src/main.ts) sends a job at its configured rate; SIGTERM in the
// middle lets the message in flight be recorded, and the next start finishes the job: every
// contact receives exactly one invitation. Waits on the SMTP server's arrivals, never on a timer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { prepareDatabase, startKartlegg, stopProcess } from '../../bench/lib/server.js';
import { today } from '../../src/clock.js';
import { queueInvitations } from '../../src/invite/schedule.js';
import { openDb } from '../../src/store/db.js';
import { getJob } from '../../src/store/jobs.js';
import { tokenWave } from './harness.js';
import { startMailbox, type Mailbox } from './servers.js';

let mailbox: Mailbox;
let dir: string;
beforeAll(async () => {
  mailbox = await startMailbox();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-restart-'));
  fs.chmodSync(dir, 0o700);
});
afterAll(async () => {
  await mailbox.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('SIGTERM in the middle of a job, then a new start: each message sent exactly once', async () => {
  const file = path.join(dir, 'kartlegg.db');
  const { survey } = prepareDatabase(file);
  const people = ['a', 'b', 'c', 'd'].map((n) => ({ unitId: 'solbakken_avd1', email: `${n}@kommune.test`, mobile: null }));
  let db = openDb(file);
  const waveId = tokenWave({ db, survey }, people);
  const { jobId } = queueInvitations(db, waveId, Date.now(), today('Europe/Oslo'), { accountId: null, actor: 'test' });
  db.close();
  // 20 a minute: three seconds between messages, so the stop lands mid-job.
  const env = { SMTP_URL: mailbox.url, MAIL_FROM: 'kartlegging@kommune.test', SEND_RATE_PER_MINUTE: '20', LOG_LEVEL: 'warn', PUBLIC_URL: 'https://kartlegg.kommune.test' };

  const first = await startKartlegg(file, env);
  await mailbox.until(2);
  await stopProcess(first, 'SIGTERM');
  expect(await first.exited).toBe(0);
  const afterFirst = mailbox.mails.length;
  expect(afterFirst).toBeLessThan(4);

  const second = await startKartlegg(file, env);
  await mailbox.until(4);
  await stopProcess(second, 'SIGTERM');
  db = openDb(file);
  expect(mailbox.mails.map((m) => m.to).sort()).toEqual(people.map((p) => p.email));
  expect(getJob(db, jobId)).toMatchObject({ status: 'done', sent: 4, uncertain: 0, failed: 0 });
  expect(mailbox.mails.every((m) => m.text.includes('https://kartlegg.kommune.test/s/'))).toBe(true);
  db.close();
}, 90_000);
