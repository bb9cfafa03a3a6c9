// Disclosure control (DOMAIN.md 3): which group figures may be shown. Every results output is
// built from a Disclosure, through released.ts; nothing else decides what is visible.
//
// Model: a released figure is a sum over a set of respondents. Released groups form a laminar
// (tree-shaped) family, so every linear combination of released figures is a combination of its
// "cells": cell(R) = R minus the union of R's maximal released descendants (a unit's direct
// respondents fall in its own cell). Subtraction can isolate a cell and nothing finer. A release
// is therefore safe iff every released group has n >= threshold and every cell is 0 or >= it.
// Hiding a released group merges its cell into its parent's, and a sum of sizes that are each 0
// or >= threshold is again 0 or >= threshold: any subset of a safe release is safe. That is why
// a measure may be decided on its own n within the groups already released.
import type { Wave } from '../store/waves.js';
import { buildForest, type Forest, type UnitRef } from './forest.js';
import { emptyGroupTally, type GroupTally } from './group.js';
import { measureSpecs } from './measures.js';

export interface Thresholds {
  /** Minimum n for any group figure: response counts, means, SDs, shares favourable. */
  k: number;
  /** Minimum n for distributions: counts per option, position-size shares and counts. */
  kDistribution: number;
  /** Minimum n for free text. */
  kText: number;
  /** Whether the wave shows free text in reports at all. */
  freeText: boolean;
}

/** Why a figure is not shown: too few respondents; hidden so another hidden figure cannot be
 *  computed by subtraction; or switched off (free text). */
export type SuppressionReason = 'below_k' | 'complementary' | 'disabled';

export interface Release {
  released: boolean;
  reason?: SuppressionReason;
  /** The threshold that applied (what "fewer than" refers to for 'below_k'). */
  threshold: number;
}

export interface MeasureRelease {
  value: Release;
  /** Present for measures that have a distribution; never released when value is not. */
  distribution?: Release;
}

export interface GroupDisclosure extends Release {
  measures: Map<string, MeasureRelease>;
}

export interface Disclosure {
  thresholds: Thresholds;
  units: Map<string, GroupDisclosure>;
}

/** thresholdsOf reads a wave's thresholds. */
export function thresholdsOf(wave: Pick<Wave, 'kResults' | 'kDistribution' | 'kText' | 'freeTextInReports'>): Thresholds {
  return { k: wave.kResults, kDistribution: wave.kDistribution, kText: wave.kText, freeText: wave.freeTextInReports };
}

/** resultsReleasable: results exist only for a closed wave; live figures would let a reader
 *  compare the totals just before and just after one person answered. */
export function resultsReleasable(wave: Pick<Wave, 'status'>): boolean {
  return wave.status === 'closed';
}

/** assertThresholds throws unless k >= 3 and the distribution and text thresholds are at least k (DOMAIN.md 3). */
export function assertThresholds(t: Thresholds): void {
  const ok = (x: number) => Number.isInteger(x) && x >= 3;
  if (!ok(t.k) || !ok(t.kDistribution) || !ok(t.kText) || t.kDistribution < t.k || t.kText < t.k) {
    throw new RangeError(`invalid anonymity thresholds k=${t.k}, kDistribution=${t.kDistribution}, kText=${t.kText}`);
  }
}

export interface Suppression {
  released: boolean[];
  /** Set for candidates not released; undefined for released units and non-candidates. */
  reason: (SuppressionReason | undefined)[];
}

/** suppress decides one measure over the forest: n per unit index (subtree counts), released only among
 *  candidates (default all), with primary and complementary suppression; the result is a safe release. */
export function suppress(forest: Forest, n: readonly number[], threshold: number, candidates?: readonly boolean[]): Suppression {
  const size = forest.ids.length;
  const released = new Array<boolean>(size).fill(false);
  const reason = new Array<SuppressionReason | undefined>(size).fill(undefined);
  const count = (u: number) => n[u] ?? 0;
  for (let u = 0; u < size; u++) {
    if (candidates && !candidates[u]) continue;
    if (count(u) >= threshold) released[u] = true;
    else reason[u] = 'below_k';
  }
  const maximal = (r: number): number[] => {
    const out: number[] = [];
    const stack = [...(forest.children[r] ?? [])];
    while (stack.length > 0) {
      const c = stack.pop() as number;
      if (released[c]) out.push(c);
      else stack.push(...(forest.children[c] ?? []));
    }
    return out;
  };
  const cell = (r: number, desc: readonly number[]) => desc.reduce((s, d) => s - count(d), count(r));

  // What each unit's maximal released descendants hold, children before parents: O(units), so
  // cells that already pass (nearly all) cost no tree walk.
  const below = new Array<number>(size).fill(0);
  for (let i = forest.preorder.length - 1; i >= 0; i--) {
    const u = forest.preorder[i] as number;
    for (const c of forest.children[u] ?? []) below[u] = (below[u] ?? 0) + (released[c] ? count(c) : (below[c] ?? 0));
  }

  // Hiding a maximal descendant of R changes no cell but R's, so one parent-first pass suffices
  // (and `below` stays right for every released unit still to come).
  for (const r of forest.preorder) {
    if (!released[r]) continue;
    let open = count(r) - (below[r] ?? 0);
    if (open === 0 || open >= threshold) continue;
    let desc = maximal(r);
    while (open > 0 && open < threshold) {
      // The next smallest (ties: unit id); a descendant whose own cell is empty would add nothing.
      let pick = -1;
      let pickPositive = false;
      for (const d of desc) {
        const positive = cell(d, maximal(d)) > 0;
        const better =
          pick < 0 || (positive && !pickPositive) || (positive === pickPositive && (count(d) < count(pick) || (count(d) === count(pick) && d < pick)));
        if (better) {
          pick = d;
          pickPositive = positive;
        }
      }
      released[pick] = false;
      reason[pick] = 'complementary';
      const inner = maximal(pick);
      desc = desc.filter((d) => d !== pick).concat(inner);
      open += cell(pick, inner);
    }
  }
  // A group hidden on the way whose respondents all sit in released descendants protects nobody,
  // and its total is their sum anyway: show it rather than claim it is hidden. (Reached when
  // equal-sized groups that each equal their descendants' sum tie.)
  for (let u = 0; u < size; u++) {
    if (reason[u] === 'complementary' && cell(u, maximal(u)) === 0) {
      released[u] = true;
      reason[u] = undefined;
    }
  }
  return { released, reason };
}

const hidden = (reason: SuppressionReason | undefined, threshold: number): Release => ({ released: false, reason: reason ?? 'below_k', threshold });

/** disclose decides, for every unit's whole-subtree tally (see rollUp), whether the group and each of its measures may be shown. */
export function disclose(units: readonly UnitRef[], rolled: ReadonlyMap<string, GroupTally>, thresholds: Thresholds): Disclosure {
  assertThresholds(thresholds);
  const { k, kDistribution, kText, freeText } = thresholds;
  const forest = buildForest(units);
  const empty = emptyGroupTally();
  const tallies = forest.ids.map((id) => rolled.get(id) ?? empty);
  const group = suppress(
    forest,
    tallies.map((t) => t.responses),
    k,
  );
  const result: GroupDisclosure[] = forest.ids.map((_, u) =>
    group.released[u] ? { released: true, threshold: k, measures: new Map() } : { ...hidden(group.reason[u], k), measures: new Map() },
  );
  // A measure of a hidden group carries the group's own reason.
  const groupHidden = (u: number): Release => hidden(group.reason[u], k);

  for (const spec of measureSpecs(tallies)) {
    const threshold = spec.text ? kText : k;
    const value: Suppression = spec.text && !freeText ? { released: [], reason: [] } : suppress(forest, tallies.map(spec.n), threshold, group.released);
    // Counts per option also give the sum (count x value): deciding distributions only among the
    // groups whose value is shown keeps everything that reveals a sum within one safe release.
    const dist = spec.distributionN && suppress(forest, tallies.map(spec.distributionN), kDistribution, value.released);
    forest.ids.forEach((_, u) => {
      let v: Release;
      if (!group.released[u]) v = groupHidden(u);
      else if (spec.text && !freeText) v = { released: false, reason: 'disabled', threshold };
      else v = value.released[u] ? { released: true, threshold } : hidden(value.reason[u], threshold);
      const m: MeasureRelease = { value: v };
      if (dist) {
        if (!v.released) m.distribution = v;
        else m.distribution = dist.released[u] ? { released: true, threshold: kDistribution } : hidden(dist.reason[u], kDistribution);
      }
      result[u]?.measures.set(spec.key, m);
    });
  }
  return { thresholds, units: new Map(forest.ids.map((id, u) => [id, result[u] as GroupDisclosure])) };
}
