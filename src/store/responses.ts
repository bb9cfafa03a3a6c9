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
  /** Today in TIME_ZONE: a draft expired before it is refused. Never stored with the response. */
  today: string,
  tokenHash: string | null = null,
  sync: 'now' | 'deferred' = 'now',
  tally?: TallyRespondent,
): SubmitOutcome {
  const draft = getDraft(db, draftId, today);
  const mark = submitMark(draftId);
  if (!draft || !mark || !draftFits(draft, { waveId: draft.waveId, unitId: draft.unitId, tokenHash })) return 'no-draft';
  // The safety level can only change between transactions; inside a caller's transaction it is the caller's.
  const defer = sync === 'deferred' && !db.inTransaction;
  if (defer) prepared(db, 'PRAGMA main.synchronous = NORMAL').run();
  try {
    return storeOnce(db, survey, draft, mark, answers, tokenHash, tally);
  } finally {
    if (defer) prepared(db, 'PRAGMA main.synchronous = FULL').run();
  }
}

function storeOnce(db: Db, survey: Survey, draft: Draft, mark: string, answers: Answers, tokenHash: string | null, tally: TallyRespondent | undefined): SubmitOutcome {
  const rows = answerRows(survey, answers);
  const adds = tally?.(draft.unitId, rows);
  // IMMEDIATE: it reads before it writes, and the WAL worker (wal.ts) may commit in between; a
  // deferred transaction would then fail with SQLITE_BUSY instead of waiting for the lock.
  const outcome = db.transaction((): SubmitOutcome => {
    // A crash after this commit but before the draft's deletion leaves the draft: its mark refuses it.
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
  }).immediate();
  // Its own commit in the drafts file, after the response's: the drafts file is never written in the
  // same transaction as the database (that would need a super-journal and its syncs).
  deleteDraft(db, draft.id);
  return outcome;
}

/** countResponses returns how many responses a wave has, per unit. */
export function countResponses(db: Db, waveId: number): Map<string, number> {
  const rows = prepared(db, 'SELECT unit_id, count(*) AS n FROM response WHERE wave_id = ? GROUP BY unit_id').all(waveId) as { unit_id: string; n: number }[];
  return new Map(rows.map((r) => [r.unit_id, r.n]));
}
