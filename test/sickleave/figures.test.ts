// Roll-up against hand-computed sums: days are summed up the tree, percentages read from the sums.
import { describe, expect, test } from 'vitest';
import { buildForest } from '../../src/report/forest.js';
import { rollUpDays, ratesOf } from '../../src/sickleave/figures.js';
import { disclosePeriod } from '../../src/sickleave/disclosure.js';
import { quarterFigure, windowFigure } from '../../src/sickleave/series.js';
import { row, version, type Tree } from './helpers.js';

const TREE: Tree = [
  ['kommune', null],
  ['helse', 'kommune'],
  ['a', 'helse'],
  ['b', 'helse'],
  ['skole', 'kommune'],
];
const forest = buildForest(TREE.map(([id, parentId]) => ({ id, parentId })));
const at = (id: string) => forest.index.get(id) as number;

describe('rollUpDays', () => {
  const rows = [row('helse', '2026-01', 2, 40, 1, 0), row('a', '2026-01', 10, 200, 4, 16, [6, 14]), row('b', '2026-01', 6, 10, 1, 4, [5, 0]), row('skole', '2026-01', 20, 400, 8, 12)];
  const days = rollUpDays(forest, rows);

  test('a parent holds its own rows and every descendant, day by day', () => {
    // helse: own 2/40/1/0 + a 10/200/4/16 + b 6/10/1/4 = 18 employees, 250 agreed, 6 self, 20 doctor.
    expect(days[at('helse')]).toEqual({ employees: 18, agreed: 25000, lostSelf: 600, lostDoctor: 2000, lostShort: null, lostLong: null });
    // kommune: helse + skole 20/400/8/12 = 38, 650, 14, 32.
    expect(days[at('kommune')]).toMatchObject({ employees: 38, agreed: 65000, lostSelf: 1400, lostDoctor: 3200 });
    expect(days[at('a')]).toMatchObject({ lostShort: 600, lostLong: 1400 });
  });

  test('percentages come from the sums, never from averaging the children', () => {
    // a: 20/200 = 10 %; b: 5/10 = 50 %; helse: 26/250 = 10.4 % (the mean of a and b would be 30 %).
    const helse = ratesOf(days[at('helse')] as never, false);
    expect(helse?.sickLeave).toBeCloseTo(10.4, 10);
    expect(helse?.selfCertified).toBeCloseTo(2.4, 10);
    expect(helse?.doctorCertified).toBeCloseTo(8, 10);
    expect(helse?.presence).toBeCloseTo(89.6, 10);
    // kommune: 46/650 = 7.0769... %
    expect(ratesOf(days[at('kommune')] as never, false)?.sickLeave).toBeCloseTo((100 * 46) / 650, 10);
  });

  test('the split survives only where every row below has it', () => {
    const both = rollUpDays(forest, [row('a', '2026-01', 10, 200, 4, 16, [6, 14]), row('b', '2026-01', 6, 10, 1, 4, [5, 0])]);
    expect(both[at('helse')]).toMatchObject({ lostShort: 1100, lostLong: 1400 });
    expect(ratesOf(both[at('helse')] as never, true)).toMatchObject({ short: (100 * 11) / 210, long: (100 * 14) / 210 });
  });
});

describe('quarters and windows are sums of their months', () => {
  const tree: Tree = [['u', null]];
  const months = ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03'];
  const periods = new Map(months.map((m, i) => [m, disclosePeriod([version(tree, [row('u', m, 8, 100 + i, i, 2 * i)])], { k: 5, kSplit: 10 })]));

  test('a quarter adds its three months', () => {
    const q = quarterFigure(periods, 'u', '2026-Q1');
    // agreed 103+104+105 = 312, self 3+4+5 = 12, doctor 6+8+10 = 24.
    expect(q).toMatchObject({ status: 'shown', days: { agreed: 31200, lostSelf: 1200, lostDoctor: 2400, employees: 24 } });
    if (q.status === 'shown') expect(q.rates.sickLeave).toBeCloseTo((100 * 36) / 312, 10);
  });

  test('a window adds its quarters', () => {
    const w = windowFigure(periods, 'u', ['2025-Q4', '2026-Q1']);
    // agreed 100..105 = 615, lost 3 * (0+1+...+5) = 45.
    expect(w).toMatchObject({ status: 'shown', days: { agreed: 61500, lostSelf: 1500, lostDoctor: 3000 } });
  });

  test('a quarter with a month missing is incomplete, one with none is empty', () => {
    const partial = new Map([...periods].filter(([m]) => m !== '2026-02'));
    expect(quarterFigure(partial, 'u', '2026-Q1')).toEqual({ status: 'incomplete' });
    expect(quarterFigure(periods, 'u', '2026-Q2')).toEqual({ status: 'none' });
    expect(windowFigure(partial, 'u', ['2025-Q4', '2026-Q1'])).toEqual({ status: 'incomplete' });
  });
});
