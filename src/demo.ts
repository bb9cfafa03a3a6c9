// The demo organisation: a small municipality with units of varied sizes (some below the anonymity
// threshold), an open wave, and optionally a closed earlier wave with synthetic answers.
import { addDays } from './clock.js';
import { seededRandom, syntheticAnswers } from './demo-answers.js';
import type { Survey } from './survey/model.js';
import type { Db } from './store/db.js';
import { randomResponseId } from './store/ids.js';
import { createLink } from './store/links.js';
import { addAction, saveFollowup } from './store/followups.js';
import { createProject, setWaveProject } from './store/projects.js';
import { answerRows } from './store/responses.js';
import { addUnit } from './store/units.js';
import { createWave } from './store/waves.js';
import { seedDemoSickLeave } from './sickleave/demo-history.js';

const UNITS: { id: string; name: string; parentId?: string; headcount?: number; climate?: number }[] = [
  { id: 'demo', name: 'Demo kommune' },
  { id: 'helse', name: 'Helse og omsorg', parentId: 'demo' },
  { id: 'solbakken', name: 'Solbakken sykehjem', parentId: 'helse' },
  { id: 'solbakken_avd1', name: 'Solbakken, avdeling 1', parentId: 'solbakken', headcount: 18, climate: 0.6 },
  { id: 'solbakken_avd2', name: 'Solbakken, avdeling 2', parentId: 'solbakken', headcount: 14, climate: -0.4 },
  { id: 'solbakken_natt', name: 'Solbakken, nattevakter', parentId: 'solbakken', headcount: 4, climate: 0 },
  { id: 'hjemmetjenesten', name: 'Hjemmetjenesten', parentId: 'helse', headcount: 25, climate: -0.2 },
  { id: 'oppvekst', name: 'Oppvekst', parentId: 'demo' },
  { id: 'solsikken', name: 'Solsikken barnehage', parentId: 'oppvekst' },
  { id: 'solsikken_bla', name: 'Solsikken, blå avdeling', parentId: 'solsikken', headcount: 6, climate: 0.8 },
  { id: 'solsikken_gul', name: 'Solsikken, gul avdeling', parentId: 'solsikken', headcount: 3, climate: 0.3 },
  { id: 'nordby_skole', name: 'Nordby skole', parentId: 'oppvekst', headcount: 32, climate: 0.2 },
  { id: 'administrasjon', name: 'Administrasjon', parentId: 'demo', headcount: 12, climate: 0.1 },
];

export interface DemoResult {
  /** The open wave respondents can answer now. */
  waveId: number;
  links: { unitId: string; unitName: string; code: string }[];
  /** The most recent closed wave with synthetic answers, when history was asked for. */
  closedWaveId?: number;
  /** The closed baseline wave two years back, and the project holding all three waves. */
  baselineWaveId?: number;
  projectId?: number;
}

function insertSynthetic(db: Db, survey: Survey, waveId: number, day: string, seed: number, shift: number): void {
  const rand = seededRandom(seed);
  const insertResponse = db.prepare('INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, ?, ?, ?, ?)');
  const insertAnswer = db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, ?)');
  for (const u of UNITS) {
    if (u.headcount === undefined) continue;
    const respondents = Math.round(u.headcount * 0.8);
    for (let i = 0; i < respondents; i++) {
      const id = randomResponseId();
      insertResponse.run(id, waveId, u.id, survey.id, survey.version);
      for (const r of answerRows(survey, syntheticAnswers(survey, rand, (u.climate ?? 0) + shift))) insertAnswer.run(id, r.itemId, r.part, r.num, r.txt);
    }
  }
}

// Follow-ups on some units, so the project leader's overview and the comparison have something to show.
function seedFollowups(db: Db, baselineWaveId: number, lastWaveId: number, today: string): void {
  const by = 'Demo';
  saveFollowup(db, {
    waveId: baselineWaveId,
    unitId: 'hjemmetjenesten',
    strengths: [{ ref: 'stotte_kolleger', text: 'Støtte fra kolleger' }],
    areas: [{ ref: 'handterbarhet', text: 'Håndterbarhet' }, { text: 'Mindre stress i morgenstellet' }],
    updatedBy: by,
  });
  addAction(db, { waveId: baselineWaveId, unitId: 'hjemmetjenesten', what: 'Fast kjøreliste og luft mellom besøkene', factorId: 'handterbarhet', responsible: 'Avdelingsleder', dueOn: addDays(today, -600), status: 'done', note: 'Innført fra høsten; færre overtidstimer.' });
  saveFollowup(db, {
    waveId: lastWaveId,
    unitId: 'solbakken_avd1',
    strengths: [{ ref: 'medvirkning', text: 'Medvirkning' }, { ref: 'balanse', text: 'Balanse mellom jobb og fritid' }],
    areas: [{ ref: 'anerkjennelse', text: 'Anerkjennelse' }, { text: 'Bedre overlapp mellom vaktene' }],
    updatedBy: by,
  });
  addAction(db, { waveId: lastWaveId, unitId: 'solbakken_avd1', what: 'Fem minutter «dagens gode ting» på personalmøtet', factorId: 'anerkjennelse', responsible: 'Avdelingsleder og tillitsvalgt', dueOn: addDays(today, -200), status: 'done', note: 'Fungerer, vi fortsetter.' });
  addAction(db, { waveId: lastWaveId, unitId: 'solbakken_avd1', what: 'Prøve 15 minutters overlapp mellom kveld og natt', factorId: 'handterbarhet', responsible: 'Verneombud', dueOn: addDays(today, -30), status: 'in_progress', note: '' });
  addAction(db, { waveId: lastWaveId, unitId: 'nordby_skole', what: 'Faste samarbeidstider for trinnene', factorId: 'stotte_kolleger', responsible: 'Rektor', dueOn: addDays(today, 60), status: 'planned', note: '' });
}

/** seedDemo creates the demo units and an open wave of the survey with one open link per leaf unit;
 *  with history, also two closed waves (two years and one year back) with synthetic answers from
 *  about 80 % of staff, all three waves in one project for before/after comparison; with sickLeave,
 *  three years of monthly sick-leave figures (sickleave/demo-history.ts). */
export function seedDemo(db: Db, survey: Survey, today: string, opts: { history?: boolean; sickLeave?: boolean } = {}): DemoResult {
  return db.transaction(() => {
    for (const u of UNITS) addUnit(db, { id: u.id, name: u.name, parentId: u.parentId ?? null, headcount: u.headcount ?? null });
    const leaves = UNITS.filter((u) => u.headcount !== undefined).map((u) => u.id);
    let closedWaveId: number | undefined;
    let baselineWaveId: number | undefined;
    let projectId: number | undefined;
    if (opts.history) {
      projectId = createProject(db, 'Arbeidsmiljø og heltidskultur (demo)', survey.id);
      const closedWave = (name: string, daysBack: number, seed: number, shift: number): number => {
        const id = createWave(db, {
          name,
          surveyId: survey.id,
          surveyVersion: survey.version,
          unitIds: leaves,
          linkMode: 'open',
          status: 'closed',
          opensOn: addDays(today, -daysBack),
          closesOn: addDays(today, -daysBack + 30),
        });
        insertSynthetic(db, survey, id, addDays(today, -daysBack + 10), seed, shift);
        setWaveProject(db, id, projectId ?? null);
        return id;
      };
      // The baseline a little lower than last year, so the comparison has something to show.
      baselineWaveId = closedWave('Nullpunkt for to år siden (demo)', 730, 20241, -0.35);
      closedWaveId = closedWave('Arbeidsmiljøkartlegging i fjor (demo)', 380, 20251, 0);
      seedFollowups(db, baselineWaveId, closedWaveId, today);
    }
    const waveId = createWave(db, {
      name: 'Arbeidsmiljøkartlegging (demo)',
      surveyId: survey.id,
      surveyVersion: survey.version,
      unitIds: leaves,
      linkMode: 'open',
      status: 'open',
      opensOn: today,
      closesOn: addDays(today, 30),
    });
    if (projectId !== undefined) setWaveProject(db, waveId, projectId);
    const links = UNITS.filter((u) => u.headcount !== undefined).map((u) => ({ unitId: u.id, unitName: u.name, code: createLink(db, waveId, u.id) }));
    if (opts.sickLeave) seedDemoSickLeave(db, today, new Date(`${today}T12:00:00Z`));
    return { waveId, links, closedWaveId, baselineWaveId, projectId };
  }).immediate();
}
