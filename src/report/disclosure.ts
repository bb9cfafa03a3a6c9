// Disclosure control (DOMAIN.md 3): which group figures may be shown. Every results output is
// built from a Disclosure, through released.ts; nothing else decides what is visible. The
// attacker holds every figure ever shown for a wave (all releases, all measures, every output)
// and combines them linearly; no combination may isolate 1..k-1 respondents.
//
// Rule 1, one measure in one release. A released figure is a sum over a set of respondents.
// Released groups form a laminar (tree-shaped) family, so every linear combination of released
// figures is a combination of its "cells": cell(R) = R minus the union of R's maximal released
// descendants (a unit's direct respondents fall in its own cell). Subtraction can isolate a cell
// and nothing finer. A release is therefore safe iff every released group has n >= threshold and
// every cell is 0 or >= it. Hiding a released group merges its cell into its parent's, and a sum
// of sizes that are each 0 or >= threshold is again 0 or >= threshold: any subset of a safe
// release is safe. That is why a measure may be decided on its own n within the groups already
// released, and why every later rule may only hide more.
//
// Rule 2, releases. A closed wave's release is recorded (store/releases.ts): the tree, the
// thresholds and the tallies at close; later edits of units never move it. A later release of
// the same answers (after a reopen and close, or with raised thresholds) shows a figure only if
// the previous release showed it (so the sets S_r(G) shown now were shown before as S_{r-1}(G))
// and the respondents added since, D(G) = S_r(G) - S_{r-1}(G), themselves form a safe release
// (rule 1 over the differences, where 0 passes). Then the span of everything shown is
// span{S_1(G)} + span{D_2(G)} + ... over disjoint respondent sets, each safe: a nonzero
// combination has support of at least k. New respondents' means come with their sums of squares
// by subtraction, so their values need the distribution threshold. Raised thresholds are a later
// release with no new respondents: only monotone hiding. The breakdown is refused after new
// respondents, and otherwise shown only as far as every threshold step showed it.
//
// Rule 3, measures of one group. Figures over different respondent sets of the same answers must
// not combine into a few people's answers. Where two measures are equal for most respondents (desired
// and current position % for everyone who wants the same size), their difference is a sum over the
// rest: their number is decided as a family of its own (0 or at least k for the mean, the
// distribution threshold for the SD). Derived measures are therefore functions of their
// released components, never of respondents the components leave out: the now/desired gap is the
// desired mean minus the now mean; a factor score and the RAUS total are the mean of their items'
// means, shown only where every item mean is shown exactly (released.ts). Their SD is a figure of
// its own (over each respondent's mean with unanswered items filled in by the group's item means),
// decided like any SD (rule 4). An item's exact n beside the group's n counts those who skipped
// or said "vet ikke": it is shown only where the item's distribution (which shows that count) is;
// elsewhere the n is given as "at most" the group's n. Measures without a distribution give their
// exact n with their SD.
//
// Rule 4, moments. n, mean, SD and share favourable of a small group can pin its counts per
// option, and SD 0 says everyone answered alike. SD, share favourable and exact n therefore follow
// the distribution threshold, as a family of their own with complementary suppression (so no cell
// below it gets them by subtraction). Below it only the mean is shown, and a mean within half a
// point of a scale end is shown as a bound ("over 4,5"): n values summing to within one step of
// the extreme are the only sums with a single count vector, and half a point covers at least two
// sums for n >= 4 (tested exhaustively for every scale and n from k to the distribution threshold).
// An ancestor's shown distribution caps a child's counts, so a child's mean is also checked against
// it (pinned.ts) and decided again as a complement where fewer than two count vectors fit.
import type { Wave } from '../store/waves.js';
import { buildForest, type Forest, type UnitRef } from './forest.js';
import { emptyGroupTally, subtractTallies, type GroupTally } from './group.js';
import { countsOnly, measureSpecs } from './measures.js';
import { pinnedMeans } from './pinned.js';

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
 *  computed by subtraction (for a factor: from it and its items); switched off (free text); or held
 *  back because, beside what an earlier release of the same wave showed, it would single out the
 *  few who answered since. */
export type SuppressionReason = 'below_k' | 'complementary' | 'disabled' | 'release';

export interface Release {
  released: boolean;
  reason?: SuppressionReason;
  /** The threshold that applied (what "fewer than" refers to for 'below_k'). */
  threshold: number;
}

export interface MeasureRelease {
  value: Release;
  /** SD, share favourable and (for measures without a distribution) the exact n: figures that with
   *  the mean can pin a small group's counts per option, so they follow the distribution threshold.
   *  Without them the mean is shown as a bound near the ends of the scale (released.ts). Never
   *  released when value is not. */
  moments: Release;
  /** Present for measures that have a distribution (its counts, and the measure's exact n: the
   *  group's n minus it is how many skipped or said "vet ikke"); never released when moments are not. */
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

/** Options of suppress beyond the plain rule. */
export interface SuppressOptions {
  /** Release only among these (default all). */
  candidates?: readonly boolean[];
  /** A count of 0 passes too: for the respondents added since an earlier release (rule 2), where 0
   *  repeats a figure. */
  zeroOk?: boolean;
}

/** suppress decides one measure over the forest: n per unit index (subtree counts), with primary and
 *  complementary suppression; the result is a safe release (see SuppressOptions). */
export function suppress(forest: Forest, n: readonly number[], threshold: number, options: SuppressOptions = {}): Suppression {
  const { candidates, zeroOk = false } = options;
  const size = forest.ids.length;
  const released = new Array<boolean>(size).fill(false);
  const reason = new Array<SuppressionReason | undefined>(size).fill(undefined);
  const count = (u: number) => n[u] ?? 0;
  for (let u = 0; u < size; u++) {
    if (candidates && !candidates[u]) continue;
    if (count(u) >= threshold || (zeroOk && count(u) === 0)) released[u] = true;
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
  // (and `below` stays right for every released unit still to come). Counts are subtree sums, so
  // an open cell of 1..threshold-1 always has a released descendant to hide.
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
const shown = (threshold: number): Release => ({ released: true, threshold });

interface Pass {
  /** Thresholds for the group count, for values, for moments and distributions, and for free text. */
  group: number;
  value: number;
  moments: number;
  text: number;
  /** Counts of 0 pass: for the respondents added since an earlier release, where 0 repeats a figure. */
  zeroOk: boolean;
  /** The reason given for what this pass hides among candidates. */
  reason?: SuppressionReason;
}

// One pass of decisions over the forest, each family released only among `prior`'s released
// groups and measures (all, without a prior). Every family it decides is a safe release on its own,
// and each later family only hides more of the earlier ones, which keeps those safe.
function decide(forest: Forest, tallies: readonly GroupTally[], freeText: boolean, pass: Pass, prior?: readonly GroupDisclosure[], exclude?: ReadonlyMap<string, ReadonlySet<number>>): GroupDisclosure[] {
  const { zeroOk } = pass;
  const why = (r: SuppressionReason | undefined) => (r === 'below_k' || r === undefined ? (pass.reason ?? r) : r);
  const group = suppress(
    forest,
    tallies.map((t) => t.responses),
    pass.group,
    { candidates: prior?.map((g) => g.released), zeroOk },
  );
  const result: GroupDisclosure[] = forest.ids.map((_, u) => {
    if (group.released[u]) return { ...shown(prior?.[u]?.threshold ?? pass.group), measures: new Map() };
    const before = prior?.[u];
    return { ...hidden(before && !before.released ? before.reason : why(group.reason[u]), pass.group), measures: new Map() };
  });
  for (const spec of measureSpecs(tallies)) {
    const before = (u: number) => prior?.[u]?.measures.get(spec.key);
    // Hidden because the prior (an earlier release or pass) hid it: keep the prior's reason.
    const inherited = (u: number, pick: (m: MeasureRelease) => Release | undefined): Release | undefined => {
      if (!prior) return undefined;
      const m = before(u);
      const r = m && pick(m);
      return r && !r.released ? r : m ? undefined : hidden('release', pass.value);
    };
    const candidates = (pick: (m: MeasureRelease) => Release | undefined, within: readonly boolean[]) =>
      within.map((ok, u) => ok && (!prior || (before(u) !== undefined && (pick(before(u) as MeasureRelease)?.released ?? false))));
    const threshold = spec.text ? pass.text : pass.value;
    const textOff = spec.text === true && !freeText;
    // Means an ancestor's distribution would pin (pinned.ts): not candidates, hidden as complements.
    const excluded = (u: number) => exclude?.get(spec.key)?.has(u) === true;
    // Rule 3: where a measure differs from another only for some respondents, their number is a
    // family of its own (0 passing), decided among the released.
    const differing = (s: Suppression, t: number): Suppression => {
      if (!spec.differs) return s;
      const d = suppress(forest, tallies.map(spec.differs), t, { candidates: s.released, zeroOk: true });
      return { released: d.released, reason: s.released.map((r, u) => (r ? (d.reason[u] === undefined ? undefined : 'complementary') : s.reason[u])) };
    };
    const value: Suppression = textOff
      ? { released: [], reason: [] }
      : differing(suppress(forest, tallies.map(spec.n), threshold, { candidates: candidates((m) => m.value, group.released).map((ok, u) => ok && !excluded(u)), zeroOk }), threshold);
    const moments = spec.text ? undefined : differing(suppress(forest, tallies.map(spec.n), pass.moments, { candidates: candidates((m) => m.moments, value.released), zeroOk }), pass.moments);
    // Counts per option also give the sum and sum of squares: deciding distributions only among
    // the groups whose moments are shown keeps everything that reveals them within one safe release.
    const dist =
      spec.distributionN && moments ? suppress(forest, tallies.map(spec.distributionN), pass.moments, { candidates: candidates((m) => m.distribution, moments.released), zeroOk }) : undefined;
    forest.ids.forEach((_, u) => {
      const gd = result[u] as GroupDisclosure;
      // Shown again: as the prior showed it (the threshold a later pass checks is not the figure's).
      const decided = (s: Suppression, t: number, pick: (m: MeasureRelease) => Release | undefined): Release => {
        const was = before(u);
        if (s.released[u]) return (was && pick(was)) ?? shown(t);
        return inherited(u, pick) ?? hidden(why(s.reason[u]), t);
      };
      let v: Release;
      if (!gd.released) v = hidden(gd.reason, pass.group);
      else if (textOff) v = { released: false, reason: 'disabled', threshold };
      else if (excluded(u)) v = hidden('complementary', threshold);
      else v = decided(value, threshold, (m) => m.value);
      const m: MeasureRelease = { value: v, moments: v.released && moments ? decided(moments, pass.moments, (x) => x.moments) : v };
      if (dist) m.distribution = m.moments.released ? decided(dist, pass.moments, (x) => x.distribution) : m.moments;
      gd.measures.set(spec.key, m);
    });
  }
  return result;
}

const countsOf = (t: GroupTally | undefined): GroupTally | undefined => (t === undefined ? undefined : countsOnly(t));

/** An earlier release of the same wave: its whole-subtree tallies and what it showed. */
export interface EarlierRelease {
  rolled: ReadonlyMap<string, GroupTally>;
  disclosure: Disclosure;
}

/** disclose decides, for every unit's whole-subtree tally (see rollUp), whether the group and each of
 *  its measures may be shown; given the wave's previous release, only what that release showed and
 *  what the respondents added since cannot single out (rule 2). */
export function disclose(units: readonly UnitRef[], rolled: ReadonlyMap<string, GroupTally>, thresholds: Thresholds, previous?: EarlierRelease): Disclosure {
  assertThresholds(thresholds);
  const { k, kDistribution, kText, freeText } = thresholds;
  const forest = buildForest(units);
  const empty = emptyGroupTally();
  // Every decision but the pinned means' reads only counts: the tallies are read one at a time and
  // kept as their counts (a fraction of the memory; `rolled` may hold them packed, read back when
  // asked for), and pinnedMeans reads the few whole tallies it needs from `rolled`.
  const tallies = forest.ids.map((id) => countsOf(rolled.get(id)) ?? empty);
  const whole = (u: number): GroupTally => rolled.get(forest.ids[u] as string) ?? empty;
  const before = previous && forest.ids.map((id) => previous.disclosure.units.get(id) ?? { ...hidden('release', k), measures: new Map() });
  const standalone: Pass = { group: k, value: k, moments: kDistribution, text: kText, zeroOk: false };
  let decided = decide(forest, tallies, freeText, standalone, before);
  // Means an ancestor's distribution pins are decided again without them, until none is left (each
  // round only hides, so this ends).
  const exclude = new Map<string, Set<number>>();
  for (let round = 0; round < 10; round++) {
    const pinned = pinnedMeans(forest, whole, decided, k);
    if (pinned.size === 0) break;
    for (const [key, units] of pinned) {
      const set = exclude.get(key) ?? new Set<number>();
      for (const u of units) set.add(u);
      exclude.set(key, set);
    }
    decided = decide(forest, tallies, freeText, standalone, before, exclude);
  }
  if (previous) {
    // Rule 2: the respondents added since the previous release form a release of their own (their
    // figures are the differences), decided with 0 passing: 0 repeats a figure. Their means come with
    // sums of squares by subtraction, so values need the distribution threshold here.
    const added = forest.ids.map((id, u) => subtractTallies(tallies[u] as GroupTally, countsOf(previous.rolled.get(id)) ?? empty));
    decided = decide(forest, added, freeText, { group: k, value: kDistribution, moments: kDistribution, text: kText, zeroOk: true, reason: 'release' }, decided);
  }
  return { thresholds, units: new Map(forest.ids.map((id, u) => [id, decided[u] as GroupDisclosure])) };
}
