// One path to a wave's results: closing (web, command line) and start-up (after an upgrade or a
// close by another process) all queue the same worker computation and never wait for it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { prepareClosedWaves } from '../../src/report/close.js';
import { talliesIdle } from '../../src/report/tally-jobs.js';
import { passWaveTallies, storedForm, storedJson, talliesCurrent } from '../../src/report/wave-tallies.js';
import { getWave, waveResponseCount } from '../../src/store/waves.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';

let t: HistoryApp | undefined;
afterEach(async () => {
  if (t) await talliesIdle(t.db);
  t?.close();
  t = undefined;
});

const current = (app: HistoryApp, waveId: number): boolean => talliesCurrent(app.db, waveId, waveResponseCount(app.db, waveId));

test('start-up queues the closed waves whose stored tallies are missing, stale or of an older format, and returns at once', async () => {
  t = makeHistoryApp({ file: true });
  const closed = [t.baselineWaveId, t.closedWaveId].sort();
  expect(prepareClosedWaves(t.db).sort()).toEqual(closed);
  // Queued, not computed: the call returned before the worker finished.
  expect(current(t, t.closedWaveId)).toBe(false);
  await talliesIdle(t.db);
  expect(closed.map((id) => current(t as HistoryApp, id))).toEqual([true, true]);
  expect(prepareClosedWaves(t.db)).toEqual([]);

  // An upgrade that changed what a tally holds left the old stored form behind; a restore or a
  // reopen left a count that no longer matches.
  t.db.prepare("UPDATE wave_tally SET data = '[[\"demo\",[]]]' WHERE wave_id = ?").run(t.baselineWaveId);
  t.db.prepare('UPDATE wave_tally SET responses = responses - 1 WHERE wave_id = ?').run(t.closedWaveId);
  expect(prepareClosedWaves(t.db).sort()).toEqual(closed);
  await talliesIdle(t.db);
  expect(closed.map((id) => current(t as HistoryApp, id))).toEqual([true, true]);
});

test('the workers’ parts, joined, are exactly one pass over all units', async () => {
  t = makeHistoryApp({ file: true });
  const waveId = t.closedWaveId;
  expect(prepareClosedWaves(t.db)).toContain(waveId);
  await talliesIdle(t.db);
  const stored = (t.db.prepare('SELECT responses, data FROM wave_tally WHERE wave_id = ?').get(waveId) as { responses: number; data: Buffer }).data;
  // The pass itself, on this thread, over every unit at once.
  const whole = storedForm([passWaveTallies(t.db, t.survey, waveId)]).data;
  // The same entries, unit by unit (each unit is tallied whole by one thread, in the same order).
  const byUnit = (data: Buffer) => new Map((JSON.parse(storedJson(data) as string) as { units: [string, unknown][] }).units.map(([unit, cats]) => [unit, JSON.stringify(cats)]));
  const a = byUnit(stored);
  const b = byUnit(whole);
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  expect(a.size).toBeGreaterThan(3);
  for (const [unit, cats] of b) expect(a.get(unit), unit).toBe(cats);
});

test('npm run kartlegg -- wave close closes the wave and computes its results before it exits', async () => {
  t = makeHistoryApp({ file: true });
  const waveId = t.demo.waveId;
  const cli = await runCli(['wave', 'close', String(waveId)], { DATABASE_PATH: t.config.DATABASE_PATH });
  expect(cli.out).toMatch(new RegExp(`Wave ${waveId} is closed\\. Computing its results \\.\\.\\.\\nResults of wave ${waveId} computed in \\d+\\.\\d s\\.`));
  expect(cli.code).toBe(0);
  expect(getWave(t.db, waveId)?.status).toBe('closed');
  expect(current(t, waveId)).toBe(true);
});

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: path.resolve(import.meta.dirname, '../..'), env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}
