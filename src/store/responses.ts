// Submitted responses. Submitting is one transaction: consume the token (if any), insert the
// response and its answers, delete the draft. Nothing written links the response to either.
import type { Answers, Survey } from '../survey/model.js';
import { prepared, type Db } from './db.js';
import { randomResponseId } from './ids.js';

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

/** submitResponse stores the draft's answers as a response, exactly once, and deletes the draft. */
export function submitResponse(db: Db, survey: Survey, draftId: string, answers: Answers, submittedOn: string): SubmitOutcome {
  return db.transaction((): SubmitOutcome => {
    const draft = prepared(db, 'SELECT wave_id, unit_id, token_hash FROM draft WHERE id = ?').get(draftId) as
      | { wave_id: number; unit_id: string; token_hash: string | null }
      | undefined;
    if (!draft) return 'no-draft';
    if (draft.token_hash !== null) {
      const { changes } = prepared(db, 'UPDATE token SET used = 1 WHERE hash = ? AND used = 0').run(draft.token_hash);
      if (changes !== 1) {
        prepared(db, 'DELETE FROM draft WHERE id = ?').run(draftId);
        return 'token-used';
      }
    }
    const id = randomResponseId();
    prepared(db, 'INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version, submitted_on) VALUES (?, ?, ?, ?, ?, ?)').run(
      id,
      draft.wave_id,
      draft.unit_id,
      survey.id,
      survey.version,
      submittedOn,
    );
    const insert = prepared(db, 'INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, ?)');
    for (const r of answerRows(survey, answers)) insert.run(id, r.itemId, r.part, r.num, r.txt);
    prepared(db, 'DELETE FROM draft WHERE id = ?').run(draftId);
    return 'stored';
  })();
}

/** countResponses returns how many responses a wave has, per unit. */
export function countResponses(db: Db, waveId: number): Map<string, number> {
  const rows = prepared(db, 'SELECT unit_id, count(*) AS n FROM response WHERE wave_id = ? GROUP BY unit_id').all(waveId) as { unit_id: string; n: number }[];
  return new Map(rows.map((r) => [r.unit_id, r.n]));
}
