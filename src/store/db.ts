// Opening the database: pragmas for durability and integrity, then migrations.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { LAST_SCRUB, migrate } from './migrations.js';

export type Db = Database.Database;

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/** prepared returns a cached prepared statement for the SQL (preparing costs more than running
 *  the small queries of a request). Not for statements iterated while another use may run. */
export function prepared(db: Db, sql: string): Database.Statement {
  let byDb = statements.get(db);
  if (!byDb) statements.set(db, (byDb = new Map()));
  let stmt = byDb.get(sql);
  if (!stmt) byDb.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}

/** PRIVATE_FILE is the mode of every file the database writes: it holds free text and password hashes. */
export const PRIVATE_FILE = 0o600;

/** restrictDbFiles makes a database file and its -wal and -shm (those that exist) readable by
 *  the owner only. SQLite creates -wal and -shm with the database file's mode, so a 0600
 *  database keeps them 0600 too, whatever the umask. */
export function restrictDbFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.chmodSync(f, PRIVATE_FILE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/** openDb opens (creating if needed, owner-only: folder 0700, files 0600) the SQLite file and its
 *  drafts file beside it, or ':memory:', and migrates both to the latest schema. */
export function openDb(file: string): Db {
  const files = file === ':memory:' ? [] : [file, draftsPath(file)];
  if (files.length > 0) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  for (const f of files) {
    // Created here with 0600 before SQLite opens it, so it is never readable by others, not even briefly.
    fs.closeSync(fs.openSync(f, 'a', PRIVATE_FILE));
    restrictDbFiles(f);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: an acknowledged response survives power loss, not only a process crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Deleted rows are overwritten, not left in free pages.
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  const from = migrate(db);
  if (from > 0 && from < LAST_SCRUB) db.exec('VACUUM');
  // Drafts in their own file: page saves commit without a sync (a power cut may lose the last
  // saves, never a submit), and the respondent's history there never mixes with responses.
  db.prepare('ATTACH DATABASE ? AS drafts').run(draftsPath(file));
  db.pragma('drafts.journal_mode = WAL');
  db.pragma('drafts.synchronous = NORMAL');
  db.pragma('drafts.secure_delete = ON');
  migrate(db, 'drafts');
  // Whatever a crash left in the write-ahead logs goes into the database files now (see wal.ts);
  // without waiting, so a command line opening the files beside a running server never stalls it.
  db.pragma('busy_timeout = 0');
  db.pragma('main.wal_checkpoint(TRUNCATE)');
  db.pragma('drafts.wal_checkpoint(TRUNCATE)');
  db.pragma('busy_timeout = 5000');
  for (const f of files) restrictDbFiles(f);
  return db;
}

/** draftsPath is the drafts file of a database file: beside it, "-drafts" before the extension. */
export function draftsPath(file: string): string {
  if (file === ':memory:') return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}-drafts${ext}`;
}
