// Crash safety under submission load (npm run bench:crash -- [--respondents N] [--concurrency C]
// [--kill-after K] [--rounds R] [--keep] [--no-doc]): the real server is SIGKILLed mid-load and restarted;
// prints what was acknowledged, in flight and stored, and every broken guarantee. Exits 1 on a problem.
import { parseArgs } from 'node:util';
import { runCrashSafety, type CrashReport } from './lib/crash.js';
import { machine, writeSection } from './lib/report.js';

// Ctrl-C: exit normally, so the servers started are killed on the way out (see lib/server.ts).
process.once('SIGINT', () => process.exit(130));

const { values } = parseArgs({
  options: {
    respondents: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '32' },
    'kill-after': { type: 'string', default: '150' },
    rounds: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    'no-doc': { type: 'boolean', default: false },
  },
});
const respondents = Number(values.respondents);
const concurrency = Number(values.concurrency);
const killAfterAcks = Number(values['kill-after']);
const rounds = Number(values.rounds);

const reports: CrashReport[] = [];
for (let round = 1; round <= rounds; round++) {
  console.log(`\nRound ${round} of ${rounds}`);
  const report = await runCrashSafety({ respondents, concurrency, killAfterAcks, seed: round, keep: values.keep, log: (l) => console.log(`  ${l}`) });
  reports.push(report);
  console.log(`  started before the kill:        ${report.startedBeforeKill}`);
  console.log(`  acknowledged (303 to /takk):    ${report.acknowledgedBeforeKill}`);
  console.log(`  submits in flight at the kill:  ${report.submitsInFlightAtKill}`);
  console.log(`  page posts in flight:           ${report.pagePostsInFlightAtKill}`);
  console.log(`  responses stored after restart: ${report.storedAfterRestart}`);
  console.log(`  drafts checked intact:          ${report.draftsChecked}`);
  console.log(`  integrity_check:                ${report.integrity}`);
  console.log(`  restart took:                   ${report.restartMs.toFixed(0)} ms`);
  console.log(`  finished after restart:         ${report.finishedAfterRestart}; responses at the end ${report.storedAtEnd} of ${respondents}`);
  console.log(`  SIGTERM exit code:              ${report.cleanShutdownCode}`);
  if (values.keep) console.log(`  database kept at ${report.databasePath}`);
  console.log(report.problems.length === 0 ? '  OK: no guarantee broken' : `  PROBLEMS:\n    ${report.problems.join('\n    ')}`);
}

const failed = reports.filter((r) => r.problems.length > 0).length;
if (!values['no-doc']) {
  const rows = reports.map(
    (r, i) =>
      `| ${i + 1} | ${r.startedBeforeKill} | ${r.acknowledgedBeforeKill} | ${r.submitsInFlightAtKill} | ${r.pagePostsInFlightAtKill} | ${r.storedAfterRestart} | ${r.draftsChecked} | ${r.integrity} | ${r.restartMs.toFixed(0)} | ${r.storedAtEnd}/${r.respondents} | ${r.problems.length === 0 ? 'none' : r.problems.length} |`,
  );
  writeSection('crash-safety', 'Crash safety (`bench/crash-safety.ts`)', [
    `Command: \`npm run bench:crash -- --respondents ${respondents} --concurrency ${concurrency} --kill-after ${killAfterAcks} --rounds ${rounds}\``,
    '',
    machine(),
    '',
    `Each round: ${respondents} simulated respondents (${concurrency} at a time) answer the combined survey through the real server; it is killed with SIGKILL once ${killAfterAcks} submits have been answered with the 303 to the thank-you page, restarted on the same file, checked, and then everyone finishes.`,
    '',
    '| round | started | acknowledged | submits in flight | page posts in flight | stored after restart | drafts checked | integrity_check | restart ms | stored at end | problems |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Checked: every acknowledged response stored exactly once (each respondent writes a unique marker in the free-text item), nothing stored for a respondent who never submitted, at most one for a submit in flight, per-unit counts within [acknowledged, acknowledged + in flight], a stored response always has its draft deleted (one transaction), every other draft holds exactly the answers of its last acknowledged page (or of the page post in flight), `integrity_check` and `foreign_key_check` clean, and after the restart every respondent finishes (continuing the draft) with exactly one response; finally SIGTERM stops the server with exit code 0.',
  ]);
}
process.exit(failed > 0 ? 1 : 0);
