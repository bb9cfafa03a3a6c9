// Upgrades: a database left at an earlier schema version opens with openDb, migrates to the latest
// version and keeps every row it had, except drafts in progress: since schema 8 drafts are sealed
// with a key only the respondent's device holds, so older drafts are dropped, leaving no trace.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { MIGRATIONS, schemaVersion } from '../../src/store/migrations.js';
import { answerRows } from '../../src/store/responses.js';
import { bundledSurveys } from '../helpers/app.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Creates a database file migrated only up to `version`, the way that release left it. */
function databaseAtVersion(version: number): string {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-upgrade-'));
  const file = path.join(dir, 'old.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  MIGRATIONS.slice(0, version).forEach((sql, i) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${i + 1}`);
    })();
  });
  db.close();
  return file;
}

// Every table of schema 1 but draft, which schema 8 drops.
const V1_TABLES = ['unit', 'survey_version', 'wave', 'wave_unit', 'link', 'token', 'response', 'answer'];

// Everything schema 1 can hold, with raw SQL as a release of that time would have written it.
function fillVersion1(file: string): void {
  const survey = bundledSurveys().get('kartlegging');
  if (!survey) throw new Error('no kartlegging survey');
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  db.transaction(() => {
    db.prepare('INSERT INTO unit (id, name, parent_id, headcount) VALUES (?, ?, ?, ?)').run('kommune', 'Kommunen', null, null);
    db.prepare('INSERT INTO unit (id, name, parent_id, headcount, retired) VALUES (?, ?, ?, ?, ?)').run('avd1', 'Avdeling 1', 'kommune', 14, 0);
    db.prepare('INSERT INTO unit (id, name, parent_id, headcount, retired) VALUES (?, ?, ?, ?, ?)').run('avd2', 'Avdeling «to» – æøå', 'kommune', 3, 1);
    db.prepare('INSERT INTO survey_version (survey_id, version, definition) VALUES (?, ?, ?)').run(survey.id, survey.version, JSON.stringify(survey));
    db.prepare(
      "INSERT INTO wave (id, name, survey_id, survey_version, status, opens_on, closes_on, k_results, link_mode) VALUES (1, 'Kartlegging 2025', ?, ?, 'closed', '2025-03-01', '2025-03-31', 5, 'open')",
    ).run(survey.id, survey.version);
    db.prepare(
      "INSERT INTO wave (id, name, survey_id, survey_version, status, opens_on, k_results, k_distribution, k_text, free_text_in_reports, link_mode) VALUES (2, 'T1', ?, ?, 'open', '2026-03-01', 6, 12, 15, 1, 'token')",
    ).run(survey.id, survey.version);
    for (const [w, u] of [[1, 'avd1'], [1, 'avd2'], [2, 'avd1']] as const) db.prepare('INSERT INTO wave_unit (wave_id, unit_id) VALUES (?, ?)').run(w, u);
    db.prepare("INSERT INTO link (code, wave_id, unit_id) VALUES ('abcdefghjk', 1, 'avd1')").run();
    db.prepare("INSERT INTO token (hash, wave_id, unit_id, used) VALUES (?, 2, 'avd1', 0), (?, 2, 'avd1', 1)").run('a'.repeat(64), 'b'.repeat(64));
    // The unsealed draft table existed until drafts moved to their own file (DRAFTS_MOVED).
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'draft'").get()) {
      db.prepare(
        "INSERT INTO draft (id, resume_code, wave_id, unit_id, token_hash, answers, last_section, expires_on) VALUES ('draftdraftdraftdraftdraf', 'KD7M-Q2XP', 2, 'avd1', ?, ?, 'raus', '2026-03-15')",
      ).run('a'.repeat(64), JSON.stringify({ raus_velkommen: 4, kommentar: 'halvveis' }));
    }
    const answers = { hefa_beg_rolle: 5, stilling_naa: 62.5, ansettelse: 'fast', kommentar: 'Godt – «sagt»' };
    // Responses carried the day they were submitted until a later migration dropped it.
    const dated = (db.pragma('table_info(response)') as { name: string }[]).some((c) => c.name === 'submitted_on');
    for (let i = 0; i < 20; i++) {
      const id = 1_000_000 + i * 7919;
      if (dated) db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version, submitted_on) VALUES (?, 1, 'avd1', ?, ?, '2025-03-10')").run(id, survey.id, survey.version);
      else db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, 1, 'avd1', ?, ?)").run(id, survey.id, survey.version);
      for (const r of answerRows(survey, answers)) db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, ?)').run(id, r.itemId, r.part, r.num, r.txt);
      db.prepare("INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, 'hefa_nd_innflytelse', 'now', NULL, 'dk'), (?, 'hefa_nd_innflytelse', 'desired', 4, NULL)").run(id, id);
    }
  })();
  db.close();
}

// Each table's rows, restricted to the columns schema 1 had, in a stable order.
function dump(db: Database.Database, columns: Map<string, string[]>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const table of V1_TABLES) {
    const cols = columns.get(table) ?? [];
    const list = cols.map((c) => `"${c}"`).join(', ');
    out[table] = db.prepare(`SELECT ${list} FROM ${table} ORDER BY ${list}`).all();
  }
  return out;
}

const versions = Array.from({ length: schemaVersion - 1 }, (_, i) => i + 1);

test.each(versions)('a database at schema version %i migrates to the latest with every row intact', (version) => {
  const file = databaseAtVersion(version);
  fillVersion1(file);
  const before = new Database(file);
  // Every column but the responses' day, which a later migration drops (checked below).
  const columns = new Map(V1_TABLES.map((t) => [t, (before.pragma(`table_info(${t})`) as { name: string }[]).map((c) => c.name).filter((c) => !(t === 'response' && c === 'submitted_on'))]));
  const expected = dump(before, columns);
  before.close();
  expect(expected.response).toHaveLength(20);
  expect(expected.answer?.length).toBeGreaterThan(20 * 4);

  const db = openDb(file);
  try {
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
    expect(dump(db, columns)).toEqual(expected);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    // Tables from later migrations exist and work on the old data.
    expect((db.prepare('SELECT count(*) AS n FROM account').get() as { n: number }).n).toBe(0);
    expect(db.prepare("SELECT name FROM main.sqlite_master WHERE name = 'draft'").all()).toEqual([]);
    expect((db.pragma('table_info(response)') as { name: string }[]).map((c) => c.name)).not.toContain('submitted_on');
    expect((db.prepare('SELECT count(*) AS n FROM drafts.draft').get() as { n: number }).n).toBe(0);
  } finally {
    db.close();
  }
  // The dropped draft and the responses' dropped day left nothing behind: not in free pages, not in a log.
  for (const name of fs.readdirSync(path.dirname(file))) {
    const bytes = fs.readFileSync(path.join(path.dirname(file), name));
    for (const needle of ['halvveis', 'draftdraftdraft', 'KD7M-Q2XP', '2025-03-10']) expect(bytes.includes(needle), `${needle} in ${name}`).toBe(false);
  }
  // Opening again changes nothing.
  const again = openDb(file);
  expect(again.pragma('user_version', { simple: true })).toBe(schemaVersion);
  expect(dump(again, columns)).toEqual(expected);
  again.close();
});

test('a database from a newer Kartlegg is refused, not damaged', () => {
  const file = databaseAtVersion(schemaVersion);
  const db = new Database(file);
  db.pragma(`user_version = ${schemaVersion + 1}`);
  db.close();
  expect(() => openDb(file)).toThrow(/newer than this Kartlegg/);
  const after = new Database(file);
  expect(after.pragma('user_version', { simple: true })).toBe(schemaVersion + 1);
  after.close();
});
