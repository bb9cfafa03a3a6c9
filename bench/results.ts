// Results at scale (npm run bench:results -- [--scales 5000,50000,200000] [--before 1] [--leaf 200]
// [--sector 100] [--overview 40] [--csv 40] [--compare 100] [--warmup 3] [--cold-each-max N]
// [--phases 50000,200000] [--phase-runs 2] [--profile] [--keep] [--no-doc]).
// For each scale: a fresh temp-file database with a 500-unit organisation, a closed wave of the
// combined survey with that many responses and (--before, a fraction) an earlier closed wave in the
// same project, no tallies stored; then the real app (openDb + createApp + listen(0), in its own
// process, queuing the closed waves for the tally workers as src/main.ts does) on loopback, a
// signed-in project leader on one keep-alive connection, and
//  - how long after start the results are ready (503 until the workers stored the tallies and one
//    built the suppressed tables, read back into waveResults' cache per wave and connection) and the
//    first results request then, and one cold request per kind on a fresh connection (503 until
//    the tables are built again);
//  - warm p50 / p95 of a leaf unit's page, a sector's page, the organisation overview, the
//    organisation unit's CSV and a leaf unit's two-wave comparison;
//  - peak resident memory of the app during start-up and the cold and the warm CSV requests, and
//    how long a login page waits while a cold request's tables are built and read back;
//  - the bare limit (bench/bare-server.ts answering a fixed page) in the same run.
// With --phases, the steps of a cold waveResults are timed one by one in this process at those
// scales; with --profile the app runs under --cpu-prof and the hottest functions are printed.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { summariseProfile, type ProfileSummary } from './lib/cpuprofile.js';
import { Browser, keepAliveAgent } from './lib/http.js';
import { machine, writeSection } from './lib/report.js';
import { timePhases, type Phase } from './lib/results-phases.js';
import { seedResultsWave, type BenchUnit, type SeededWave } from './lib/results-seed.js';
import { procStatus, repoRoot, startProcess, stopProcess } from './lib/server.js';

const { values } = parseArgs({
  options: {
    scales: { type: 'string', default: '5000,50000,200000' },
    before: { type: 'string', default: '1' },
    leaf: { type: 'string', default: '200' },
    sector: { type: 'string', default: '100' },
    overview: { type: 'string', default: '40' },
    csv: { type: 'string', default: '40' },
    compare: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '3' },
    'cold-each-max': { type: 'string', default: '1000000000' },
    phases: { type: 'string', default: '50000,200000' },
    'phase-runs': { type: 'string', default: '2' },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'no-doc': { type: 'boolean', default: false },
  },
});
const list = (s: string | undefined): number[] => (s ?? '').split(',').filter((x) => x.trim() !== '').map(Number);
const scales = list(values.scales);
const before = Number(values.before);
const phaseScales = new Set(list(values.phases));
const phaseRuns = Math.max(1, Number(values['phase-runs']));
// Above this many responses only the cold CSV (for its memory) is repeated (by default every kind is).
const coldEachMax = Number(values['cold-each-max']);
const warmup = Number(values.warmup);
const host = '127.0.0.1';
const K = 5; // the wave's k (createWave's default)

type Kind = 'leaf' | 'sector' | 'overview' | 'csv' | 'compare';
const ALL_KINDS: Kind[] = ['leaf', 'sector', 'overview', 'csv', 'compare'];
const KIND_LABEL: Record<Kind, string> = {
  leaf: 'leaf unit page',
  sector: 'sector page',
  overview: 'organisation overview',
  csv: 'organisation CSV',
  compare: 'two-wave comparison of a leaf unit',
};
const repeats: Record<Kind, number> = {
  leaf: Number(values.leaf),
  sector: Number(values.sector),
  overview: Number(values.overview),
  csv: Number(values.csv),
  compare: Number(values.compare),
};

interface Latency {
  p50: number;
  p95: number;
  max: number;
  count: number;
  bytes: number;
  /** The first (unmeasured) request of this kind in the warm phase. */
  firstMs: number;
}

interface ScaleResult {
  responses: number;
  seed: SeededWave;
  kinds: Kind[];
  dbMb: number;
  answeringUnits: number;
  belowK: number;
  /** From the app's start (listening) until its closed waves' tallies were computed by the tally
   *  workers (a leaf page, asked for every 100 ms, stopped answering 503). */
  readyMs: number;
  /** The first results request that got 200 after start (a leaf page): reads the stored tallies, builds the tables; cold JIT. */
  firstMs: number;
  firstPeakMb: number;
  /** One cold request per kind on a fresh connection in the warm process: the request that got 200. */
  cold: Partial<Record<Kind, number>>;
  /** ... and how long after the first ask it came (503 "being computed" until the worker's tables are read back). */
  coldReady: Partial<Record<Kind, number>>;
  /** Latency of a login page requested 0.1 s into the cold CSV request. */
  blockedMs: number;
  warm: Partial<Record<Kind, Latency>>;
  rssBeforeMb: number;
  coldCsvPeakMb: number;
  warmCsvPeakMb: number;
  rssAfterMb: number;
  peakResetWorked: boolean;
  phases?: Phase[];
  profile?: ProfileSummary;
  seconds: number;
}

type Target = { url: string; expect: string };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

/** resetPeak sets the process's VmHWM back to its current RSS (Linux clear_refs 5); false where not allowed. */
function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
const mb = (kb: number): number => kb / 1024;

interface App {
  child: ChildProcess;
  pid: number;
  port: number;
  output(): string;
  exited: Promise<void>;
  /** When the app reported it was listening (performance.now() of this process). */
  listenedAt: number;
  /** Close the app's connection and open a new one (empty results cache); resolves with the new port. */
  fresh(): Promise<number>;
}

function startApp(dbPath: string, profileDir: string | undefined): Promise<App> {
  const args = ['--expose-gc', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), '--import', 'tsx', 'bench/lib/results-server.ts', dbPath];
  // As `npm start` runs it: no NODE_ENV (createApp caches compiled templates unless it is "development").
  const env = { ...process.env };
  delete env.NODE_ENV;
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const nextPort = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const onExit = (): void => reject(new Error(`the app exited:\n${text}`));
      child.once('exit', onExit);
      child.once('message', (m: { port: number }) => {
        child.off('exit', onExit);
        resolve(m.port);
      });
    });
  return nextPort().then((port) => {
    const app: App = {
      child,
      pid: child.pid as number,
      port,
      output: () => text,
      exited,
      listenedAt: performance.now(),
      fresh: () => {
        const p = nextPort();
        child.send('fresh');
        return p.then((next) => (app.port = next));
      },
    };
    return app;
  });
}

async function stopApp(app: App): Promise<void> {
  app.child.kill('SIGTERM');
  await app.exited;
}

async function signIn(app: App, seed: SeededWave): Promise<string> {
  const b = new Browser({ host, port: app.port }, keepAliveAgent(1), '127.0.0.1');
  const form = new URLSearchParams({ username: seed.username, password: seed.password }).toString();
  const r = await b.request('POST', '/innlogging', form);
  const session = b.cookie('kartlegg_session');
  if (r.status !== 303 || !session) throw new Error(`sign-in failed: ${r.status}`);
  return session;
}

/** A signed-in project leader's browser on the app's current port, one keep-alive connection. */
function browser(app: App, session: string): Browser {
  const b = new Browser({ host, port: app.port }, keepAliveAgent(1), '127.0.0.1', true);
  b.setCookie('kartlegg_session', session);
  return b;
}

/** getWhenReady asks for a results page every 100 ms while it answers 503 ("being computed");
 *  returns the answered request and how long after the first ask it came. */
async function getWhenReady(b: Browser, url: string, expect: string): Promise<{ ms: number; bytes: number; waitedMs: number }> {
  const started = performance.now();
  for (;;) {
    const r = await b.request('GET', url);
    if (r.status !== 503) {
      if (r.status !== 200 || !r.body.includes(expect)) throw new Error(`GET ${url}: ${r.status}, expected "${expect}" in:\n${r.body.slice(0, 400)}`);
      return { ms: r.ms, bytes: Buffer.byteLength(r.body), waitedMs: performance.now() - started };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function get(b: Browser, url: string, expect: string): Promise<{ ms: number; bytes: number }> {
  const r = await b.request('GET', url);
  if (r.status !== 200 || !r.body.includes(expect)) throw new Error(`GET ${url}: ${r.status}, expected "${expect}" in:\n${r.body.slice(0, 400)}`);
  return { ms: r.ms, bytes: Buffer.byteLength(r.body) };
}

function targets(seed: SeededWave): Record<Kind, Target[]> {
  const w = seed.waveId;
  const byLevel = (level: BenchUnit['level']): BenchUnit[] => seed.units.filter((u) => u.level === level);
  // Leaves a leader would open: ones with at least k responses, every 9th so all sectors and sizes appear.
  const leaves = byLevel('leaf')
    .filter((u) => u.responses >= K)
    .filter((_, i) => i % 9 === 0);
  const project = seed.earlier?.projectId;
  return {
    leaf: leaves.map((u) => ({ url: `/resultater/${w}/enhet/${u.id}`, expect: u.name })),
    sector: byLevel('sector').map((u) => ({ url: `/resultater/${w}/enhet/${u.id}`, expect: u.name })),
    overview: [{ url: `/resultater/${w}/organisasjon`, expect: 'Benk kommune' }],
    csv: [{ url: `/resultater/${w}/enhet/${seed.rootId}/csv`, expect: 'Faktor' }],
    compare: project === undefined ? [] : leaves.map((u) => ({ url: `/sammenligning/${project}/enhet/${u.id}`, expect: u.name })),
  };
}

/** measureWarm runs, for every kind, a few unmeasured requests and then the measured ones, rotating
 *  over the targets; the CSVs' peak RSS is taken from a reset peak. */
async function measureWarm(app: App, b: Browser, t: Record<Kind, Target[]>, kinds: Kind[]): Promise<{ warm: Partial<Record<Kind, Latency>>; csvPeakMb: number }> {
  const warm: Partial<Record<Kind, Latency>> = {};
  let csvPeakMb = NaN;
  for (const kind of kinds) {
    const targetsOfKind = t[kind];
    let firstMs = NaN;
    for (let i = 0; i < Math.max(1, warmup); i++) {
      const x = targetsOfKind[i % targetsOfKind.length] as Target;
      const r = await get(b, x.url, x.expect);
      if (i === 0) firstMs = r.ms;
    }
    if (kind === 'csv') resetPeak(app.pid);
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < repeats[kind]; i++) {
      const x = targetsOfKind[i % targetsOfKind.length] as Target;
      const r = await get(b, x.url, x.expect);
      ms.push(r.ms);
      bytes = Math.max(bytes, r.bytes);
    }
    if (kind === 'csv') csvPeakMb = mb(procStatus(app.pid).peakRssKb);
    ms.sort((a, c) => a - c);
    const l: Latency = { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95), max: ms[ms.length - 1] ?? NaN, count: ms.length, bytes, firstMs };
    warm[kind] = l;
    console.log(
      `warm ${KIND_LABEL[kind]}: p50 ${l.p50.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms, max ${l.max.toFixed(1)} ms ` +
        `(${ms.length} requests, ${(bytes / 1024).toFixed(0)} KB; the first, unmeasured one ${firstMs.toFixed(0)} ms)`,
    );
  }
  return { warm, csvPeakMb };
}

async function runScale(n: number): Promise<ScaleResult> {
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-results-'));
  const dbPath = path.join(dir, 'results.db');
  console.log(`\n== ${n.toLocaleString('en')} responses ==`);
  const seed = await seedResultsWave(dbPath, n, before);
  const dbMb = fs.statSync(dbPath).size / 2 ** 20;
  const answering = seed.units.filter((u) => u.level === 'leaf');
  const belowK = answering.filter((u) => u.responses < K).length;
  const kinds = ALL_KINDS.filter((k) => k !== 'compare' || seed.earlier);
  console.log(
    `seeded in ${seed.seconds.toFixed(1)} s: ${seed.units.length} units (${answering.length} answering, ${belowK} below k=${K}), ` +
      `${seed.responses} responses (${seed.answerRows} answer rows)` +
      (seed.earlier ? ` + ${seed.earlier.responses} in the earlier wave (${seed.earlier.answerRows} rows)` : '') +
      `, ${dbMb.toFixed(0)} MB`,
  );

  const profileDir = values.profile ? path.join(dir, 'profile') : undefined;
  const t = targets(seed);
  const app = await startApp(dbPath, profileDir);
  let result: ScaleResult;
  try {
    const session = await signIn(app, seed);
    let b = browser(app, session);
    const rssBeforeMb = mb(procStatus(app.pid).rssKb);

    // 1. Start-up: the tally workers compute the closed waves; then the first results request.
    const peakResetWorked = resetPeak(app.pid);
    const leaf0 = t.leaf[0] as Target;
    const first = await getWhenReady(b, leaf0.url, leaf0.expect);
    const readyMs = performance.now() - app.listenedAt;
    const firstPeakMb = mb(procStatus(app.pid).peakRssKb);
    console.log(
      `results ready ${(readyMs / 1000).toFixed(1)} s after the app listened; the first results request (leaf page) then took ${first.ms.toFixed(0)} ms; ` +
        `peak RSS ${firstPeakMb.toFixed(0)} MB (${rssBeforeMb.toFixed(0)} MB before)`,
    );

    // 2. Warm.
    const { warm, csvPeakMb: warmCsvPeakMb } = await measureWarm(app, b, t, kinds);

    // 3. Cold again, one per kind, each on a fresh connection (empty cache) in the now warm process.
    //    During the cold CSV, a visitor asks for the login page: how long the aggregation blocks everyone.
    const cold: Partial<Record<Kind, number>> = {};
    const coldReady: Partial<Record<Kind, number>> = {};
    let coldCsvPeakMb = NaN;
    let blockedMs = NaN;
    for (const kind of kinds) {
      if (kind !== 'csv' && n > coldEachMax) continue;
      await app.fresh();
      b = browser(app, session);
      const x = t[kind][0] as Target;
      if (kind === 'csv') resetPeak(app.pid);
      const request = getWhenReady(b, x.url, x.expect);
      if (kind === 'csv') {
        await new Promise((r) => setTimeout(r, 100));
        const visitor = new Browser({ host, port: app.port }, keepAliveAgent(1), '127.0.0.1', true);
        blockedMs = (await get(visitor, '/innlogging', 'password')).ms;
      }
      const { ms, waitedMs } = await request;
      cold[kind] = ms;
      coldReady[kind] = waitedMs;
      if (kind === 'csv') coldCsvPeakMb = mb(procStatus(app.pid).peakRssKb);
      const extra = kind === 'csv' ? `, peak RSS ${coldCsvPeakMb.toFixed(0)} MB; a login page asked for 0.1 s into it took ${blockedMs.toFixed(0)} ms` : '';
      console.log(`cold ${KIND_LABEL[kind]} (fresh connection, warm process): ready after ${waitedMs.toFixed(0)} ms, then ${ms.toFixed(0)} ms${extra}`);
    }
    result = {
      responses: n,
      seed,
      kinds,
      dbMb,
      answeringUnits: answering.length,
      belowK,
      readyMs,
      firstMs: first.ms,
      firstPeakMb,
      cold,
      coldReady,
      blockedMs,
      warm,
      rssBeforeMb,
      coldCsvPeakMb,
      warmCsvPeakMb,
      rssAfterMb: mb(procStatus(app.pid).rssKb),
      peakResetWorked,
      seconds: 0,
    };
  } catch (err) {
    console.error(app.output());
    throw err;
  } finally {
    await stopApp(app);
  }

  if (profileDir) {
    const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      result.profile = summariseProfile(path.join(profileDir, file));
      printProfile(result.profile);
      if (values.keep) console.log(`profile kept: ${path.join(profileDir, file)}`);
    }
  }
  if (phaseScales.has(n)) {
    console.log('the full pass and the steps of a cold waveResults, timed one by one in the bench process:');
    // The fastest of a few runs per step: the least disturbed by anything else on the machine.
    const runs = Array.from({ length: phaseRuns }, () => timePhases(dbPath, seed.waveId));
    const phases = (runs[0] ?? []).map((p, i) => ({ name: p.name, ms: Math.min(...runs.map((r) => r[i]?.ms ?? Infinity)), cpuMs: Math.min(...runs.map((r) => r[i]?.cpuMs ?? Infinity)) }));
    result.phases = phases;
    for (const p of phases) console.log(`  ${p.ms.toFixed(0).padStart(7)} ms  ${p.cpuMs.toFixed(0).padStart(7)} ms CPU  ${p.name}`);
  }
  if (values.keep) console.log(`database kept: ${dbPath}`);
  else fs.rmSync(dir, { recursive: true, force: true });
  result.seconds = (performance.now() - started) / 1000;
  console.log(`(${result.seconds.toFixed(0)} s for this scale)`);
  return result;
}

function topFunctions(p: ProfileSummary): { self: ProfileSummary['functions']; total: ProfileSummary['functions'] } {
  const self = [...p.functions].sort((a, b) => b.selfMs - a.selfMs).slice(0, 12);
  const total = p.functions
    .filter((f) => / src\//.test(f.name))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, 12);
  return { self, total };
}

function printProfile(p: ProfileSummary): void {
  const { self, total } = topFunctions(p);
  console.log(`CPU profile of the app (${(p.busyMs / 1000).toFixed(1)} s busy of ${(p.wallMs / 1000).toFixed(1)} s): top self time`);
  for (const f of self) console.log(`  ${f.selfMs.toFixed(0).padStart(7)} ms self  ${f.name}`);
  console.log("  ... and inclusive time of the app's own functions:");
  for (const f of total) console.log(`  ${f.totalMs.toFixed(0).padStart(7)} ms total ${f.name}`);
}

/** bareFloor measures the bare server's fixed page, one keep-alive connection, one request at a time. */
async function bareFloor(): Promise<Latency> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-bare-'));
  const bare = await startProcess('bench/bare-server.ts', { DATABASE_PATH: path.join(dir, 'bare.db') });
  try {
    const b = new Browser({ host, port: bare.port }, keepAliveAgent(1), '127.0.0.1', true);
    for (let i = 0; i < warmup + 20; i++) await get(b, '/', 'Bare');
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < repeats.leaf; i++) {
      const r = await get(b, '/', 'Bare');
      ms.push(r.ms);
      bytes = r.bytes;
    }
    ms.sort((a, c) => a - c);
    return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95), max: ms[ms.length - 1] ?? NaN, count: ms.length, bytes, firstMs: NaN };
  } finally {
    await stopProcess(bare);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---- run ----
const runStarted = performance.now();
const results: ScaleResult[] = [];
for (const n of scales) results.push(await runScale(n));
const bare = await bareFloor();
console.log(`bare limit: a fixed ${(bare.bytes / 1024).toFixed(0)} KB page, p50 ${bare.p50.toFixed(1)} ms, p95 ${bare.p95.toFixed(1)} ms`);
const totalSeconds = (performance.now() - runStarted) / 1000;

// ---- report ----
const f0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x: number): string => (Number.isFinite(x) ? (x < 10 ? x.toFixed(1) : x.toFixed(0)) : '–');
const sec = (ms: number | undefined): string => (ms === undefined || !Number.isFinite(ms) ? '–' : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${f0(ms)} ms`);
const pp = (l: Latency | undefined): string => (l ? `${f1(l.p50)} / ${f1(l.p95)}` : '–');
const num = (n: number): string => n.toLocaleString('en').replace(/,/g, ' ');
const hasCompare = results.some((r) => r.kinds.includes('compare'));
const shownKinds = ALL_KINDS.filter((k) => k !== 'compare' || hasCompare);

const lines: string[] = [];
const row = (cells: string[]): void => void lines.push(`| ${cells.join(' | ')} |`);
const command = `npm run bench:results${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const load15 = os.loadavg()[2] ?? 0; // what the run as a whole shared the machine with
lines.push(`Command: \`${command}\``, '', machine(), `Whole run: ${totalSeconds.toFixed(0)} s.`, '');
if (load15 > os.availableParallelism() * 0.75) {
  lines.push(
    `The machine was shared with other work during the run (15-minute load average ${load15.toFixed(1)} on ${os.availableParallelism()} cores), ` +
      'so the times are inflated and noisy; compare them with each other rather than as absolutes.',
    '',
  );
}
const leafCount = results[0] ? targets(results[0].seed).leaf.length : 0;
lines.push(
  'Each scale gets a fresh temp-file database: 500 units (1 organisation, 8 sectors, 60 institutions, 431 departments; 435 units answer, ' +
    'departments of log-normal size plus 7 % tiny ones with 1-4 respondents) and a closed wave of the combined survey `kartlegging` ' +
    '(k = 5) with synthetic answers (`syntheticAnswers`, about 65 answer rows per response)' +
    (hasCompare ? `, plus an earlier closed wave a year before (${before === 1 ? 'as many responses' : `${before} x the responses`}, each unit's climate shifted) in one project with it, for the two-wave comparison` : '') +
    ', no tallies stored. The app is `openDb` + `createApp` + `listen(0)` in its own process (`bench/lib/results-server.ts`), which queues the ' +
    'closed waves for the tally workers on start as `src/main.ts` does, asked over loopback by a ' +
    'signed-in project leader on one keep-alive connection, one request at a time. Times are client-side, request sent to last byte ' +
    'received. Before each cold request on a fresh connection the old connection is closed and garbage collected (`--expose-gc`), so ' +
    'its peak memory is its own.',
  '',
  'A wave\'s tallies are computed once, by the tally workers (worker threads with their own read-only connections, ' +
    '`src/report/tally-jobs.ts`), and stored; then one worker builds the suppressed tables from them, each unit\'s packed on its own, and the server thread keeps ' +
    'the packed buffer in `waveResults`\' cache (per wave and database connection), reading a unit\'s table back when a page asks for it. Until they are ' +
    'cached every results page answers 503 "Resultatene beregnes"; no request builds them. "Ready after start" is from the app ' +
    'listening until a leaf page, asked for every 100 ms, stops answering 503 (both waves computed and built, one after the other); ' +
    '"first request" is that first 200 (cold JIT). "Cold" is one request of each kind on a new database connection in the already warm ' +
    'process (empty cache: the tables are built again in a worker; asked for every 100 ms), as "ready after / then" the first 200; a ' +
    'cold comparison needs both waves\' tables. "Warm" is the cached case, rotating over ' +
    `${leafCount} leaf units with at least k responses (the comparison: the same units) and the 8 sectors.`,
  '',
  '### Seeding (not measured, for reference)',
  '',
);
row(['responses', 'answer rows', 'earlier wave', 'seed time', 'database', 'answering units below k']);
row(['---', '---', '---', '---', '---', '---']);
for (const r of results) {
  const e = r.seed.earlier;
  row([num(r.responses), num(r.seed.answerRows), e ? `${num(e.responses)} (${num(e.answerRows)} rows)` : '–', `${r.seed.seconds.toFixed(1)} s`, `${f0(r.dbMb)} MB`, `${r.belowK} of ${r.answeringUnits}`]);
}

lines.push('', '### Start-up and cold requests: the tallies computed and the tables built in the workers', '');
row(['responses', 'ready after start', 'first request (leaf page)', ...shownKinds.map((k) => `cold ${KIND_LABEL[k]}`), 'login page asked for during the cold CSV']);
row(['---', '---', '---', ...shownKinds.map(() => '---'), '---']);
let footnoteFirst = false;
let footnoteCompare = false;
for (const r of results) {
  const cells = shownKinds.map((k) => {
    const c = r.cold[k];
    if (c !== undefined) return `${sec(r.coldReady[k] ?? NaN)} / ${sec(c)}`;
    if (k === 'compare' && r.warm.compare) {
      footnoteCompare = true;
      return `${sec(r.warm.compare.firstMs)} ²`;
    }
    footnoteFirst = true;
    return '¹';
  });
  row([num(r.responses), sec(r.readyMs), sec(r.firstMs), ...cells, sec(r.blockedMs)]);
}
lines.push('');
if (footnoteFirst) {
  lines.push(
    `¹ Not repeated above ${num(coldEachMax)} responses (\`--cold-each-max\`): a cold request of any kind builds the same tables as the first one after start, plus its page.`,
  );
}
if (footnoteCompare) lines.push('² The first comparison request of the warm phase: the earlier wave\'s tables built, the measured wave\'s already cached.');
lines.push(
  'Building the tables runs in a worker, and the server takes them packed, so the app keeps answering meanwhile: the last column is a login page requested 0.1 s after the first ask for the cold CSV. Neither the full pass over the answers nor the build runs on a request.',
);

lines.push('', '### Warm: tables cached, p50 / p95 in ms (requests measured)', '');
lines.push(`Bare limit in the same run: \`bench/bare-server.ts\` answering a fixed ${f0(bare.bytes / 1024)} KB page (Express, no templates, session or database), p50 / p95 ${pp(bare)} ms (${bare.count} requests).`, '');
row(['responses', ...shownKinds.map((k) => `${KIND_LABEL[k]} (${repeats[k]})`), 'page sizes (same order)']);
row(['---', ...shownKinds.map(() => '---'), '---']);
for (const r of results) row([num(r.responses), ...shownKinds.map((k) => pp(r.warm[k])), `${shownKinds.map((k) => f0((r.warm[k]?.bytes ?? NaN) / 1024)).join(' / ')} KB`]);

lines.push('', '### Memory of the app process (RSS)', '');
row(['responses', 'after sign-in', 'peak, start-up (workers) and first request', 'peak during the cold CSV', 'peak during the warm CSVs', 'at the end']);
row(['---', '---', '---', '---', '---', '---']);
for (const r of results) row([num(r.responses), `${f0(r.rssBeforeMb)} MB`, `${f0(r.firstPeakMb)} MB`, `${f0(r.coldCsvPeakMb)} MB`, `${f0(r.warmCsvPeakMb)} MB`, `${f0(r.rssAfterMb)} MB`]);
if (results.some((r) => !r.peakResetWorked)) lines.push('', 'Peaks could not be reset (/proc/<pid>/clear_refs refused): they are peaks since the app started.');

// Targets.
const mark = (ms: number | undefined, limit: number): string => (ms === undefined ? '–' : `${sec(ms)} ${ms < limit ? '(met)' : '(**not met**)'}`);
/** A cold figure: measured, or else the first request after start (the same aggregation). */
const coldOf = (r: ScaleResult, k: Kind): number => r.cold[k] ?? r.firstMs;
const coldNote = (r: ScaleResult, k: Kind): string => (r.cold[k] === undefined ? ' ¹' : '');
lines.push('', '### Against the targets (issues 7 and 13) and LimeSurvey', '');
row(['target', ...results.map((r) => `${num(r.responses)} responses`)]);
row(['---', ...results.map(() => '---')]);
row(['leaf page p95 < 20 ms, warm (issue 13)', ...results.map((r) => mark(r.warm.leaf?.p95, 20))]);
row(['organisation overview < 100 ms, warm p95 (issue 13)', ...results.map((r) => mark(r.warm.overview?.p95, 100))]);
row(['leaf page p95 < 100 ms, warm', ...results.map((r) => mark(r.warm.leaf?.p95, 100))]);
row(['leaf page < 100 ms, first (cold) request', ...results.map((r) => mark(coldOf(r, 'leaf'), 100) + coldNote(r, 'leaf'))]);
row(['results ready after start (no target; both waves, computed one after the other)', ...results.map((r) => sec(r.readyMs))]);
row(['overview < 1 s, warm p95', ...results.map((r) => mark(r.warm.overview?.p95, 1000))]);
row(['overview < 1 s, cold', ...results.map((r) => mark(coldOf(r, 'overview'), 1000) + coldNote(r, 'overview'))]);
row(['CSV < 5 s, warm p95', ...results.map((r) => mark(r.warm.csv?.p95, 5000))]);
row(['CSV < 5 s, cold', ...results.map((r) => mark(r.cold.csv, 5000))]);
row(['CSV memory flat as responses grow: peak RSS during the cold CSV', ...results.map((r) => `${f0(r.coldCsvPeakMb)} MB`)]);
if (hasCompare) row(['two-wave comparison (no target set), warm p95', ...results.map((r) => sec(r.warm.compare?.p95))]);
if (results.some((r) => r.cold.leaf === undefined || r.cold.overview === undefined)) lines.push('', '¹ Not repeated at this scale; the figure is the first request after start, which does the same aggregation.');
const largest = results[results.length - 1];
lines.push(
  '',
  "- Memory: the CSV is a unit's table of figures (one row per figure, the same rows whatever the number of responses), never the raw " +
    'answers, so it does not grow with the responses. The tally workers stream the answers and keep tallies per unit, so what stays ' +
    `in memory does not grow with them either (RSS at the end: ${results.map((r) => `${f0(r.rssAfterMb)} MB`).join(', ')}). The peak ` +
    "during start-up is the workers' (two pass workers with tallies, a SQLite cache and a V8 heap each; then one building the tables) and the " +
    "server thread's copy of the tables read back; each new connection (the cold requests) gets its own copy, as the cache is per connection" +
    (largest ? `: at ${num(largest.responses)} responses ${f0(largest.firstPeakMb)} MB, and ${f0(largest.coldCsvPeakMb)} MB on the cold CSV.` : '.'),
);
const r5 = results.find((r) => r.responses === 5_000);
const r50 = results.find((r) => r.responses === 50_000);
if (r5 && r50) {
  const o5 = coldOf(r5, 'overview');
  const at10k = o5 + ((coldOf(r50, 'overview') - o5) * (10_000 - 5_000)) / (50_000 - 5_000);
  lines.push(
    "- LimeSurvey's statistics page takes about 1.5 s at 10 000 responses (the comparison figure given for this benchmark; not measured here). " +
      `Interpolating our cold overview linearly between 5 000 and 50 000 gives about ${sec(at10k)} at 10 000 for the first 200 once the tables are built and read back; ` +
      `every later request is served from the cache (overview p50 ${f1(r50.warm.overview?.p50 ?? NaN)} ms at 50 000).`,
  );
}
const slowFirst = results.filter((r) => Math.max(r.firstMs, ...Object.values(r.cold)) > 60_000);
if (slowFirst.length > 0) {
  lines.push(
    `- At ${slowFirst.map((r) => num(r.responses)).join(' and ')} responses a cold request took longer than 60 s, the default read timeout of common ` +
      'reverse proxies (nginx `proxy_read_timeout`): behind one, that reader gets a gateway timeout while the app still blocks everyone else.',
  );
}
if (!hasCompare) lines.push('- Two-wave comparison: not measured in this run (`--before 0`).');

const phased = results.filter((r) => r.phases);
if (phased.length > 0) {
  lines.push('', "### Where the time goes: the full pass and a cold request's steps", '');
  lines.push(
    `Each step called on its own on the same database in the bench process (\`bench/lib/results-phases.ts\`), one thread, the fastest of ${phaseRuns} runs, wall ms / CPU ms. ` +
      'The rows up to "full pass now" are the pass over the answers (in the tally workers); storing what the workers send runs on the server thread; the rest is the build of a wave\'s tables, which runs in a worker (no request waits for it).',
    '',
  );
  const names = phased[0]?.phases?.map((p) => p.name) ?? [];
  row(['step', ...phased.map((r) => `${num(r.responses)} responses`)]);
  row(['---', ...phased.map(() => '---')]);
  for (const name of names) row([name, ...phased.map((r) => { const p = r.phases?.find((x) => x.name === name); return p ? `${f0(p.ms)} / ${f0(p.cpuMs)}` : '–'; })]);
  for (const r of phased) {
    const p = (prefix: string): Phase | undefined => r.phases?.find((x) => x.name.startsWith(prefix));
    const ms = (prefix: string): number => p(prefix)?.ms ?? NaN;
    const before = ms('previous full pass');
    const now = ms('full pass now');
    const serverSide = ms('read and parse') + ms('units and') + ms('sum categories') + ms('rollUp') + ms('disclose') + ms('releaseTables') + ms('breakdown');
    lines.push(
      '',
      `At ${num(r.responses)} responses (${num(r.seed.answerRows)} answer rows): SQLite alone walks the join in ${f0(ms('SQLite alone'))} ms. The previous pass ` +
        `(one row object per answer) took ${sec(before)}; the packed reader takes ${sec(now)} on one thread (${(before / now).toFixed(1)}x faster), ` +
        `and the tally workers split it over two threads (the pass runs only for answers the running tallies do not count, such as those from before an upgrade); ` +
        `from the running tallies kept at submit (what a close reads) the same stored form takes ${f0(ms('from the running tallies'))} ms (see "ready after start" above for the whole start-up). After that, building a wave's tables ` +
        `from its stored tallies takes ${f0(serverSide)} ms on one thread, in a worker (reading and parsing them ${f0(ms('read and parse'))} ms).`,
    );
  }
}
for (const r of results.filter((x) => x.profile)) {
  const p = r.profile as ProfileSummary;
  const { self, total } = topFunctions(p);
  lines.push('', `CPU profile of the app at ${num(r.responses)} responses (\`--profile\`; ${(p.busyMs / 1000).toFixed(1)} s busy), top self time:`, '');
  row(['ms self', 'function']);
  row(['---', '---']);
  for (const f of self) row([f0(f.selfMs), `\`${f.name}\``]);
  lines.push('', "Inclusive time of the app's own functions:", '');
  row(['ms total', 'function']);
  row(['---', '---']);
  for (const f of total) row([f0(f.totalMs), `\`${f.name}\``]);
}

console.log(`\n${lines.join('\n')}`);
if (!values['no-doc']) writeSection('results', 'Results at scale (`bench/results.ts`)', lines);
