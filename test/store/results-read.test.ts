// The packed reader (waveResponses) must hand the tally exactly the rows the plain join gives:
// every value, null and text byte, whatever a respondent typed, and nothing from another wave.
import { afterEach, expect, test } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { onChunkRead, streamWaveAnswers, waveResponses, type WaveAnswerRow } from '../../src/store/results.js';
import { addUnit } from '../../src/store/units.js';
import { createWave } from '../../src/store/waves.js';

const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

const HOSTILE_TEXTS = [
  '',
  'null',
  '"null"',
  'a,b;c',
  'quote " and backslash \\ and \\u001e',
  'record\x1eseparator and unit\x1fseparator',
  'line\nbreak\ttab\r\x00nul',
  'æøå ÆØÅ – “typografisk” 😀 𝔘',
  '\\',
  '"',
  ' leading and trailing ',
];
const NUMBERS = [0, -0, 1, 5, -3, 62.5, 0.1 + 0.2, 1 / 3, 1e300, -1e-300, 5e-324, 2 ** 53 + 2, 123456789.123456, Infinity, -Infinity];

function setup(): { db: Db; waveId: number; otherWaveId: number } {
  const db = openDb(':memory:');
  opened.push(db);
  db.prepare("INSERT INTO survey_version (survey_id, version, definition) VALUES ('s', 1, '{}')").run();
  addUnit(db, { id: 'u1', name: 'U1', parentId: null, headcount: null });
  addUnit(db, { id: 'u2', name: 'U2', parentId: 'u1', headcount: null });
  const wave = (name: string) => createWave(db, { name, surveyId: 's', surveyVersion: 1, unitIds: ['u1', 'u2'], linkMode: 'open', status: 'open' });
  const waveId = wave('W');
  const otherWaveId = wave('Other');
  const response = db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, ?, ?, 's', 1)");
  const answer = db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, ?)');
  // Ids out of insertion order and across the 53-bit range, as random ids are.
  const ids = [2 ** 52 + 17, 3, 991, 2 ** 40, 77, 5_000_000_001];
  ids.forEach((id, i) => {
    response.run(id, i === 4 ? otherWaveId : waveId, i % 2 === 0 ? 'u1' : 'u2');
    if (i === 3) return; // a response without answers still counts
    NUMBERS.forEach((n, k) => answer.run(id, `n${k}`, '', n, null));
    HOSTILE_TEXTS.forEach((t, k) => answer.run(id, `t${k}`, '', null, t));
    answer.run(id, 'likert', '', null, 'dk');
    answer.run(id, 'nd', 'now', 3, null);
    answer.run(id, 'nd', 'desired', null, 'dk');
    answer.run(id, 'multi', 'opt_a', null, 'opt_a');
    answer.run(id, 'multi', 'opt_b', null, 'opt_b');
    answer.run(id, 'both', '', 4, 'also text');
    if (i === 5) answer.run(id, 'only_here', '', 1, null);
  });
  return { db, waveId, otherWaveId };
}

const key = (r: WaveAnswerRow): string => `${r.itemId}|${r.part}`;

test('waveResponses gives each response exactly the rows of the plain join, byte for byte', () => {
  const { db, waveId } = setup();
  const expected = new Map<number, WaveAnswerRow[]>();
  for (const row of streamWaveAnswers(db, waveId)) expected.set(row.responseId, [...(expected.get(row.responseId) ?? []), { ...row }]);
  const got = new Map<number, WaveAnswerRow[]>();
  // Copy each response's rows: the reader reuses its arrays and row objects.
  for (const rows of waveResponses(db, waveId)) {
    const first = rows[0] as WaveAnswerRow;
    expect(got.has(first.responseId)).toBe(false);
    expect(rows.every((r) => r.responseId === first.responseId && r.unitId === first.unitId)).toBe(true);
    got.set(first.responseId, rows.map((r) => ({ ...r })));
  }
  expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [id, rows] of expected) {
    const sorted = (list: WaveAnswerRow[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
    const a = sorted(got.get(id) ?? []);
    const b = sorted(rows);
    expect(a.length, `response ${id}`).toBe(b.length);
    a.forEach((row, i) => {
      const want = b[i] as WaveAnswerRow;
      expect(row.itemId).toBe(want.itemId);
      expect(row.part).toBe(want.part);
      expect(row.txt).toBe(want.txt);
      expect(Object.is(row.num, want.num) || row.num === want.num, `${id} ${want.itemId}: ${row.num} vs ${want.num}`).toBe(true);
    });
  }
});

test('small batches (responses sorted by unit within each) give the same responses', () => {
  const { db, waveId } = setup();
  const all = (chunk: number) => [...waveResponses(db, waveId, undefined, chunk)].length;
  const ids = (chunk: number) => {
    const out: number[] = [];
    for (const rows of waveResponses(db, waveId, undefined, chunk)) out.push((rows[0] as WaveAnswerRow).responseId);
    return out.sort();
  };
  expect(all(1)).toBe(5);
  expect(ids(2)).toEqual(ids(1000));
});

test('each chunk is read to its end by its own statement: between chunks the connection is free and in no transaction', () => {
  const { db, waveId } = setup();
  let between = 0;
  onChunkRead(db, () => {
    between += 1;
    // Throws while a statement is open on the connection (a chunk still being read).
    expect(db.prepare('SELECT count(*) AS n FROM response').get()).toEqual({ n: expect.any(Number) });
    expect(db.inTransaction).toBe(false);
  });
  expect([...waveResponses(db, waveId, undefined, 2)].length).toBe(5);
  // Chunks of 2, 2 and 1: the hook runs between them, not after the last.
  expect(between).toBe(2);
  expect([...waveResponses(db, waveId, undefined, 5)].length).toBe(5);
  // A full last chunk is followed by an empty one.
  expect(between).toBe(3);
});
