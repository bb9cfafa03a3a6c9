// Disk syncs and CPU per respondent (npm run bench:fsync -- [--respondents 200] [--concurrency 8]
// [--warmup 300] [--surveys bundled,onePage] [--no-doc]). Needs strace (apt-get install strace); the tests never do.
// For the bundled survey (every section as a browser answers it, about 27 requests) and a one-page
// survey of 66 statements (7 requests), simulated respondents answer through the real server (a
// child process on loopback), and in the same run the bare limit (bench/bare-server.ts: Express
// storing the same rows from one POST in one transaction, nothing else) takes the same answers:
// 1. CPU: the server process's user + system CPU time (all threads, from /proc) per respondent,
//    with --concurrency respondents at a time, once the process is warm (after --warmup respondents:
//    V8 compiles the code of a respondent's path over the first few hundred respondents, and with 20
//    of them that compilation was a third of the CPU measured), and over the warm-up on its own;
// 2. syncs: strace attached to every thread of the server counts fsync and fdatasync per respondent,
//    one respondent at a time (no two submits share a checkpoint: the worst case) and at
//    --concurrency; the server thread is the process's main thread.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { today } from '../src/clock.js';
import { seedDemo } from '../src/demo.js';
import { openDb } from '../src/store/db.js';
import { syncSurveyVersions } from '../src/store/survey-versions.js';
import { loadSurveyDir } from '../src/survey/load.js';
import { seededRandom } from './lib/form.js';
import { Browser, keepAliveAgent } from './lib/http.js';
import { runFixed } from './lib/load.js';
import { machine, writeSection } from './lib/report.js';
import { answerSurvey, newRespondent } from './lib/respondent.js';
import { prepareDatabase, procStatus, startKartlegg, startProcess, stopProcess, type Prepared, type Running } from './lib/server.js';
import { straceAvailable, traceSyncs, type SyncCount } from './lib/strace.js';
import { bareBody } from './lib/submit-runs.js';

process.once('SIGINT', () => process.exit(130));

const { values } = parseArgs({
  options: {
    respondents: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '300' },
    surveys: { type: 'string', default: 'bundled,onePage' },
    'no-doc': { type: 'boolean', default: false },
  },
});
const respondents = Number(values.respondents);
const concurrency = Number(values.concurrency);
const WARMUP = Number(values.warmup);
const TARGET_CPU: Record<string, number> = { bundled: 0.02, onePage: 0.01 };

if (!straceAvailable()) {
  console.error('bench/fsync.ts counts syncs with strace: install it first (apt-get install strace).');
  process.exit(1);
}

/** The one-page survey: 66 statements on a five-point scale with "vet ikke", on one page. */
function onePageSurvey(dir: string): string {
  const surveys = path.join(dir, 'surveys');
  fs.mkdirSync(surveys, { recursive: true });
  const points = ['Helt uenig', 'Litt uenig', 'Verken eller', 'Litt enig', 'Helt enig'].map((label, i) => ({ value: i + 1, label }));
  const definition = {
    id: 'enside66',
    version: 1,
    title: 'Én side, 66 påstander',
    scales: { enig5: { points, dontKnowLabel: 'Vet ikke' } },
    sections: [{ id: 'alt', title: 'Påstander', items: Array.from({ length: 66 }, (_, i) => ({ id: `p${i + 1}`, type: 'likert', scale: 'enig5', text: `Påstand nummer ${i + 1} om arbeidsmiljøet` })) }],
  };
  fs.writeFileSync(path.join(surveys, 'enside66.json'), JSON.stringify(definition, null, 2));
  return surveys;
}

interface Workload {
  key: 'bundled' | 'onePage';
  label: string;
  prepared: Prepared;
  env: Record<string, string>;
}

function prepareOnePage(databasePath: string, surveysDir: string): Prepared {
  const survey = loadSurveyDir(surveysDir).get('enside66');
  if (!survey) throw new Error('the one-page survey did not load');
  const db = openDb(databasePath);
  try {
    syncSurveyVersions(db, [survey]);
    return { survey, demo: seedDemo(db, survey, today('Europe/Oslo')) };
  } finally {
    db.close();
  }
}

let addressSeq = 0;
const nextAddress = (): string => `10.${(++addressSeq >> 16) & 255}.${(addressSeq >> 8) & 255}.${addressSeq & 255}`;

const requestCount = { bundled: 0, onePage: 0 };

// n respondents answer the whole survey, c at a time, counting requests; throws on any unexpected answer.
async function answerMany(server: Running, w: Workload, n: number, c: number, seed: number): Promise<void> {
  const agent = keepAliveAgent(c);
  try {
    await runFixed(c, n, async (i) => {
      const link = w.prepared.demo.links[i % w.prepared.demo.links.length];
      if (!link) throw new Error('no demo links');
      const started = performance.now();
      const browser = new Browser({ host: '127.0.0.1', port: server.port }, agent, nextAddress());
      await answerSurvey(browser, w.prepared.survey, newRespondent(link.code, `benk ${seed} ${i}`), seededRandom(seed * 100_003 + i), { onReply: () => void (requestCount[w.key] += 1) });
      return performance.now() - started;
    });
  } finally {
    agent.destroy();
  }
}

async function postMany(server: Running, bodies: string[], n: number, c: number): Promise<void> {
  const agent = keepAliveAgent(c);
  try {
    await runFixed(c, n, async (i) => {
      const reply = await new Browser({ host: '127.0.0.1', port: server.port }, agent, nextAddress()).request('POST', '/submit', bodies[i % bodies.length]);
      if (reply.status !== 303) throw new Error(`bare submit answered ${reply.status}`);
      return reply.ms;
    });
  } finally {
    agent.destroy();
  }
}

interface Measured {
  /** Per respondent over the warm-up respondents, from a fresh process (V8 still compiling). */
  warmupCpuSeconds: number;
  cpuSeconds: number;
  perSec: number;
  sequential: SyncCount;
  concurrent: SyncCount;
}

// CPU first (no strace: it slows every system call of the traced process), then syncs.
async function measure(server: Running, run: (n: number, c: number) => Promise<void>, dir: string, name: string): Promise<Measured> {
  const cold = procStatus(server.pid).cpuMs;
  await run(WARMUP, concurrency);
  const cpu0 = procStatus(server.pid).cpuMs;
  const warmupCpuSeconds = (cpu0 - cold) / 1000 / WARMUP;
  const started = performance.now();
  await run(respondents, concurrency);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = (procStatus(server.pid).cpuMs - cpu0) / 1000 / respondents;
  const count = async (c: number): Promise<SyncCount> => {
    const trace = await traceSyncs(server.pid, path.join(dir, `${name}-${c}.strace`));
    try {
      await run(respondents, c);
    } finally {
      // Let the WAL worker finish what the last submit asked (it answers before the thanks page, so this is quick).
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return trace.stop();
  };
  return { warmupCpuSeconds, cpuSeconds, perSec: respondents / seconds, sequential: await count(1), concurrent: await count(concurrency) };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-fsync-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const children: Running[] = [];
const results: { w: Workload; ours: Measured; bare: Measured }[] = [];
try {
  const surveysDir = onePageSurvey(dir);
  const workloads: Workload[] = [
    { key: 'bundled', label: 'bundled survey (kartlegging)', prepared: prepareDatabase(path.join(dir, 'bundled.db')), env: {} },
    { key: 'onePage', label: 'one page of 66 statements', prepared: prepareOnePage(path.join(dir, 'onepage.db'), surveysDir), env: { SURVEYS_DIR: surveysDir } },
  ];

  for (const w of workloads.filter((x) => (values.surveys ?? '').split(',').includes(x.key))) {
    const server = await startKartlegg(path.join(dir, w.key === 'bundled' ? 'bundled.db' : 'onepage.db'), w.env);
    children.push(server);
    console.log(`${w.label}: Kartlegg pid ${server.pid}, ${respondents} respondents per measurement`);
    const ours = await measure(server, (n, c) => answerMany(server, w, n, c, c), dir, `${w.key}-ours`);
    await stopProcess(server);

    const bare = await startProcess('bench/bare-server.ts', { DATABASE_PATH: path.join(dir, `${w.key}-bare.db`) });
    children.push(bare);
    const rand = seededRandom(99);
    const bodies = Array.from({ length: 200 }, () => bareBody(w.prepared.survey, rand));
    const theirs = await measure(bare, (n, c) => postMany(bare, bodies, n, c), dir, `${w.key}-bare`);
    await stopProcess(bare);
    results.push({ w, ours, bare: theirs });
    const per = (s: SyncCount): string => `${(s.serverThread / respondents).toFixed(2)} on the server thread, ${(s.total / respondents).toFixed(2)} in all`;
    console.log(`  ours: ${ours.cpuSeconds.toFixed(4)} CPU-s per respondent warm, ${ours.warmupCpuSeconds.toFixed(4)} over the ${WARMUP} warm-up respondents (${ours.perSec.toFixed(1)} respondents/s at ${concurrency}); syncs per respondent alone ${per(ours.sequential)}, at ${concurrency} ${per(ours.concurrent)}`);
    console.log(`  bare: ${theirs.cpuSeconds.toFixed(4)} CPU-s per respondent warm, ${theirs.warmupCpuSeconds.toFixed(4)} over the warm-up; syncs per respondent alone ${per(theirs.sequential)}, at ${concurrency} ${per(theirs.concurrent)}`);
    for (const [file, n] of ours.sequential.byFile) console.log(`    ${file}: ${(n / respondents).toFixed(2)} per respondent (one at a time)`);
    for (const [file, n] of ours.concurrent.byFile) console.log(`    ${file}: ${(n / respondents).toFixed(2)} per respondent (${concurrency} at a time)`);
  }
} finally {
  for (const child of children) if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
}

if (!values['no-doc']) {
  const f = (x: number, d = 2): string => x.toFixed(d);
  const per = (n: number): string => f(n / respondents);
  const files = (s: SyncCount): string =>
    [...s.byFile]
      .sort((a, b) => b[1] - a[1])
      .map(([file, n]) => `${file} ${per(n)}`)
      .join('; ');
  writeSection('fsync', 'Disk syncs and CPU per respondent (`bench/fsync.ts`)', [
    `Command: \`npm run bench:fsync -- --respondents ${respondents} --concurrency ${concurrency}\``,
    '',
    machine(),
    '',
    `The real server (\`src/main.ts\` under tsx, default settings) on loopback with a fresh database and the demo's open wave; simulated respondents answer every page as a browser does (bench/lib/respondent.ts). The bare limit is \`bench/bare-server.ts\` (Express parsing the same answers as one form and inserting them in one transaction, same schema and pragmas) on its own database, measured in the same run. CPU is the server process's user + system time from \`/proc/<pid>/stat\` (every thread: the WAL worker and libuv's pool included) over ${respondents} respondents, ${concurrency} at a time, after ${WARMUP} warm-up respondents (warm: V8 compiles the code a respondent runs over the first few hundred respondents, a one-time cost of each process start that the warm-up column shows on its own). Syncs are \`fsync\` and \`fdatasync\` calls seen by \`strace -f -y -e trace=fsync,fdatasync -p <pid>\` over ${respondents} respondents, one at a time (each submit has its own checkpoint: the worst case) and ${concurrency} at a time; the server thread is the process's main thread, where Express and better-sqlite3 run.`,
    '',
    '| survey | requests per respondent | CPU-s per respondent warm, ours / bare | CPU-s per respondent over the ' + WARMUP + ' warm-up respondents, ours / bare | syncs per respondent on the server thread, one at a time / at ' + concurrency + ' (bare) | syncs per respondent in all threads, one at a time / at ' + concurrency + ' (bare) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...results.map(
      ({ w, ours, bare }) =>
        `| ${w.label} | ${f(requestCount[w.key] / (WARMUP + 3 * respondents), 1)} | ${f(ours.cpuSeconds, 4)} / ${f(bare.cpuSeconds, 4)} | ${f(ours.warmupCpuSeconds, 4)} / ${f(bare.warmupCpuSeconds, 4)} | ${per(ours.sequential.serverThread)} / ${per(ours.concurrent.serverThread)} (${per(bare.sequential.serverThread)} / ${per(bare.concurrent.serverThread)}) | ${per(ours.sequential.total)} / ${per(ours.concurrent.total)} (${per(bare.sequential.total)} / ${per(bare.concurrent.total)}) |`,
    ),
    '',
    'Where the syncs go, per respondent:',
    '',
    ...results.map(({ w, ours }) => `- ${w.label}, one at a time: ${files(ours.sequential)}; ${concurrency} at a time: ${files(ours.concurrent)}.`),
    '',
    'Targets (issue 13): at most one sync per respondent on the server thread: ' +
      results.map(({ w, ours }) => `${w.label} ${ours.sequential.serverThread <= respondents && ours.concurrent.serverThread <= respondents ? 'met' : '**not met**'}`).join(', ') +
      '. CPU per respondent (warm): ' +
      results.map(({ w, ours }) => `${w.label} ${f(ours.cpuSeconds, 4)} CPU-s against ${TARGET_CPU[w.key]} (${ours.cpuSeconds <= (TARGET_CPU[w.key] ?? 0) ? 'met' : `**not met**, ${f(ours.cpuSeconds / (TARGET_CPU[w.key] ?? 1), 1)}×`})`).join(', ') +
      '.',
  ]);
}
