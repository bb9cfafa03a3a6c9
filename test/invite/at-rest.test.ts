// What a copy of the data folder tells about a contact while invitations and reminders run (issue
// 17): the attacker holds the files (database, its log, the drafts file) and every contact's address
// (the project leader imported them), and tries to join a contact to a response. Contacts answer
// through the real app on links from the mails the real SMTP server received; reminders go out in
// between. The copy may tell that a contact has used a link (the reminder needs that) and, from the
// number of links issued, before which reminder; it must not tell which response is theirs: no
// finished message rows are kept, and the responses of a unit share every stored value but their
// random id and their answers (no day, no order).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { afterEach, expect, test } from 'vitest';
import { queueInvitations, queueReminders } from '../../src/invite/schedule.js';
import { draftsPath } from '../../src/store/db.js';
import { answerAndSubmit } from '../helpers/answers.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { drain, inviteConfig, ManualClock, schedulerFor, tokenWave, UNITS } from './harness.js';
import { linkIn, useMailServers } from './servers.js';

const ADMIN = { accountId: null, actor: 'test' };
const START = Date.parse('2027-03-01T09:00:00Z');
const DAY = 86_400_000;
const servers = useMailServers();
let t: TestApp | undefined;
let copy = '';
afterEach(() => {
  t?.close();
  t = undefined;
  if (copy) fs.rmSync(copy, { recursive: true, force: true });
});

const people = Array.from({ length: 8 }, (_, i) => ({ unitId: UNITS[i % 2] as string, email: `ansatt${i}@kommune.test`, mobile: null }));

test('a copy of the data folder taken mid-wave joins a contact to "has answered", never to a response', async () => {
  t = makeTestApp({ file: true });
  const app = t;
  const waveId = tokenWave(app, people);
  const clock = new ManualClock(START);
  const scheduler = schedulerFor(app.db, inviteConfig(servers.mailbox, undefined), clock);
  const answer = async (email: string): Promise<void> => {
    const mail = servers.mailbox.mails.filter((m) => m.to === email).at(-1);
    const code = linkIn(mail?.text ?? '').split('/').pop() ?? '';
    // The position section checks its numbers against each other: a consistent part-time answer.
    const res = await answerAndSubmit(request.agent(app.app), app.survey, code, { stilling_naa: '60', ansettelse: 'fast', onsket_endring: 'storre', onsket_stilling: '80' });
    expect(res.status, res.text.slice(0, 200)).toBe(303);
  };

  queueInvitations(app.db, waveId, clock.now, '2027-03-01', ADMIN);
  await drain(app.db, scheduler, clock);
  for (const p of people.slice(0, 3)) await answer(p.email);
  clock.advance(7 * DAY);
  queueReminders(app.db, waveId, clock.now, ADMIN);
  await drain(app.db, scheduler, clock);
  for (const p of people.slice(3, 5)) await answer(p.email);
  clock.advance(5 * DAY);
  queueReminders(app.db, waveId, clock.now, ADMIN);
  await drain(app.db, scheduler, clock);
  await answer(people[5]?.email ?? '');

  // The copy: every file the server wrote, as they are now (the log included).
  copy = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-copy-'));
  const file = app.config.DATABASE_PATH;
  for (const f of [file, `${file}-wal`, draftsPath(file), `${draftsPath(file)}-wal`]) if (fs.existsSync(f)) fs.copyFileSync(f, path.join(copy, path.basename(f)));
  const db = new Database(path.join(copy, path.basename(file)));
  try {
    // What the attacker can know per contact: whether a link was used, and how many were issued.
    const contacts = db.prepare('SELECT c.email, (SELECT max(used) FROM token t WHERE t.ref = c.token_ref) AS used, (SELECT count(*) FROM token t WHERE t.ref = c.token_ref) AS links FROM contact c ORDER BY c.email').all() as { email: string; used: number; links: number }[];
    expect(contacts.filter((c) => c.used === 1).map((c) => c.email)).toEqual(people.slice(0, 6).map((p) => p.email).sort());
    // No message row outlives its send: nothing says who was reminded when.
    expect(db.prepare('SELECT count(*) AS n FROM send_item').get()).toEqual({ n: 0 });
    // A response holds nothing but its random id, wave, unit and survey; answers hang off the id.
    expect((db.pragma('table_info(response)') as { name: string }[]).map((c) => c.name)).toEqual(['id', 'wave_id', 'unit_id', 'survey_id', 'survey_version']);
    const rows = db.prepare('SELECT unit_id, count(*) AS n, count(DISTINCT survey_id || survey_version) AS kinds FROM response WHERE wave_id = ? GROUP BY unit_id ORDER BY unit_id').all(waveId);
    expect(rows).toEqual([
      { unit_id: 'nordby_skole', n: 3, kinds: 1 },
      { unit_id: 'solbakken_avd1', n: 3, kinds: 1 },
    ]);
    // No table but contact and token holds a contact's reference or address, or a link's hash.
    const refs = (db.prepare('SELECT token_ref FROM contact').all() as { token_ref: string }[]).map((r) => r.token_ref);
    const hashes = (db.prepare('SELECT hash FROM token WHERE ref IS NOT NULL').all() as { hash: string }[]).map((r) => r.hash);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('contact', 'token')").all() as { name: string }[]).map((r) => r.name);
    for (const table of tables) {
      const dump = JSON.stringify(db.prepare(`SELECT * FROM "${table}"`).all());
      for (const needle of [...refs, ...hashes, ...people.map((p) => p.email)]) expect(dump.includes(needle), `${table} holds ${needle}`).toBe(false);
    }
  } finally {
    db.close();
  }
});
