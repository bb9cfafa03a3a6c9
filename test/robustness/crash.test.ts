// Crash safety at small scale: the real server is SIGKILLed under submission load and restarted
// (bench/crash-safety.ts runs the same at a larger scale and prints the summary).
import { expect, test } from 'vitest';
import { runCrashSafety } from '../../bench/lib/crash.js';

test('after SIGKILL under load every acknowledged response is stored once, drafts are intact and the file is sound', async () => {
  const report = await runCrashSafety({ respondents: 10, concurrency: 10, killAfterAcks: 5, seed: 42 });
  expect(report.problems).toEqual([]);
  expect(report.acknowledgedBeforeKill).toBeGreaterThanOrEqual(5);
  expect(report.integrity).toBe('ok');
  expect(report.storedAfterRestart).toBeGreaterThanOrEqual(report.acknowledgedBeforeKill);
  expect(report.storedAfterRestart).toBeLessThanOrEqual(report.acknowledgedBeforeKill + report.submitsInFlightAtKill);
  expect(report.storedAtEnd).toBe(10);
  expect(report.cleanShutdownCode).toBe(0);
}, 60_000);
