// Submitted responses. Submitting is one transaction in the database: consume the token (if any),
// record the draft's submit mark, insert the response and its answers; the draft is then deleted
// from the drafts file. Nothing written links the response to the token or the draft.
import type { Answers, Survey } from '../survey/model.js';
import { prepared, type Db } from './db.js';
import { deleteDraft, draftFits, getDraft, submitMark, type Draft } from './drafts.js';
import { randomResponseId } from './ids.js';
import { addRunningTally, type RespondentTally } from './running-tallies.js';

export interface AnswerRow {
  itemId: string;
  part: string;
  num: number | null;
  txt: string | null;
}

/** answerRows flattens answers into stored rows: one per value, 'dk' as text, multi one per chosen option (part = option id)
 *  or one empty row (part '', txt '') when nothing was ticked. */
export function answerRows(survey: Survey, answers: Answers): AnswerRow[] {
  const rows: AnswerRow[] = [];
  const cell = (itemId: string, part: string, v: number | string): AnswerRow =>
    typeof v === 'number' ? { itemId, part, num: v, txt: null } : { itemId, part, num: null, txt: v };
  for (const item of survey.items) {
    const v = answers[item.id];
    if (v === undefined) continue;
    // A multi answered with nothing ticked is one empty row: the respondent was shown the question
    // and stays in its denominator (option ids never start with '', so it is no option).
    if (Array.isArray(v)) {
      if (v.length === 0) rows.push({ itemId: item.id, part: '', num: null, txt: '' });
      for (const opt of v) rows.push(cell(item.id, opt, opt));
    }
    else if (typeof v === 'object') {
      if (v.now !== undefined) rows.push(cell(item.id, 'now', v.now));
      if (v.desired !== undefined) rows.push(cell(item.id, 'desired', v.desired));
    } else rows.push(cell(item.id, '', v));
  }
  return rows;
}

export type SubmitOutcome = 'stored' | 'no-draft' | 'token-used';

/** What a submit adds to the wave's running tallies (report/running-tally.ts `respondentTally`). */
export type TallyRespondent = (unitId: string, rows: readonly AnswerRow[]) => RespondentTally;

/** One final submit: the draft's answers (revalidated by the caller), today in TIME_ZONE (a draft
 *  expired before it is refused; never stored with the response), the personal link's token hash
 *  if any, and what the respondent adds to the running tallies (without, the wave's close runs the
 *  full pass). */
export interface SubmitRequest {
  survey: Survey;
  draftId: string;
  answers: Answers;
  today: string;
  tokenHash: string | null;
  tally?: TallyRespondent;
  /** The draft as the caller opened it (by `draftId`, on `today`), so it is not opened again. */
  draft?: Draft;
}

/** submitResponse stores the draft's answers as a response, exactly once, and deletes the draft; a
 *  draft started on a personal link is submitted only with that link's token hash, which it consumes.
 *  With sync 'deferred' the commit is not synced: the caller acknowledges it only after
 *  `settleSubmits` (wal.ts), which syncs it off the server thread. With `tally`, the respondent is
 *  added to the wave's running tallies in the same transaction (without, the wave's close runs the
 *  full pass). */
export function submitResponse(
  db: Db,
  survey: Survey,
  draftId: string,
  answers: Answers,
  today: string,
  tokenHash: string | null = null,
  sync: 'now' | 'deferred' = 'now',
  tally?: TallyRespondent,
): SubmitOutcome {
  const [outcome] = submitResponses(db, [{ survey, draftId, answers, today, tokenHash, tally }], sync);
  if (outcome instanceof Error) throw outcome;
  return outcome!;
}

interface Ready {
  request: SubmitRequest;
  draft: Draft;
  mark: string;
}

/** submitResponses stores several submits as submitResponse does, in one transaction (a group
 *  commit: one commit's log frames and, deferred, one sync for all), each in its own savepoint: one
 *  that fails is rolled back alone, keeps its draft and has its error returned in its place; the
 *  outcomes are in the requests' order. */
export function submitResponses(db: Db, requests: readonly SubmitRequest[], sync: 'now' | 'deferred'): (SubmitOutcome | Error)[] {
  const outcomes: (SubmitOutcome | Error)[] = [];
  const ready: { at: number; r: Ready }[] = [];
  requests.forEach((request, at) => {
    const draft = request.draft?.id === request.draftId ? request.draft : getDraft(db, request.draftId, request.today);
    const mark = submitMark(request.draftId);
    if (!draft || !mark || !draftFits(draft, { waveId: draft.waveId, unitId: draft.unitId, tokenHash: request.tokenHash })) outcomes[at] = 'no-draft';
    else ready.push({ at, r: { request, draft, mark } });
  });
  if (ready.length === 0) return outcomes;
  // The safety level can only change between transactions; inside a caller's transaction it is the caller's.
  const defer = sync === 'deferred' && !db.inTransaction;
  if (defer) prepared(db, 'PRAGMA main.synchronous = NORMAL').run();
  try {
    // IMMEDIATE: it reads before it writes, and the WAL worker (wal.ts) may commit in between; a
    // deferred transaction would then fail with SQLITE_BUSY instead of waiting for the lock.
    const stored = db.transaction(() => ready.map(({ r }) => storeInSavepoint(db, r))).immediate();
    ready.forEach(({ at }, i) => (outcomes[at] = stored[i]!));
  } catch (err) {
    // The commit itself failed: nothing of the batch is stored, every draft is kept.
    for (const { at } of ready) outcomes[at] = err instanceof Error ? err : new Error(String(err));
    return outcomes;
  } finally {
    if (defer) prepared(db, 'PRAGMA main.synchronous = FULL').run();
  }
  // Each its own commit in the drafts file, after the responses': the drafts file is never written
  // in the same transaction as the database (that would need a super-journal and its syncs). A
  // crash in between leaves a draft whose mark refuses it. A submit that failed keeps its draft.
  for (const { at, r } of ready) if (!(outcomes[at] instanceof Error)) deleteDraft(db, r.draft.id);
  return outcomes;
}

function storeInSavepoint(db: Db, r: Ready): SubmitOutcome | Error {
  prepared(db, 'SAVEPOINT submit').run();
  try {
    const outcome = storeOnce(db, r);
    prepared(db, 'RELEASE submit').run();
    return outcome;
  } catch (err) {
    prepared(db, 'ROLLBACK TO submit').run();
    prepared(db, 'RELEASE submit').run();
    return err instanceof Error ? err : new Error(String(err));
  }
}

function storeOnce(db: Db, { request, draft, mark }: Ready): SubmitOutcome {
  const { survey, tokenHash } = request;
  const rows = answerRows(survey, request.answers);
  const adds = request.tally?.(draft.unitId, rows);
  if (prepared(db, 'SELECT 1 FROM submitted_draft WHERE mark = ?').get(mark)) return 'no-draft';
  if (tokenHash !== null && prepared(db, 'UPDATE token SET used = 1 WHERE hash = ? AND used = 0').run(tokenHash).changes !== 1) return 'token-used';
  prepared(db, 'INSERT INTO submitted_draft (mark, until) VALUES (?, ?)').run(mark, draft.expiresOn);
  const id = randomResponseId();
  // No day, no time: see the migration that dropped submitted_on.
  prepared(db, 'INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, ?, ?, ?, ?)').run(id, draft.waveId, draft.unitId, survey.id, survey.version);
  const insert = prepared(db, 'INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, ?)');
  for (const r of rows) insert.run(id, r.itemId, r.part, r.num, r.txt);
  if (adds) addRunningTally(db, draft.waveId, draft.unitId, adds);
  return 'stored';
}

/** countResponses returns how many responses a wave has, per unit. */
export function countResponses(db: Db, waveId: number): Map<string, number> {
  const rows = prepared(db, 'SELECT unit_id, count(*) AS n FROM response WHERE wave_id = ? GROUP BY unit_id').all(waveId) as { unit_id: string; n: number }[];
  return new Map(rows.map((r) => [r.unit_id, r.n]));
}
