// Issue 11, construction 2: reopen and close again. Close with A=6, B=5 (organisation n=11, its
// distributions shown since k_distribution is 10, free text on), reopen, one more answer in A (full
// time, with a comment), close. Release 2 minus release 1 is that one person, on every output.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { emptyApp, profile, ProjectLeader, respond, seeded, unitFigures, unitPage, type PageFigures } from './helpers.js';
import { groupN, linearFindings, pageShifts, pinnedByDifference, smallShifts, summary, type SeenGroup, type SeenRelease } from './releases.js';

const UNITS = ['org', 'a', 'b'];
const K = 5;

let t: TestApp;
let pl: ProjectLeader;
let first: SeenRelease;
let second: SeenRelease;
let pagesFirst: Map<string, PageFigures>;
let pagesSecond: Map<string, PageFigures>;
const names = new Map<number, string>();

/** read takes every unit's CSV and page; who a group covers is read from its n (before or after the late answer). */
async function read(waveId: number, label: string, candidates: Map<string, number[][]>): Promise<{ release: SeenRelease; pages: Map<string, PageFigures> }> {
  const groups: SeenGroup[] = [];
  const pages = new Map<string, PageFigures>();
  for (const unit of UNITS) {
    const figures = await unitFigures(pl.agent, waveId, unit);
    const n = groupN({ unit, figures });
    groups.push({ unit, members: (candidates.get(unit) ?? []).find((m) => m.length === n) ?? [], figures });
    pages.set(unit, await unitPage(pl.agent, t.survey, waveId, unit));
  }
  return { release: { label, groups }, pages };
}

beforeAll(async () => {
  t = emptyApp();
  pl = await ProjectLeader.signIn(t);
  await pl.addUnits([['org', ''], ['a', 'org'], ['b', 'org']]);
  const wave = await pl.openWave('T1', ['a', 'b'], { kResults: K, kDistribution: 10, kText: 10, freeText: true });
  const rand = seeded(22);
  const answer = async (unit: string, label: string, position: number): Promise<number> => {
    await respond(t, wave.codes.get(unit) ?? '', profile(t.survey, rand, { position, comment: `Kommentar fra ${label}` }));
    names.set(names.size + 1, label);
    return names.size;
  };
  const a: number[] = [];
  const b: number[] = [];
  for (const [i, position] of [100, 100, 100, 60, 60, 60].entries()) a.push(await answer('a', `A${i + 1}`, position));
  for (const [i, position] of [100, 100, 100, 60, 60].entries()) b.push(await answer('b', `B${i + 1}`, position));
  await pl.setStatus(wave.id, 'closed');
  const before = new Map([['org', [...a, ...b]], ['a', a], ['b', b]]);
  ({ release: first, pages: pagesFirst } = await read(wave.id, 'første lukking', new Map([...before].map(([u, m]) => [u, [m]]))));

  await pl.setStatus(wave.id, 'open');
  const late = await answer('a', 'sen', 100);
  await pl.setStatus(wave.id, 'closed');
  const candidates = new Map([
    ['org', [[...a, ...b], [...a, ...b, late]]],
    ['a', [a, [...a, late]]],
    ['b', [b]],
  ]);
  ({ release: second, pages: pagesSecond } = await read(wave.id, 'andre lukking', candidates));
});
afterAll(() => t.close());

describe('construction 2: reopen and close again', () => {
  test('the attack is set up as in the issue: release 1 shows the organisation (n=11) with distributions, comments and the full-time breakdown', () => {
    expect(UNITS.map((u) => groupN(first.groups.find((g) => g.unit === u) as SeenGroup))).toEqual([11, 6, 5]);
    const org = pagesFirst.get('org') as PageFigures;
    expect(org.distributions.size).toBeGreaterThan(40);
    expect(org.comments).toHaveLength(11);
    expect([...org.breakdown.values()]).toEqual([6, 5]);
  });

  test('no set of 1..k-1 respondents is a linear combination of the figures of both releases', () => {
    expect(summary(linearFindings([first, second], K, (p) => names.get(p) ?? String(p)))).toEqual(summary([]));
  });

  test("A's and the organisation's means, SDs and shares in the two releases do not pin the late answers", () => {
    expect(summary(pinnedByDifference(first, second, K))).toEqual(summary([]));
  });

  test('for every group and measure shown in both releases, n changes by 0 or by at least k', () => {
    expect(summary(smallShifts(first.groups, second.groups, K))).toEqual(summary([]));
  });

  test.each([
    ['distributions', 'each distribution'],
    ['freeText', 'the free-text list'],
    ['breakdown', "the full-time breakdown's n"],
  ] as const)('%s: %s changes by 0 or by at least k people', (kind, _what) => {
    expect(summary(pageShifts(pagesFirst, pagesSecond, K)[kind])).toEqual(summary([]));
  });
});
