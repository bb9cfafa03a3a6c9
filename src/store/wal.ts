// Emptying the write-ahead logs in a worker thread. A -wal file is a timeline: the commit that marks
// a personal link used also holds the pages of the response stored with it, so a copy of the log
// would join the two. After every submit the worker copies the database's log into the database
// file and truncates it, then rewrites one tick row so the next log begins in that thread (a log's
// first write syncs its header). The drafts file's log holds only sealed drafts; it is emptied the
// same way every few hundred draft writes, so SQLite's own checkpoint never runs on the server
// thread. SQLite's advice: with checkpoints in a background thread, the server thread never waits
// for their syncs. The server thread keeps one sync per respondent, its submit's commit
// (synchronous=FULL), so durability never depends on this worker; anonymity at rest does.
// Because this thread writes too, a write transaction on the server's connection that reads before
// it writes must be `.immediate()`: a deferred one fails with SQLITE_BUSY if the worker wrote between.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { draftsPath, type Db } from './db.js';

interface Reply {
  /** Both logs were emptied (false: a reader or writer was in the way; tried again later). */
  ok: boolean;
  error?: string;
}

// Plain JavaScript (eval), so the same code runs under tsx, vitest and the compiled build. Every
// step gives way at once when another connection holds a lock (busy_timeout 0), so the server
// thread never waits on this one for long, and tries again a few milliseconds later.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const pause = new Int32Array(new SharedArrayBuffer(4));
let db;
let idle;
function connection() {
  if (!db) {
    db = new Database(workerData.file, { fileMustExist: true });
    db.prepare('ATTACH DATABASE ? AS drafts').run(workerData.drafts);
    db.pragma('busy_timeout = 0');
    // NORMAL: the checkpoint syncs the log before copying and the database after; the tick needs no sync.
    db.pragma('main.synchronous = NORMAL');
    db.pragma('drafts.synchronous = NORMAL');
  }
  return db;
}
function empty(c, schema) {
  for (let attempt = 0; attempt < 25; attempt++) {
    try {
      c.pragma(schema + '.wal_checkpoint(PASSIVE)');
      const [r] = c.pragma(schema + '.wal_checkpoint(TRUNCATE)');
      if (r.busy === 0 && r.log === 0) {
        c.prepare('UPDATE ' + schema + '.wal_tick SET n = n + 1 WHERE id = 1').run();
        return true;
      }
    } catch (err) {
      if (err.code !== 'SQLITE_BUSY' && err.code !== 'SQLITE_LOCKED') throw err;
    }
    Atomics.wait(pause, 0, 0, 4);
  }
  return false;
}
parentPort.on('message', (what) => {
  clearTimeout(idle);
  if (what.close) {
    if (db) db.close();
    db = undefined;
    parentPort.postMessage({ ok: true });
    return;
  }
  let reply;
  try {
    const c = connection();
    reply = { ok: what.schemas.map((schema) => empty(c, schema)).every(Boolean) };
  } catch (err) {
    reply = { ok: false, error: String((err && err.message) || err) };
    if (db) db.close();
    db = undefined;
  }
  // An idle connection is closed, so the server's own is the last one when it stops.
  idle = setTimeout(() => {
    if (db) db.close();
    db = undefined;
  }, 10000);
  parentPort.postMessage(reply);
});
`;

type Schema = 'main' | 'drafts';
const RETRY_MS = 1000;
const driver = createRequire(import.meta.url).resolve('better-sqlite3');

class WalWorker {
  private worker: Worker | undefined;
  private answer: ((r: Reply) => void) | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private wanted = new Set<Schema>();
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly file: string) {}

  // One run at a time; a request during a run is served by exactly one more run after it (its
  // commit may have come after the running checkpoint began), shared by all who asked meanwhile.
  request(schemas: readonly Schema[]): Promise<void> {
    for (const s of schemas) this.wanted.add(s);
    if (!this.running) {
      this.running = this.run().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.request([]);
    });
    return this.queued;
  }

  async close(): Promise<void> {
    clearTimeout(this.retry);
    await this.running;
    if (!this.worker) return;
    await this.send({ close: true });
    await this.worker.terminate();
    this.worker = undefined;
  }

  private async run(): Promise<void> {
    const schemas = [...this.wanted];
    this.wanted.clear();
    if (schemas.length === 0) return;
    const reply = await this.send({ schemas });
    if (reply.error) console.error(`Emptying the write-ahead logs failed: ${reply.error}`);
    if (!reply.ok && !this.retry) {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        void this.request(schemas);
      }, RETRY_MS).unref();
    }
  }

  private send(what: { schemas: Schema[] } | { close: true }): Promise<Reply> {
    const worker = (this.worker ??= this.spawn());
    worker.ref();
    return new Promise((resolve) => {
      this.answer = (r) => {
        this.answer = undefined;
        worker.unref();
        resolve(r);
      };
      worker.postMessage(what);
    });
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER, { eval: true, workerData: { driver, file: this.file, drafts: draftsPath(this.file) } });
    worker.on('message', (r: Reply) => this.answer?.(r));
    // A worker that dies answers what it was asked with a failure; the next request starts a new one.
    const died = (err: unknown): void => {
      if (this.worker === worker) this.worker = undefined;
      this.answer?.({ ok: false, error: err instanceof Error ? err.message : `worker exited (${String(err)})` });
    };
    worker.on('error', died);
    worker.on('exit', died);
    worker.unref();
    return worker;
  }
}

const workers = new WeakMap<Db, WalWorker>();

/** truncateWals empties the database's write-ahead log (and the drafts file's, if asked) into its
 *  file in a worker thread and resolves when done; it never rejects (a busy log is tried again
 *  within a second). At once for an in-memory database. */
export function truncateWals(db: Db, schemas: readonly Schema[] = ['main']): Promise<void> {
  if (db.memory) return Promise.resolve();
  let w = workers.get(db);
  if (!w) workers.set(db, (w = new WalWorker(db.name)));
  return w.request(schemas);
}

/** closeWalWorker stops the database's WAL worker (before closing the database, so the server's
 *  connection is the last and SQLite removes the logs). */
export async function closeWalWorker(db: Db): Promise<void> {
  await workers.get(db)?.close();
  workers.delete(db);
}
