// Projects: the waves of one survey repeated over time (T0, T1, ...), compared per unit.
import { prepared, type Db } from './db.js';
import { getWave, type Wave } from './waves.js';

export interface Project {
  id: number;
  name: string;
  surveyId: string;
}

/** createProject inserts a project for a survey and returns its id. */
export function createProject(db: Db, name: string, surveyId: string): number {
  return Number(prepared(db, 'INSERT INTO project (name, survey_id) VALUES (?, ?)').run(name, surveyId).lastInsertRowid);
}

/** getProject returns a project or undefined. */
export function getProject(db: Db, id: number): Project | undefined {
  const row = prepared(db, 'SELECT id, name, survey_id FROM project WHERE id = ?').get(id) as { id: number; name: string; survey_id: string } | undefined;
  return row && { id: row.id, name: row.name, surveyId: row.survey_id };
}

/** listProjects returns all projects by name. */
export function listProjects(db: Db): Project[] {
  return (prepared(db, 'SELECT id, name, survey_id FROM project ORDER BY name').all() as { id: number; name: string; survey_id: string }[]).map((r) => ({ id: r.id, name: r.name, surveyId: r.survey_id }));
}

/** setWaveProject puts a wave in a project (or none); the caller checks the survey matches. */
export function setWaveProject(db: Db, waveId: number, projectId: number | null): void {
  prepared(db, 'UPDATE wave SET project_id = ? WHERE id = ?').run(projectId, waveId);
}

/** projectWaves returns a project's waves in time order (opening day, then id). */
export function projectWaves(db: Db, projectId: number): Wave[] {
  const ids = prepared(db, "SELECT id FROM wave WHERE project_id = ? ORDER BY coalesce(opens_on, closes_on, ''), id").all(projectId) as { id: number }[];
  return ids.map((r) => getWave(db, r.id)).filter((w): w is Wave => w !== undefined);
}

/** waveProjectId returns the project a wave belongs to, if any. */
export function waveProjectId(db: Db, waveId: number): number | null {
  return (prepared(db, 'SELECT project_id FROM wave WHERE id = ?').get(waveId) as { project_id: number | null } | undefined)?.project_id ?? null;
}

export interface UnitMapping {
  oldUnitId: string;
  newUnitId: string;
}

/** listMappings returns a project's old -> new unit mappings. */
export function listMappings(db: Db, projectId: number): UnitMapping[] {
  return (prepared(db, 'SELECT old_unit_id, new_unit_id FROM unit_map WHERE project_id = ? ORDER BY old_unit_id, new_unit_id').all(projectId) as { old_unit_id: string; new_unit_id: string }[]).map((r) => ({
    oldUnitId: r.old_unit_id,
    newUnitId: r.new_unit_id,
  }));
}

/** addMapping records that an old unit continues (in part) as a new one. */
export function addMapping(db: Db, projectId: number, oldUnitId: string, newUnitId: string): void {
  prepared(db, 'INSERT OR IGNORE INTO unit_map (project_id, old_unit_id, new_unit_id) VALUES (?, ?, ?)').run(projectId, oldUnitId, newUnitId);
}

/** removeMapping deletes one mapping. */
export function removeMapping(db: Db, projectId: number, oldUnitId: string, newUnitId: string): void {
  prepared(db, 'DELETE FROM unit_map WHERE project_id = ? AND old_unit_id = ? AND new_unit_id = ?').run(projectId, oldUnitId, newUnitId);
}
