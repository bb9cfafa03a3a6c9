import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { planSickLeave, readDays } from '../../src/sickleave/import.js';
import { lastDay, parsePeriod, quarterOf } from '../../src/sickleave/period.js';

const units = new Set(['helse', 'sykehjem', 'avd1', 'avd2']);
const HEAD = 'enhet;periode;ansatte;avtalte_dagsverk;egenmeldt;legemeldt;kort;lang';
const TODAY = '2026-06-15';
const plan = (lines: string[], stored: Map<string, number> = new Map(), today = TODAY) => planSickLeave([HEAD, ...lines].join('\n'), units, today, stored);

describe('parsePeriod', () => {
  test.each([
    ['2026-03', '2026-03'],
    ['03.2026', '2026-03'],
    ['3/2026', '2026-03'],
    ['202603', '2026-03'],
    ['2026-K1', '2026-Q1'],
    ['2026K2', '2026-Q2'],
    ['K3 2026', '2026-Q3'],
    ['4. kvartal 2025', '2025-Q4'],
    ['2026-Q1', '2026-Q1'],
    ['2026-13', undefined],
    ['mars', undefined],
    ['2026-K5', undefined],
  ])('%s -> %s', (text, period) => expect(parsePeriod(text)).toBe(period));

  test('last days and quarters', () => {
    expect(lastDay('2026-02')).toBe('2026-02-28');
    expect(lastDay('2024-02')).toBe('2024-02-29');
    expect(lastDay('2026-Q4')).toBe('2026-12-31');
    expect(quarterOf('2026-05')).toBe('2026-Q2');
  });
});

describe('readDays', () => {
  test.each([
    ['12', 1200],
    ['12,5', 1250],
    ['1 234.25', 123425],
    ['0', 0],
    ['-3', 'negative'],
    ['12,345', undefined],
    ['tolv', undefined],
  ])('%s -> %s', (text, v) => expect(readDays(text)).toBe(v));
});

describe('planSickLeave', () => {
  test('good rows become rows in hundredths of a day, per period', () => {
    const p = plan(['sykehjem;2026-03;12;250;4,5;10;6,5;8', 'avd1;2026-03;8;160;2;0;;', 'avd1;2026-Q1;8;480;2;0;;'.replace('2026-Q1', '2026-04')]);
    expect(p.problems).toEqual([]);
    expect(p.rows[0]).toMatchObject({ unitId: 'sykehjem', period: '2026-03', employees: 12, agreed: 25000, lostSelf: 450, lostDoctor: 1000, lostShort: 650, lostLong: 800 });
    expect(p.rows[1]).toMatchObject({ lostShort: null, lostLong: null });
    expect(p.periods).toEqual([
      { period: '2026-03', rows: 2, replaces: 0 },
      { period: '2026-04', rows: 1, replaces: 0 },
    ]);
  });

  test('the months of one quarter are not duplicates of each other', () => {
    const p = plan(['avd1;2026-01;8;160;2;0;;', 'avd1;2026-02;8;160;2;0;;', 'avd1;2026-03;8;160;2;0;;']);
    expect(p.problems).toEqual([]);
    expect(p.rows).toHaveLength(3);
  });

  test('a re-import says how many stored rows of the period it replaces', () => {
    const p = plan(['avd1;2026-03;8;160;2;0;;'], new Map([['2026-03', 3]]));
    expect(p.periods).toEqual([{ period: '2026-03', rows: 1, replaces: 3 }]);
  });

  test.each([
    ['unknown unit', 'ukjent;2026-03;8;160;2;0;;', 'unknownUnit', 'ukjent'],
    ['lost more than agreed', 'avd1;2026-03;8;160;100;61;;', 'lostOverAgreed', 'avd1'],
    ['a negative number', 'avd1;2026-03;8;160;-2;0;;', 'negative', '-2'],
    ['negative employees', 'avd1;2026-03;-8;160;2;0;;', 'negative', '-8'],
    ['no employees', 'avd1;2026-03;0;160;2;0;;', 'employees', 'avd1'],
    ['not a number', 'avd1;2026-03;8;mange;2;0;;', 'number', 'mange'],
    ['a bad period', 'avd1;mars;8;160;2;0;;', 'period', 'mars'],
    ['a period that has not ended', 'avd1;2026-06;8;160;2;0;;', 'future', '2026-06'],
    ['a period in the future', 'avd1;2027-01;8;160;2;0;;', 'future', '2027-01'],
    ['half a split', 'avd1;2026-03;8;160;2;0;2;', 'splitPartial', 'avd1'],
    ['a split that does not add up', 'avd1;2026-03;8;160;2;1;2;0', 'splitSum', 'avd1'],
    ['too few columns', 'avd1;2026-03;8', 'columns', '3'],
  ])('%s is a problem and nothing of that row is planned', (_name, line, code, value) => {
    const p = plan(['sykehjem;2026-03;12;250;4;10;;', line]);
    expect(p.problems).toEqual([{ line: 3, code, value }]);
    expect(p.rows.map((r) => r.unitId)).toEqual(['sykehjem']);
  });

  test('the future is read from the clock passed in', () => {
    expect(plan(['avd1;2026-06;8;160;2;0;;'], new Map(), '2026-07-01').problems).toEqual([]);
  });

  test('a duplicate unit-period, and a month beside its quarter, name the earlier line', () => {
    const p = plan(['avd1;2026-03;8;160;2;0;;', 'avd1;03.2026;8;160;2;0;;', 'avd2;2026-Q1;8;480;2;0;;', 'avd2;2026-02;8;160;2;0;;']);
    expect(p.problems).toEqual([
      { line: 3, code: 'duplicate', value: 'avd1 2026-03|2' },
      { line: 4, code: 'granularity', value: '2026-Q1' },
      { line: 5, code: 'duplicate', value: 'avd2 2026-02|4' },
    ]);
  });

  test('a quarter stored in months cannot be imported as one quarter row', () => {
    const p = plan(['avd1;2026-K1;8;480;2;0;;'], new Map([['2026-01', 2]]));
    expect(p.problems).toEqual([{ line: 2, code: 'granularity', value: '2026-Q1' }]);
  });

  test('missing columns, an empty file and a broken quote', () => {
    expect(planSickLeave('enhet;periode;ansatte\navd1;2026-03;8', units, TODAY, new Map()).problems.map((p) => p.value)).toEqual(['agreed', 'lostSelf', 'lostDoctor']);
    expect(planSickLeave('', units, TODAY, new Map()).problems).toEqual([{ line: 1, code: 'empty' }]);
    expect(planSickLeave(`${HEAD}\n"avd1;2026-03;8;160;2;0;;`, units, TODAY, new Map()).problems[0]?.code).toBe('syntax');
  });

  test('English headers and a comma-separated file', () => {
    const p = planSickLeave('unit_id,period,employees,agreed_days,lost_self_certified,lost_doctor_certified\navd1,2026-03,8,160,2,0', units, TODAY, new Map());
    expect(p.problems).toEqual([]);
    expect(p.rows).toHaveLength(1);
  });
});

test('the sample file in docs/examples fits the demo organisation without a problem', () => {
  const text = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/examples/sykefravaer.csv'), 'utf8');
  const demoUnits = new Set(['solbakken_avd1', 'solbakken_avd2', 'solbakken_natt', 'hjemmetjenesten']);
  const p = planSickLeave(text, demoUnits, '2026-12-01', new Map());
  expect(p.problems).toEqual([]);
  expect(p.periods.map((x) => x.period)).toEqual(['2026-07', '2026-08', '2026-09']);
});
