// Online backups with SQLite's backup API. WAL lets the copy read a consistent snapshot while the
// server keeps writing; the copy is taken in one backup step, so writes from other connections
// cannot make it restart, and it holds exactly the transactions committed when the step began.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE, restrictDbFiles, type Db } from './db.js';

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  ms: number;
  /** The copy's `PRAGMA integrity_check`: 'ok' or the first problems found. */
  integrity: string;
}

// better-sqlite3 copies 100 pages per event-loop turn unless the progress callback asks for more;
// a writer in between would restart the copy, so the first callback asks for everything at once.
const ALL_PAGES = 0x7fffffff;

/** backupDb copies an open database to a new file (refusing to overwrite one) and checks the copy. */
export async function backupDb(db: Db, file: string): Promise<BackupResult> {
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  // Created empty and owner-only before SQLite writes into it ('wx': never over an existing file).
  try {
    fs.closeSync(fs.openSync(target, 'wx', PRIVATE_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${file} already exists; choose a new file name`);
    throw err;
  }
  restrictDbFiles(target);
  const started = performance.now();
  const progress = await db.backup(target, { progress: () => ALL_PAGES });
  const ms = performance.now() - started;
  const copy = new Database(target, { fileMustExist: true });
  try {
    const rows = copy.pragma('integrity_check') as { integrity_check: string }[];
    const integrity = rows.map((r) => r.integrity_check).join('; ');
    return { file: target, bytes: fs.statSync(target).size, pages: progress.totalPages, ms, integrity };
  } finally {
    copy.close();
    restrictDbFiles(target);
  }
}

/** backupFile opens the database file at `source` (it must exist; it is not migrated) and copies it to `file`. */
export async function backupFile(source: string, file: string): Promise<BackupResult> {
  if (path.resolve(source) === path.resolve(file)) throw new Error('the backup file must differ from the database file');
  if (!fs.existsSync(source)) throw new Error(`there is no database at ${source} (DATABASE_PATH)`);
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return await backupDb(db, file);
  } finally {
    db.close();
  }
}
