// What a copy of the data folder gives away (issue 11, item 6). Respondents answer a one-time-link
// wave through the real app on a file database; then every byte of every file the server wrote (the
// database, its -wal and -shm, the drafts files) and of a backup is searched for what the project
// leader holds (each personal link and its SHA-256, hex and raw) and for what only the respondent
// holds (the draft cookie and the resume code). No page of a database file and no write-ahead log
// may hold a personal link's hash together with answers, nothing may hold a draft cookie or resume
// code, and the answers of a draft in progress never appear in clear.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { backupFile } from '../../src/store/backup.js';
import { createTokens } from '../../src/store/links.js';
import { createWave } from '../../src/store/waves.js';
import { encode, sectionBody, type Body } from '../helpers/answers.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let dir: string;
beforeEach(() => {
  t = makeTestApp({ file: true });
  dir = path.dirname(t.config.DATABASE_PATH);
});
afterEach(() => t.close());

interface Respondent {
  token: string;
  marker: string;
  agent: ReturnType<typeof request.agent>;
  cookie: string;
  resumeCode: string;
}

const sha256 = (s: string): Buffer => crypto.createHash('sha256').update(s).digest();

/** Starts on a personal link and answers every visible section, the free-text item with a marker only this person wrote. */
async function answerEverything(token: string, marker: string): Promise<Respondent> {
  const agent = request.agent(t.app);
  const start = await agent.post(`/s/${token}/start`);
  expect(start.status).toBe(303);
  const cookie = /kartlegg_draft=([^;]+)/.exec(([] as string[]).concat(start.headers['set-cookie'] ?? []).join('\n'))?.[1];
  if (!cookie) throw new Error('no draft cookie');
  let resumeCode = '';
  const stilling: Body = { stilling_naa: '60', ansettelse: 'fast', onsket_endring: 'storre', onsket_stilling: '80', kommentar: marker };
  for (const section of t.survey.sections) {
    const page = await agent.get(`/s/${token}/del/${section.id}`);
    if (page.status === 404) continue; // hidden by an earlier answer
    expect(page.status).toBe(200);
    resumeCode ||= /class="code">([^<]+)</.exec(page.text)?.[1] ?? '';
    const body = sectionBody(section, stilling);
    for (const key of Object.keys(body)) if (key !== '_nav' && !section.items.some((i) => key === i.id || key.startsWith(`${i.id}.`))) delete body[key];
    const res = await agent.post(`/s/${token}/del/${section.id}`).type('form').send(encode(body));
    expect(res.status, res.text.slice(0, 200)).toBe(303);
  }
  expect(resumeCode).not.toBe('');
  return { token, marker, agent, cookie: decodeURIComponent(cookie), resumeCode };
}

async function submit(r: Respondent): Promise<void> {
  const res = await r.agent.post(`/s/${r.token}/send`).type('form').send('');
  expect(res.status, res.text.slice(0, 200)).toBe(303);
  expect(res.headers.location).toBe(`/s/${r.token}/takk`);
}

/** Units of a file that are read together: a database file's pages; a write-ahead log as a whole
 *  (its frames are a timeline: frames of one period can be joined by order); anything else whole. */
function units(bytes: Buffer): Buffer[] {
  if (bytes.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') {
    const raw = bytes.readUInt16BE(16);
    const size = raw === 1 ? 65536 : raw;
    const pages: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += size) pages.push(bytes.subarray(at, at + size));
    return pages;
  }
  return [bytes];
}

interface Needle {
  what: string;
  bytes: Buffer;
}

const needle = (what: string, value: string | Buffer): Needle => ({ what, bytes: typeof value === 'string' ? Buffer.from(value, 'latin1') : value });

/** Reads every file in the database folder, and a fresh backup, and lists every way they link people to answers. */
async function findings(people: Respondent[], submitted: Set<Respondent>): Promise<string[]> {
  const backup = path.join(dir, `backup-${submitted.size}.bak`);
  await backupFile(t.config.DATABASE_PATH, backup);
  const files = fs.readdirSync(dir).map((f) => path.join(dir, f));
  expect(files.some((f) => f.endsWith('-wal'))).toBe(true);

  const linkNeedles = people.flatMap((p) => [needle(`link ${p.token}`, p.token), needle(`sha256(${p.token}) hex`, sha256(p.token).toString('hex')), needle(`sha256(${p.token}) raw`, sha256(p.token))]);
  const secretNeedles = people.flatMap((p) => [needle(`draft cookie of ${p.token}`, p.cookie), needle(`resume code of ${p.token}`, p.resumeCode), needle(`resume code of ${p.token} without dash`, p.resumeCode.replace(/-/g, ''))]);
  const answerNeedles = [...submitted].map((p) => needle(`answers of ${p.token}`, p.marker));
  const draftNeedles = people.filter((p) => !submitted.has(p)).map((p) => needle(`draft answers of ${p.token}`, p.marker));

  const out: string[] = [];
  for (const file of files) {
    const name = path.basename(file);
    const bytes = fs.readFileSync(file);
    for (const n of [...secretNeedles, ...draftNeedles, ...linkNeedles.filter((l) => l.what.startsWith('link '))]) {
      if (bytes.includes(n.bytes)) out.push(`${name} holds the ${n.what}`);
    }
    units(bytes).forEach((unit, i) => {
      const links = linkNeedles.filter((n) => unit.includes(n.bytes));
      const answers = [...answerNeedles, ...draftNeedles].filter((n) => unit.includes(n.bytes));
      if (links.length > 0 && answers.length > 0) out.push(`${name}${i > 0 || unit.length < bytes.length ? ` page ${i + 1}` : ''} holds ${links[0]?.what} together with the ${answers[0]?.what}`);
    });
  }
  return out;
}

test('no file the server writes, nor a backup, links a personal link to answers, during the wave and after submits', async () => {
  const waveId = createWave(t.db, { name: 'Personlige lenker', surveyId: t.survey.id, surveyVersion: t.survey.version, unitIds: ['hjemmetjenesten'], linkMode: 'token', status: 'open' });
  const tokens = createTokens(t.db, waveId, 'hjemmetjenesten', 5);
  const people: Respondent[] = [];
  for (const [i, token] of tokens.entries()) people.push(await answerEverything(token, `Hemmelig kommentar nummer ${i} fra ${token.slice(0, 4)}`));
  const submitted = new Set<Respondent>();

  // Two have submitted, three drafts are complete but not sent.
  for (const p of people.slice(0, 2)) {
    await submit(p);
    submitted.add(p);
  }
  expect(await findings(people, submitted)).toEqual([]);

  // Four have submitted, one draft is still in progress.
  for (const p of people.slice(2, 4)) {
    await submit(p);
    submitted.add(p);
  }
  expect(await findings(people, submitted)).toEqual([]);
  // The answers are stored, and the links are used; the thank-you pages came after the answers were
  // copied into the database file itself (the log holds nothing of them).
  expect((t.db.prepare('SELECT count(*) AS n FROM response WHERE wave_id = ?').get(waveId) as { n: number }).n).toBe(4);
  const databaseFile = fs.readFileSync(t.config.DATABASE_PATH);
  for (const p of submitted) expect(databaseFile.includes(p.marker), p.marker).toBe(true);
  expect((t.db.prepare('SELECT sum(used) AS n FROM token WHERE wave_id = ?').get(waveId) as { n: number }).n).toBe(4);
});
