// A project's comparison: its closed waves' suppressed tables, compared unit by unit (matched by
// stable id) and, across reorganisations, by mapped groups. Everything is read from the released
// tables (report/released.ts) through report/compare.ts.
import type { AppDeps } from '../deps.js';
import { HttpError } from '../../errors.js';
import { compareGroups, itemComparability, type Comparability, type UnitComparison } from '../../report/compare.js';
import { resultsReleasable } from '../../report/disclosure.js';
import { mergeReleased } from '../../report/merge-released.js';
import type { ReleasedGroup } from '../../report/released.js';
import { everyWaveResults, type WaveResults } from '../../report/wave-results.js';
import { inStaffLanguage } from '../results/texts.js';
import { getProject, listMappings, projectWaves, type Project, type UnitMapping } from '../../store/projects.js';
import type { Unit } from '../../store/units.js';
import { treeRows } from '../admin/units.js';
import type { Staff } from '../staff/session.js';

/** What is compared: one unit by its stable id, or a mapped group (members per wave). */
export interface CompareGroup {
  key: string;
  label: string;
  depth: number;
  mapped: boolean;
  /** The member unit ids present in each compared wave. */
  perWave: string[][];
}

export interface ProjectComparison {
  project: Project;
  /** The project's closed waves in time order, with their results. */
  waves: WaveResults[];
  /** Waves of the project still open or not started: not compared until they close. */
  pending: string[];
  comparability: Map<string, Comparability>;
  groups: CompareGroup[];
  mappings: UnitMapping[];
  /** Units in some compared waves but not all, and in no mapping: listed, never dropped silently. */
  unmatched: { unit: Unit; waves: string[] }[];
  /** Every unit of the compared waves by id (for names and mapping forms). */
  unitsById: Map<string, Unit>;
}

// Connected mappings form one group: union-find over the ids that appear in mappings.
function mappingComponents(mappings: readonly UnitMapping[]): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  for (const m of mappings) {
    for (const id of [m.oldUnitId, m.newUnitId]) if (!parent.has(id)) parent.set(id, id);
    parent.set(find(m.oldUnitId), find(m.newUnitId));
  }
  const components = new Map<string, string[]>();
  for (const id of parent.keys()) components.set(find(id), [...(components.get(find(id)) ?? []), id]);
  return [...components.values()].map((c) => c.sort());
}

/** loadComparison gathers a project's closed waves and comparison groups; 404 for an unknown project. */
export function loadComparison(deps: AppDeps, projectId: number, lang = 'nb'): ProjectComparison {
  const project = getProject(deps.db, projectId);
  if (!project) throw new HttpError(404, 'notFound');
  const all = projectWaves(deps.db, project.id);
  const waves = everyWaveResults(deps.db, all.filter(resultsReleasable));
  const pending = all.filter((w) => !resultsReleasable(w)).map((w) => w.name);
  // Decided on the bokmål definitions; only then are the texts put in the reader's language.
  const comparability = itemComparability(waves.map((w) => w.survey));
  const shown = waves.map((w) => inStaffLanguage(w, lang));
  const mappings = listMappings(deps.db, project.id);
  const unitsById = new Map(waves.flatMap((w) => w.units.map((u) => [u.id, u] as const)));
  const inWave = (w: WaveResults, id: string): boolean => w.tables.has(id);
  const mapped = new Set(mappings.flatMap((m) => [m.oldUnitId, m.newUnitId]));

  const last = waves[waves.length - 1];
  const groups: CompareGroup[] = last
    ? treeRows(last.units)
        .filter((r) => !mapped.has(r.unit.id) && waves.every((w) => inWave(w, r.unit.id)))
        .map((r) => ({ key: r.unit.id, label: r.unit.name, depth: r.depth, mapped: false, perWave: waves.map(() => [r.unit.id]) }))
    : [];
  for (const component of mappingComponents(mappings)) {
    const perWave = waves.map((w) => component.filter((id) => inWave(w, id)));
    if (perWave.some((members) => members.length === 0)) continue;
    const name = (ids: string[]): string => ids.map((id) => unitsById.get(id)?.name ?? id).join(' + ');
    groups.push({ key: `gruppe:${component.join('+')}`, label: `${name(perWave[0] ?? [])} → ${name(perWave[perWave.length - 1] ?? [])}`, depth: 0, mapped: true, perWave });
  }
  const covered = new Set(groups.flatMap((g) => g.perWave.flat()));
  const unmatched = new Map<string, { unit: Unit; waves: string[] }>();
  for (const w of waves) {
    for (const u of w.units) if (!covered.has(u.id)) unmatched.set(u.id, { unit: u, waves: [...(unmatched.get(u.id)?.waves ?? []), w.wave.name] });
  }
  return { project, waves: shown, pending, comparability, groups, mappings, unmatched: [...unmatched.values()], unitsById };
}

/** groupInWave is a group's released table in one wave: the unit's own, or its members' merged. */
function groupInWave(w: WaveResults, group: CompareGroup, members: string[]): ReleasedGroup | undefined {
  const tables = members.map((id) => w.tables.get(id));
  if (tables.some((t) => t === undefined)) return undefined;
  return members.length === 1 ? tables[0] : mergeReleased(group.key, tables as ReleasedGroup[]);
}

/** compareUnit compares one group (a unit's whole subtree, or a mapped group) across the closed waves. */
export function compareUnit(c: ProjectComparison, key: string): UnitComparison {
  const group = c.groups.find((g) => g.key === key);
  if (!group) throw new HttpError(404, 'notFound');
  return compareGroups(
    c.waves.map((w, k) => ({ waveId: w.wave.id, label: w.wave.name, survey: w.survey, group: groupInWave(w, group, group.perWave[k] ?? []) })),
    c.comparability,
    { unitId: key },
  );
}

/** visibleGroups lists the groups a staff member may see: every member unit must be theirs. */
export function visibleGroups(c: ProjectComparison, staff: Staff): CompareGroup[] {
  return c.groups.filter((g) => g.perWave.flat().every((id) => staff.canSee(id)));
}
