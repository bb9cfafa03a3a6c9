// The entry point: the only place that reads the environment, opens the database and listens.
// Under systemd (deploy/kartlegg.service) a crash is restarted; a request's error never gets here.
import fs from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { createScheduler, type Scheduler } from './invite/scheduler.js';
import { createTransports } from './invite/transport.js';
import { prepareClosedWaves } from './report/close.js';
import { recordClosePhases } from './report/close-phases.js';
import { requestBegun, requestEnded } from './report/server-activity.js';
import { today } from './clock.js';
import { loadConfig, type Config } from './config.js';
import { createLogger } from './log.js';
import { SurveyDefinitionError, loadSurveyDir } from './survey/load.js';
import { openDb, type Db } from './store/db.js';
import { deleteExpiredDrafts, makeWaitingDraftsResumable, resumeWaitingDrafts } from './store/drafts.js';
import { closeWalWorker, recordWalWaits, truncateWals } from './store/wal.js';
import { deleteExpiredSessions } from './store/sessions.js';
import { listLinks } from './store/links.js';
import { syncSurveyVersions } from './store/survey-versions.js';
import { builderIdClashes } from './store/surveys.js';
import { countAccounts } from './store/accounts.js';
import { randomCode } from './store/ids.js';
import { getUnit } from './store/units.js';
import { listWaves } from './store/waves.js';

// How long a start-up's full pass waits at most for the server to have a quiet moment (tally-jobs.ts
// passesWaitForQuiet): over the first seconds, while the server thread runs cold code. Measured on
// the start-up benchmark in alternating runs: longest request +7 to +191 ms without the wait, -15 to
// +19 ms with it (docs/benchmarks.md).
const STARTUP_PASS_GRACE_MS = 2000;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

// Files the server creates (database, -wal, -shm) are owner-only whatever the shell's umask.
process.umask(0o077);

/** warnIfOpen logs a warning when the data folder can be read by other users than the owner. */
function warnIfOpen(log: Logger, databasePath: string): void {
  if (databasePath === ':memory:') return;
  const dir = path.dirname(path.resolve(databasePath));
  const mode = fs.statSync(dir).mode & 0o777;
  if ((mode & 0o077) !== 0) log.warn({ dir, mode: mode.toString(8) }, `the data folder ${dir} can be read by other users (mode ${mode.toString(8)}); run: chmod 700 ${dir}`);
}

function printLinks(db: Db, baseUrl: string): void {
  const open = listWaves(db).filter((w) => w.status === 'open');
  if (open.length === 0) {
    console.log('No open waves. Create one with: npm run kartlegg -- wave create --help');
    return;
  }
  for (const wave of open) {
    console.log(`\nOpen wave ${wave.id}: ${wave.name} (${wave.surveyId} v${wave.surveyVersion})`);
    const links = listLinks(db, wave.id);
    if (links.length === 0) console.log('  (one-time tokens; print them with npm run kartlegg -- tokens)');
    for (const l of links) console.log(`  ${baseUrl}/s/${l.code}  ${getUnit(db, l.unitId)?.name ?? l.unitId}`);
  }
}

function start(): void {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    fail((err as Error).message);
  }
  let surveys;
  try {
    surveys = loadSurveyDir(config.SURVEYS_DIR);
  } catch (err) {
    if (err instanceof SurveyDefinitionError) fail(`${err.message}\nKartlegg did not start: fix the survey definition(s) above.`);
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  // A request's errors are answered by the app; anything else escaping is a bug: log it and exit,
  // so systemd restarts a clean process rather than one in an unknown state.
  process.on('uncaughtException', (err) => {
    log.fatal({ err: { type: err.name, message: err.message, stack: err.stack } }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    log.fatal({ err: String(reason) }, 'unhandled rejection');
    process.exit(1);
  });
  recordClosePhases(config.CLOSE_PHASES_FILE);
  recordWalWaits(config.CLOSE_PHASES_FILE);
  const db = openDb(config.DATABASE_PATH);
  warnIfOpen(log, config.DATABASE_PATH);
  const clashes = builderIdClashes(db, surveys.values());
  if (clashes.length > 0) fail(`${new SurveyDefinitionError(clashes).message}\nKartlegg did not start: fix the survey definition(s) above.`);
  const changed = syncSurveyVersions(db, surveys.values());
  if (changed.length > 0) fail(`Survey definitions changed without a new version:\n  ${changed.join('\n  ')}`);

  const purge = (): void => {
    deleteExpiredSessions(db, Date.now());
    const n = deleteExpiredDrafts(db, today(config.TIME_ZONE));
    if (n > 0) log.info({ drafts: n }, 'deleted expired drafts');
  };
  purge();
  setInterval(purge, 3600_000).unref();
  // Saved drafts wait in memory for their resume ids until their respondents pause (store/drafts.ts):
  // every half minute, those idle for RESUMABLE_AFTER_IDLE_MS get them, a few at a time.
  resumeWaitingDrafts(db, {
    clock: Date.now,
    today: () => today(config.TIME_ZONE),
    onError: (err) => log.error({ err: String(err) }, 'could not store the resume ids of waiting drafts; trying again in half a minute'),
  });
  // The write-ahead log worker is started now, not by the first submit: a submit waits for its
  // run, and its thread's start (a second or so after listening, while a start-up's tally worker
  // loads too) is then nobody's wait. Its first run empties whatever logs the last process left.
  void truncateWals(db, ['main', 'drafts']);

  // First run: a one-time code (printed, never stored) opens the page that creates the first project leader.
  const setupToken = countAccounts(db) === 0 ? randomCode(24) : undefined;
  const app = createApp({ db, config, setupToken, logger: log });
  let scheduler: Scheduler | undefined;
  const server: Server = app.listen(config.PORT, config.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const baseUrl = config.PUBLIC_URL?.replace(/\/$/, '') ?? `http://localhost:${port}`;
    console.log(`Kartlegg is running on http://${config.HOST}:${port} (database ${config.DATABASE_PATH})`);
    if (setupToken) {
      console.log(`\nFirst run: no staff accounts yet. Open this one-time link to create the project leader`);
      console.log(`(and, if you like, a demo organisation with results and an open survey):\n\n  ${baseUrl}/oppsett?kode=${setupToken}\n`);
    } else console.log(`Staff log in at ${baseUrl}/innlogging`);
    printLinks(db, baseUrl);
    // Closed waves without current stored tallies (after an upgrade, or closed by the command
    // line) are computed in the tally worker now rather than on the first leader's click, once
    // the just-started server has a quiet moment, or within STARTUP_PASS_GRACE_MS.
    const queued = prepareClosedWaves(db, { graceMs: STARTUP_PASS_GRACE_MS });
    if (queued.length > 0) console.log(`Computing the results of wave(s) ${queued.join(', ')} in the background.`);
    // Waves open and close at their dates, invitations and reminders go out (src/invite/).
    scheduler = createScheduler({ db, config, clock: Date.now, transports: createTransports(config), baseUrl, logger: log });
    scheduler.start();
  });
  // The tally workers see how busy this thread is (a pass's second thread gives way to requests).
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    requestBegun();
    res.once('close', () => requestEnded());
  });
  server.on('error', (err) => {
    log.fatal({ err: err.message }, `could not listen on ${config.HOST}:${config.PORT}`);
    process.exit(1);
  });

  const shutdown = (signal: string): void => {
    log.info({ signal }, 'finishing open requests, then closing the database');
    server.close(() => {
      // Drafts still waiting for their resume ids get them, so that every code shown still works.
      try {
        makeWaitingDraftsResumable(db, { now: Infinity, today: today(config.TIME_ZONE) });
      } catch (err) {
        log.error({ err: String(err) }, 'could not store the resume ids of waiting drafts: their codes open them only on their own devices until their next save');
      }
      // The message in flight is recorded as sent (or not) before the database closes.
      void (scheduler?.stop() ?? Promise.resolve())
        .then(() => closeWalWorker(db))
        .finally(() => {
          db.close();
          process.exit(0);
        });
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

start();
