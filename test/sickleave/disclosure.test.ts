// Attacks on sick-leave figures: subtraction over the tree, across periods (quarters and windows
// beside their months, a re-imported period beside its earlier version) and the split.
import { describe, expect, test } from 'vitest';
import { disclosePeriod, type PeriodDisclosure } from '../../src/sickleave/disclosure.js';
import { quarterFigure, windowFigure, type SpanFigure } from '../../src/sickleave/series.js';
import type { SickLeaveRow, SickLeaveVersion } from '../../src/store/sickleave.js';
import { row, version, type Tree } from './helpers.js';

const K = { k: 5, kSplit: 10 };
const TREE: Tree = [
  ['p', null],
  ['a', 'p'],
  ['b', 'p'],
];
const shown = (d: PeriodDisclosure, id: string) => d.figure[d.forest.index.get(id) as number]?.released;
const why = (d: PeriodDisclosure, id: string) => d.figure[d.forest.index.get(id) as number]?.reason;

// Every released unit's cell (its employees minus its maximal released descendants') is 0 or at
// least the threshold: the only sets a reader can isolate by subtraction in one period.
function cellsSafe(d: PeriodDisclosure, released: (u: number) => boolean, threshold: number, n = d.days.map((x) => x.employees)): boolean {
  const { forest } = d;
  for (let r = 0; r < forest.ids.length; r++) {
    if (!released(r)) continue;
    let cell = n[r] as number;
    const stack = [...(forest.children[r] ?? [])];
    while (stack.length > 0) {
      const c = stack.pop() as number;
      if (released(c)) cell -= n[c] as number;
      else stack.push(...(forest.children[c] ?? []));
    }
    if (cell !== 0 && cell < threshold) return false;
  }
  return true;
}

describe('over the tree', () => {
  test('a unit below k is hidden, and so is the sibling that would give it away as parent minus sibling', () => {
    const d = disclosePeriod([version(TREE, [row('a', '2026-01', 6, 120, 2, 3), row('b', '2026-01', 4, 80, 1, 9)])], K);
    expect(shown(d, 'p')).toBe(true);
    expect(why(d, 'b')).toBe('below_k');
    expect(why(d, 'a')).toBe('complementary');
    expect(cellsSafe(d, (u) => d.figure[u]?.released === true, 5)).toBe(true);
  });

  test('the parent own employees count: a parent of 3 own beside two shown children is protected', () => {
    const d = disclosePeriod([version(TREE, [row('p', '2026-01', 3, 60, 1, 0), row('a', '2026-01', 6, 120, 2, 3), row('b', '2026-01', 7, 140, 1, 1)])], K);
    // p - a - b = p's own three: one child must go.
    expect([shown(d, 'a'), shown(d, 'b')]).toContain(false);
    expect(cellsSafe(d, (u) => d.figure[u]?.released === true, 5)).toBe(true);
  });

  test('the split needs k_split, with its own complementary suppression', () => {
    const d = disclosePeriod([version(TREE, [row('a', '2026-01', 10, 200, 4, 6, [5, 5]), row('b', '2026-01', 8, 160, 2, 2, [4, 0])])], K);
    const split = (id: string) => d.split[d.forest.index.get(id) as number];
    expect(split('p')?.released).toBe(true);
    expect(split('b')).toMatchObject({ released: false, reason: 'below_k', threshold: 10 });
    expect(split('a')).toMatchObject({ released: false, reason: 'complementary' });
    expect(shown(d, 'a') && shown(d, 'b')).toBe(true);
  });

  test('no split is shown where a row below has none', () => {
    const d = disclosePeriod([version(TREE, [row('a', '2026-01', 10, 200, 4, 6, [5, 5]), row('b', '2026-01', 10, 160, 2, 2)])], K);
    expect(d.split[d.forest.index.get('p') as number]?.released).toBe(false);
    expect(d.split[d.forest.index.get('a') as number]?.released).toBe(true);
  });

  test('a threshold raised after the import hides more, never less', () => {
    const v = version(TREE, [row('a', '2026-01', 5, 100, 2, 3), row('b', '2026-01', 12, 240, 2, 3)]);
    expect(shown(disclosePeriod([v], K), 'a')).toBe(true);
    const raised = disclosePeriod([v], { k: 6, kSplit: 10 });
    expect(why(raised, 'a')).toBe('below_k');
    expect(why(raised, 'b')).toBe('complementary');
  });
});

// The attacker's view of a set of periods: every span figure of every unit.
function everything(periods: Map<string, PeriodDisclosure>, units: string[], quarters: string[]): Record<string, SpanFigure> {
  const out: Record<string, SpanFigure> = {};
  for (const u of units) {
    for (const q of quarters) out[`${u} ${q}`] = quarterFigure(periods, u, q);
    out[`${u} window`] = windowFigure(periods, u, quarters);
  }
  return out;
}

describe('across periods', () => {
  const tree: Tree = [['u', null]];

  test('a quarter is withheld when one of its months is, so quarter minus months gives nothing', () => {
    const periods = new Map([
      ['2026-01', disclosePeriod([version(tree, [row('u', '2026-01', 6, 120, 2, 3)])], K)],
      ['2026-02', disclosePeriod([version(tree, [row('u', '2026-02', 6, 110, 1, 3)])], K)],
      ['2026-03', disclosePeriod([version(tree, [row('u', '2026-03', 4, 80, 0, 9)])], K)],
    ]);
    expect(quarterFigure(periods, 'u', '2026-Q1')).toMatchObject({ status: 'hidden', reason: 'below_k' });
    expect(windowFigure(periods, 'u', ['2025-Q4', '2026-Q1'])).toMatchObject({ status: 'hidden' });
  });

  test('a unit of 6 in March and 5 in April: the leaver days are in no figure but March sum of six', () => {
    // Person-level worlds: six people in March, one leaves; the leaver is long-term sick in one
    // world and never absent in the other, where a colleague carries the same days. Every figure
    // a reader can get is the same in both worlds, so nothing shown tells the leaver's days.
    const people = (leaverDays: number, colleagueDays: number) => [
      { id: 'leaver', months: { '2026-03': leaverDays } },
      { id: 'colleague', months: { '2026-03': colleagueDays, '2026-04': 1 } },
      ...[1, 2, 3, 4].map((i) => ({ id: `p${i}`, months: { '2026-03': i, '2026-04': i } })),
    ];
    const releases = (world: ReturnType<typeof people>) => {
      const periods = new Map<string, PeriodDisclosure>();
      for (const m of ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']) {
        const present = world.filter((p) => m < '2026-03' || m in p.months || (m > '2026-04' && p.id !== 'leaver'));
        const lost = present.reduce((s, p) => s + ((p.months as Record<string, number>)[m] ?? 0), 0);
        periods.set(m, disclosePeriod([version(tree, [row('u', m, present.length, 20 * present.length, 0, lost)])], K));
      }
      return everything(periods, ['u'], ['2026-Q1', '2026-Q2']);
    };
    const sick = releases(people(20, 0));
    const healthy = releases(people(0, 20));
    expect(sick['u 2026-Q1']).toMatchObject({ status: 'shown' });
    expect(sick['u 2026-Q2']).toMatchObject({ status: 'shown' });
    expect(sick).toEqual(healthy);
  });

  test('re-importing a period with one person fewer holds the new figures back up the tree', () => {
    const first = version(TREE, [row('a', '2026-03', 6, 120, 2, 3), row('b', '2026-03', 9, 180, 2, 2)]);
    const second = version(TREE, [row('a', '2026-03', 5, 100, 2, 0), row('b', '2026-03', 9, 180, 2, 2)]);
    const d = disclosePeriod([first, second], K);
    // Old a minus new a (and old p minus new p) would be the removed person's days.
    expect(why(d, 'a')).toBe('release');
    expect(why(d, 'p')).toBe('release');
    expect(shown(d, 'b')).toBe(true);
  });

  test('a correction that changes days but not headcount counts as at least one person', () => {
    const first = version(TREE, [row('a', '2026-03', 6, 120, 2, 3), row('b', '2026-03', 9, 180, 2, 2)]);
    const second = version(TREE, [row('a', '2026-03', 6, 120, 2, 13), row('b', '2026-03', 9, 180, 2, 2)]);
    expect(why(disclosePeriod([first, second], K), 'a')).toBe('release');
  });

  test('an identical re-import, or one that changes at least k employees, shows the new figures', () => {
    const first = version(TREE, [row('a', '2026-03', 6, 120, 2, 3), row('b', '2026-03', 9, 180, 2, 2)]);
    const same = version(TREE, first.rows);
    expect(shown(disclosePeriod([first, same], K), 'a')).toBe(true);
    const grown = version(TREE, [row('a', '2026-03', 11, 220, 2, 3), row('b', '2026-03', 9, 180, 2, 2)]);
    const d = disclosePeriod([first, grown], K);
    expect([shown(d, 'a'), shown(d, 'b'), shown(d, 'p')]).toEqual([true, true, true]);
  });

  test('what an earlier version withheld stays withheld', () => {
    const first = version(TREE, [row('a', '2026-03', 4, 80, 2, 3), row('b', '2026-03', 9, 180, 2, 2)]);
    const second = version(TREE, [row('a', '2026-03', 9, 180, 2, 3), row('b', '2026-03', 9, 180, 2, 2)]);
    expect(why(disclosePeriod([first, second], K), 'a')).toBe('below_k');
  });

  test('a unit moved after an import keeps its place in that period', () => {
    const first = version(TREE, [row('a', '2026-03', 6, 120, 2, 3), row('b', '2026-03', 9, 180, 2, 2)]);
    const moved: Tree = [['p', null], ['a', null], ['b', 'p']];
    const d = disclosePeriod([first, version(moved, first.rows)], K);
    expect(d.forest.parent[d.forest.index.get('a') as number]).toBe(d.forest.index.get('p'));
    expect(shown(d, 'p')).toBe(true);
  });
});

describe('random trees and re-imports', () => {
  // A small deterministic generator, so a failure can be replayed.
  function rng(seed: number) {
    let s = seed >>> 0;
    return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  }
  test.each(Array.from({ length: 40 }, (_, i) => i + 1))('seed %i: every version safe alone, shown only if shown before, changes safe', (seed) => {
    const r = rng(seed);
    const size = 3 + Math.floor(r() * 9);
    const tree: Tree = Array.from({ length: size }, (_, i) => [`u${i}`, i === 0 ? null : `u${Math.floor(r() * i)}`]);
    const rowsOf = (): SickLeaveRow[] =>
      tree.flatMap(([id]) => {
        if (r() < 0.3) return [];
        const n = 1 + Math.floor(r() * 12);
        return [row(id, '2026-03', n, 20 * n, Math.floor(r() * n), Math.floor(r() * n), r() < 0.5 ? undefined : [0, 0])];
      });
    const versions: SickLeaveVersion[] = [version(tree, rowsOf())];
    for (let i = 0; i < 3; i++) versions.push(version(tree, r() < 0.5 ? versions[versions.length - 1]!.rows : rowsOf()));
    let before: PeriodDisclosure | undefined;
    for (let i = 1; i <= versions.length; i++) {
      const d = disclosePeriod(versions.slice(0, i), K);
      expect(cellsSafe(d, (u) => d.figure[u]?.released === true, 5)).toBe(true);
      expect(cellsSafe(d, (u) => d.split[u]?.released === true, 10)).toBe(true);
      if (before) {
        // What a reader gets by subtracting the previous version: the changed employees, counted as
        // at least one per changed row, in every cell of what both versions show (0 or at least k).
        const old = new Map(versions[i - 2]!.rows.map((x) => [x.unitId, x]));
        const now = new Map(versions[i - 1]!.rows.map((x) => [x.unitId, x]));
        const own = d.forest.ids.map((id) => {
          const a = old.get(id);
          const b = now.get(id);
          if (!a || !b) return (a?.employees ?? 0) + (b?.employees ?? 0);
          return JSON.stringify(a) === JSON.stringify(b) ? 0 : Math.max(1, Math.abs(a.employees - b.employees));
        });
        const changed = [...own];
        for (let j = d.forest.preorder.length - 1; j >= 0; j--) {
          const u = d.forest.preorder[j]!;
          const p = d.forest.parent[u]!;
          if (p >= 0) changed[p]! += changed[u]!;
        }
        expect(cellsSafe(d, (u) => d.figure[u]?.released === true, 5, changed)).toBe(true);
      }
      d.figure.forEach((f, u) => {
        if (f.released && before) expect(before.figure[u]?.released).toBe(true);
        if (d.split[u]?.released) expect(f.released).toBe(true);
      });
      before = d;
    }
  });
});
