// After the survey: a unit's chosen strengths and areas to improve, and its actions (tiltak).
// Written by leaders and representatives; nothing here refers to respondents.
import { prepared, type Db } from './db.js';

export type ActionStatus = 'planned' | 'in_progress' | 'done' | 'dropped';
export const ACTION_STATUSES: readonly ActionStatus[] = ['planned', 'in_progress', 'done', 'dropped'];

/** A chosen strength or area: a factor or item of the results (ref) or the unit's own wording. */
export interface Choice {
  ref?: string;
  text: string;
}

export interface Followup {
  waveId: number;
  unitId: string;
  strengths: Choice[];
  areas: Choice[];
  updatedAt: string;
  updatedBy: string;
}

export interface Action {
  id: number;
  waveId: number;
  unitId: string;
  what: string;
  factorId: string | null;
  responsible: string;
  dueOn: string | null;
  status: ActionStatus;
  note: string;
  /** Where a mail goes when the action falls due (a staff address), or null for none. */
  notifyEmail: string | null;
  updatedAt: string;
}

interface ActionRow {
  id: number;
  wave_id: number;
  unit_id: string;
  what: string;
  factor_id: string | null;
  responsible: string;
  due_on: string | null;
  status: ActionStatus;
  note: string;
  notify_email: string | null;
  updated_at: string;
}

const toAction = (r: ActionRow): Action => ({
  id: r.id,
  waveId: r.wave_id,
  unitId: r.unit_id,
  what: r.what,
  factorId: r.factor_id,
  responsible: r.responsible,
  dueOn: r.due_on,
  status: r.status,
  note: r.note,
  notifyEmail: r.notify_email,
  updatedAt: r.updated_at,
});

/** getFollowup returns a unit's follow-up for a wave, or undefined. */
export function getFollowup(db: Db, waveId: number, unitId: string): Followup | undefined {
  const r = prepared(db, 'SELECT * FROM followup WHERE wave_id = ? AND unit_id = ?').get(waveId, unitId) as
    | { wave_id: number; unit_id: string; strengths: string; areas: string; updated_at: string; updated_by: string }
    | undefined;
  return r && { waveId: r.wave_id, unitId: r.unit_id, strengths: JSON.parse(r.strengths) as Choice[], areas: JSON.parse(r.areas) as Choice[], updatedAt: r.updated_at, updatedBy: r.updated_by };
}

/** saveFollowup stores a unit's chosen strengths and areas (replacing earlier choices). */
export function saveFollowup(db: Db, f: Omit<Followup, 'updatedAt'>, at = new Date()): void {
  prepared(
    db,
    `INSERT INTO followup (wave_id, unit_id, strengths, areas, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (wave_id, unit_id) DO UPDATE SET strengths = excluded.strengths, areas = excluded.areas, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  ).run(f.waveId, f.unitId, JSON.stringify(f.strengths), JSON.stringify(f.areas), at.toISOString(), f.updatedBy);
}

/** listFollowups returns every follow-up of a wave. */
export function listFollowups(db: Db, waveId: number): Followup[] {
  return (prepared(db, 'SELECT unit_id FROM followup WHERE wave_id = ?').all(waveId) as { unit_id: string }[]).map((r) => getFollowup(db, waveId, r.unit_id) as Followup);
}

/** addAction inserts an action and returns its id. */
export function addAction(db: Db, a: Omit<Action, 'id' | 'updatedAt' | 'notifyEmail'> & { notifyEmail?: string | null }, at = new Date()): number {
  return Number(
    prepared(db, 'INSERT INTO action (wave_id, unit_id, what, factor_id, responsible, due_on, status, note, notify_email, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      a.waveId,
      a.unitId,
      a.what,
      a.factorId,
      a.responsible,
      a.dueOn,
      a.status,
      a.note,
      a.notifyEmail ?? null,
      at.toISOString(),
    ).lastInsertRowid,
  );
}

/** updateAction changes an action's fields (a new due day gets its own due mail). */
export function updateAction(db: Db, id: number, a: Pick<Action, 'what' | 'factorId' | 'responsible' | 'dueOn' | 'status' | 'note' | 'notifyEmail'>, at = new Date()): void {
  prepared(db, 'UPDATE action SET what = ?, factor_id = ?, responsible = ?, due_on = ?, status = ?, note = ?, notify_email = ?, updated_at = ? WHERE id = ?').run(
    a.what,
    a.factorId,
    a.responsible,
    a.dueOn,
    a.status,
    a.note,
    a.notifyEmail,
    at.toISOString(),
    id,
  );
}

/** getAction returns an action by id. */
export function getAction(db: Db, id: number): Action | undefined {
  const r = prepared(db, 'SELECT * FROM action WHERE id = ?').get(id) as ActionRow | undefined;
  return r && toAction(r);
}

/** listActions returns a wave's actions, optionally for one unit, oldest first. */
export function listActions(db: Db, waveId: number, unitId?: string): Action[] {
  const rows = unitId === undefined ? prepared(db, 'SELECT * FROM action WHERE wave_id = ? ORDER BY id').all(waveId) : prepared(db, 'SELECT * FROM action WHERE wave_id = ? AND unit_id = ? ORDER BY id').all(waveId, unitId);
  return (rows as ActionRow[]).map(toAction);
}

/** isOverdue tells whether an unfinished action is past its due date on `today` (YYYY-MM-DD). */
export function isOverdue(a: Action, today: string): boolean {
  return a.dueOn !== null && a.dueOn < today && (a.status === 'planned' || a.status === 'in_progress');
}

/** deleteAction removes an action for good (the audit log keeps what was deleted). */
export function deleteAction(db: Db, id: number): void {
  prepared(db, 'DELETE FROM action WHERE id = ?').run(id);
}

/** dueActionMails lists unfinished actions with an address whose due day has come (on `today`) and
 *  whose mail for that due day has not been queued yet. */
export function dueActionMails(db: Db, today: string): Action[] {
  return (
    prepared(
      db,
      `SELECT * FROM action WHERE notify_email IS NOT NULL AND due_on IS NOT NULL AND due_on <= ? AND status IN ('planned', 'in_progress')
       AND (notified_due IS NULL OR notified_due != due_on) ORDER BY id`,
    ).all(today) as ActionRow[]
  ).map(toAction);
}

/** markActionNotified records that the action's mail for its current due day is queued. */
export function markActionNotified(db: Db, id: number): void {
  prepared(db, 'UPDATE action SET notified_due = due_on WHERE id = ?').run(id);
}
