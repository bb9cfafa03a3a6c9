// Issue 11, construction 3: raising k after close. P{XA (no own respondents) -> X1: 5, Y: 6, S: 1}.
// At k=5, P=12 and XA=5 are shown with Y hidden as complementary; raising k to 6 (only lowering is
// refused) hides XA and shows Y. P - XA(k=5) - Y(k=6) is S's single respondent.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { emptyApp, profile, ProjectLeader, respond, seeded, unitFigures } from './helpers.js';
import { groupN, linearFindings, pinnedByCombination, summary, type SeenGroup, type SeenRelease } from './releases.js';

const UNITS = ['p', 'xa', 'x1', 'y', 's'];
const K = 5;

let t: TestApp;
let pl: ProjectLeader;
let atK5: SeenRelease;
let atK6: SeenRelease;
const names = new Map<number, string>();

async function read(waveId: number, label: string, members: Map<string, number[]>): Promise<SeenRelease> {
  const groups: SeenGroup[] = [];
  for (const unit of UNITS) groups.push({ unit, members: members.get(unit) ?? [], figures: await unitFigures(pl.agent, waveId, unit) });
  return { label, groups };
}

beforeAll(async () => {
  t = emptyApp();
  pl = await ProjectLeader.signIn(t);
  await pl.addUnits([['p', ''], ['xa', 'p'], ['x1', 'xa'], ['y', 'p'], ['s', 'p']]);
  const wave = await pl.openWave('T1', ['x1', 'y', 's'], { kResults: K, kDistribution: 10, kText: 10 });
  const rand = seeded(33);
  const leaves = new Map<string, number[]>();
  for (const [unit, count] of [['x1', 5], ['y', 6], ['s', 1]] as const) {
    for (let i = 0; i < count; i++) {
      await respond(t, wave.codes.get(unit) ?? '', profile(t.survey, rand));
      const id = names.size + 1;
      names.set(id, `${unit.toUpperCase()}-${i + 1}`);
      leaves.set(unit, [...(leaves.get(unit) ?? []), id]);
    }
  }
  await pl.setStatus(wave.id, 'closed');
  const of = (...units: string[]) => units.flatMap((u) => leaves.get(u) ?? []);
  const members = new Map([['p', of('x1', 'y', 's')], ['xa', of('x1')], ['x1', of('x1')], ['y', of('y')], ['s', of('s')]]);
  atK5 = await read(wave.id, 'k=5', members);
  await pl.setThresholds(wave.id, 'T1', { kResults: 6, kDistribution: 10, kText: 10 });
  atK6 = await read(wave.id, 'k=6', members);
});
afterAll(() => t.close());

const group = (r: SeenRelease, unit: string): SeenGroup => r.groups.find((g) => g.unit === unit) as SeenGroup;

describe('construction 3: raising k after close', () => {
  test('the attack is set up as in the issue: at k=5 P=12 and XA=5 are shown and Y is not', () => {
    expect(UNITS.map((u) => groupN(group(atK5, u)))).toEqual([12, 5, 5, undefined, undefined]);
  });

  test('no set of 1..k-1 respondents is a linear combination of the figures shown at k=5 and at k=6', () => {
    expect(summary(linearFindings([atK5, atK6], K, (p) => names.get(p) ?? String(p)))).toEqual(summary([]));
  });

  test("P - XA(k=5) - Y(k=6) does not pin S's answers", () => {
    const findings = pinnedByCombination(
      [
        { coef: 1, group: group(atK5, 'p'), label: 'P(k=5)' },
        { coef: -1, group: group(atK5, 'xa'), label: 'XA(k=5)' },
        { coef: -1, group: group(atK6, 'y'), label: 'Y(k=6)' },
      ],
      K,
    );
    expect(summary(findings)).toEqual(summary([]));
  });
});
