// The entry point: the only place that reads the environment, opens the database and listens.
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { prepareClosedWaves } from './report/close.js';
import { today } from './clock.js';
import { loadConfig, type Config } from './config.js';
import { SurveyDefinitionError, loadSurveyDir } from './survey/load.js';
import { openDb, type Db } from './store/db.js';
import { deleteExpiredDrafts } from './store/drafts.js';
import { deleteExpiredSessions } from './store/sessions.js';
import { listLinks } from './store/links.js';
import { syncSurveyVersions } from './store/survey-versions.js';
import { countAccounts } from './store/accounts.js';
import { randomCode } from './store/ids.js';
import { getUnit } from './store/units.js';
import { listWaves } from './store/waves.js';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
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
  const db = openDb(config.DATABASE_PATH);
  const changed = syncSurveyVersions(db, surveys.values());
  if (changed.length > 0) fail(`Survey definitions changed without a new version:\n  ${changed.join('\n  ')}`);

  const purge = (): void => {
    deleteExpiredSessions(db, Date.now());
    const n = deleteExpiredDrafts(db, today(config.TIME_ZONE));
    if (n > 0) console.log(`Deleted ${n} expired draft(s).`);
  };
  purge();
  setInterval(purge, 3600_000).unref();

  // First run: a one-time code (printed, never stored) opens the page that creates the first project leader.
  const setupToken = countAccounts(db) === 0 ? randomCode(24) : undefined;
  const app = createApp({ db, config, setupToken });
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
    // line) are computed in the tally worker now rather than on the first leader's click.
    const queued = prepareClosedWaves(db);
    if (queued.length > 0) console.log(`Computing the results of wave(s) ${queued.join(', ')} in the background.`);
  });
  server.on('error', (err) => fail(`Could not listen on ${config.HOST}:${config.PORT}: ${err.message}`));

  const shutdown = (signal: string): void => {
    console.log(`${signal}: finishing open requests, then closing the database.`);
    server.close(() => {
      db.close();
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

start();
