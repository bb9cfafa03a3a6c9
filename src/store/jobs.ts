// Send jobs and their messages, in SQLite so a restart carries on where it stopped. An item is
// marked 'sending' (committed) before the transport is called and counted as sent after it returns;
// an item found 'sending' at start-up crashed in between and is counted 'uncertain': never sent
// again, since a duplicate cannot be taken back while a missed invitation is repaired by the next
// reminder. A message's row is deleted as soon as its outcome is counted on the job: a finished
// reminder row would tell a copy of the data folder that this contact had not answered by that day.
import { prepared, type Db } from './db.js';

export type JobKind = 'invite' | 'reminder' | 'results' | 'test' | 'action';
export type JobStatus = 'running' | 'done' | 'stopped';

export interface Job {
  id: number;
  waveId: number;
  kind: JobKind;
  status: JobStatus;
  createdAt: number;
  notBefore: number;
  total: number;
  sent: number;
  failed: number;
  bounced: number;
  uncertain: number;
  error: string | null;
}

interface JobRow {
  id: number;
  wave_id: number;
  kind: JobKind;
  status: JobStatus;
  created_at: number;
  not_before: number;
  total: number;
  sent: number;
  failed: number;
  bounced: number;
  uncertain: number;
  error: string | null;
}

const toJob = (r: JobRow): Job => ({
  id: r.id,
  waveId: r.wave_id,
  kind: r.kind,
  status: r.status,
  createdAt: r.created_at,
  notBefore: r.not_before,
  total: r.total,
  sent: r.sent,
  failed: r.failed,
  bounced: r.bounced,
  uncertain: r.uncertain,
  error: r.error,
});

/** createJob queues one message per contact id or address (with the action it is about, for an
 *  action's due mail), in one transaction; returns the job id. */
export function createJob(db: Db, waveId: number, kind: JobKind, recipients: { contactId?: number; address?: string; actionId?: number }[], now: number): number {
  return db.transaction(() => {
    const id = Number(prepared(db, 'INSERT INTO send_job (wave_id, kind, created_at, total) VALUES (?, ?, ?, ?)').run(waveId, kind, now, recipients.length).lastInsertRowid);
    const add = prepared(db, 'INSERT INTO send_item (job_id, contact_id, address, action_id) VALUES (?, ?, ?, ?)');
    for (const r of recipients) add.run(id, r.contactId ?? null, r.address ?? null, r.actionId ?? null);
    if (recipients.length === 0) prepared(db, "UPDATE send_job SET status = 'done' WHERE id = ?").run(id);
    return id;
  }).immediate();
}

/** getJob returns a job or undefined. */
export function getJob(db: Db, id: number): Job | undefined {
  const r = prepared(db, 'SELECT * FROM send_job WHERE id = ?').get(id) as JobRow | undefined;
  return r && toJob(r);
}

/** waveJobs lists a wave's jobs, newest first (test sends and actions' due mails are not listed). */
export function waveJobs(db: Db, waveId: number): Job[] {
  return (prepared(db, "SELECT * FROM send_job WHERE wave_id = ? AND kind NOT IN ('test', 'action') ORDER BY id DESC").all(waveId) as JobRow[]).map(toJob);
}

export interface DueItem {
  id: number;
  jobId: number;
  waveId: number;
  kind: JobKind;
  contactId: number | null;
  address: string | null;
  actionId: number | null;
  attempts: number;
}

/** nextDueItem returns the next queued message of a running job that may go at `now`, or undefined.
 *  The rate is one for all jobs: nothing goes before the latest job's not_before. */
export function nextDueItem(db: Db, now: number): DueItem | undefined {
  const r = prepared(
    db,
    `SELECT i.id, i.job_id, j.wave_id, j.kind, i.contact_id, i.address, i.action_id, i.attempts FROM send_item i JOIN send_job j ON j.id = i.job_id
     WHERE i.state = 'queued' AND i.next_at <= ? AND j.status = 'running' AND (SELECT max(not_before) FROM send_job) <= ? ORDER BY i.next_at, i.id LIMIT 1`,
  ).get(now, now) as { id: number; job_id: number; wave_id: number; kind: JobKind; contact_id: number | null; address: string | null; action_id: number | null; attempts: number } | undefined;
  return r && { id: r.id, jobId: r.job_id, waveId: r.wave_id, kind: r.kind, contactId: r.contact_id, address: r.address, actionId: r.action_id, attempts: r.attempts };
}

/** markSending records, before the transport is called, that the message is going out; the next
 *  message (of any job) may go `spacing` ms later (the configured rate). Call inside a transaction. */
export function markSending(db: Db, item: DueItem, now: number, spacing: number): void {
  prepared(db, "UPDATE send_item SET state = 'sending', attempts = attempts + 1 WHERE id = ?").run(item.id);
  prepared(db, 'UPDATE send_job SET not_before = ? WHERE id = ?').run(now + spacing, item.jobId);
}

export type Outcome = 'sent' | 'failed' | 'bounced';

/** finishItem counts a message's outcome on its job and deletes the message's row; the job is
 *  done when nothing is left queued or sending. */
export function finishItem(db: Db, item: Pick<DueItem, 'id' | 'jobId'>, outcome: Outcome): void {
  db.transaction(() => {
    prepared(db, 'DELETE FROM send_item WHERE id = ?').run(item.id);
    prepared(db, `UPDATE send_job SET ${outcome} = ${outcome} + 1 WHERE id = ?`).run(item.jobId);
    finishJobIfEmpty(db, item.jobId);
  }).immediate();
}

/** retryItem puts a message back in the queue, due at `at`. */
export function retryItem(db: Db, itemId: number, at: number): void {
  prepared(db, "UPDATE send_item SET state = 'queued', next_at = ? WHERE id = ?").run(at, itemId);
}

/** dropItem removes a message that no longer has a recipient (a reminder to someone who has
 *  answered since it was queued), taking it off the job's total. */
export function dropItem(db: Db, item: Pick<DueItem, 'id' | 'jobId'>): void {
  db.transaction(() => {
    prepared(db, 'DELETE FROM send_item WHERE id = ?').run(item.id);
    prepared(db, 'UPDATE send_job SET total = total - 1 WHERE id = ?').run(item.jobId);
    finishJobIfEmpty(db, item.jobId);
  }).immediate();
}

/** stopJob halts a job on a configuration error (error is a message key) with the message back in the queue. */
export function stopJob(db: Db, item: Pick<DueItem, 'id' | 'jobId'>, error: string): void {
  db.transaction(() => {
    prepared(db, "UPDATE send_item SET state = 'queued', attempts = attempts - 1 WHERE id = ?").run(item.id);
    prepared(db, "UPDATE send_job SET status = 'stopped', error = ? WHERE id = ?").run(error, item.jobId);
  }).immediate();
}

/** resumeJob starts a stopped job again (after the configuration was fixed). */
export function resumeJob(db: Db, jobId: number): void {
  prepared(db, "UPDATE send_job SET status = 'running', error = NULL WHERE id = ? AND status = 'stopped'").run(jobId);
}

/** markInDoubt counts every 'sending' message as 'uncertain' on its job and deletes it (at
 *  start-up: the process stopped between marking and hearing back from the transport); returns how
 *  many there were. */
export function markInDoubt(db: Db): number {
  return db.transaction(() => {
    const rows = prepared(db, "SELECT job_id, count(*) AS n FROM send_item WHERE state = 'sending' GROUP BY job_id").all() as { job_id: number; n: number }[];
    for (const r of rows) {
      prepared(db, "DELETE FROM send_item WHERE job_id = ? AND state = 'sending'").run(r.job_id);
      prepared(db, 'UPDATE send_job SET uncertain = uncertain + ? WHERE id = ?').run(r.n, r.job_id);
      finishJobIfEmpty(db, r.job_id);
    }
    return rows.reduce((s, r) => s + r.n, 0);
  }).immediate();
}

function finishJobIfEmpty(db: Db, jobId: number): void {
  const left = prepared(db, "SELECT count(*) AS n FROM send_item WHERE job_id = ? AND state IN ('queued', 'sending')").get(jobId) as { n: number };
  if (left.n === 0) prepared(db, "UPDATE send_job SET status = 'done' WHERE id = ?").run(jobId);
}

/** settleWaveJobs marks done every job of the wave with nothing left to send (after its contacts,
 *  and with them their queued messages, were deleted). */
export function settleWaveJobs(db: Db, waveId: number): void {
  prepared(db, "UPDATE send_job SET status = 'done' WHERE wave_id = ? AND status != 'done' AND NOT EXISTS (SELECT 1 FROM send_item i WHERE i.job_id = send_job.id AND i.state IN ('queued', 'sending'))").run(waveId);
}
