// The write-ahead logs, kept off the server thread by a worker thread. Two jobs:
// - Durability of submits. A submit commits without a sync (synchronous=NORMAL for that one
//   transaction, see responses.ts); the thank-you page waits until the worker has synced the log
//   (fdatasync, what synchronous=FULL does at commit), so an acknowledged submit is on disk. If the
//   worker cannot say so, the server thread syncs the log itself.
// - Anonymity at rest. A log is a timeline: the commit that marks a personal link used also holds
//   the pages of the response stored with it, so a copy of the log would join the two. After every
//   submit the worker copies the log into the database file and truncates it before the answer, then
//   rewrites one tick row so the next log begins in the worker (a log's first write syncs its
//   header, and a submit would otherwise pay for it on the server thread). The drafts file's
//   log holds only sealed drafts; it is emptied the same way every 64 draft writes, long before
//   SQLite's own checkpoint would run on the server thread.
// SQLite's own advice: with checkpoints in a background thread, the server thread never waits for
// their syncs. Every step here gives way at once to the server's locks and tries again.
// Because the worker writes too, a write transaction on the server's connection that reads before
// it writes must be `.immediate()`: a deferred one fails with SQLITE_BUSY_SNAPSHOT if the worker
// wrote between. Every transaction in src/ that writes is (test/store/write-transactions.test.ts).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { draftsPath, type Db } from './db.js';

type Schema = 'main' | 'drafts';

interface Reply {
  /** The database's log was synced after every commit made before the request. */
  durable: boolean;
  /** Every log asked for was emptied (false: a reader or writer was in the way; tried again later). */
  emptied: boolean;
  error?: string;
}

// Plain JavaScript (eval), so the same code runs under tsx, vitest and the compiled build.
const WORKER = `
const fs = require('node:fs');
const { parentPort, threadId, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const pause = new Int32Array(new SharedArrayBuffer(4));
// Shared with the tally workers (stepAside): 1 while this worker wants the log emptied, so they
// start no new read until it is (a reader's snapshot keeps the log from being truncated).
const gate = workerData.readGate;
let db;
let statements = {};
let idle;
function connection() {
  if (!db) {
    db = new Database(workerData.file, { fileMustExist: true });
    db.prepare('ATTACH DATABASE ? AS drafts').run(workerData.drafts);
    db.pragma('busy_timeout = 0');
    // NORMAL: a checkpoint syncs the log before copying and the database after; the tick needs no sync.
    db.pragma('main.synchronous = NORMAL');
    db.pragma('drafts.synchronous = NORMAL');
  }
  return db;
}
function release() {
  if (db) db.close();
  db = undefined;
  statements = {};
}
// Prepared once per connection: this runs after every submit.
function run(c, sql) {
  return (statements[sql] ??= c.prepare(sql)).all();
}
function syncLog() {
  let fd;
  try {
    fd = fs.openSync(workerData.file + '-wal', 'r');
  } catch (err) {
    if (err.code === 'ENOENT') return; // no log: everything is in the database file
    throw err;
  }
  try {
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
// Benchmarks only (workerData.phasesFile, see recordWalWaits): an emptying that had to try again
// (a reader or writer was in the way) and took WAIT_RECORDED_MS or more is written as a close
// phase, so a slow request can be matched with it.
const WAIT_RECORDED_MS = 20;
// \`way\` counts what was in the way of the failed tries: 'behind' (frames a reader's older snapshot
// kept from being copied), 'readers' (every frame copied, a read still open on the log), 'locked'
// (the truncation's lock was held: a writer, or another checkpoint).
function recordWait(schema, at, attempts, emptied, way) {
  const wallMs = Date.now() - at;
  if (!workerData.phasesFile || attempts < 2 || wallMs < WAIT_RECORDED_MS) return;
  const detail = { attempts, emptied: emptied ? 1 : 0, drafts: schema === 'drafts' ? 1 : 0 };
  for (const [name, n] of Object.entries(way)) if (n > 0) detail[name] = n;
  const line = { phase: 'wal: emptying waited (log worker)', wave: -1, thread: threadId, at, wallMs, cpuMs: 0,
    rssMb: Math.round(process.memoryUsage.rss() / 1048576), heapMb: 0, detail };
  try {
    fs.appendFileSync(workerData.phasesFile, JSON.stringify(line) + '\\n');
  } catch {
    // A benchmark's diagnostics only.
  }
}
function empty(c, schema, tries) {
  if (gate) Atomics.store(gate, 0, 1);
  const at = Date.now();
  let attempts = 0;
  let emptied = false;
  // Counted for the benchmark's record only: how often each kind of obstacle was met.
  const way = { behind: 0, readers: 0, locked: 0 };
  try {
    for (let attempt = 0; attempt < tries; attempt++) {
      attempts++;
      try {
        const [p] = run(c, 'PRAGMA ' + schema + '.wal_checkpoint(PASSIVE)');
        const [r] = run(c, 'PRAGMA ' + schema + '.wal_checkpoint(TRUNCATE)');
        if (r.busy === 0 && r.log === 0) {
          emptied = true;
          return true;
        }
        if (p.checkpointed < p.log) way.behind++;
        else way.readers++;
      } catch (err) {
        if (err.code !== 'SQLITE_BUSY' && err.code !== 'SQLITE_LOCKED') throw err;
        way.locked++;
      }
      Atomics.wait(pause, 0, 0, 4);
    }
    return false;
  } finally {
    if (gate) {
      Atomics.store(gate, 0, 0);
      Atomics.notify(gate, 0);
    }
    recordWait(schema, at, attempts, emptied, way);
  }
}
// The tick starts the next log here, after the answer went out: its header sync is nobody's wait.
// Should a server write come first, that write starts the log itself; nothing is lost either way.
function tick(c, schema) {
  try {
    (statements['tick ' + schema] ??= c.prepare('UPDATE ' + schema + '.wal_tick SET n = n + 1 WHERE id = 1')).run();
  } catch (err) {
    if (err.code !== 'SQLITE_BUSY' && err.code !== 'SQLITE_LOCKED') throw err;
  }
}
parentPort.on('message', (what) => {
  clearTimeout(idle);
  if (what.close) {
    release();
    parentPort.postMessage({ durable: true, emptied: true });
    parentPort.postMessage({ quiet: true });
    return;
  }
  const reply = { durable: false, emptied: false };
  const emptied = [];
  try {
    const c = connection();
    if (what.sync) {
      // A checkpoint that copied every frame synced the log first: then it holds our commits durably.
      const [r] = run(c, 'PRAGMA main.wal_checkpoint(PASSIVE)');
      if (r.busy !== 0 || r.checkpointed !== r.log) syncLog();
      reply.durable = true;
    }
    for (const schema of what.schemas) if (empty(c, schema, what.tries)) emptied.push(schema);
    reply.emptied = emptied.length === what.schemas.length;
  } catch (err) {
    reply.error = String((err && err.message) || err);
    release();
  }
  parentPort.postMessage(reply);
  try {
    if (db) for (const schema of emptied) tick(db, schema);
  } catch (err) {
    release();
  }
  // Holding no lock from here on: the server may commit the submits it held back (submitInTurn).
  parentPort.postMessage({ quiet: true });
  // An idle connection is closed, so the server's own is the last one when it stops.
  idle = setTimeout(release, 10000);
});
`;

const RETRY_MS = 1000;

// Benchmarks only: where log workers started from now on record emptyings that waited (close phases).
let phasesFile: string | undefined;

/** recordWalWaits makes log workers started from now on append, as close phases
 *  (report/close-phases.ts) to `file`, every emptying of a log that had to try again (a reader or
 *  writer in the way) and took 20 ms or more; undefined stops it. For bench/close.ts
 *  (CLOSE_PHASES_FILE). */
export function recordWalWaits(file: string | undefined): void {
  phasesFile = file === '' ? undefined : file;
}
const driver = createRequire(import.meta.url).resolve('better-sqlite3');

class WalWorker {
  /** Shared with the tally workers: see stepAside. */
  readonly gate = new Int32Array(new SharedArrayBuffer(4));
  private worker: Worker | undefined;
  private answer: ((r: Reply) => void) | undefined;
  // From a message sent until the worker says it holds no lock (after its tick): one at a time.
  private busy = false;
  // While the callbacks of whenFree run, no run starts: they commit first, then one run serves all.
  private freeing = false;
  // The run that starts next, shared by every request made since the last one started (their
  // commits may have come after it began).
  private next: { promise: Promise<Reply>; resolve: (r: Reply) => void } | undefined;
  private wanted = new Set<Schema>();
  private wantSync = false;
  private retry: NodeJS.Timeout | undefined;
  private onFree: (() => void)[] = [];
  private onIdle: (() => void)[] = [];

  constructor(private readonly file: string) {}

  request(schemas: readonly Schema[], sync: boolean): Promise<Reply> {
    for (const s of schemas) this.wanted.add(s);
    this.wantSync ||= sync;
    if (!this.next) {
      let resolve!: (r: Reply) => void;
      const promise = new Promise<Reply>((r) => (resolve = r));
      this.next = { promise, resolve };
    }
    const { promise } = this.next;
    if (!this.busy && !this.freeing) this.start();
    return promise;
  }

  /** Runs `fn` now if the worker holds no lock, else the moment it lets go, before its next run starts. */
  whenFree(fn: () => void): void {
    if (this.busy) this.onFree.push(fn);
    else fn();
  }

  async close(): Promise<void> {
    clearTimeout(this.retry);
    while (this.busy || this.next) await new Promise<void>((r) => this.onIdle.push(r));
    if (!this.worker) return;
    await this.send({ close: true });
    await this.worker.terminate();
    this.worker = undefined;
    this.freed();
  }

  private start(): void {
    const next = this.next;
    this.next = undefined;
    if (!next) return;
    const schemas = [...this.wanted];
    const sync = this.wantSync;
    this.wanted.clear();
    this.wantSync = false;
    if (schemas.length === 0 && !sync) {
      next.resolve({ durable: true, emptied: true });
      return;
    }
    void this.send({ schemas, sync, tries: 25 }).then((reply) => {
      if (reply.error) console.error(`The write-ahead log worker failed: ${reply.error}`);
      if (!reply.emptied && !this.retry) {
        this.retry = setTimeout(() => {
          this.retry = undefined;
          void this.request(schemas, false);
        }, RETRY_MS).unref();
      }
      next.resolve(reply);
    });
  }

  private send(what: { schemas: Schema[]; sync: boolean; tries: number } | { close: true }): Promise<Reply> {
    const worker = (this.worker ??= this.spawn());
    worker.ref();
    this.busy = true;
    return new Promise((resolve) => {
      this.answer = (r) => {
        this.answer = undefined;
        worker.unref();
        resolve(r);
      };
      worker.postMessage(what);
    });
  }

  // The worker holds no lock: first whoever waited for that (they commit), then the next run.
  private freed(): void {
    this.busy = false;
    this.freeing = true;
    const waiting = this.onFree;
    this.onFree = [];
    try {
      for (const fn of waiting) {
        try {
          fn();
        } catch (err) {
          console.error(`A write held back for the write-ahead log worker failed: ${String(err)}`);
        }
      }
    } finally {
      this.freeing = false;
    }
    if (this.next) this.start();
    if (!this.busy && !this.next) for (const r of this.onIdle.splice(0)) r();
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER, { eval: true, workerData: { driver, file: this.file, drafts: draftsPath(this.file), readGate: this.gate, phasesFile } });
    worker.on('message', (r: Reply | { quiet: true }) => {
      if ('quiet' in r) this.freed();
      else this.answer?.(r);
    });
    // A worker that dies answers what it was asked with a failure; the next request starts a new one.
    const died = (err: unknown): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.answer?.({ durable: false, emptied: false, error: err instanceof Error ? err.message : `worker exited (${String(err)})` });
      if (this.busy) this.freed();
    };
    worker.on('error', died);
    worker.on('exit', died);
    worker.unref();
    return worker;
  }
}

const workers = new WeakMap<Db, WalWorker>();

function workerOf(db: Db): WalWorker {
  let w = workers.get(db);
  if (!w) workers.set(db, (w = new WalWorker(db.name)));
  return w;
}

/** settleSubmits makes every commit so far durable and empties the database's write-ahead log, then
 *  resolves; a submit committed without a sync is acknowledged only after this. The syncs happen in
 *  the worker; if it cannot confirm one, in this thread. Never rejects unless the disk cannot sync. */
export async function settleSubmits(db: Db): Promise<void> {
  if (db.memory) return;
  const reply = await workerOf(db).request(['main'], true);
  if (reply.durable || !fs.existsSync(`${db.name}-wal`)) return;
  const fd = fs.openSync(`${db.name}-wal`, 'r');
  try {
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** whenWalFree runs `fn` now if the database's WAL worker holds none of its locks (or it has none:
 *  an in-memory database), else the moment it lets go of them, before it starts another run; a
 *  write made in `fn` never sleeps in SQLite's busy handler behind the worker, and a run asked for
 *  in it starts right after. */
export function whenWalFree(db: Db, fn: () => void): void {
  if (db.memory) fn();
  else workerOf(db).whenFree(fn);
}

/** truncateWals empties the given write-ahead logs into their files in the worker thread and resolves
 *  when done, without waiting for a busy log (it is tried again within a second). At once for an
 *  in-memory database. */
export async function truncateWals(db: Db, schemas: readonly Schema[]): Promise<void> {
  if (!db.memory) await workerOf(db).request(schemas, false);
}

/** readerGate returns the flag the database's WAL worker raises while it wants the log emptied, to
 *  hand to threads that read the file on their own connections (tally workers); undefined for an
 *  in-memory database. */
export function readerGate(db: Db): Int32Array | undefined {
  return db.memory ? undefined : workerOf(db).gate;
}

/** stepAside waits, on a reading thread, while the WAL worker wants the log emptied (its flag
 *  `gate` from readerGate), at most `maxMs`: call it before each short read, so a submit's log is
 *  emptied before its thank-you page rather than after a reader's snapshot ends. */
export function stepAside(gate: Int32Array | undefined, maxMs = 250): void {
  if (!gate) return;
  const until = performance.now() + maxMs;
  while (Atomics.load(gate, 0) !== 0) {
    const left = until - performance.now();
    if (left <= 0) return;
    Atomics.wait(gate, 0, 1, left);
  }
}

/** closeWalWorker stops the database's WAL worker (before closing the database, so the server's
 *  connection is the last and SQLite removes the logs). */
export async function closeWalWorker(db: Db): Promise<void> {
  await workers.get(db)?.close();
  workers.delete(db);
}
