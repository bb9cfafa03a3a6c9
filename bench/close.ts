// Results off the request path (npm run bench:close -- [--responses 200000] [--rate 10]
// [--warmup 5] [--baseline 20] [--after 5] [--source] [--keep] [--no-doc]).
//  1. Seeds a 500-unit organisation with a still open wave of `responses` responses (the one to
//     close) and a second open wave whose links live respondents use.
//  2. The bare limit (bench/bare-server.ts) takes the same respondents' answers, one POST each, at
//     the same rate: the latency floor of Express + SQLite on this machine in this run.
//  3. The real server as `npm start` runs it (built first; --source: src/main.ts under tsx, whose
//     worker threads then compile TypeScript as they start). Respondents arrive at `rate` per second (open loop), each
//     answering the whole survey as a browser does (about 27 requests); a probe asks for the login
//     page every 100 ms. After `baseline` seconds the project leader closes the big wave (the web
//     form's POST); a leader's browser asks for the organisation page every 250 ms until it gets
//     200. Compared: every request's latency, and the longest gap between two answered requests
//     (the server's unresponsive window), before and during the close.
//  4. Start-up: the server is stopped, restarted with the tallies stored (time to listen; 16 s of
//     the same load: the baseline, a cold start with nothing to compute), then
//     stopped, the stored and the running tallies deleted (as an upgrade that changes their form
//     does) and started again under the same load: the full pass over every answer; time to
//     listen, time until the results are ready, latencies.
//  The seeded wave's running tallies are seeded as if every response had been submitted through
//  the app, so the close (3) reads them, as a real close does.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLink } from '../src/store/links.js';
import { openDb } from '../src/store/db.js';
import { createWave } from '../src/store/waves.js';
import { seededRandom } from '../src/demo-answers.js';
import { Browser, keepAliveAgent, type Reply } from './lib/http.js';
import { peakOf, phaseTable, readPhases, sampleRss } from './lib/close-phases.js';
import { cpuMeter, summarise, type CpuShare, type Summary } from './lib/load.js';
import type { PhaseRecord } from '../src/report/close-phases.js';
import { machine, writeSection } from './lib/report.js';
import { answerSurvey, newRespondent } from './lib/respondent.js';
import { seedResultsWave, type SeededWave } from './lib/results-seed.js';
import { procStatus, repoRoot, startKartlegg as startServer, startProcess, stopProcess, type Running } from './lib/server.js';
import { bareBody } from './lib/submit-runs.js';

const { values } = parseArgs({
  options: {
    responses: { type: 'string', default: '200000' },
    rate: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    baseline: { type: 'string', default: '20' },
    after: { type: 'string', default: '5' },
    source: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'no-doc': { type: 'boolean', default: false },
  },
});
const N = Number(values.responses);
const RATE = Number(values.rate);
const WARMUP = Number(values.warmup) * 1000;
const BASELINE = Number(values.baseline) * 1000;
const AFTER = Number(values.after) * 1000;
// How long a start with nothing to compute is watched under load, as the baseline of start-up.
const PLAIN_MS = 16_000;
const BUILT = !values.source;
const host = '127.0.0.1';
// The server records the close path's phases (src/report/close-phases.ts) into this file.
let phasesFile = '';
const startKartlegg = (dbPath: string): Promise<Running> => startServer(dbPath, phasesFile ? { CLOSE_PHASES_FILE: phasesFile } : {}, BUILT);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mb = (kb: number): number => kb / 1024;
let addressSeq = 0;
const nextAddress = (): string => `10.${(++addressSeq >> 16) & 255}.${(addressSeq >> 8) & 255}.${addressSeq & 255}`;

/** One answered request: when it was sent and answered (ms on this process's clock), and by whom. */
interface Done {
  sent: number;
  done: number;
  who: 'respondent' | 'probe' | 'leader';
  status: number;
  /** The respondent's step (welcome, page, send, ...). */
  step?: string;
}

/** Traffic runs respondents at RATE/s and a login-page probe every 100 ms until stopped. */
class Traffic {
  readonly log: Done[] = [];
  readonly errors: string[] = [];
  private running = true;
  private readonly loops: Promise<void>[] = [];
  private readonly agent = keepAliveAgent(256);

  constructor(
    private readonly port: number,
    private readonly seed: SeededWave,
    private readonly codes: string[],
  ) {
    this.loops.push(this.arrivals(), this.probe());
  }

  private record(who: Done['who'], r: Reply, step?: string): void {
    const done = performance.now();
    this.log.push({ sent: done - r.ms, done, who, status: r.status, ...(step ? { step } : {}) });
  }

  private async arrivals(): Promise<void> {
    const started = performance.now();
    const flows: Promise<void>[] = [];
    for (let i = 0; this.running; i++) {
      const wait = started + (i * 1000) / RATE - performance.now();
      if (wait > 1) await sleep(wait);
      if (!this.running) break;
      const state = newRespondent(this.codes[i % this.codes.length] as string, `benk ${i}`);
      const browser = new Browser({ host, port: this.port }, this.agent, nextAddress());
      flows.push(
        answerSurvey(browser, this.seed.survey, state, seededRandom(i + 1), { onReply: (step, r) => this.record('respondent', r, step) }).catch((err: unknown) => {
          this.errors.push((err as Error).message.slice(0, 160));
        }),
      );
    }
    await Promise.all(flows);
  }

  private async probe(): Promise<void> {
    const b = new Browser({ host, port: this.port }, keepAliveAgent(1), '127.0.0.1');
    while (this.running) {
      const next = performance.now() + 100;
      // A reset connection is counted as an error, not the end of the run.
      await b.request('GET', '/innlogging').then(
        (r) => this.record('probe', r),
        (err: unknown) => this.errors.push(`probe: ${(err as Error).message.slice(0, 160)}`),
      );
      await sleep(next - performance.now());
    }
  }

  /** stop ends arrivals and probes and waits for every started respondent to finish. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.agent.destroy();
  }
}

interface Window {
  requests: Summary;
  probes: Summary;
  /** Longest time between two consecutive answered requests of any kind. */
  longestGapMs: number;
  notOk: number;
  /** Respondent and probe requests over 100 ms, and how many of them were in flight while the
   *  leader's first results page (the one that got 200) was being answered. */
  slow: number;
  slowDuringFirstPage: number;
}

/** slowRequests says, for requests over 100 ms sent in [from, to), how many of each kind (the
 *  respondent's step, or the probe) and how many overlapped each recorded phase (times on this
 *  process's clock; `epoch` is performance.now() 0 on the phases' clock). */
function slowRequests(log: Done[], from: number, to: number, phases: readonly PhaseRecord[], epoch: number): string {
  const slow = log.filter((d) => d.sent >= from && d.sent < to && d.who !== 'leader' && d.done - d.sent > 100);
  const count = (keys: string[]): string =>
    [...keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>())]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  const overlaps = slow.flatMap((d) =>
    phases.filter((p) => !/^wait: /.test(p.phase) && p.at - epoch < d.done && p.at - epoch + p.wallMs > d.sent).map((p) => p.phase),
  );
  const none = slow.filter((d) => !phases.some((p) => !/^wait: /.test(p.phase) && p.at - epoch < d.done && p.at - epoch + p.wallMs > d.sent)).length;
  return `by kind: ${count(slow.map((d) => d.step ?? d.who)) || 'none'}; overlapping a phase: ${count(overlaps) || 'none'}${none ? `; overlapping none: ${none}` : ''}`;
}

function windowOf(log: Done[], from: number, to: number): Window {
  const inside = log.filter((d) => d.sent >= from && d.sent < to);
  const done = inside.map((d) => d.done).sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < done.length; i++) gap = Math.max(gap, (done[i] as number) - (done[i - 1] as number));
  const first = inside.find((d) => d.who === 'leader' && d.status === 200);
  const slow = inside.filter((d) => d.who !== 'leader' && d.done - d.sent > 100);
  return {
    slow: slow.length,
    slowDuringFirstPage: first ? slow.filter((d) => d.sent < first.done && d.done > first.sent).length : 0,
    requests: summarise(inside.filter((d) => d.who === 'respondent').map((d) => d.done - d.sent)),
    probes: summarise(inside.filter((d) => d.who === 'probe').map((d) => d.done - d.sent)),
    longestGapMs: gap,
    notOk: inside.filter((d) => d.who !== 'leader' && d.status >= 400).length,
  };
}

async function signIn(port: number, seed: SeededWave): Promise<Browser> {
  const b = new Browser({ host, port }, keepAliveAgent(1), '127.0.0.2', true);
  const r = await b.request('POST', '/innlogging', new URLSearchParams({ username: seed.username, password: seed.password }).toString());
  if (r.status !== 303) throw new Error(`sign-in failed: ${r.status}`);
  return b;
}

/** waitReady asks for the organisation page every 250 ms until 200; returns when it came, or throws after `limitMs`. */
/** deleteTallies drops every stored and running tally, as an upgrade that changes their form does:
 *  the next start computes the waves by the full pass. */
function deleteTallies(file: string): void {
  const raw = new Database(file);
  raw.prepare('DELETE FROM wave_tally').run();
  raw.prepare('DELETE FROM running_tally').run();
  raw.close();
}

async function waitReady(leader: Browser, url: string, limitMs: number, log: Done[]): Promise<number> {
  const limit = performance.now() + limitMs;
  while (performance.now() < limit) {
    const r = await leader.request('GET', url).catch(() => undefined);
    // A reset connection: asked again (the leader's browser would show an error and reload).
    if (!r) {
      await sleep(250);
      continue;
    }
    log.push({ sent: performance.now() - r.ms, done: performance.now(), who: 'leader', status: r.status });
    if (r.status === 200) return performance.now();
    if (r.status !== 503) throw new Error(`GET ${url}: ${r.status}`);
    await sleep(250);
  }
  throw new Error(`${url} was not ready within ${limitMs} ms`);
}

function resetPeak(pid: number): void {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

async function bareRun(dir: string, seed: SeededWave): Promise<Summary> {
  const bare = await startProcess('bench/bare-server.ts', { DATABASE_PATH: path.join(dir, 'bare.db') });
  try {
    const rand = seededRandom(5);
    const bodies = Array.from({ length: 50 }, () => bareBody(seed.survey, rand));
    const agent = keepAliveAgent(64);
    const latencies: number[] = [];
    const started = performance.now();
    const calls: Promise<void>[] = [];
    for (let i = 0; performance.now() < started + BASELINE; i++) {
      const wait = started + (i * 1000) / RATE - performance.now();
      if (wait > 1) await sleep(wait);
      calls.push(
        new Browser({ host, port: bare.port }, agent, nextAddress()).request('POST', '/submit', bodies[i % bodies.length]).then((r) => {
          if (r.status !== 303) throw new Error(`bare submit answered ${r.status}`);
          latencies.push(r.ms);
        }),
      );
    }
    await Promise.all(calls);
    agent.destroy();
    return summarise(latencies);
  } finally {
    await stopProcess(bare);
  }
}

interface Result {
  seed: SeededWave;
  /** The start-up without stored tallies and with nobody answering: ready after (ms from start), its steps. */
  idleReadyMs: number;
  /** The leader's page while the pass ran with nobody answering: the lone requests the second thread works beside. */
  idleLeader: Summary;
  idlePhases: PhaseRecord[];
  idleEpoch: number;
  bare: Summary;
  baseline: Window;
  close: Window;
  closePostMs: number;
  readyAfterMs: number;
  rssRestMb: number;
  rssPeakCloseMb: number;
  cpuCloseS: number;
  errors: string[];
  listenStoredMs: number;
  listenUncomputedMs: number;
  startupReadyMs: number;
  startup: Window;
  startupBaseline: Window;
  /** The first PLAIN_MS after a start with nothing to compute, under the same load. */
  plainStart: Window;
  /** Phases of the close path from the close (and from the start-up), times from closeEpoch (startEpoch). */
  closePhases: PhaseRecord[];
  closeEpoch: number;
  closePeak: { mb: number; atS: number; during: string[] };
  closeCpu: CpuShare;
  closeSlow: string;
  startupSlow: string;
  startupPhases: PhaseRecord[];
  startEpoch: number;
  startupPeak: { mb: number; atS: number; during: string[]; restMb: number };
  load: string;
}

async function main(): Promise<void> {
  if (BUILT) {
    // tsc writes dist/ even when it reports type errors; those are for the tests to catch.
    const build = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
    if (build.status !== 0) console.warn(`npm run build reported problems (dist/ written anyway):\n${build.stdout.slice(-800)}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-close-'));
  const dbPath = path.join(dir, 'close.db');
  console.log(`Seeding ${N.toLocaleString('en')} responses in an open wave ...`);
  const seed = await seedResultsWave(dbPath, N, 0, 'open');
  // The live respondents' wave: 20 leaf units, open links.
  const db = openDb(dbPath);
  const leaves = seed.units.filter((u) => u.level === 'leaf').slice(0, 20);
  const liveWave = createWave(db, { name: 'Pågående', surveyId: seed.survey.id, surveyVersion: seed.survey.version, unitIds: leaves.map((u) => u.id), linkMode: 'open', status: 'open' });
  const codes = leaves.map((u) => createLink(db, liveWave, u.id));
  db.close();
  console.log(`seeded in ${seed.seconds.toFixed(0)} s (${seed.answerRows} answer rows)`);

  console.log('bare limit ...');
  const bare = await bareRun(dir, seed);
  console.log(`bare: p50 ${bare.p50.toFixed(1)} ms, p99 ${bare.p99.toFixed(1)} ms, max ${bare.max.toFixed(1)} ms`);

  const orgPage = `/resultater/${seed.waveId}/organisasjon`;
  phasesFile = path.join(dir, 'phases.jsonl');
  let server = await startKartlegg(dbPath);
  let result: Result;
  try {
    const leader = await signIn(server.port, seed);
    const wavePage = await leader.request('GET', `/admin/malinger/${seed.waveId}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(wavePage.body)?.[1];
    if (!csrf) throw new Error('no CSRF token on the wave page');

    let traffic = new Traffic(server.port, seed, codes);
    await sleep(WARMUP);
    const baselineFrom = performance.now();
    await sleep(BASELINE);
    const closeAt = performance.now();
    const rssRestMb = mb(procStatus(server.pid).rssKb);
    const cpu0 = procStatus(server.pid).cpuMs;
    resetPeak(server.pid);
    const closeEpoch = Date.now();
    const rss = sampleRss(server.pid);
    const meter = cpuMeter(server.pid);
    console.log(`closing the wave ... (load average ${os.loadavg().map((x) => x.toFixed(2)).join(', ')})`);
    const post = await leader.request('POST', `/admin/malinger/${seed.waveId}/status`, new URLSearchParams({ _csrf: csrf, status: 'closed', confirm: 'yes' }).toString());
    if (post.status !== 303) throw new Error(`closing answered ${post.status}`);
    const ready = await waitReady(leader, orgPage, 600_000, traffic.log);
    const rssPeakCloseMb = mb(procStatus(server.pid).peakRssKb);
    const cpuCloseS = (procStatus(server.pid).cpuMs - cpu0) / 1000;
    const closeCpu = meter();
    const closePhases = readPhases(phasesFile, closeEpoch);
    const closePeak = peakOf(rss(), closePhases, closeEpoch);
    console.log(`results ready ${((ready - closeAt) / 1000).toFixed(1)} s after the close`);
    console.log(phaseTable(closePhases, closeEpoch).join('\n'));
    console.log(`peak RSS ${closePeak.mb.toFixed(0)} MB at +${closePeak.atS.toFixed(1)} s (${closePeak.during.join('; ')}); CPU server ${closeCpu.server.toFixed(0)} %, this process ${closeCpu.client.toFixed(0)} %, other ${closeCpu.other.toFixed(0)} %`);
    await sleep(AFTER);
    const closeTo = performance.now();
    await traffic.stop();
    const closeSlow = slowRequests(traffic.log, closeAt, closeTo, closePhases, performance.timeOrigin);
    console.log(`slow requests during the close: ${closeSlow}`);
    const baseline = windowOf(traffic.log, baselineFrom, closeAt);
    const close = windowOf(traffic.log, closeAt, closeTo);
    const errors = [...traffic.errors];

    // Start-up: first with the tallies stored (nothing to compute: the start-up the other is
    // compared with, cold process and all), then without them, under the same load.
    await stopProcess(server);
    let t0 = performance.now();
    server = await startKartlegg(dbPath);
    const listenStoredMs = performance.now() - t0;
    traffic = new Traffic(server.port, seed, codes);
    await sleep(PLAIN_MS);
    await traffic.stop();
    errors.push(...traffic.errors);
    const plainStart = windowOf(traffic.log, t0 + listenStoredMs, t0 + listenStoredMs + PLAIN_MS);
    await stopProcess(server);
    deleteTallies(dbPath);
    t0 = performance.now();
    const startEpoch = Date.now();
    server = await startKartlegg(dbPath);
    const listenUncomputedMs = performance.now() - t0;
    const startupRestMb = mb(procStatus(server.pid).rssKb);
    const startupRss = sampleRss(server.pid);
    traffic = new Traffic(server.port, seed, codes);
    const leader2 = await signIn(server.port, seed);
    const startupReady = await waitReady(leader2, orgPage, 600_000, traffic.log);
    const startupReadyMs = startupReady - t0;
    const startupPhases = readPhases(phasesFile, startEpoch);
    const startupPeak = { ...peakOf(startupRss(), startupPhases, startEpoch), restMb: startupRestMb };
    console.log(phaseTable(startupPhases, startEpoch).join('\n'));
    const startupSlow = slowRequests(traffic.log, t0, startupReady + AFTER, startupPhases, performance.timeOrigin);
    console.log(`slow requests during start-up: ${startupSlow}`);
    console.log(`start-up without stored tallies: listening after ${listenUncomputedMs.toFixed(0)} ms, results ready after ${(startupReadyMs / 1000).toFixed(1)} s`);
    const readyPlus = startupReady + AFTER;
    await sleep(AFTER);
    const startupEnd = performance.now() + BASELINE;
    await sleep(BASELINE);
    await traffic.stop();
    errors.push(...traffic.errors);

    // The same start-up with nobody answering (a restart at night): only the leader's page, asked
    // for every 250 ms. The pass's second thread then takes slices too (tally-worker.ts).
    await stopProcess(server);
    deleteTallies(dbPath);
    const idleT0 = performance.now();
    const idleEpoch = Date.now();
    server = await startKartlegg(dbPath);
    const idleLog: Done[] = [];
    const idleReady = await waitReady(await signIn(server.port, seed), orgPage, 600_000, idleLog);
    const idleReadyMs = idleReady - idleT0;
    const idleLeader = summarise(idleLog.map((d) => d.done - d.sent));
    const idlePhases = readPhases(phasesFile, idleEpoch);
    console.log(phaseTable(idlePhases, idleEpoch).join('\n'));
    console.log(`start-up without stored tallies, nobody answering: results ready after ${(idleReadyMs / 1000).toFixed(1)} s; the leader's page meanwhile max ${idleLeader.max.toFixed(1)} ms`);
    result = {
      seed,
      bare,
      baseline,
      close,
      closePostMs: post.ms,
      readyAfterMs: ready - closeAt,
      rssRestMb,
      rssPeakCloseMb,
      cpuCloseS,
      errors,
      listenStoredMs,
      listenUncomputedMs,
      startupReadyMs,
      startup: windowOf(traffic.log, t0 + listenUncomputedMs, readyPlus),
      startupBaseline: windowOf(traffic.log, readyPlus, startupEnd),
      plainStart,
      closePhases,
      closeEpoch,
      closePeak,
      closeCpu,
      closeSlow,
      startupSlow,
      startupPhases,
      startEpoch,
      startupPeak,
      idleReadyMs,
      idleLeader,
      idlePhases,
      idleEpoch,
      load: os.loadavg().map((x) => x.toFixed(2)).join(', '),
    };
  } catch (err) {
    console.error(server.output());
    throw err;
  } finally {
    await stopProcess(server);
    if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  report(result);
}

const f = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
/** How many slices each pass thread took ('8 and 0 slices'), from its 'pass: slices taken' phases. */
const slicesByThread = (phases: readonly PhaseRecord[]): string =>
  `${phases
    .filter((p) => p.phase === 'pass: slices taken')
    .map((p) => p.detail?.slices ?? 0)
    .join(' and ')} slices`;
const signed = (x: number): string => (x >= 0 ? `+${f(x)}` : f(x));
const verdict = (met: boolean, over: number, unit: string): string => (met ? 'met' : `**not met** (by ${f(over)} ${unit})`);
const row = (label: string, w: Window): string =>
  `| ${label} | ${w.requests.count} | ${f(w.requests.p50)} / ${f(w.requests.p99)} / ${f(w.requests.max)} | ${f(w.probes.max)} | ${f(w.longestGapMs)} | ${w.notOk} |`;

// The pass's wall time, from posting it to its last part received ('wait: pass, posted to last
// part received'), and its threads' CPU per response read ('pass: read and tally').
function passOf(phases: readonly PhaseRecord[]): { wallMs: number; cpuUsPerResponse: number } {
  const wallMs = phases.filter((p) => p.phase === 'wait: pass, posted to last part received').reduce((ms, p) => ms + p.wallMs, 0);
  const read = phases.filter((p) => p.phase === 'pass: read and tally');
  const responses = read.reduce((n, p) => n + (p.detail?.responses ?? 0), 0);
  const cpuMs = read.reduce((ms, p) => ms + p.cpuMs, 0);
  return { wallMs, cpuUsPerResponse: responses > 0 ? (1000 * cpuMs) / responses : NaN };
}

// The issue's pass: 16-17 s of CPU per 50,000 responses, 320-340 µs a response.
function passAlone(phases: readonly PhaseRecord[]): string {
  const { wallMs, cpuUsPerResponse } = passOf(phases);
  return `${(wallMs / 1000).toFixed(1)} s (${(70_000 / wallMs).toFixed(1)}x), ${cpuUsPerResponse.toFixed(0)} µs of CPU per response in its threads (the issue's: 320-340 µs, ${(330 / cpuUsPerResponse).toFixed(1)}x less)`;
}

function report(r: Result): void {
  const idlePassMs = passOf(r.idlePhases).wallMs;
  const extra = Math.max(r.close.requests.max, r.close.probes.max) - Math.max(r.baseline.requests.max, r.baseline.probes.max);
  const startupExtraWarm = Math.max(r.startup.requests.max, r.startup.probes.max) - Math.max(r.startupBaseline.requests.max, r.startupBaseline.probes.max);
  // Against a start-up with nothing to compute (the process is cold in both): what the computation adds.
  const startupExtra = Math.max(r.startup.requests.max, r.startup.probes.max) - Math.max(r.plainStart.requests.max, r.plainStart.probes.max);
  const lines = [
    `Command: \`npm run bench:close -- --responses ${N} --rate ${RATE} --baseline ${BASELINE / 1000}${BUILT ? '' : ' --source'}\``,
    '',
    machine(),
    '',
    `A 500-unit organisation (\`bench/lib/results-seed.ts\`) with a wave of ${N.toLocaleString('en')} responses (${r.seed.answerRows.toLocaleString('en')} answer rows) still open, and a second open wave on 20 units that live respondents answer: ${RATE} new respondents per second (open loop), each answering the whole bundled survey as a browser does (about 27 requests), plus a login page asked for every 100 ms (the probe). The real server, one process: ${BUILT ? '`node dist/main.js` as `npm start` runs it' : '`src/main.ts` under tsx (its worker threads compile TypeScript as they start)'}. Times are client-side, sent to answered. "Longest gap" is the longest time between two consecutive answered requests of any kind: how long the server answered nobody.`,
    '',
    '### (1) Closing the wave while respondents answer another',
    '',
    '| window | respondent requests | their p50 / p99 / max ms | probe max ms | longest gap ms | 4xx/5xx |',
    '| --- | --- | --- | --- | --- | --- |',
    row(`${BASELINE / 1000} s before the close`, r.baseline),
    row(`close to results ready + ${AFTER / 1000} s`, r.close),
    '',
    `The close itself (the form's POST) answered in ${f(r.closePostMs)} ms; the results were ready ${(r.readyAfterMs / 1000).toFixed(1)} s after it (the organisation page, asked for every 250 ms, answered 200; before that 503 "Resultatene beregnes"). Server CPU during that time: ${r.cpuCloseS.toFixed(1)} s (all its threads). Resident memory: ${r.rssRestMb.toFixed(0)} MB at rest before the close, peak ${r.rssPeakCloseMb.toFixed(0)} MB during it (+${(r.rssPeakCloseMb - r.rssRestMb).toFixed(0)} MB). Longest request during the close minus longest before it: ${f(extra)} ms. Of the ${r.close.slow} respondent and probe requests over 100 ms during the close, ${r.close.slowDuringFirstPage} were in flight while the leader's first results page was answered (it only renders: the tables were built in a worker and kept packed before it got 200; a page reads back its units' tables).`,
    '',
    `Bare limit, same run: \`bench/bare-server.ts\` taking each respondent's answers as one POST at ${RATE} per second for ${BASELINE / 1000} s: p50 ${f(r.bare.p50)} ms, p99 ${f(r.bare.p99)} ms, max ${f(r.bare.max)} ms.`,
    '',
    `Where the time from the close to "ready" goes, step by step, as the server recorded it (\`CLOSE_PHASES_FILE\`, \`src/report/close-phases.ts\`): seconds from the close's POST, wall time, and the CPU time of the thread that ran the step (Linux, 10 ms ticks). A step whose CPU is far below its wall time waited for a core: the workers run at the lowest priority. "wait:" rows are hand-overs between threads. CPU over the whole window: server process ${r.closeCpu.server.toFixed(0)} % of a core, the load generator ${r.closeCpu.client.toFixed(0)} %, everything else on the machine ${r.closeCpu.other.toFixed(0)} %.`,
    '',
    ...phaseTable(r.closePhases, r.closeEpoch),
    '',
    `Resident memory peaked at ${r.closePeak.mb.toFixed(0)} MB ${r.closePeak.atS.toFixed(1)} s after the close${r.closePeak.during.length > 0 ? `, during: ${r.closePeak.during.join('; ')}` : ''} (sampled every 100 ms). Requests over 100 ms during the close, ${r.closeSlow}.`,
    '',
    '### (2) Start-up with a closed wave whose tallies are not stored',
    '',
    `Listening ${f(r.listenStoredMs)} ms after the process was started with the tallies stored, ${f(r.listenUncomputedMs)} ms with them deleted (as an upgrade that changes their form does; start-up only queues the computation). Results ready ${(r.startupReadyMs / 1000).toFixed(1)} s after the start, computed in the tally worker while the server answered:`,
    '',
    '| window | respondent requests | their p50 / p99 / max ms | probe max ms | longest gap ms | 4xx/5xx |',
    '| --- | --- | --- | --- | --- | --- |',
    row(`listening to results ready + ${AFTER / 1000} s`, r.startup),
    row(`the next ${BASELINE / 1000} s`, r.startupBaseline),
    row(`a start with the tallies stored (nothing to compute), its first ${PLAIN_MS / 1000} s`, r.plainStart),
    '',
    `Longest request while computing minus longest in the first ${PLAIN_MS / 1000} s of a start with nothing to compute (both processes cold): ${f(startupExtra)} ms; minus longest in the warm ${BASELINE / 1000} s after: ${f(startupExtraWarm)} ms; of the ${r.startup.slow} requests over 100 ms, ${r.startup.slowDuringFirstPage} were in flight while the first results page was answered. Requests over 100 ms, ${r.startupSlow}.`,
    '',
    `The start-up's steps (seconds from the process's start; memory peaked at ${r.startupPeak.mb.toFixed(0)} MB, ${r.startupPeak.restMb.toFixed(0)} MB when it was listening, ${r.startupPeak.atS.toFixed(1)} s after the start):`,
    '',
    ...phaseTable(r.startupPhases, r.startEpoch),
    '',
    '### (3) The same start-up with nobody answering',
    '',
    `With the tallies deleted again and no respondents (only the leader's organisation page, asked for every 250 ms), results were ready ${(r.idleReadyMs / 1000).toFixed(1)} s after the start. The pass's threads take the wave's units a slice at a time, the second only while the server is quiet: no request in hand and at most one begun in 100 ms (\`src/report/server-activity.ts\`): ${slicesByThread(r.idlePhases)} here, against ${slicesByThread(r.startupPhases)} under the load of (2). The leader's page meanwhile (${r.idleLeader.count} requests, the last the results): p50 ${f(r.idleLeader.p50)} / p99 ${f(r.idleLeader.p99)} / max ${f(r.idleLeader.max)} ms. Its steps:`,
    '',
    ...phaseTable(r.idlePhases, r.idleEpoch),
    ...(r.errors.length > 0 ? ['', `Respondents or probes with an unexpected answer or a reset connection: ${r.errors.length} (first: ${r.errors[0]}).`] : []),
    '',
    `### Against the targets (issue 13, at ${N.toLocaleString('en')} responses)`,
    '',
    '| target | measured | verdict |',
    '| --- | --- | --- |',
    `| no request during the close waits more than 100 ms longer than without it | ${signed(extra)} ms | ${verdict(extra <= 100, extra - 100, 'ms')} |`,
    `| the same during start-up (against a start with nothing to compute) | ${signed(startupExtra)} ms | ${verdict(startupExtra <= 100, startupExtra - 100, 'ms')} |`,
    `| results ready within 5 s of the close | ${(r.readyAfterMs / 1000).toFixed(1)} s | ${verdict(r.readyAfterMs <= 5000, (r.readyAfterMs - 5000) / 1000, 's')} |`,
    `| a remaining full pass at least 5x faster than the issue's 70 s (results ready after a start with nobody answering, within 14 s) | ${(r.idleReadyMs / 1000).toFixed(1)} s (${(70_000 / r.idleReadyMs).toFixed(1)}x); under the load of (2): ${(r.startupReadyMs / 1000).toFixed(1)} s | ${verdict(r.idleReadyMs <= 14_000, (r.idleReadyMs - 14_000) / 1000, 's')} |`,
    `| the same, the pass alone (the issue's 70 s was the pass: 16-17 s of CPU per 50,000 responses, on the server thread), nobody answering | ${passAlone(r.idlePhases)} | ${verdict(idlePassMs <= 14_000, (idlePassMs - 14_000) / 1000, 's')} |`,
    `| resident memory during a close < 100 MB above rest | +${(r.rssPeakCloseMb - r.rssRestMb).toFixed(0)} MB | ${verdict(r.rssPeakCloseMb - r.rssRestMb <= 100, r.rssPeakCloseMb - r.rssRestMb - 100, 'MB')} |`,
  ];
  console.log(`\n${lines.join('\n')}`);
  if (!values['no-doc']) writeSection('close', 'Closing a wave and starting up under load (`bench/close.ts`)', lines);
}

await main();
