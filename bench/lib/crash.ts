// Crash safety under load: simulated respondents answer through the real server, which is killed
// with SIGKILL once enough submits were acknowledged, then restarted. Every acknowledged response
// must be stored exactly once, unacknowledged drafts must hold what was acknowledged, and the file
// must pass `PRAGMA integrity_check`. Used by bench/crash-safety.ts and test/robustness/crash.test.ts.
import Database from 'better-sqlite3';
import { isDeepStrictEqual } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { draftsPath, openDb } from '../../src/store/db.js';
import { getDraft, submitMark } from '../../src/store/drafts.js';
import { markerItem, seededRandom } from './form.js';
import { Browser, keepAliveAgent } from './http.js';
import { answerSurvey, newRespondent, type RespondentState } from './respondent.js';
import { prepareDatabase, startKartlegg, stopProcess, type Running } from './server.js';

export interface CrashOptions {
  respondents: number;
  concurrency: number;
  /** SIGKILL the server when this many submits have been acknowledged. */
  killAfterAcks: number;
  seed?: number;
  /** Keep the temporary folder with the database (its path is in the report). */
  keep?: boolean;
  log?: (line: string) => void;
}

export interface UnitCount {
  unitId: string;
  acknowledged: number;
  inFlight: number;
  stored: number;
}

export interface CrashReport {
  databasePath: string;
  respondents: number;
  startedBeforeKill: number;
  acknowledgedBeforeKill: number;
  submitsInFlightAtKill: number;
  pagePostsInFlightAtKill: number;
  storedAfterRestart: number;
  draftsChecked: number;
  units: UnitCount[];
  integrity: string;
  restartMs: number;
  /** Respondents without a stored response finished after the restart, continuing their drafts. */
  finishedAfterRestart: number;
  storedAtEnd: number;
  cleanShutdownCode: number | null;
  /** Everything that broke a guarantee; empty when the run passed. */
  problems: string[];
}

function integrityOf(file: string): { integrity: string; foreignKeyProblems: number } {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return { integrity: rows.map((r) => r.integrity_check).join('; '), foreignKeyProblems: (db.pragma('foreign_key_check') as unknown[]).length };
  } finally {
    db.close();
  }
}

/** runCrashSafety runs one kill-and-restart round and reports what it found. */
export async function runCrashSafety(opts: CrashOptions): Promise<CrashReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-crash-'));
  const servers: Running[] = [];
  try {
    return await crashRound(opts, dir, servers);
  } finally {
    // After a failure a server may still run: never leave it behind.
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function crashRound(opts: CrashOptions, dir: string, servers: Running[]): Promise<CrashReport> {
  const log = opts.log ?? (() => undefined);
  const databasePath = path.join(dir, 'kartlegg.db');
  const { survey, demo } = prepareDatabase(databasePath);
  const marker = markerItem(survey);
  if (!marker) throw new Error('the survey has no text item every respondent sees; the crash test needs one to count responses exactly');
  const unitOf = new Map(demo.links.map((l) => [l.code, l.unitId]));
  const problems: string[] = [];

  let server: Running = await startKartlegg(databasePath);
  servers.push(server);
  log(`server pid ${server.pid} on port ${server.port}; ${opts.respondents} respondents, ${opts.concurrency} at a time, SIGKILL after ${opts.killAfterAcks} acknowledged submits`);
  const origin = { host: '127.0.0.1', port: server.port };
  const agent = keepAliveAgent(opts.concurrency);
  const runId = (opts.seed ?? Date.now()).toString(36);
  const states: RespondentState[] = [];
  const browsers: Browser[] = [];
  for (let i = 0; i < opts.respondents; i++) {
    const link = demo.links[i % demo.links.length];
    if (!link) throw new Error('the demo has no links');
    states.push(newRespondent(link.code, `krasjtest ${runId} ${i}`));
    browsers.push(new Browser(origin, agent, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
  }

  // Phase 1: load until the kill.
  let next = 0;
  let acknowledged = 0;
  let killed = false;
  const kill = (): void => {
    if (killed) return;
    killed = true;
    server.child.kill('SIGKILL');
    log(`SIGKILL after ${acknowledged} acknowledged submits`);
  };
  const worker = async (): Promise<void> => {
    while (!killed && next < states.length) {
      const i = next++;
      const state = states[i] as RespondentState;
      try {
        await answerSurvey(browsers[i] as Browser, survey, state, seededRandom((opts.seed ?? 1) * 7919 + i), {
          onReply: (step, reply) => {
            if (step === 'submit' && reply.status === 303 && ++acknowledged >= opts.killAfterAcks) kill();
          },
        });
      } catch (err) {
        if (!killed) problems.push(`respondent ${i} failed before the kill: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  if (!killed) kill();
  await server.exited;
  const started = Math.min(next, states.length);
  const submitsInFlight = states.filter((s) => !s.submitted && s.inFlight?.step === 'submit').length;
  const pagePostsInFlight = states.filter((s) => s.inFlight?.step === 'save').length;

  // Phase 2: restart and check the file against what the respondents were told.
  const restartStarted = performance.now();
  server = await startKartlegg(databasePath);
  servers.push(server);
  const restartMs = performance.now() - restartStarted;
  origin.port = server.port;
  const { integrity, foreignKeyProblems } = integrityOf(databasePath);
  if (integrity !== 'ok') problems.push(`integrity_check after the kill: ${integrity}`);
  const drafts = integrityOf(draftsPath(databasePath)).integrity;
  if (drafts !== 'ok') problems.push(`integrity_check of the drafts file after the kill: ${drafts}`);
  if (foreignKeyProblems > 0) problems.push(`${foreignKeyProblems} foreign key problems after the kill`);

  // Through openDb, so the drafts file is attached: drafts are opened with the keys the respondents hold.
  const db = openDb(databasePath);
  const markerCounts = (): Map<string, number> =>
    new Map((db.prepare('SELECT txt, count(*) AS n FROM answer WHERE item_id = ? GROUP BY txt').all(marker.id) as { txt: string; n: number }[]).map((r) => [r.txt, r.n]));
  const responseCount = (): number => (db.prepare('SELECT count(*) AS n FROM response WHERE wave_id = ?').get(demo.waveId) as { n: number }).n;
  const markedSubmitted = db.prepare('SELECT 1 FROM submitted_draft WHERE mark = ?');
  const stored = markerCounts();
  const storedAfterRestart = responseCount();
  const sumOfMarkers = [...stored.values()].reduce((a, b) => a + b, 0);
  if (sumOfMarkers !== storedAfterRestart) problems.push(`${storedAfterRestart} responses but ${sumOfMarkers} carry a respondent's marker`);

  const units = new Map<string, UnitCount>();
  let draftsChecked = 0;
  states.forEach((s, i) => {
    const unitId = unitOf.get(s.code) ?? '?';
    const unit = units.get(unitId) ?? { unitId, acknowledged: 0, inFlight: 0, stored: 0 };
    units.set(unitId, unit);
    const n = stored.get(s.marker) ?? 0;
    unit.stored += n;
    if (s.submitted) unit.acknowledged += 1;
    else if (s.inFlight?.step === 'submit') unit.inFlight += 1;
    if (s.submitted && n !== 1) problems.push(`respondent ${i}: acknowledged response stored ${n} times`);
    if (!s.submitted && s.inFlight?.step !== 'submit' && n !== 0) problems.push(`respondent ${i}: never submitted, yet ${n} responses are stored`);
    if (n > 1) problems.push(`respondent ${i}: stored ${n} times`);
    if (!s.draftId) return;
    const draft = getDraft(db, s.draftId, '');
    if (n === 1) {
      // Killed between the response's commit and the draft's deletion (another file): its mark must refuse it.
      if (draft && !markedSubmitted.get(submitMark(s.draftId))) problems.push(`respondent ${i}: response stored, the draft kept and not marked submitted`);
      return;
    }
    draftsChecked += 1;
    if (!draft) {
      problems.push(`respondent ${i}: draft lost (no response stored either)`);
      return;
    }
    const actual = draft.answers;
    const pending = s.inFlight?.step === 'save' ? s.inFlight.answers : undefined;
    if (!isDeepStrictEqual(actual, s.saved) && !(pending && isDeepStrictEqual(actual, pending))) {
      problems.push(`respondent ${i}: draft holds ${Object.keys(actual).length} answers, expected the ${Object.keys(s.saved).length} acknowledged`);
    }
    // The restarted server has what it has; the respondent continues from there.
    s.saved = actual;
  });
  for (const u of units.values()) {
    if (u.stored < u.acknowledged || u.stored > u.acknowledged + u.inFlight) {
      problems.push(`unit ${u.unitId}: ${u.stored} stored, ${u.acknowledged} acknowledged, ${u.inFlight} in flight`);
    }
  }
  log(`restarted in ${restartMs.toFixed(0)} ms: ${storedAfterRestart} responses stored, ${acknowledged} acknowledged, ${submitsInFlight} submits in flight; ${draftsChecked} drafts checked`);

  // Phase 3: everyone without a stored response finishes, continuing a draft where there is one.
  const unfinished = states.map((s, i) => ({ s, i })).filter(({ s }) => (stored.get(s.marker) ?? 0) === 0);
  let cursor = 0;
  const finisher = async (): Promise<void> => {
    while (cursor < unfinished.length) {
      const { s, i } = unfinished[cursor++] as { s: RespondentState; i: number };
      s.inFlight = undefined;
      try {
        await answerSurvey(browsers[i] as Browser, survey, s, seededRandom((opts.seed ?? 1) * 104729 + i));
      } catch (err) {
        problems.push(`respondent ${i} could not finish after the restart: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, finisher));
  const finalCounts = markerCounts();
  states.forEach((s, i) => {
    const n = finalCounts.get(s.marker) ?? 0;
    if (n !== 1) problems.push(`respondent ${i}: ${n} responses at the end, expected exactly 1`);
  });
  const storedAtEnd = responseCount();
  db.close();
  agent.destroy();

  // A clean stop (SIGTERM) finishes and closes the database.
  await stopProcess(server, 'SIGTERM');
  const cleanShutdownCode = server.child.exitCode;
  if (cleanShutdownCode !== 0) problems.push(`SIGTERM exit code ${cleanShutdownCode}`);
  const after = integrityOf(databasePath);
  if (after.integrity !== 'ok') problems.push(`integrity_check after the clean stop: ${after.integrity}`);

  return {
    databasePath,
    respondents: opts.respondents,
    startedBeforeKill: started,
    acknowledgedBeforeKill: acknowledged,
    submitsInFlightAtKill: submitsInFlight,
    pagePostsInFlightAtKill: pagePostsInFlight,
    storedAfterRestart,
    draftsChecked,
    units: [...units.values()].sort((a, b) => a.unitId.localeCompare(b.unitId)),
    integrity,
    restartMs,
    finishedAfterRestart: unfinished.length,
    storedAtEnd,
    cleanShutdownCode,
    problems,
  };
}
