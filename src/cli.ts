// The command line until the staff pages exist: units, waves, links, tokens and the demo.
// Usage: npm run kartlegg -- <command> [options]   (npm run kartlegg -- help)
import { parseArgs } from 'node:util';
import { today } from './clock.js';
import { loadConfig } from './config.js';
import { seedDemo } from './demo.js';
import { closeWave, openWave } from './report/close.js';
import { talliesIdle } from './report/tally-jobs.js';
import { talliesCurrent } from './report/wave-tallies.js';
import { SurveyDefinitionError, loadSurveyDir } from './survey/load.js';
import type { Survey } from './survey/model.js';
import { backupFile } from './store/backup.js';
import { openDb, type Db } from './store/db.js';
import { createLink, createTokens, listLinks } from './store/links.js';
import { latestSurveyVersion, syncSurveyVersions } from './store/survey-versions.js';
import { builderIdClashes, listSurveyDrafts } from './store/surveys.js';
import { addUnit, countUnits, getUnit, listUnits } from './store/units.js';
import { createWave, getWave, listWaves, waveResponseCount, waveUnitIds, type LinkMode } from './store/waves.js';

const HELP = `Kartlegg command line (database: DATABASE_PATH, default data/kartlegg.db)

  surveys                                   validate surveys/ and list the definitions and the published
                                            surveys built in the browser
  demo                                      create the demo organisation with an open wave
  units                                     list units as a tree
  unit add <id> <name> [--parent ID] [--headcount N]
  waves                                     list waves
  wave create --name NAME --survey ID --units ID,ID [--mode open|token] [--k 5]
              [--opens YYYY-MM-DD] [--closes YYYY-MM-DD] [--open]
  wave open <id> | wave close <id>
  links <wave id>                           print the open links of a wave
  tokens <wave id> <unit id> <count>        make one-time tokens; they are shown only this once
  backup <file>                             copy the database to a new file, safe while the server runs
`;

class UsageError extends Error {}

// The database and backups are created owner-only (they hold free text and password hashes).
process.umask(0o077);

function surveysAndDb(): { db: Db; surveys: Map<string, Survey>; baseUrl: string; day: string } {
  const config = loadConfig();
  const surveys = loadSurveyDir(config.SURVEYS_DIR);
  const db = openDb(config.DATABASE_PATH);
  const clashes = builderIdClashes(db, surveys.values());
  if (clashes.length > 0) throw new SurveyDefinitionError(clashes);
  const changed = syncSurveyVersions(db, surveys.values());
  if (changed.length > 0) throw new Error(changed.join('\n'));
  return { db, surveys, baseUrl: config.PUBLIC_URL?.replace(/\/$/, '') ?? `http://localhost:${config.PORT}`, day: today(config.TIME_ZONE) };
}

function printTree(db: Db): void {
  const units = listUnits(db);
  const walk = (parent: string | null, depth: number): void => {
    for (const u of units.filter((x) => x.parentId === parent)) {
      console.log(`${'  '.repeat(depth)}${u.id}  ${u.name}${u.headcount === null ? '' : `  (${u.headcount})`}`);
      walk(u.id, depth + 1);
    }
  };
  walk(null, 0);
}

// A survey built in the browser is offered at its latest published version;
// one never published has nothing a wave could freeze.
function builtSurveys(db: Db): Map<string, Survey> {
  const out = new Map<string, Survey>();
  for (const d of listSurveyDrafts(db)) {
    const latest = latestSurveyVersion(db, d.surveyId);
    if (latest) out.set(d.surveyId, latest);
  }
  return out;
}

const isDay = (s: string | undefined): boolean => s === undefined || /^\d{4}-\d{2}-\d{2}$/.test(s);

// Backs up without loading surveys or migrating: the running server owns the schema.
async function backup(file: string | undefined): Promise<void> {
  if (!file) throw new UsageError('usage: backup <file>');
  const source = loadConfig().DATABASE_PATH;
  const result = await backupFile(source, file);
  const mb = (result.bytes / 1024 / 1024).toFixed(1);
  console.log(`Backed up ${source} to ${result.file}: ${mb} MB (${result.pages} pages) in ${(result.ms / 1000).toFixed(2)} s; integrity check: ${result.integrity}.`);
  if (result.integrity !== 'ok') throw new Error('the copy failed its integrity check; do not rely on it');
}

function run(argv: string[]): void {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      parent: { type: 'string' },
      headcount: { type: 'string' },
      name: { type: 'string' },
      survey: { type: 'string' },
      units: { type: 'string' },
      mode: { type: 'string', default: 'open' },
      k: { type: 'string', default: '5' },
      opens: { type: 'string' },
      closes: { type: 'string' },
      open: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, ...rest] = positionals;
  if (!command || command === 'help' || values.help) {
    console.log(HELP);
    return;
  }
  if (command === 'backup') {
    backup(sub).catch(fail);
    return;
  }
  const { db, surveys, baseUrl, day } = surveysAndDb();
  const printLinks = (waveId: number): void => {
    for (const l of listLinks(db, waveId)) console.log(`${baseUrl}/s/${l.code}  ${getUnit(db, l.unitId)?.name ?? l.unitId}`);
  };
  switch (command) {
    case 'surveys':
      for (const s of surveys.values()) console.log(`${s.id} v${s.version}: ${s.title} (${s.sections.length} sections, ${s.items.length} items)`);
      for (const s of builtSurveys(db).values()) console.log(`${s.id} v${s.version}: ${s.title} (${s.sections.length} sections, ${s.items.length} items; built in the browser)`);
      return;
    case 'demo': {
      if (countUnits(db) > 0) throw new UsageError('the database already has units; the demo is only created in an empty database');
      const survey = surveys.get('kartlegging') ?? [...surveys.values()][0];
      if (!survey) throw new UsageError('no surveys loaded');
      const demo = seedDemo(db, survey, day, { sickLeave: true });
      console.log(`Created the demo organisation and wave ${demo.waveId}. Respondent links:`);
      printLinks(demo.waveId);
      return;
    }
    case 'units':
      printTree(db);
      return;
    case 'unit': {
      const [id, name] = rest;
      if (sub !== 'add' || !id || !name) throw new UsageError('usage: unit add <id> <name> [--parent ID] [--headcount N]');
      if (values.parent && !getUnit(db, values.parent)) throw new UsageError(`unknown parent unit "${values.parent}"`);
      const headcount = values.headcount === undefined ? null : Number(values.headcount);
      if (headcount !== null && (!Number.isInteger(headcount) || headcount < 0)) throw new UsageError('--headcount must be a whole number of 0 or more');
      addUnit(db, { id, name, parentId: values.parent ?? null, headcount });
      console.log(`Added unit ${id}.`);
      return;
    }
    case 'waves':
      for (const w of listWaves(db)) console.log(`${w.id}  ${w.status.padEnd(6)}  ${w.name}  (${w.surveyId} v${w.surveyVersion}, ${w.linkMode}, k=${w.kResults}, ${waveUnitIds(db, w.id).length} units)`);
      return;
    case 'wave': {
      if (sub === 'open' || sub === 'close') {
        const wave = getWave(db, Number(rest[0]));
        if (!wave) throw new UsageError(`unknown wave "${rest[0] ?? ''}"`);
        if (sub === 'open') {
          openWave(db, wave.id);
          console.log(`Wave ${wave.id} is open.`);
          return;
        }
        // The same close as the web's; this process then waits for the results before it exits.
        closeWave(db, wave.id);
        console.log(`Wave ${wave.id} is closed. Computing its results ...`);
        const started = performance.now();
        talliesIdle(db)
          .then(() => {
            if (talliesCurrent(db, wave.id, waveResponseCount(db, wave.id))) console.log(`Results of wave ${wave.id} computed in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
            else console.log('The results could not be computed now (see above); the server computes them at its next start or first request.');
          })
          .catch(fail);
        return;
      }
      if (sub !== 'create') throw new UsageError('usage: wave create|open|close ...');
      const built = builtSurveys(db);
      const survey = values.survey ? (surveys.get(values.survey) ?? built.get(values.survey)) : undefined;
      if (!values.name) throw new UsageError('--name is required');
      if (!survey) throw new UsageError(`--survey must be one of: ${[...surveys.keys(), ...built.keys()].join(', ')}`);
      const unitIds = (values.units ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (unitIds.length === 0) throw new UsageError('--units needs at least one unit id');
      const unknown = unitIds.filter((id) => !getUnit(db, id));
      if (unknown.length > 0) throw new UsageError(`unknown unit(s): ${unknown.join(', ')}`);
      const mode = values.mode as LinkMode;
      if (mode !== 'open' && mode !== 'token') throw new UsageError('--mode must be open or token');
      const k = Number(values.k);
      if (!Number.isInteger(k) || k < 3) throw new UsageError('--k must be a whole number of at least 3');
      if (!isDay(values.opens) || !isDay(values.closes)) throw new UsageError('dates are written YYYY-MM-DD');
      // The wave and its links in one transaction: never a wave without its links.
      const name = values.name;
      const waveId = db.transaction(() => {
        const waveId = createWave(db, {
          name,
          surveyId: survey.id,
          surveyVersion: survey.version,
          unitIds,
          linkMode: mode,
          status: values.open ? 'open' : 'draft',
          opensOn: values.opens ?? null,
          closesOn: values.closes ?? null,
          kResults: k,
        });
        if (mode === 'open') for (const id of unitIds) createLink(db, waveId, id);
        return waveId;
      }).immediate();
      console.log(`Created wave ${waveId} (${values.open ? 'open' : 'not open yet: wave open ' + waveId}).`);
      if (mode === 'open') printLinks(waveId);
      else console.log(`Make personal links with: npm run kartlegg -- tokens ${waveId} <unit id> <count>`);
      return;
    }
    case 'links': {
      const wave = getWave(db, Number(sub));
      if (!wave) throw new UsageError(`unknown wave "${sub ?? ''}"`);
      printLinks(wave.id);
      return;
    }
    case 'tokens': {
      const wave = getWave(db, Number(sub));
      const [unitId, countText] = rest;
      const count = Number(countText);
      if (!wave || wave.linkMode !== 'token') throw new UsageError(`wave "${sub ?? ''}" does not exist or does not use one-time tokens`);
      if (!unitId || !waveUnitIds(db, wave.id).includes(unitId)) throw new UsageError(`unit "${unitId ?? ''}" does not take part in wave ${wave.id}`);
      if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new UsageError('count must be a whole number from 1 to 10000');
      for (const token of createTokens(db, wave.id, unitId, count)) console.log(`${baseUrl}/s/${token}`);
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${HELP}`);
  }
}

function fail(err: unknown): never {
  if (err instanceof UsageError || err instanceof SurveyDefinitionError) console.error(`kartlegg: ${err.message}`);
  else console.error(`kartlegg: ${(err as Error).message}`);
  process.exit(1);
}

try {
  run(process.argv.slice(2));
} catch (err) {
  fail(err);
}
