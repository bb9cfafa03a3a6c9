// Drafts: answers in progress, so a respondent can stop and continue later (same device by
// cookie, another device by resume code). A draft is deleted when submitted or when it expires.
import type { Answers } from '../survey/model.js';
import { prepared, type Db } from './db.js';
import { randomCode, resumeCode } from './ids.js';

export interface Draft {
  id: string;
  resumeCode: string;
  waveId: number;
  unitId: string;
  tokenHash: string | null;
  answers: Answers;
  /** The page the respondent last saved, to continue there. */
  lastSection: string | null;
  expiresOn: string;
}

interface DraftRow {
  id: string;
  resume_code: string;
  wave_id: number;
  unit_id: string;
  token_hash: string | null;
  answers: string;
  last_section: string | null;
  expires_on: string;
}

const toDraft = (r: DraftRow): Draft => ({
  id: r.id,
  resumeCode: r.resume_code,
  waveId: r.wave_id,
  unitId: r.unit_id,
  tokenHash: r.token_hash,
  answers: JSON.parse(r.answers) as Answers,
  lastSection: r.last_section,
  expiresOn: r.expires_on,
});

/** createDraft starts an empty draft that expires on the given day. */
export function createDraft(db: Db, d: { waveId: number; unitId: string; tokenHash: string | null; expiresOn: string }): Draft {
  const draft: Draft = { id: randomCode(24), resumeCode: resumeCode(), answers: {}, lastSection: null, ...d };
  prepared(db, 'INSERT INTO draft (id, resume_code, wave_id, unit_id, token_hash, answers, expires_on) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    draft.id,
    draft.resumeCode,
    draft.waveId,
    draft.unitId,
    draft.tokenHash,
    '{}',
    draft.expiresOn,
  );
  return draft;
}

/** getDraft returns a draft that has not expired by `today`, or undefined. */
export function getDraft(db: Db, id: string, today: string): Draft | undefined {
  const row = prepared(db, 'SELECT * FROM draft WHERE id = ? AND expires_on >= ?').get(id, today) as DraftRow | undefined;
  return row && toDraft(row);
}

/** findDraftByResumeCode looks a draft up by its resume code within one wave and unit. */
export function findDraftByResumeCode(db: Db, code: string, waveId: number, unitId: string, today: string): Draft | undefined {
  const row = db
    .prepare('SELECT * FROM draft WHERE resume_code = ? AND wave_id = ? AND unit_id = ? AND expires_on >= ?')
    .get(code, waveId, unitId, today) as DraftRow | undefined;
  return row && toDraft(row);
}

/** saveDraftAnswers replaces a draft's answers, remembers the page and pushes its expiry forward. */
export function saveDraftAnswers(db: Db, id: string, answers: Answers, lastSection: string | null, expiresOn: string): void {
  prepared(db, 'UPDATE draft SET answers = ?, last_section = ?, expires_on = ? WHERE id = ?').run(JSON.stringify(answers), lastSection, expiresOn, id);
}

/** deleteExpiredDrafts removes drafts that expired before `today` and returns how many. */
export function deleteExpiredDrafts(db: Db, today: string): number {
  return prepared(db, 'DELETE FROM draft WHERE expires_on < ?').run(today).changes;
}
