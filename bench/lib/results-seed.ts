// Seeding a large organisation with a closed wave of the combined survey (and an earlier one in the
// same project, for the two-wave comparison), for the results benchmark.
// Fast on purpose (it is not what is measured): prepared statements, one transaction per chunk,
// response ids drawn at random as the app does but inserted in ascending order so both B-trees
// only ever append, and durability switched off on the seeding connection only.
import Database from 'better-sqlite3';
import path from 'node:path';
import { hashPassword } from '../../src/auth/password.js';
import { seededRandom, syntheticAnswers } from '../../src/demo-answers.js';
import { createAccount } from '../../src/store/accounts.js';
import { createProject, setWaveProject } from '../../src/store/projects.js';
import { migrate } from '../../src/store/migrations.js';
import { randomResponseId } from '../../src/store/ids.js';
import { seedRunningTallies } from '../../src/report/running-tally.js';
import { answerRows } from '../../src/store/responses.js';
import { syncSurveyVersions } from '../../src/store/survey-versions.js';
import { createWave } from '../../src/store/waves.js';
import { loadSurveyDir } from '../../src/survey/load.js';
import type { Survey } from '../../src/survey/model.js';
import { repoRoot } from './server.js';

export interface BenchUnit {
  id: string;
  name: string;
  parentId: string | null;
  level: 'organisation' | 'sector' | 'institution' | 'leaf';
  /** Set for units answering in the wave (leaves and childless institutions). */
  headcount: number | null;
  responses: number;
  climate: number;
}

export interface SeededWave {
  dbPath: string;
  survey: Survey;
  waveId: number;
  units: BenchUnit[];
  rootId: string;
  username: string;
  password: string;
  responses: number;
  answerRows: number;
  /** The earlier wave in the same project, for the two-wave comparison. */
  earlier?: { waveId: number; projectId: number; responses: number; answerRows: number };
  seconds: number;
}

const SECTORS = ['Helse og omsorg', 'Oppvekst', 'Kultur', 'Teknisk drift', 'Administrasjon', 'Velferd', 'Samfunnsutvikling', 'Eiendom'];
export const BENCH_USER = 'benk-prosjektleder';
export const BENCH_PASSWORD = 'korrekt hest batteri stift';

/** benchTree builds a fixed organisation of 500 units: 1 organisation, 8 sectors, 60 institutions
 *  (4 of them without departments) and 431 departments of varied size, 7 % of the answering units
 *  tiny (1-4 respondents, below any k). Sizes are weights; responses are spread by weight. */
export function benchTree(): BenchUnit[] {
  const rand = seededRandom(500);
  const units: BenchUnit[] = [{ id: 'org', name: 'Benk kommune', parentId: null, level: 'organisation', headcount: null, responses: 0, climate: 0 }];
  const institutionsPerSector = [10, 9, 8, 7, 7, 7, 6, 6]; // 60
  const childless = new Set(['s4-i7', 's5-i7', 's7-i6', 's8-i6']);
  const leafTarget = 431;
  const institutions: string[] = [];
  SECTORS.forEach((name, s) => {
    const sectorId = `s${s + 1}`;
    units.push({ id: sectorId, name, parentId: 'org', level: 'sector', headcount: null, responses: 0, climate: 0 });
    for (let i = 1; i <= (institutionsPerSector[s] ?? 0); i++) {
      const id = `${sectorId}-i${i}`;
      units.push({ id, name: `${name}, institusjon ${i}`, parentId: sectorId, level: 'institution', headcount: null, responses: 0, climate: (rand() - 0.5) * 0.6 });
      if (!childless.has(id)) institutions.push(id);
    }
  });
  // 431 departments over 56 institutions: 2-14 each, uneven, adjusted to the exact total.
  const counts = institutions.map(() => 2 + Math.floor(rand() * 13));
  for (let diff = leafTarget - counts.reduce((a, b) => a + b, 0), i = 0; diff !== 0; i = (i + 1) % counts.length) {
    const c = counts[i] ?? 0;
    if (diff > 0 && c < 14) {
      counts[i] = c + 1;
      diff--;
    } else if (diff < 0 && c > 2) {
      counts[i] = c - 1;
      diff++;
    }
  }
  institutions.forEach((inst, i) => {
    const parent = units.find((u) => u.id === inst) as BenchUnit;
    for (let a = 1; a <= (counts[i] ?? 0); a++) {
      units.push({ id: `${inst}-a${a}`, name: `${parent.name}, avdeling ${a}`, parentId: inst, level: 'leaf', headcount: null, responses: 0, climate: parent.climate + (rand() - 0.5) * 0.8 });
    }
  });
  for (const u of units) if (u.level === 'institution' && childless.has(u.id)) u.level = 'leaf';
  return units;
}

/** spread gives each answering unit its responses (summing to n) and a headcount (responses / rate). */
export function spread(units: BenchUnit[], n: number): void {
  const rand = seededRandom(7);
  const leaves = units.filter((u) => u.level === 'leaf');
  // Log-normal weights: most departments 10-60 people, a few large ones.
  const weight = leaves.map(() => Math.exp(3.2 + 0.9 * gaussian(rand)));
  const tiny = leaves.map((_, i) => i % 14 === 5); // ~7 % of answering units
  const tinyTotal = leaves.reduce((s, _, i) => s + (tiny[i] ? 1 + (i % 4) : 0), 0);
  const rest = n - tinyTotal;
  const total = weight.reduce((s, w, i) => s + (tiny[i] ? 0 : w), 0);
  let given = 0;
  leaves.forEach((u, i) => {
    u.responses = tiny[i] ? 1 + (i % 4) : Math.max(1, Math.floor(((weight[i] ?? 0) / total) * rest));
    given += u.responses;
  });
  // Hand out (or take back) the remainder one by one over the larger units.
  for (let i = 0; given !== n; i = (i + 1) % leaves.length) {
    const u = leaves[i] as BenchUnit;
    if (tiny[i]) continue;
    if (given < n) {
      u.responses += 1;
      given++;
    } else if (u.responses > 10) {
      u.responses -= 1;
      given--;
    }
  }
  for (const u of leaves) u.headcount = Math.max(u.responses, Math.round(u.responses / (0.55 + rand() * 0.35)));
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** seedResultsWave creates a fresh database at dbPath with the tree, a wave of the combined survey
 *  with n responses (closed, unless `status` says open: to be closed by the benchmark), a project
 *  leader account and, when before > 0, an earlier closed wave
 *  (a year before, the same units, before x n responses, a slightly different climate per unit) in
 *  one project with it, for the two-wave comparison. */
export async function seedResultsWave(dbPath: string, n: number, before = 0, status: 'open' | 'closed' = 'closed'): Promise<SeededWave> {
  const started = performance.now();
  const surveys = loadSurveyDir(path.join(repoRoot, 'surveys'));
  const survey = surveys.get('kartlegging');
  if (!survey) throw new Error('the bundled survey "kartlegging" is missing');
  const units = benchTree();
  spread(units, n);
  const leaves = units.filter((u) => u.level === 'leaf');
  let earlierN = Math.round(n * before);
  // Responses per (wave, unit): the earlier wave's spread in proportion to the measured one.
  const perUnit: number[][] = [leaves.map((u) => u.responses)];
  if (earlierN > 0) {
    const counts = leaves.map((u) => Math.max(1, Math.round(u.responses * before)));
    // Hand out (or take back, from units above 10) the rounding remainder one by one.
    let diff = earlierN - counts.reduce((a, b) => a + b, 0);
    for (let i = 0, idle = 0; diff !== 0 && idle < counts.length; i = (i + 1) % counts.length) {
      const c = counts[i] ?? 0;
      if (diff > 0 || c > 10) {
        counts[i] = c + Math.sign(diff);
        diff -= Math.sign(diff);
        idle = 0;
      } else idle++;
    }
    perUnit.push(counts);
    earlierN = counts.reduce((a, b) => a + b, 0);
  }
  // The seeding connection only: no fsync, no rollback journal, no foreign-key lookups (the rows are
  // valid by construction), a large page cache. The app opens the file with openDb's pragmas.
  const db = new Database(dbPath);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1000000');
    migrate(db);
    syncSurveyVersions(db, surveys.values());
    const insertUnit = db.prepare('INSERT INTO unit (id, name, parent_id, headcount) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (const u of units) insertUnit.run(u.id, u.name, u.parentId, u.headcount);
    })();
    const waveId = createWave(db, {
      name: `Resultater i stor skala (${n} svar)`,
      surveyId: survey.id,
      surveyVersion: survey.version,
      unitIds: leaves.map((u) => u.id),
      linkMode: 'open',
      status,
      opensOn: '2026-01-05',
      // An open wave has no closing day behind it: the scheduler would close it at start-up.
      closesOn: status === 'open' ? null : '2026-01-30',
    });
    const waveIds = [waveId];
    let projectId: number | undefined;
    if (earlierN > 0) {
      const earlierId = createWave(db, {
        name: `Året før (${earlierN} svar)`,
        surveyId: survey.id,
        surveyVersion: survey.version,
        unitIds: leaves.map((u) => u.id),
        linkMode: 'open',
        status: 'closed',
        opensOn: '2025-01-06',
        closesOn: '2025-01-31',
      });
      waveIds.push(earlierId);
      projectId = createProject(db, 'Benk: året før og nå', survey.id);
      setWaveProject(db, earlierId, projectId);
      setWaveProject(db, waveId, projectId);
    }
    createAccount(db, { username: BENCH_USER, displayName: 'Benk prosjektleder', role: 'admin', passwordHash: await hashPassword(BENCH_PASSWORD) });

    // Random ids as the app draws them, then sorted: appends instead of random B-tree inserts.
    const total = n + earlierN;
    const ids = new Float64Array(total);
    const seen = new Set<number>();
    for (let i = 0; i < total; i++) {
      let id = randomResponseId();
      while (seen.has(id)) id = randomResponseId();
      seen.add(id);
      ids[i] = id;
    }
    seen.clear();
    ids.sort();
    // Which wave and unit each response belongs to (wave * 65536 + unit index), shuffled so waves
    // and units interleave in id order as random ids make them.
    const owner = new Uint32Array(total);
    let at = 0;
    perUnit.forEach((counts, w) => counts.forEach((c, li) => owner.fill(w * 65536 + li, at, (at += c))));
    const rand = seededRandom(n);
    for (let i = total - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = owner[i] as number;
      owner[i] = owner[j] as number;
      owner[j] = t;
    }
    // The earlier wave: each unit's climate shifted by -0.4..+0.2, so some improve and some decline.
    const shift = leaves.map((_, li) => ((li * 37) % 13) / 20 - 0.4);
    const insertResponse = db.prepare('INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, ?, ?, ?, ?)');
    const insertAnswer = db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, ?)');
    const rows = [0, 0];
    const chunk = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const w = Math.floor((owner[i] as number) / 65536);
        const li = (owner[i] as number) % 65536;
        const unit = leaves[li] as BenchUnit;
        const id = ids[i] as number;
        insertResponse.run(id, waveIds[w], unit.id, survey.id, survey.version);
        for (const r of answerRows(survey, syntheticAnswers(survey, rand, unit.climate - (w === 0 ? 0 : (shift[li] ?? 0))))) {
          insertAnswer.run(id, r.itemId, r.part, r.num, r.txt);
          rows[w] = (rows[w] ?? 0) + 1;
        }
      }
    });
    for (let from = 0; from < total; from += 25_000) chunk(from, Math.min(total, from + 25_000));
    // As if every response had come through the app: each wave's running tallies (kept at submit)
    // count all of them, so closing reads those rather than every answer.
    for (const id of waveIds) seedRunningTallies(db, survey, id);
    // Back to what the app runs with (no ANALYZE: a real database never gets one either).
    db.pragma('journal_mode = WAL');
    return {
      dbPath,
      survey,
      waveId,
      units,
      rootId: 'org',
      username: BENCH_USER,
      password: BENCH_PASSWORD,
      responses: n,
      answerRows: rows[0] ?? 0,
      ...(projectId === undefined ? {} : { earlier: { waveId: waveIds[1] as number, projectId, responses: earlierN, answerRows: rows[1] ?? 0 } }),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    db.close();
  }
}
