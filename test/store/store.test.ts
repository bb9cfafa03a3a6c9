import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { draftsPath, openDb, type Db } from '../../src/store/db.js';
import {
  cachedDraftKeys,
  createDraft,
  deleteDraft,
  deleteExpiredDrafts,
  draftFits,
  findDraftByResumeCode,
  getDraft,
  KEY_CACHE_SIZE,
  makeWaitingDraftsResumable,
  OPEN_CACHE_SIZE,
  openDraftsKept,
  RESUMABLE_AFTER_IDLE_MS,
  resumeWaitingDrafts,
  saveDraftAnswers,
  setDraftLanguage,
  WAITING_MAX,
  waitingDrafts,
  type Draft,
} from '../../src/store/drafts.js';
import { hashToken, isResumeCode, normaliseResumeCode, randomCode, randomResponseId, resumeCode } from '../../src/store/ids.js';
import { createLink, createTokens, listLinks, resolveCode, resolveLink } from '../../src/store/links.js';
import { migrate, schemaVersion } from '../../src/store/migrations.js';
import { answerRows, countResponses, submitResponse, type AnswerRow } from '../../src/store/responses.js';
import { getSurveyVersion, latestSurveyVersion, syncSurveyVersions } from '../../src/store/survey-versions.js';
import { addUnit, countUnits, getUnit, listUnits } from '../../src/store/units.js';
import { createWave, getWave, isAcceptingAnswers, listWaves, setWaveStatus, waveUnitIds, type LinkMode, type Wave } from '../../src/store/waves.js';
import { parseSurveyFiles } from '../../src/survey/load.js';
import type { Answers, Survey } from '../../src/survey/model.js';

function loadSurvey(title = 'Store test'): Survey {
  const def = {
    id: 'store',
    version: 1,
    title,
    scales: { enig5: { points: [1, 2, 3, 4, 5].map((value) => ({ value, label: `p${value}` })), dontKnowLabel: 'Vet ikke' } },
    sections: [
      {
        id: 'page',
        title: 'Page',
        items: [
          { id: 'l', type: 'likert', scale: 'enig5', text: 'L' },
          { id: 's', type: 'single', text: 'S', options: [{ id: 'x', label: 'X' }, { id: 'y', label: 'Y' }] },
          { id: 'm', type: 'multi', text: 'M', options: ['a', 'b', 'c'].map((id) => ({ id, label: id })) },
          { id: 'nd', type: 'nowDesired', scale: 'enig5', text: 'ND' },
          { id: 'n', type: 'number', text: 'N', min: 0, max: 100, step: 0.5 },
          { id: 't', type: 'text', text: 'T' },
        ],
      },
    ],
  };
  const survey = parseSurveyFiles([{ file: 'store.json', text: JSON.stringify(def) }]).get('store');
  if (!survey) throw new Error('test survey did not load');
  return survey;
}

const survey = loadSurvey();

const answers: Answers = { l: 'dk', s: 'y', m: ['a', 'c'], nd: { now: 2, desired: 'dk' }, n: 62.5, t: 'hei på deg' };
const expectedRows: AnswerRow[] = [
  { itemId: 'l', part: '', num: null, txt: 'dk' },
  { itemId: 's', part: '', num: null, txt: 'y' },
  { itemId: 'm', part: 'a', num: null, txt: 'a' },
  { itemId: 'm', part: 'c', num: null, txt: 'c' },
  { itemId: 'nd', part: 'now', num: 2, txt: null },
  { itemId: 'nd', part: 'desired', num: null, txt: 'dk' },
  { itemId: 'n', part: '', num: 62.5, txt: null },
  { itemId: 't', part: '', num: null, txt: 'hei på deg' },
];

const opened: Db[] = [];
const tempDirs: string[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function open(file = ':memory:'): Db {
  const db = openDb(file);
  opened.push(db);
  return db;
}

function tempFile(name = 'kartlegg.db'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-'));
  tempDirs.push(dir);
  return path.join(dir, name);
}

/** A database with the test survey, units root > u1, u2 and an open wave over u1 and u2. */
function setup(linkMode: LinkMode = 'open', db = open()): { db: Db; waveId: number } {
  expect(syncSurveyVersions(db, [survey])).toEqual([]);
  addUnit(db, { id: 'root', name: 'Kommunen' });
  addUnit(db, { id: 'u1', name: 'Avdeling 1', parentId: 'root', headcount: 12 });
  addUnit(db, { id: 'u2', name: 'Avdeling 2', parentId: 'root' });
  const waveId = createWave(db, { name: 'Vår 2025', surveyId: 'store', surveyVersion: 1, unitIds: ['u1', 'u2'], linkMode, status: 'open' });
  return { db, waveId };
}

const count = (db: Db, table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

const tableNames = (db: Db, schema = 'main'): string[] =>
  (db.prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);

const columns = (db: Db, table: string): string[] => (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);

/** Every row of every table, as text. */
function dump(db: Db): string {
  return tableNames(db)
    .map((t) => `${t}: ${JSON.stringify(db.prepare(`SELECT * FROM ${t}`).all())}`)
    .join('\n');
}

describe('opening and migrating', () => {
  test('a new database gets the latest schema version and every table', () => {
    const db = open();
    expect(schemaVersion).toBe(16);
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
    expect(tableNames(db)).toEqual([
      'account', 'account_email', 'account_unit', 'action', 'answer', 'audit_log', 'contact', 'followup', 'invite_plan', 'invite_template', 'link', 'password_link', 'project', 'response',
      'running_tally', 'send_item', 'send_job', 'session', 'sick_leave', 'sick_leave_import', 'sick_leave_settings', 'submitted_draft', 'survey_draft', 'survey_version', 'token', 'unit', 'unit_map', 'wal_tick', 'wave', 'wave_count', 'wave_release', 'wave_tally', 'wave_unit',
    ]);
    expect(tableNames(db, 'drafts')).toEqual(['draft', 'wal_tick']);
  });

  test('drafts live in their own file beside the database, in WAL mode without a sync per commit', () => {
    expect(draftsPath('data/kartlegg.db')).toBe('data/kartlegg-drafts.db');
    expect(draftsPath('/srv/k/db')).toBe('/srv/k/db-drafts');
    expect(draftsPath(':memory:')).toBe(':memory:');
    const file = tempFile();
    const db = open(file);
    expect(fs.existsSync(draftsPath(file))).toBe(true);
    expect(db.pragma('drafts.journal_mode', { simple: true })).toBe('wal');
    // NORMAL (1) for drafts, FULL (2) for responses; deleted rows are overwritten in both.
    expect(db.pragma('drafts.synchronous', { simple: true })).toBe(1);
    expect(db.pragma('main.synchronous', { simple: true })).toBe(2);
    expect(db.pragma('drafts.secure_delete', { simple: true })).toBe(1);
    // Owner-only, like the database: the file, its log and its index.
    createDraft(db, { waveId: 1, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' });
    const drafts = draftsPath(file);
    for (const f of [drafts, `${drafts}-wal`, `${drafts}-shm`]) expect((fs.statSync(f).mode & 0o777).toString(8), f).toBe('600');
  });

  test('migrations are idempotent: opening a file twice keeps its version and data', () => {
    const file = tempFile('sub/dir/kartlegg.db');
    const first = open(file);
    addUnit(first, { id: 'u1', name: 'Avdeling 1' });
    first.close();

    const second = open(file);
    expect(second.pragma('user_version', { simple: true })).toBe(schemaVersion);
    expect(listUnits(second).map((u) => u.id)).toEqual(['u1']);
    migrate(second);
    expect(second.pragma('user_version', { simple: true })).toBe(schemaVersion);
    expect(tableNames(second)).toHaveLength(33);
  });

  test('a database from a newer Kartlegg is refused', () => {
    const file = tempFile();
    const db = open(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => open(file)).toThrow(new RegExp(`schema version 99, newer than this Kartlegg \\(${schemaVersion}\\)`));
  });

  test('foreign keys are enforced', () => {
    const { db, waveId } = setup();
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // Unit "nope" does not exist, and root does not take part in the wave.
    expect(() => addUnit(db, { id: 'u3', name: 'Orphan', parentId: 'nope' })).toThrow(/FOREIGN KEY/);
    expect(() => createLink(db, waveId, 'root')).toThrow(/FOREIGN KEY/);
  });

  test('a file database uses WAL', () => {
    const db = open(tempFile());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});

describe('units', () => {
  test('are stored as given and listed by name', () => {
    const db = open();
    addUnit(db, { id: 'b', name: 'Bravo', headcount: 4 });
    addUnit(db, { id: 'a', name: 'Alfa', parentId: 'b' });
    expect(getUnit(db, 'a')).toEqual({ id: 'a', name: 'Alfa', parentId: 'b', headcount: null, retired: false });
    expect(getUnit(db, 'nope')).toBeUndefined();
    expect(listUnits(db).map((u) => u.id)).toEqual(['a', 'b']);
    expect(countUnits(db)).toBe(2);
    expect(() => addUnit(db, { id: 'c', name: 'C', headcount: -1 })).toThrow(/CHECK/);
  });
});

describe('waves', () => {
  test('createWave stores the wave with defaults and its units', () => {
    const { db, waveId } = setup();
    expect(getWave(db, waveId)).toEqual({
      id: waveId,
      name: 'Vår 2025',
      surveyId: 'store',
      surveyVersion: 1,
      status: 'open',
      opensOn: null,
      closesOn: null,
      kResults: 5,
      kDistribution: 10,
      kText: 10,
      freeTextInReports: false,
      linkMode: 'open',
      languages: ['nb'],
      defaultLanguage: 'nb',
    });
    expect(waveUnitIds(db, waveId)).toEqual(['u1', 'u2']);
    setWaveStatus(db, waveId, 'closed');
    expect(getWave(db, waveId)?.status).toBe('closed');
    expect(getWave(db, waveId + 1)).toBeUndefined();
  });

  test('higher kResults raise the distribution and text thresholds with it', () => {
    const { db } = setup();
    const id = createWave(db, { name: 'Høst', surveyId: 'store', surveyVersion: 1, unitIds: ['u1'], linkMode: 'token', kResults: 12 });
    expect(getWave(db, id)).toMatchObject({ status: 'draft', kResults: 12, kDistribution: 12, kText: 12, linkMode: 'token' });
    expect(listWaves(db).map((w) => w.id)[0]).toBe(id);
  });

  test.each([
    ['kResults below 3', { kResults: 2 }, /CHECK/],
    ['an unknown unit', { unitIds: ['u1', 'nope'] }, /FOREIGN KEY/],
    ['an unstored survey version', { surveyVersion: 2 }, /FOREIGN KEY/],
  ])('a wave with %s is refused and leaves nothing behind', (_name, change, error) => {
    const { db } = setup();
    const before = { wave: count(db, 'wave'), waveUnit: count(db, 'wave_unit') };
    expect(() => createWave(db, { name: 'Feil', surveyId: 'store', surveyVersion: 1, unitIds: ['u1'], linkMode: 'open', ...change })).toThrow(error);
    expect({ wave: count(db, 'wave'), waveUnit: count(db, 'wave_unit') }).toEqual(before);
  });

  const wave = (over: Partial<Wave>): Wave => ({
    id: 1,
    name: 'W',
    surveyId: 'store',
    surveyVersion: 1,
    status: 'open',
    opensOn: null,
    closesOn: null,
    kResults: 5,
    kDistribution: 10,
    kText: 10,
    freeTextInReports: false,
    linkMode: 'open',
    languages: ['nb'],
    defaultLanguage: 'nb',
    ...over,
  });

  test.each<[string, Partial<Wave>, string, boolean]>([
    ['draft', { status: 'draft' }, '2025-03-10', false],
    ['closed', { status: 'closed' }, '2025-03-10', false],
    ['open without dates', {}, '2025-03-10', true],
    ['open, before the opening day', { opensOn: '2025-03-10' }, '2025-03-09', false],
    ['open, on the opening day', { opensOn: '2025-03-10' }, '2025-03-10', true],
    ['open, on the closing day', { closesOn: '2025-03-20' }, '2025-03-20', true],
    ['open, after the closing day', { closesOn: '2025-03-20' }, '2025-03-21', false],
    ['open, between the dates', { opensOn: '2025-03-10', closesOn: '2025-03-20' }, '2025-03-15', true],
    ['draft, between the dates', { status: 'draft', opensOn: '2025-03-10', closesOn: '2025-03-20' }, '2025-03-15', false],
    ['open, across a year end', { opensOn: '2024-12-20', closesOn: '2025-01-10' }, '2025-01-02', true],
  ])('isAcceptingAnswers: %s on %s', (_name, over, today, expected) => {
    expect(isAcceptingAnswers(wave(over), today)).toBe(expected);
  });
});

describe('ids', () => {
  test.each([
    ['KD7MQ-2XPR4', 'KD7MQ-2XPR4'],
    ['kd7mq-2xpr4', 'KD7MQ-2XPR4'],
    ['kd7mq2xpr4', 'KD7MQ-2XPR4'],
    [' kd7m q2xp r4 ', 'KD7MQ-2XPR4'],
    ['KD7MQ–2XPR4', 'KD7MQ-2XPR4'],
    ['kd7mq-2xpr', 'KD7MQ2XPR'],
    ['KD7M-Q2XP', 'KD7MQ2XP'],
  ])('normaliseResumeCode(%j) is %j', (input, expected) => {
    expect(normaliseResumeCode(input)).toBe(expected);
  });

  test.each([
    ['KD7MQ-2XPR4', true],
    ['KD7MQ2XPR4', false],
    ['KD7MQ-2XPR', false],
    ['KD7MO-2XPR4', false],
    ['KD7M1-2XPR4', false],
    ['kd7mq-2xpr4', false],
  ])('isResumeCode(%j) is %j', (code, expected) => {
    expect(isResumeCode(code)).toBe(expected);
  });

  test('hashToken is hex SHA-256', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('codes use the alphabet without look-alikes', () => {
    for (let i = 0; i < 50; i++) {
      expect(randomCode(20)).toMatch(/^[a-hjkmnp-z2-9]{20}$/);
      expect(isResumeCode(resumeCode())).toBe(true);
      const id = randomResponseId();
      expect(Number.isSafeInteger(id) && id > 0).toBe(true);
    }
  });
});

describe('links and tokens', () => {
  test('a unit has one open link per wave, which resolves to the wave and unit', () => {
    const { db, waveId } = setup();
    const code = createLink(db, waveId, 'u1');
    expect(code).toMatch(/^[a-hjkmnp-z2-9]{10}$/);
    expect(createLink(db, waveId, 'u1')).toBe(code);
    const other = createLink(db, waveId, 'u2');
    expect(other).not.toBe(code);
    expect(listLinks(db, waveId)).toEqual([
      { code, unitId: 'u1' },
      { code: other, unitId: 'u2' },
    ]);
    expect(resolveCode(db, code)).toEqual({ kind: 'link', code, waveId, unitId: 'u1' });
  });

  test('tokens resolve to their wave and unit through their hash', () => {
    const { db, waveId } = setup('token');
    const tokens = createTokens(db, waveId, 'u2', 3);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(3);
    for (const token of tokens) {
      expect(token).toMatch(/^[a-hjkmnp-z2-9]{16}$/);
      const tokenHash = crypto.createHash('sha256').update(token).digest('hex');
      expect(resolveCode(db, token)).toEqual({ kind: 'token', code: token, tokenHash, waveId, unitId: 'u2', used: false });
    }
    expect(count(db, 'token')).toBe(3);
  });

  test('resolveLink reads a link or token with its wave and unit as getWave and getUnit read them, in one statement', () => {
    const { db, waveId } = setup('token');
    addUnit(db, { id: 'u9', name: 'Kjøkkenet', parentId: 'u1', headcount: 7 });
    db.prepare('INSERT INTO wave_unit (wave_id, unit_id) VALUES (?, ?)').run(waveId, 'u9');
    db.prepare("UPDATE wave SET languages = 'nb en', default_language = 'en' WHERE id = ?").run(waveId);
    const code = createLink(db, waveId, 'u9');
    const [token = '', used = ''] = createTokens(db, waveId, 'u9', 2);
    db.prepare('UPDATE token SET used = 1 WHERE hash = ?').run(hashToken(used));
    const wave = getWave(db, waveId);
    const unit = getUnit(db, 'u9');
    expect(wave?.languages).toEqual(['nb', 'en']);
    expect(unit).toMatchObject({ name: 'Kjøkkenet', parentId: 'u1', headcount: 7 });
    for (const c of [code, token, used]) expect(resolveLink(db, c)).toEqual({ access: expect.anything(), wave, unit });
    expect(resolveLink(db, code)?.access).toEqual({ kind: 'link', code, waveId, unitId: 'u9' });
    expect(resolveLink(db, used)?.access).toMatchObject({ kind: 'token', used: true });
    expect(resolveLink(db, token)?.access).toMatchObject({ kind: 'token', used: false });
    expect(resolveLink(db, 'abcdefghjk')).toBeUndefined();
    expect(resolveLink(db, '../x')).toBeUndefined();
  });

  test.each([
    ['unknown but well-formed', 'abcdefghjk'],
    ['empty', ''],
    ['too short', 'abcde'],
    ['too long', 'a'.repeat(41)],
    ['upper case', 'ABCDEFGHJK'],
    ['path characters', '../../etc/passwd'],
    ['SQL', "abcdef' OR '1'='1"],
    ['spaces', 'abc def ghj'],
  ])('resolveCode of a code that is %s gives undefined', (_name, code) => {
    const { db, waveId } = setup();
    createLink(db, waveId, 'u1');
    createTokens(db, waveId, 'u1', 2);
    expect(resolveCode(db, code)).toBeUndefined();
  });

  test('an upper-cased link code does not resolve', () => {
    const { db, waveId } = setup();
    const code = createLink(db, waveId, 'u1');
    expect(resolveCode(db, code.toUpperCase())).toBeUndefined();
  });

  test('a plaintext token appears nowhere in the database, before or after it is used', () => {
    const file = tempFile();
    const { db, waveId } = setup('token', open(file));
    const tokens = createTokens(db, waveId, 'u1', 5);
    const used = tokens[0] ?? '';
    const access = resolveCode(db, used);
    if (access?.kind !== 'token') throw new Error('token did not resolve');
    const draft = createDraft(db, { waveId, unitId: 'u1', tokenHash: access.tokenHash, expiresOn: '2025-04-01' });
    saveDraftAnswers(db, draft, answers, 'page', '2025-04-01');

    const check = (): void => {
      const text = dump(db);
      expect(text).toContain(hashToken(used));
      for (const token of tokens) expect(text).not.toContain(token);
    };
    check();
    expect(submitResponse(db, survey, draft.id, answers, '2025-03-14', access.tokenHash)).toBe('stored');
    check();

    db.close();
    for (const name of fs.readdirSync(path.dirname(file))) {
      const bytes = fs.readFileSync(path.join(path.dirname(file), name));
      for (const token of tokens) expect(bytes.includes(token), `${token} in ${name}`).toBe(false);
    }
  });

  test('no table but token holds token hashes, and nothing refers to tokens or drafts', () => {
    const db = open();
    expect((db.pragma('drafts.table_info(draft)') as { name: string }[]).map((c) => c.name)).toEqual(['id', 'resume_id', 'resume_key', 'sealed', 'expires_on']);
    for (const table of tableNames(db)) {
      const foreign = (db.pragma(`foreign_key_list(${table})`) as { table: string }[]).map((f) => f.table);
      expect(foreign, table).not.toContain('token');
      expect(foreign, table).not.toContain('draft');
      // Staff tables (sessions, set-password links) hold staff tokens, unrelated to respondents.
      const staffTables = ['session', 'password_link'];
      // A contact's random reference to the used flag of the links sent to it, never a token or a
      // hash (docs/ARCHITECTURE.md, "Contacts and the used flag"; test/invite/send.test.ts).
      const allowed: Record<string, string[]> = { contact: ['token_ref'] };
      if (table !== 'token' && !staffTables.includes(table)) expect(columns(db, table).filter((c) => /token/i.test(c) && !allowed[table]?.includes(c)), table).toEqual([]);
    }
  });
});

describe('drafts', () => {
  const link = (waveId: number, unitId = 'u1', tokenHash: string | null = null) => ({ waveId, unitId, tokenHash });

  test('createDraft starts an empty draft with a random device key and resume code', () => {
    const { db, waveId } = setup();
    const draft = createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' });
    expect(draft).toMatchObject({ waveId, unitId: 'u1', tokenRef: null, answers: {}, lastSection: null, expiresOn: '2025-03-10', resumable: false });
    expect(draft.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(draft.resumeCode).toMatch(/^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$/);
    expect(getDraft(db, draft.id, '2025-03-01')).toEqual(draft);
    const other = createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' });
    expect(other.id).not.toBe(draft.id);
    expect(other.resumeCode).not.toBe(draft.resumeCode);
  });

  test('a draft row holds neither its device key, its resume code, its answers nor its token hash', () => {
    const { db, waveId } = setup('token');
    const [token = ''] = createTokens(db, waveId, 'u1', 1);
    const draft = createDraft(db, { waveId, unitId: 'u1', tokenHash: hashToken(token), expiresOn: '2025-03-10' });
    saveDraftAnswers(db, draft, answers, 'page', '2025-03-10');
    const rows = db.prepare('SELECT * FROM drafts.draft').all() as Record<string, string | Buffer>[];
    expect(rows).toHaveLength(1);
    const bytes = Buffer.concat(Object.values(rows[0] ?? {}).map((v) => Buffer.from(v)));
    const raw = (hex: string) => Buffer.from(hex, 'hex');
    for (const needle of [draft.id, draft.resumeCode, draft.resumeCode.replace('-', ''), 'hei på deg', '"nd"', token, hashToken(token)]) expect(bytes.includes(needle), needle).toBe(false);
    for (const needle of [Buffer.from(draft.id, 'base64url'), raw(hashToken(token))]) expect(bytes.includes(needle)).toBe(false);
    expect(draft.tokenRef).toMatch(/^[0-9a-f]{64}$/);
    expect(draft.tokenRef).not.toBe(hashToken(token));
  });

  test('a draft fits only the link it was started on', () => {
    const { db, waveId } = setup('token');
    const [token = '', other = ''] = createTokens(db, waveId, 'u1', 2);
    const draft = createDraft(db, { waveId, unitId: 'u1', tokenHash: hashToken(token), expiresOn: '2025-03-10' });
    expect(draftFits(draft, link(waveId, 'u1', hashToken(token)))).toBe(true);
    expect(draftFits(draft, link(waveId, 'u1', hashToken(other)))).toBe(false);
    expect(draftFits(draft, link(waveId, 'u1'))).toBe(false);
    expect(draftFits(draft, link(waveId, 'u2', hashToken(token)))).toBe(false);
    const open = createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' });
    expect(draftFits(open, link(waveId))).toBe(true);
    expect(draftFits(open, link(waveId, 'u1', hashToken(token)))).toBe(false);
  });

  test('getDraft returns a draft up to and including its expiry day, and nothing for a wrong or altered key', () => {
    const { db, waveId } = setup();
    const draft = createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' });
    expect(getDraft(db, draft.id, '2025-03-10')?.id).toBe(draft.id);
    expect(getDraft(db, draft.id, '2025-03-11')).toBeUndefined();
    expect(getDraft(db, 'unknown', '2025-03-01')).toBeUndefined();
    expect(getDraft(db, crypto.randomBytes(32).toString('base64url'), '2025-03-01')).toBeUndefined();
    // A sealed row that was tampered with does not open.
    db.prepare("UPDATE drafts.draft SET sealed = substr(sealed, 1, 40) || x'00' || substr(sealed, 42)").run();
    expect(getDraft(db, draft.id, '2025-03-01')).toBeUndefined();
  });

  test('a draft kept in memory is served only while its row holds the bytes it was read from or saved as, frozen, and the memory stays bounded', () => {
    const { db, waveId } = setup();
    const decrypts = vi.spyOn(crypto, 'createDecipheriv');
    try {
      const draft = createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' });
      const first = saveDraftAnswers(db, draft, { a: 1 }, 'page', '2025-03-10');
      const sealedFirst = (db.prepare('SELECT sealed FROM drafts.draft').get() as { sealed: Buffer }).sealed;
      const second = saveDraftAnswers(db, first, { a: 2, m: ['x'] }, 'page2', '2025-03-11');
      decrypts.mockClear();
      // Opened again right after its save: the kept copy, without decrypting.
      expect(getDraft(db, draft.id, '2025-03-01')).toEqual({ ...second, answers: { a: 2, m: ['x'] } });
      expect(decrypts).not.toHaveBeenCalled();
      // Frozen: a caller cannot change what the next request opens.
      const kept = getDraft(db, draft.id, '2025-03-01') as Draft;
      expect(() => ((kept.answers as Record<string, unknown>).a = 3)).toThrow(TypeError);
      expect(() => (kept.answers.m as string[]).push('y')).toThrow(TypeError);
      expect(getDraft(db, draft.id, '2025-03-01')?.answers).toEqual({ a: 2, m: ['x'] });
      // The row decides: other bytes in it (an older save) are decrypted and served, an expiry
      // changed in the file counts, and a deleted row is gone.
      db.prepare('UPDATE drafts.draft SET sealed = ?').run(sealedFirst);
      expect(getDraft(db, draft.id, '2025-03-01')?.answers).toEqual({ a: 1 });
      expect(decrypts).toHaveBeenCalledTimes(1);
      db.prepare("UPDATE drafts.draft SET expires_on = '2025-03-05'").run();
      expect(getDraft(db, draft.id, '2025-03-06')).toBeUndefined();
      expect(getDraft(db, draft.id, '2025-03-05')?.expiresOn).toBe('2025-03-05');
      expect(setDraftLanguage(db, getDraft(db, draft.id, '2025-03-01') as Draft, 'en').language).toBe('en');
      expect(getDraft(db, draft.id, '2025-03-01')?.language).toBe('en');
      db.prepare('DELETE FROM drafts.draft').run();
      expect(getDraft(db, draft.id, '2025-03-01')).toBeUndefined();
      // A save of a draft that is gone is not kept.
      saveDraftAnswers(db, second, { a: 4 }, 'page', '2025-03-10');
      expect(getDraft(db, draft.id, '2025-03-01')).toBeUndefined();
      const many = Array.from({ length: OPEN_CACHE_SIZE + 20 }, () => createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' }));
      expect(openDraftsKept(db)).toBe(OPEN_CACHE_SIZE);
      deleteDraft(db, (many.at(-1) as Draft).id);
      expect(openDraftsKept(db)).toBe(OPEN_CACHE_SIZE - 1);
      // The oldest were dropped and open from the file as before.
      expect(getDraft(db, (many[0] as Draft).id, '2025-03-01')?.id).toBe(many[0]?.id);
    } finally {
      decrypts.mockRestore();
    }
  });

  test('the in-memory cache of derived keys opens each draft only with its own device key, stays bounded and forgets deleted drafts', () => {
    const { db, waveId } = setup();
    const first = createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' });
    saveDraftAnswers(db, first, answers, 'page', '2025-03-10');
    const drafts = Array.from({ length: KEY_CACHE_SIZE + 50 }, () => createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' }));
    expect(cachedDraftKeys()).toBeLessThanOrEqual(KEY_CACHE_SIZE);
    // Evicted long ago, it still opens with its key (derived again) and only with it.
    expect(getDraft(db, first.id, '2025-03-01')?.answers).toEqual(answers);
    const last = drafts.at(-1) as (typeof drafts)[number];
    expect(getDraft(db, last.id, '2025-03-01')?.answers).toEqual({});
    // Keys that are not the device key: another draft's, a non-canonical spelling of the same bytes, a near miss.
    const flip = (id: string, at: number) => id.slice(0, at) + (id[at] === 'A' ? 'B' : 'A') + id.slice(at + 1);
    const alias = first.id.slice(0, 42) + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(first.id[42] as string) ^ 1)];
    for (const wrong of [flip(first.id, 0), flip(first.id, 20), alias]) expect(getDraft(db, wrong, '2025-03-01')).toBeUndefined();
    expect(getDraft(db, first.id, '2025-03-01')?.id).toBe(first.id);
    const before = cachedDraftKeys();
    deleteDraft(db, last.id);
    expect(cachedDraftKeys()).toBe(before - 1);
    expect(getDraft(db, last.id, '2025-03-01')).toBeUndefined();
  });

  test('saveDraftAnswers replaces the answers, remembers the page and pushes the expiry forward', () => {
    const { db, waveId } = setup();
    const draft = createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' });
    const first = saveDraftAnswers(db, draft, { l: 3 }, null, '2025-03-12');
    const saved = saveDraftAnswers(db, first, answers, 'page', '2025-03-20');
    expect(saved).toEqual({ ...draft, answers, lastSection: 'page', expiresOn: '2025-03-20', resumable: true });
    expect(getDraft(db, draft.id, '2025-03-15')).toEqual(saved);
  });

  test('deleteExpiredDrafts removes only drafts that expired before today', () => {
    const { db, waveId } = setup();
    const make = (expiresOn: string) => createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn });
    const old = make('2025-03-01');
    const today = make('2025-03-02');
    const later = make('2025-03-03');
    expect(deleteExpiredDrafts(db, '2025-03-02')).toBe(1);
    expect(getDraft(db, old.id, '2025-01-01')).toBeUndefined();
    expect(getDraft(db, today.id, '2025-03-02')?.id).toBe(today.id);
    expect(getDraft(db, later.id, '2025-03-02')?.id).toBe(later.id);
    expect(deleteExpiredDrafts(db, '2025-03-02')).toBe(0);
    expect(deleteExpiredDrafts(db, '2025-04-01')).toBe(2);
    expect(count(db, 'drafts.draft')).toBe(0);
  });

  test('findDraftByResumeCode opens the draft only on its own link, once it holds answers and until it expires', () => {
    const { db, waveId } = setup();
    const otherWave = createWave(db, { name: 'Annen', surveyId: 'store', surveyVersion: 1, unitIds: ['u1'], linkMode: 'open' });
    const empty = createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' });
    // Nothing to continue yet: the code is looked up only from the first save.
    expect(findDraftByResumeCode(db, empty.resumeCode, link(waveId), '2025-03-10')).toBeUndefined();
    const draft = saveDraftAnswers(db, empty, answers, 'page', '2025-03-10');
    expect(draft.resumeCode).toBe(empty.resumeCode);
    expect(findDraftByResumeCode(db, draft.resumeCode, link(waveId), '2025-03-10')).toEqual(draft);
    expect(findDraftByResumeCode(db, normaliseResumeCode(` ${draft.resumeCode.toLowerCase().replace('-', ' ')} `), link(waveId), '2025-03-10')?.id).toBe(draft.id);
    expect(findDraftByResumeCode(db, draft.resumeCode, link(waveId, 'u2'), '2025-03-10')).toBeUndefined();
    expect(findDraftByResumeCode(db, draft.resumeCode, link(otherWave), '2025-03-10')).toBeUndefined();
    expect(findDraftByResumeCode(db, draft.resumeCode, link(waveId, 'u1', hashToken('abcdefghjkmnpqrs')), '2025-03-10')).toBeUndefined();
    expect(findDraftByResumeCode(db, draft.resumeCode, link(waveId), '2025-03-11')).toBeUndefined();
    expect(findDraftByResumeCode(db, 'AAAAA-AAAAA', link(waveId), '2025-03-10')).toBeUndefined();
    expect(findDraftByResumeCode(db, 'AAAA-AAAA', link(waveId), '2025-03-10')).toBeUndefined();
  });

  test('a draft that drew a resume code another draft on its link holds gets a new one at its first save', () => {
    const { db, waveId } = setup();
    const first = saveDraftAnswers(db, createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' }), { l: 1 }, 'page', '2025-03-10');
    const twin = { ...createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' }), resumeCode: first.resumeCode };
    const second = saveDraftAnswers(db, twin, { l: 2 }, 'page', '2025-03-10');
    expect(second.resumeCode).not.toBe(first.resumeCode);
    expect(findDraftByResumeCode(db, first.resumeCode, link(waveId), '2025-03-10')?.answers).toEqual({ l: 1 });
    expect(findDraftByResumeCode(db, second.resumeCode, link(waveId), '2025-03-10')?.answers).toEqual({ l: 2 });
    expect(getDraft(db, second.id, '2025-03-10')).toEqual(second);
  });

  test('saving a draft that is gone meanwhile stores nothing', () => {
    const { db, waveId } = setup();
    const draft = createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' });
    expect(submitResponse(db, survey, draft.id, {}, '2025-03-09')).toBe('stored');
    saveDraftAnswers(db, draft, answers, 'page', '2025-03-10');
    expect(count(db, 'drafts.draft')).toBe(0);
  });

  test('on a personal link the resume code opens the draft only through that link', () => {
    const { db, waveId } = setup('token');
    const [token = '', other = ''] = createTokens(db, waveId, 'u1', 2);
    const draft = saveDraftAnswers(db, createDraft(db, { waveId, unitId: 'u1', tokenHash: hashToken(token), expiresOn: '2025-03-10' }), { l: 2 }, 'page', '2025-03-10');
    expect(findDraftByResumeCode(db, draft.resumeCode, link(waveId, 'u1', hashToken(token)), '2025-03-10')?.id).toBe(draft.id);
    expect(findDraftByResumeCode(db, draft.resumeCode, link(waveId, 'u1', hashToken(other)), '2025-03-10')).toBeUndefined();
    expect(findDraftByResumeCode(db, draft.resumeCode, link(waveId), '2025-03-10')).toBeUndefined();
  });
});

describe('drafts waiting for their resume ids', () => {
  const link = (waveId: number, unitId = 'u1', tokenHash: string | null = null) => ({ waveId, unitId, tokenHash });
  const IDLE = RESUMABLE_AFTER_IDLE_MS;
  const withResumeId = (db: Db): number => count(db, 'drafts.draft WHERE resume_id IS NOT NULL');

  test('a save at a time keeps the resume id out of the file; the code opens the draft from memory, on its own link only, until its respondent pauses', () => {
    const file = tempFile();
    const { db, waveId } = setup('open', open(file));
    const otherWave = createWave(db, { name: 'Annen', surveyId: 'store', surveyVersion: 1, unitIds: ['u1'], linkMode: 'open' });
    const draft = createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' });
    const first = saveDraftAnswers(db, draft, { l: 2 }, 'page', '2025-03-10', { at: 1_000 });
    expect(first).toEqual({ ...draft, answers: { l: 2 }, lastSection: 'page', resumable: false });
    expect(withResumeId(db)).toBe(0);
    expect(waitingDrafts(db)).toBe(1);
    expect(findDraftByResumeCode(db, draft.resumeCode, link(waveId), '2025-03-10')).toEqual(first);
    expect(findDraftByResumeCode(db, normaliseResumeCode(draft.resumeCode.toLowerCase().replace('-', ' ')), link(waveId), '2025-03-10')?.id).toBe(draft.id);
    expect(findDraftByResumeCode(db, draft.resumeCode, link(waveId, 'u2'), '2025-03-10')).toBeUndefined();
    expect(findDraftByResumeCode(db, draft.resumeCode, link(otherWave), '2025-03-10')).toBeUndefined();
    expect(findDraftByResumeCode(db, draft.resumeCode, link(waveId, 'u1', hashToken('abcdefghjkmnpqrs')), '2025-03-10')).toBeUndefined();
    expect(findDraftByResumeCode(db, draft.resumeCode, link(waveId), '2025-03-11')).toBeUndefined();
    // Another connection (as another process after a crash) has only the file: no resume id, no draft.
    const restarted = open(file);
    expect(findDraftByResumeCode(restarted, draft.resumeCode, link(waveId), '2025-03-10')).toBeUndefined();
    expect(getDraft(restarted, draft.id, '2025-03-10')?.answers).toEqual({ l: 2 });

    // Saving again before the pause is up starts it again.
    expect(makeWaitingDraftsResumable(db, { now: 1_000 + IDLE - 1, today: '2025-03-10' })).toBe(0);
    const second = saveDraftAnswers(db, first, answers, 'page', '2025-03-12', { at: 60_000 });
    expect(makeWaitingDraftsResumable(db, { now: 1_000 + IDLE, today: '2025-03-10' })).toBe(0);
    expect(withResumeId(db)).toBe(0);
    expect(waitingDrafts(db)).toBe(1);
    // Paused long enough: the file opens it by its code, unchanged but for being resumable.
    expect(makeWaitingDraftsResumable(db, { now: 60_000 + IDLE, today: '2025-03-10' })).toBe(0);
    expect(waitingDrafts(db)).toBe(0);
    expect(withResumeId(db)).toBe(1);
    const asStored = { ...second, resumable: true };
    expect(getDraft(db, draft.id, '2025-03-10')).toEqual(asStored);
    expect(findDraftByResumeCode(restarted, draft.resumeCode, link(waveId), '2025-03-10')).toEqual(asStored);
    // Resumable now, a later save has nothing to wait for.
    saveDraftAnswers(db, asStored, { l: 5 }, 'page', '2025-03-12', { at: 70_000 });
    expect(waitingDrafts(db)).toBe(0);
    expect(findDraftByResumeCode(restarted, draft.resumeCode, link(waveId), '2025-03-10')?.answers).toEqual({ l: 5 });
  });

  test("'now' (continue later) stores the resume id at once", () => {
    const { db, waveId } = setup();
    const draft = saveDraftAnswers(db, createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' }), { l: 1 }, 'page', '2025-03-10', { at: 0 });
    expect(withResumeId(db)).toBe(0);
    const later = saveDraftAnswers(db, draft, { l: 3 }, 'page', '2025-03-10', 'now');
    expect(later.resumable).toBe(true);
    expect(later.resumeCode).toBe(draft.resumeCode);
    expect(withResumeId(db)).toBe(1);
    expect(waitingDrafts(db)).toBe(0);
    expect(makeWaitingDraftsResumable(db, { now: Infinity, today: '2025-03-10' })).toBe(0);
  });

  test('a submitted, deleted or expired waiting draft is forgotten and never gets a resume id', () => {
    const { db, waveId } = setup();
    const make = (expiresOn: string, at: number) => saveDraftAnswers(db, createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn }), { l: 4 }, 'page', expiresOn, { at });
    const submitted = make('2025-03-10', 0);
    const deleted = make('2025-03-10', 0);
    const expired = make('2025-03-01', 0);
    const kept = make('2025-03-10', 0);
    expect(waitingDrafts(db)).toBe(4);
    expect(submitResponse(db, survey, submitted.id, {}, '2025-03-02')).toBe('stored');
    deleteDraft(db, deleted.id);
    expect(waitingDrafts(db)).toBe(2);
    expect(makeWaitingDraftsResumable(db, { now: IDLE, today: '2025-03-02' })).toBe(0);
    expect(waitingDrafts(db)).toBe(0);
    expect(getDraft(db, kept.id, '2025-03-02')?.resumable).toBe(true);
    expect(withResumeId(db)).toBe(1);
    expect(findDraftByResumeCode(db, expired.resumeCode, link(waveId), '2025-03-01')).toBeUndefined();
  });

  test('a sweep makes at most max resumable, the longest waiting first, and tells how many are still due; a stop (now: Infinity) takes them all', () => {
    const { db, waveId } = setup();
    const drafts = [0, 10, 20, 30].map((at) => saveDraftAnswers(db, createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' }), { l: 1 }, 'page', '2025-03-10', { at }));
    expect(makeWaitingDraftsResumable(db, { now: 20 + IDLE, today: '2025-03-10', max: 2 })).toBe(1);
    expect(drafts.map((d) => getDraft(db, d.id, '2025-03-10')?.resumable)).toEqual([true, true, false, false]);
    expect(makeWaitingDraftsResumable(db, { now: 20 + IDLE, today: '2025-03-10', max: 2 })).toBe(0);
    expect(drafts.map((d) => getDraft(db, d.id, '2025-03-10')?.resumable)).toEqual([true, true, true, false]);
    expect(makeWaitingDraftsResumable(db, { now: Infinity, today: '2025-03-10' })).toBe(0);
    expect(withResumeId(db)).toBe(4);
    for (const d of drafts) expect(findDraftByResumeCode(db, d.resumeCode, link(waveId), '2025-03-10')?.id).toBe(d.id);
  });

  test('the timer (src/main.ts) takes due drafts every turn, a batch at a time, and reports a failure instead of throwing', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date'] });
    try {
      const { db, waveId } = setup();
      let now = 0;
      const save = () => saveDraftAnswers(db, createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' }), { l: 1 }, 'page', '2025-03-10', { at: now });
      Array.from({ length: 10 }, save);
      const errors: unknown[] = [];
      const stop = resumeWaitingDrafts(db, { clock: () => now, today: () => '2025-03-10', onError: (err) => errors.push(err), everyMs: 30_000, batch: 4 });
      now = IDLE - 1;
      vi.advanceTimersByTime(30_000);
      expect(withResumeId(db)).toBe(0);
      now = IDLE;
      // The next turn takes a batch, and the rest follow at once (setImmediate), not half a minute later.
      const turnAt = Date.now() + 30_000;
      vi.advanceTimersToNextTimer();
      expect(withResumeId(db)).toBe(4);
      vi.advanceTimersToNextTimer();
      expect(withResumeId(db)).toBe(8);
      vi.advanceTimersToNextTimer();
      expect(withResumeId(db)).toBe(10);
      expect(Date.now() - turnAt).toBeLessThan(1_000);
      expect(waitingDrafts(db)).toBe(0);
      save();
      db.close();
      now += IDLE;
      expect(() => vi.advanceTimersByTime(30_000)).not.toThrow();
      expect(errors).toHaveLength(1);
      expect(String(errors[0])).toMatch(/not open/);
      stop();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  test(`at most WAITING_MAX (${WAITING_MAX}) drafts wait: the longest waiting is then made resumable`, () => {
    const { db, waveId } = setup();
    const drafts = Array.from({ length: WAITING_MAX + 2 }, (_, at) => saveDraftAnswers(db, createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-10' }), { l: 1 }, 'page', '2025-03-10', { at }));
    expect(waitingDrafts(db)).toBe(WAITING_MAX);
    expect(withResumeId(db)).toBe(2);
    expect(drafts.slice(0, 3).map((d) => getDraft(db, d.id, '2025-03-10')?.resumable)).toEqual([true, true, false]);
    expect(findDraftByResumeCode(db, (drafts.at(-1) as Draft).resumeCode, link(waveId), '2025-03-10')?.id).toBe((drafts.at(-1) as Draft).id);
  });
});

describe('answerRows', () => {
  test.each<[string, Answers, AnswerRow[]]>([
    ['nothing', {}, []],
    ['the full set, in survey order', { t: 'hei på deg', n: 62.5, nd: { now: 2, desired: 'dk' }, m: ['a', 'c'], s: 'y', l: 'dk' }, expectedRows],
    ['a likert point as a number', { l: 4 }, [{ itemId: 'l', part: '', num: 4, txt: null }]],
    ['now only', { nd: { now: 5 } }, [{ itemId: 'nd', part: 'now', num: 5, txt: null }]],
    ['desired only', { nd: { desired: 1 } }, [{ itemId: 'nd', part: 'desired', num: 1, txt: null }]],
    ['one option', { m: ['b'] }, [{ itemId: 'm', part: 'b', num: null, txt: 'b' }]],
    ['answers to unknown items are dropped', { ghost: 'boo', n: 0 }, [{ itemId: 'n', part: '', num: 0, txt: null }]],
  ])('%s', (_name, given, rows) => {
    expect(answerRows(survey, given)).toEqual(rows);
  });
});

describe('submitResponse', () => {
  const storedRows = (db: Db, responseId: number): AnswerRow[] =>
    (db.prepare('SELECT item_id, part, num, txt FROM answer WHERE response_id = ? ORDER BY item_id, part').all(responseId) as { item_id: string; part: string; num: number | null; txt: string | null }[]).map(
      (r) => ({ itemId: r.item_id, part: r.part, num: r.num, txt: r.txt }),
    );

  test('stores one response with its answer rows and deletes the draft', () => {
    const { db, waveId } = setup();
    const draft = createDraft(db, { waveId, unitId: 'u2', tokenHash: null, expiresOn: '2025-03-20' });
    saveDraftAnswers(db, draft, answers, 'page', '2025-03-20');

    expect(submitResponse(db, survey, draft.id, answers, '2025-03-14')).toBe('stored');

    const responses = db.prepare('SELECT * FROM response').all() as Record<string, unknown>[];
    expect(responses).toHaveLength(1);
    const response = responses[0] ?? {};
    expect(response).toEqual({ id: expect.any(Number), wave_id: waveId, unit_id: 'u2', survey_id: 'store', survey_version: 1 });
    expect(storedRows(db, Number(response.id))).toEqual([...expectedRows].sort((a, b) => (a.itemId + '\u0000' + a.part < b.itemId + '\u0000' + b.part ? -1 : 1)));
    expect(count(db, 'answer')).toBe(expectedRows.length);
    expect(getDraft(db, draft.id, '2025-03-14')).toBeUndefined();
    expect(count(db, 'drafts.draft')).toBe(0);
    expect(countResponses(db, waveId)).toEqual(new Map([['u2', 1]]));
  });

  test('a draft that outlives its response (a crash before its deletion) cannot be submitted again', () => {
    const { db, waveId } = setup();
    const draft = createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-20' });
    const row = db.prepare('SELECT * FROM drafts.draft').get() as Record<string, unknown>;
    expect(submitResponse(db, survey, draft.id, answers, '2025-03-14')).toBe('stored');
    // The response's commit survived, the draft's deletion in the other file did not.
    db.prepare('INSERT INTO drafts.draft (id, resume_id, resume_key, sealed, expires_on) VALUES (@id, @resume_id, @resume_key, @sealed, @expires_on)').run(row);
    expect(getDraft(db, draft.id, '2025-03-14')?.id).toBe(draft.id);
    expect(submitResponse(db, survey, draft.id, answers, '2025-03-14')).toBe('no-draft');
    expect(count(db, 'response')).toBe(1);
    expect(count(db, 'drafts.draft')).toBe(0);
    // The mark is a hash under the device key, kept only as long as the draft could have lived.
    const marks = db.prepare('SELECT mark, until FROM submitted_draft').all() as { mark: string; until: string }[];
    expect(marks).toHaveLength(1);
    expect(marks[0]?.mark).toMatch(/^[0-9a-f]{64}$/);
    expect(marks[0]?.until).toBe('2025-03-20');
    deleteExpiredDrafts(db, '2025-03-21');
    expect(count(db, 'submitted_draft')).toBe(0);
  });

  test('a draft on a personal link is submitted only with that link', () => {
    const { db, waveId } = setup('token');
    const [token = '', other = ''] = createTokens(db, waveId, 'u1', 2);
    const draft = createDraft(db, { waveId, unitId: 'u1', tokenHash: hashToken(token), expiresOn: '2025-03-20' });
    expect(submitResponse(db, survey, draft.id, answers, '2025-03-14')).toBe('no-draft');
    expect(submitResponse(db, survey, draft.id, answers, '2025-03-14', hashToken(other))).toBe('no-draft');
    expect(count(db, 'response')).toBe(0);
    expect(resolveCode(db, other)).toMatchObject({ used: false });
    expect(submitResponse(db, survey, draft.id, answers, '2025-03-14', hashToken(token))).toBe('stored');
    expect(resolveCode(db, token)).toMatchObject({ used: true });
  });

  test('an expired draft is not submitted', () => {
    const { db, waveId } = setup();
    const draft = createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-13' });
    expect(submitResponse(db, survey, draft.id, answers, '2025-03-14')).toBe('no-draft');
    expect(count(db, 'response')).toBe(0);
  });

  test('a second submit of the same draft stores nothing more', () => {
    const { db, waveId } = setup();
    const draft = createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-20' });
    expect(submitResponse(db, survey, draft.id, answers, '2025-03-14')).toBe('stored');
    const before = dump(db);
    expect(submitResponse(db, survey, draft.id, answers, '2025-03-14')).toBe('no-draft');
    expect(submitResponse(db, survey, 'never-existed', answers, '2025-03-14')).toBe('no-draft');
    expect(dump(db)).toBe(before);
    expect(count(db, 'response')).toBe(1);
    expect(count(db, 'answer')).toBe(expectedRows.length);
  });

  test('a token is consumed, and a second draft on the same token stores nothing', () => {
    const { db, waveId } = setup('token');
    const [token = '', spare = ''] = createTokens(db, waveId, 'u1', 2);
    const tokenHash = hashToken(token);
    const first = createDraft(db, { waveId, unitId: 'u1', tokenHash, expiresOn: '2025-03-20' });
    const second = createDraft(db, { waveId, unitId: 'u1', tokenHash, expiresOn: '2025-03-20' });

    expect(submitResponse(db, survey, first.id, answers, '2025-03-14', tokenHash)).toBe('stored');
    expect(resolveCode(db, token)).toMatchObject({ kind: 'token', used: true });
    expect(resolveCode(db, spare)).toMatchObject({ kind: 'token', used: false });

    expect(submitResponse(db, survey, second.id, { l: 1 }, '2025-03-15', tokenHash)).toBe('token-used');
    expect(count(db, 'response')).toBe(1);
    expect(count(db, 'answer')).toBe(expectedRows.length);
    expect(db.prepare('SELECT count(*) AS n FROM answer WHERE item_id = ? AND num = ?').get('l', 1)).toEqual({ n: 0 });
    // The losing draft is gone too, so it cannot be retried.
    expect(getDraft(db, second.id, '2025-03-15')).toBeUndefined();
    expect(count(db, 'drafts.draft')).toBe(0);
  });

  test('the response table has no identifying column', () => {
    const db = open();
    expect(columns(db, 'response')).toEqual(['id', 'wave_id', 'unit_id', 'survey_id', 'survey_version']);
    expect(columns(db, 'answer')).toEqual(['response_id', 'item_id', 'part', 'num', 'txt']);
    expect((db.pragma('foreign_key_list(response)') as { table: string }[]).map((f) => f.table)).toEqual(['wave_unit', 'wave_unit']);
  });

  const submitMany = (n: number): { db: Db; submitted: number[] } => {
    const { db, waveId } = setup();
    const submitted: number[] = [];
    for (let i = 0; i < n; i++) {
      const draft = createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2025-03-20' });
      expect(submitResponse(db, survey, draft.id, { l: (i % 5) + 1, t: `svar ${i}` }, '2025-03-14')).toBe('stored');
      const row = db.prepare('SELECT response_id FROM answer WHERE txt = ?').get(`svar ${i}`) as { response_id: number };
      submitted.push(row.response_id);
    }
    return { db, submitted };
  };

  test('response ids are random, so the order of responses says nothing about submission order', () => {
    const { db, submitted } = submitMany(10);
    expect(new Set(submitted).size).toBe(10);
    const stored = (db.prepare('SELECT id FROM response').all() as { id: number }[]).map((r) => r.id);
    expect(stored).toHaveLength(10);
    // 1 chance in 10! that random ids come out in submission order.
    expect(stored).not.toEqual(submitted);
  });

  // The answer table must have no implicit, increasing rowid: reading answers in storage order
  // would list the responses in the order they were submitted, which random ids are meant to hide.
  test('the order of answer rows says nothing about submission order', () => {
    const { db, submitted } = submitMany(10);
    let inStorageOrder: number[];
    try {
      const ids = (db.prepare('SELECT response_id FROM answer ORDER BY rowid').all() as { response_id: number }[]).map((r) => r.response_id);
      inStorageOrder = [...new Set(ids)];
    } catch {
      inStorageOrder = []; // a WITHOUT ROWID table has no insertion order to read
    }
    expect(inStorageOrder).not.toEqual(submitted);
  });
});

describe('survey versions', () => {
  const stored = (db: Db): { survey_id: string; version: number; definition: string }[] =>
    db.prepare('SELECT survey_id, version, definition FROM survey_version ORDER BY survey_id, version').all() as { survey_id: string; version: number; definition: string }[];

  test('a version is stored once', () => {
    const db = open();
    expect(syncSurveyVersions(db, [survey])).toEqual([]);
    expect(syncSurveyVersions(db, [survey])).toEqual([]);
    expect(stored(db)).toEqual([{ survey_id: 'store', version: 1, definition: JSON.stringify(survey) }]);
    expect(getSurveyVersion(db, 'store', 1)).toEqual(survey);
    expect(getSurveyVersion(db, 'store', 2)).toBeUndefined();
  });

  test('a changed definition under the same version is reported and not stored', () => {
    const db = open();
    syncSurveyVersions(db, [survey]);
    const changed = loadSurvey('Store test, reworded');
    const problems = syncSurveyVersions(db, [changed]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('survey "store" version 1 differs');
    expect(problems[0]).toContain('raise "version"');
    expect(stored(db).map((r) => r.definition)).toEqual([JSON.stringify(survey)]);
  });

  test('a raised version is stored next to the old one', () => {
    const db = open();
    syncSurveyVersions(db, [survey]);
    const next = { ...loadSurvey('Store test, reworded'), version: 2 };
    expect(syncSurveyVersions(db, [next])).toEqual([]);
    expect(stored(db).map((r) => [r.survey_id, r.version])).toEqual([
      ['store', 1],
      ['store', 2],
    ]);
    expect(getSurveyVersion(db, 'store', 2)?.title).toBe('Store test, reworded');
    expect(getSurveyVersion(db, 'store', 1)?.title).toBe('Store test');
    // The first-run demo answers the latest version.
    expect(latestSurveyVersion(db, 'store')?.version).toBe(2);
    expect(latestSurveyVersion(db, 'none')).toBeUndefined();
  });
});
