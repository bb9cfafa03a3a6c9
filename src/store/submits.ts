// Final submits in turn: a group commit. The WAL worker (wal.ts) empties the log after every
// submit, and while it checkpoints and ticks it holds the write lock; a submit committed then
// would sleep in SQLite's busy handler (1, 2, 5 ms and up) on the server thread, and one committed
// between its checkpoint and its tick would sync the new log's header there. So a submit that
// arrives while the worker holds its locks is held back, and every submit held back is committed
// in one transaction the moment the worker lets go, before its next run, which then makes them
// all durable and empties the log. A submit waits at most for the run in progress, as it would
// for its commit to be emptied anyway.
import type { Db } from './db.js';
import { submitResponses, type SubmitOutcome, type SubmitRequest } from './responses.js';
import { settleSubmits, whenWalFree } from './wal.js';

interface Held {
  request: SubmitRequest;
  resolve: (o: SubmitOutcome) => void;
  reject: (e: unknown) => void;
}

class SubmitQueue {
  private held: Held[] = [];
  /** Transactions committed (for tests). */
  commits = 0;

  constructor(private readonly db: Db) {}

  submit(request: SubmitRequest): Promise<SubmitOutcome> {
    return new Promise((resolve, reject) => {
      this.held.push({ request, resolve, reject });
      if (this.held.length === 1) whenWalFree(this.db, () => void this.commitHeld());
    });
  }

  private async commitHeld(): Promise<void> {
    const batch = this.held;
    this.held = [];
    let outcomes: (SubmitOutcome | Error)[];
    try {
      this.commits++;
      outcomes = submitResponses(this.db, batch.map((h) => h.request), 'deferred');
      // Acknowledged only once on disk and out of the log: one worker run for the whole batch,
      // asked for here, before the worker could start another.
      if (outcomes.includes('stored')) await settleSubmits(this.db);
    } catch (err) {
      for (const h of batch) h.reject(err);
      return;
    }
    batch.forEach((h, i) => {
      const o = outcomes[i]!;
      if (o instanceof Error) h.reject(o);
      else h.resolve(o);
    });
  }
}

const queues = new WeakMap<Db, SubmitQueue>();

/** submitInTurn stores a final submit (as submitResponse, deferred) together with the others that
 *  arrive while the database's WAL worker holds its locks, and resolves with its outcome once a
 *  stored one is durable and the log no longer holds it (settleSubmits). Rejects if storing it
 *  failed: then nothing of it is stored and its draft is kept. */
export function submitInTurn(db: Db, request: SubmitRequest): Promise<SubmitOutcome> {
  let q = queues.get(db);
  if (!q) queues.set(db, (q = new SubmitQueue(db)));
  return q.submit(request);
}

/** submitCommits tells how many transactions submitInTurn has committed for the database (tests). */
export function submitCommits(db: Db): number {
  return queues.get(db)?.commits ?? 0;
}
