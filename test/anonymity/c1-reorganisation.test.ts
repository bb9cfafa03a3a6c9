// Issue 11, construction 1: a closed wave's results must not move with the current unit tree.
// org -> P{X: 5, S: 2}, org -> Q{Z: 6}, k = 5: after close P shows n=7 (X hidden as complementary).
// The project leader then moves S under Q with the ordinary unit form. If the closed wave is
// recomputed on the new tree, P(7) - P(5) is S's two people, and the comparison pages repeat it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { comparisonFigures, emptyApp, profile, ProjectLeader, respond, seeded, unitFigures, unitPage } from './helpers.js';
import { changedFigures, groupN, linearFindings, pinnedByDifference, smallShifts, summary, type SeenGroup, type SeenRelease } from './releases.js';

const K = 5;
const UNITS = ['org', 'p', 'q', 'x', 's', 'z'];
const COMPARED = ['org', 'p', 'q', 'x', 'z'];

let t: TestApp;
let pl: ProjectLeader;
let waveId: number;
let projectId: number;
const people = new Map<string, number[]>([['x', []], ['s', []], ['z', []]]);
const names = new Map<number, string>();
let before: SeenRelease;
let after: SeenRelease;
let pagesBefore: Map<string, string>;
let pagesAfter: Map<string, string>;
let comparisonBefore: Map<string, Map<string, Record<string, string>>>;
let comparisonAfter: Map<string, Map<string, Record<string, string>>>;

const oldTree: Record<string, string[]> = { org: ['x', 's', 'z'], p: ['x', 's'], q: ['z'], x: ['x'], s: ['s'], z: ['z'] };
const newTree: Record<string, string[]> = { org: ['x', 's', 'z'], p: ['x'], q: ['z', 's'], x: ['x'], s: ['s'], z: ['z'] };
const membersIn = (tree: Record<string, string[]>, unit: string): number[] => (tree[unit] ?? []).flatMap((leaf) => people.get(leaf) ?? []);

/** read takes what the project leader can download for every unit; who a group covers is read from
 *  its n (a figure over the old tree or the new one: in this construction the sizes differ). */
async function read(label: string): Promise<{ release: SeenRelease; pages: Map<string, string> }> {
  const groups: SeenGroup[] = [];
  const pages = new Map<string, string>();
  for (const unit of UNITS) {
    const figures = await unitFigures(pl.agent, waveId, unit);
    const n = groupN({ unit, figures });
    const members = [membersIn(oldTree, unit), membersIn(newTree, unit)].find((m) => m.length === n) ?? [];
    groups.push({ unit, members, figures });
    pages.set(unit, JSON.stringify([...(await unitPage(pl.agent, t.survey, waveId, unit)).distributions]));
  }
  return { release: { label, groups }, pages };
}

async function readComparison(): Promise<Map<string, Map<string, Record<string, string>>>> {
  return new Map(await Promise.all(COMPARED.map(async (u) => [u, await comparisonFigures(pl.agent, projectId, u)] as const)));
}

beforeAll(async () => {
  t = emptyApp();
  pl = await ProjectLeader.signIn(t);
  await pl.addUnits([['org', ''], ['p', 'org'], ['q', 'org'], ['x', 'p'], ['s', 'p'], ['z', 'q']]);
  const rand = seeded(11);
  const w1 = await pl.openWave('T1', ['x', 's', 'z'], { kResults: K });
  waveId = w1.id;
  for (const [unit, count] of [['x', 5], ['s', 2], ['z', 6]] as const) {
    for (let i = 0; i < count; i++) {
      await respond(t, w1.codes.get(unit) ?? '', profile(t.survey, rand));
      const id = names.size + 1;
      names.set(id, `${unit.toUpperCase()}${i + 1}`);
      people.get(unit)?.push(id);
    }
  }
  await pl.setStatus(w1.id, 'closed');
  // A later wave of the same units, so the before/after pages compare against the closed wave.
  const w2 = await pl.openWave('T2', ['x', 'z'], { kResults: K });
  for (const [unit, count] of [['x', 5], ['z', 6]] as const) for (let i = 0; i < count; i++) await respond(t, w2.codes.get(unit) ?? '', profile(t.survey, rand));
  await pl.setStatus(w2.id, 'closed');
  projectId = await pl.joinNewProject(w1.id, 'Oppfølging');
  await pl.joinProject(w2.id, projectId);

  ({ release: before, pages: pagesBefore } = await read('før flytting'));
  comparisonBefore = await readComparison();
  await pl.moveUnit('s', 'q');
  ({ release: after, pages: pagesAfter } = await read('etter flytting'));
  comparisonAfter = await readComparison();
});
afterAll(() => t.close());

const name = (p: number): string => names.get(p) ?? String(p);

describe('construction 1: moving a unit after close', () => {
  test('the attack is set up as in the issue: before the move P shows n=7 with X hidden', () => {
    const n = (unit: string) => groupN(before.groups.find((g) => g.unit === unit) as SeenGroup);
    expect([n('org'), n('p'), n('q'), n('x'), n('s'), n('z')]).toEqual([13, 7, 6, undefined, undefined, 6]);
  });

  test('no set of 1..k-1 respondents is a linear combination of the figures shown before and after the move', () => {
    expect(summary(linearFindings([before, after], K, name))).toEqual(summary([]));
  });

  test("the two releases' means, SDs and shares do not pin the moved people's answers", () => {
    expect(summary(pinnedByDifference(before, after, K))).toEqual(summary([]));
  });

  test('no figure shown for the closed wave changes n by 1..k-1 or value at the same n', () => {
    expect(summary(smallShifts(before.groups, after.groups, K))).toEqual(summary([]));
  });

  test('every figure shown after the move equals the figure shown before it, or is withheld', () => {
    expect(summary(changedFigures(before.groups, after.groups))).toEqual(summary([]));
    for (const unit of UNITS) {
      const shownAfter = JSON.parse(pagesAfter.get(unit) ?? '[]') as [string, number[]][];
      const shownBefore = new Map(JSON.parse(pagesBefore.get(unit) ?? '[]') as [string, number[]][]);
      for (const [item, counts] of shownAfter) expect(counts, `${unit} distribution of ${item}`).toEqual(shownBefore.get(item));
    }
  });

  test('the comparison pages show the closed wave as before the move, or withhold it', () => {
    const numeric = /^(n=)?-?\d+([.,]\d+)?( prosentpoeng)?$/;
    const changed: string[] = [];
    for (const unit of COMPARED) {
      for (const [key, row] of comparisonAfter.get(unit) ?? []) {
        const old = comparisonBefore.get(unit)?.get(key);
        for (const column of ['T1', 'endring', 'ki_95_lav', 'ki_95_hoy']) {
          const cell = row[column] ?? '';
          if (numeric.test(cell) && cell !== old?.[column]) changed.push(`${unit} ${key} ${column}: ${old?.[column] ?? 'not shown'} -> ${cell}`);
        }
      }
    }
    expect(summary(changed)).toEqual(summary([]));
  });
});
