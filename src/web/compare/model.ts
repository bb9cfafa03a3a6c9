// A project's comparison: its closed waves' suppressed tables, compared unit by unit. Everything
// here is read from the released tables (report/released.ts) through report/compare.ts.
import type { AppDeps } from '../../app.js';
import { HttpError } from '../../errors.js';
import { compareGroups, itemComparability, type Comparability, type UnitComparison } from '../../report/compare.js';
import { resultsReleasable } from '../../report/disclosure.js';
import { waveResults, type WaveResults } from '../../report/wave-results.js';
import { getProject, projectWaves, type Project } from '../../store/projects.js';
import type { Unit } from '../../store/units.js';
import { treeRows } from '../admin/units.js';
import type { Staff } from '../staff/session.js';

export interface ProjectComparison {
  project: Project;
  /** The project's closed waves in time order, with their results. */
  waves: WaveResults[];
  /** Waves of the project still open or not started: not compared until they close. */
  pending: string[];
  comparability: Map<string, Comparability>;
  /** Units found in every compared wave (matched by their stable id), in tree order. */
  units: { unit: Unit; depth: number }[];
  /** Units taking part in some compared waves but not all: listed, never dropped silently. */
  unmatched: { unit: Unit; waves: string[] }[];
}

/** loadComparison gathers a project's closed waves; it throws 404 for an unknown project. */
export function loadComparison(deps: AppDeps, projectId: number): ProjectComparison {
  const project = getProject(deps.db, projectId);
  if (!project) throw new HttpError(404, 'notFound');
  const all = projectWaves(deps.db, project.id);
  const waves = all.filter(resultsReleasable).map((w) => waveResults(deps.db, w)).filter((r): r is WaveResults => r !== undefined);
  const pending = all.filter((w) => !resultsReleasable(w)).map((w) => w.name);
  const comparability = itemComparability(waves.map((w) => w.survey));
  const last = waves[waves.length - 1];
  const inAll = (id: string): boolean => waves.every((w) => w.tables.has(id));
  const units = last ? treeRows(last.units).filter((r) => inAll(r.unit.id)) : [];
  const seen = new Map<string, { unit: Unit; waves: string[] }>();
  for (const w of waves) for (const u of w.units) if (!inAll(u.id)) seen.set(u.id, { unit: u, waves: [...(seen.get(u.id)?.waves ?? []), w.wave.name] });
  return { project, waves, pending, comparability, units, unmatched: [...seen.values()] };
}

/** compareUnit compares one unit (its whole subtree) across the project's closed waves. */
export function compareUnit(c: ProjectComparison, unitId: string): UnitComparison {
  return compareGroups(
    c.waves.map((w) => ({ waveId: w.wave.id, label: w.wave.name, survey: w.survey, group: w.tables.get(unitId) })),
    c.comparability,
    { unitId },
  );
}

/** visibleComparedUnits lists the matched units a staff member may see. */
export function visibleComparedUnits(c: ProjectComparison, staff: Staff): { unit: Unit; depth: number }[] {
  return c.units.filter((u) => staff.canSee(u.unit.id));
}
