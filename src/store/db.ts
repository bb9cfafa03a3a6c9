// Opening the database: pragmas for durability and integrity, then migrations.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from './migrations.js';

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

/** openDb opens (creating if needed, owner-only: folder 0700, files 0600) the SQLite file, or
 *  ':memory:', and migrates it to the latest schema. */
export function openDb(file: string): Db {
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
    // Created here with 0600 before SQLite opens it, so it is never readable by others, not even briefly.
    fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE));
    restrictDbFiles(file);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: an acknowledged response survives power loss, not only a process crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Deleted drafts (which may hold a token hash) are overwritten, not left in free pages.
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  if (file !== ':memory:') restrictDbFiles(file);
  return db;
}
