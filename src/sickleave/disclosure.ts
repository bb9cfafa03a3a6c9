// Disclosure control for sick-leave figures (DOMAIN.md 3, docs/METHODS.md "Sykefravær"). The
// figures are sums of days over a unit's employees in one period, so they are decided like a
// survey measure, with the same suppress() of report/disclosure.ts:
//
// One period, one release: a unit's figure (its subtree's days) is shown only with at least k
// employees (never below 5), and complementary suppression hides more until no unit's own days
// can be had as a parent minus its shown children. The short/long split tells how many days went
// to long absences, usually one or two people's, so it needs k_split employees, decided among the
// units whose figure is shown.
//
// Periods: different months hold different days, so figures of two periods never subtract to a
// part of one; the unit of 6 in March and 5 in April shows two sums over disjoint days, and the
// one who left is in March's sum of six and nowhere else. What can subtract are figures over the
// same days: a quarter or a twelve-month window beside the months in it, and a re-imported period
// beside its earlier version. So a figure over several periods is only ever a sum of figures
// shown for each of them (figures.ts/series.ts), and a re-imported period is a later release of
// the same days (rule 2 of report/disclosure.ts): it shows a figure only where the earlier version
// did, and only where the rows that changed, summed up the tree, are 0 or at least k employees.
// The tree and thresholds are the ones each import recorded; thresholds only rise.
import { buildForest, sumUp, type Forest, type UnitRef } from '../report/forest.js';
import { suppress, type Suppression } from '../report/disclosure.js';
import type { SickLeaveRow, SickLeaveSettings, SickLeaveVersion } from '../store/sickleave.js';
import { rollUpDays, type Days } from './figures.js';

/** Why a sick-leave figure is withheld: too few employees, hidden so another cannot be computed by
 *  subtraction, or held back because beside an earlier version of the period it would single out
 *  the few whose rows changed. */
export type SickLeaveReason = 'below_k' | 'complementary' | 'release';

/** SickLeaveRelease says whether a figure is shown and, if not, why and under which threshold. */
export interface SickLeaveRelease {
  released: boolean;
  reason?: SickLeaveReason;
  threshold: number;
}

/** PeriodDisclosure is one stored period: each unit's summed days (current version) and what may be shown. */
export interface PeriodDisclosure {
  forest: Forest;
  days: Days[];
  figure: SickLeaveRelease[];
  split: SickLeaveRelease[];
}

// The period's tree: the first version's, with units that later versions add placed as those
// versions recorded them (a unit moved since keeps its place, so no sum moves under a reader).
function periodTree(versions: readonly SickLeaveVersion[]): UnitRef[] {
  const tree = new Map<string, string | null>();
  for (const v of versions) for (const u of v.tree) if (!tree.has(u.id)) tree.set(u.id, u.parentId);
  return [...tree].map(([id, parentId]) => ({ id, parentId: parentId !== null && tree.has(parentId) ? parentId : null }));
}

// How many of a unit's own employees a re-import changed: 0 for an identical row, else at least
// one (the rows cannot say who changed; a changed headcount says at least how many).
function changedEmployees(before: SickLeaveRow | undefined, after: SickLeaveRow | undefined): number {
  if (!before || !after) return (before?.employees ?? 0) + (after?.employees ?? 0);
  const same = before.employees === after.employees && before.agreed === after.agreed && before.lostSelf === after.lostSelf && before.lostDoctor === after.lostDoctor && before.lostShort === after.lostShort && before.lostLong === after.lostLong;
  return same ? 0 : Math.max(1, Math.abs(before.employees - after.employees));
}


/** disclosePeriod decides one period over its versions (oldest first, the last current) and the
 *  current settings: per unit, whether its figure and its short/long split may be shown. */
export function disclosePeriod(versions: readonly SickLeaveVersion[], settings: Pick<SickLeaveSettings, 'k' | 'kSplit'>): PeriodDisclosure {
  if (versions.length === 0) throw new RangeError('a period without versions');
  const forest = buildForest(periodTree(versions));
  let figure: SickLeaveRelease[] = [];
  let split: SickLeaveRelease[] = [];
  let days: Days[] = [];
  let previous: SickLeaveVersion | undefined;
  // Each step may only hide: a figure hidden before keeps the reason it was first hidden for.
  const step = (s: Suppression, prior: SickLeaveRelease[], threshold: number, fallback: SickLeaveReason): SickLeaveRelease[] =>
    forest.ids.map((_, u) => {
      const was = prior[u];
      if (was && !was.released) return was;
      if (s.released[u]) return { released: true, threshold: was?.threshold ?? threshold };
      return { released: false, reason: s.reason[u] === 'complementary' ? 'complementary' : fallback, threshold };
    });
  const steps = [...versions.map((v) => ({ version: v, k: v.k, kSplit: v.kSplit }))];
  const last = versions[versions.length - 1] as SickLeaveVersion;
  // Thresholds raised since the last import: one more step over the same rows.
  if (settings.k > last.k || settings.kSplit > last.kSplit) steps.push({ version: last, k: Math.max(settings.k, last.k), kSplit: Math.max(settings.kSplit, last.kSplit) });
  for (const { version, k, kSplit } of steps) {
    days = rollUpDays(forest, version.rows);
    const n = days.map((d) => d.employees);
    const priorFigure = figure;
    const priorSplit = split;
    const first = priorFigure.length === 0;
    const main = suppress(forest, n, k, first ? {} : { candidates: priorFigure.map((r) => r.released) });
    figure = step(main, priorFigure, k, 'below_k');
    const hasSplit = days.map((d) => d.lostShort !== null && d.lostLong !== null);
    const splitCandidates = figure.map((r, u) => r.released && (hasSplit[u] ?? false) && (first || (priorSplit[u]?.released ?? false)));
    split = step(suppress(forest, n, kSplit, { candidates: splitCandidates }), first ? [] : priorSplit, kSplit, 'below_k').map((r, u) => (figure[u]?.released ? r : { released: false, reason: figure[u]?.reason, threshold: kSplit }));
    if (previous && previous !== version) {
      // Rule 2: the changed rows, summed up the tree, are a release of their own with 0 passing.
      const before = new Map(previous.rows.map((r) => [r.unitId, r]));
      const after = new Map(version.rows.map((r) => [r.unitId, r]));
      const changed = sumUp(forest, forest.ids.map((id) => changedEmployees(before.get(id), after.get(id))), (a, b) => a + b);
      figure = step(suppress(forest, changed, k, { candidates: figure.map((r) => r.released), zeroOk: true }), figure, k, 'release');
      split = step(suppress(forest, changed, kSplit, { candidates: split.map((r) => r.released), zeroOk: true }), split, kSplit, 'release').map((r, u) =>
        figure[u]?.released || !r.released ? r : { released: false, reason: figure[u]?.reason, threshold: kSplit },
      );
    }
    previous = version;
  }
  return { forest, days, figure, split };
}

/** discloseAll decides every stored period. */
export function discloseAll(versions: ReadonlyMap<string, readonly SickLeaveVersion[]>, settings: Pick<SickLeaveSettings, 'k' | 'kSplit'>): Map<string, PeriodDisclosure> {
  return new Map([...versions].map(([period, v]) => [period, disclosePeriod(v, settings)]));
}
