// One random case of the generic attacker: a seeded tree, respondents with random skip and "vet
// ikke" habits, and a random sequence of staff actions, driven through the product. Units, the wave
// and responses are seeded through the store (real SQLite); close, reopen, threshold changes and unit
// moves go through the staff routes as a signed-in project leader. After every close (and after
// every change to a closed wave) the release is read back and its figures collected.
import { syntheticAnswers, seededRandom } from '../../../src/demo-answers.js';
import { waveResults, type WaveResults } from '../../../src/report/wave-results.js';
import { createDraft } from '../../../src/store/drafts.js';
import { createProject, setWaveProject } from '../../../src/store/projects.js';
import { submitResponse } from '../../../src/store/responses.js';
import { syncSurveyVersions } from '../../../src/store/survey-versions.js';
import { addUnit, listUnits, subtreeIds } from '../../../src/store/units.js';
import { createWave, getWave, setWaveStatus, updateWaveSettings, type Wave } from '../../../src/store/waves.js';
import type { Answers, Survey } from '../../../src/survey/model.js';
import { makeTestApp, type TestApp } from '../../helpers/app.js';
import { signIn, type SignedIn } from '../../helpers/staff.js';
import { checkRoutes, type PrintedChange } from './csv-check.js';
import { checkPages, type Comparison, type Viewer } from './page-check.js';
import { releaseFigures, verifyFigures, type ReleaseFigures } from './figures.js';
import { compositeWindows } from './shown-means.js';
import { Model, type Person } from './model.js';
import { tinySurvey } from './tiny-survey.js';

export interface Harness {
  t: TestApp;
  admin: SignedIn;
  tiny: Survey;
  bundled: Survey;
}

/** makeHarness builds one app on an in-memory database with the small survey and a signed-in project leader. */
export async function makeHarness(): Promise<Harness> {
  const t = makeTestApp();
  const tiny = tinySurvey();
  syncSurveyVersions(t.db, [tiny]);
  return { t, admin: await signIn(t, 'admin'), tiny, bundled: t.survey };
}

export interface Release {
  action: string;
  figures: ReleaseFigures;
}

export interface CaseRun {
  seed: number;
  survey: Survey;
  model: Model;
  people: Person[];
  releases: Release[];
  /** k when the wave first closed (thresholds only ever rise): findings are sets below it. */
  k: number;
  /** Figures the simulation could not explain, or outputs that disagree: test errors, not findings. */
  problems: string[];
  description: string;
  /** Pages and figures read by the page check (zero when the case does not run it). */
  pageCount: PageCount;
}

export interface CaseOptions {
  /** Use the bundled survey (smaller trees) instead of the small one. */
  bundled?: boolean;
  /** Also read every unit's results CSV and the project comparison CSV through the routes and check them. */
  viaRoutes?: boolean;
  /** Also read every page each role may open (project leader, a unit's leader and representative),
   *  with a reorganisation mapped in the comparison (implies viaRoutes). */
  pages?: boolean;
  /** Changes each page a role fetches before the check reads it (to prove the check fails). */
  tamper?: (viewer: string, url: string, html: string) => string;
}

/** What the page checks of a case covered. */
export interface PageCount {
  pages: number;
  figures: number;
  /** Figures of mapped groups (a reorganisation) shown with a value. */
  mapped: number;
}

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

interface Habit {
  skip: number;
  dk: number;
}

function smallAnswers(rand: Rand, habit: Habit, comment: string): Answers {
  const point = (): number | 'dk' | undefined => {
    const r = rand();
    if (r < habit.skip) return undefined;
    if (r < habit.skip + habit.dk) return 'dk';
    return pick(rand, [1, 2, 3, 3, 4, 4, 4, 5, 5]);
  };
  const a: Answers = {};
  for (const id of ['p1', 'p2', 'p3']) {
    const v = point();
    if (v !== undefined) a[id] = v;
  }
  const now = point();
  const desired = point();
  if (now !== undefined || desired !== undefined) a.nd = { ...(now === undefined ? {} : { now }), ...(desired === undefined ? {} : { desired }) };
  if (rand() >= habit.skip) a.v1 = pick(rand, ['kort', 'middels', 'lenge']);
  if (rand() >= habit.skip) a.v2 = pick(rand, ['ja', 'nei']);
  if (rand() >= habit.skip) a.trivsel = Math.floor(rand() * 11);
  if (rand() < 0.35) a.kommentar = comment;
  return a;
}

function bundledAnswers(survey: Survey, rand: Rand, habit: Habit, comment: string): Answers {
  const a = syntheticAnswers(survey, rand, (rand() - 0.5) * 0.8);
  for (const item of survey.items) {
    const v = a[item.id];
    if (item.type === 'likert' && typeof v === 'number' && rand() < habit.dk) a[item.id] = 'dk';
    if (item.type === 'nowDesired' && v && typeof v === 'object' && !Array.isArray(v)) {
      if (rand() < habit.dk) a[item.id] = { ...v, now: 'dk' };
      else if (rand() < habit.dk) a[item.id] = { ...v, desired: 'dk' };
    }
  }
  if (rand() < 0.35) a.kommentar = comment;
  return a;
}

/** runCase simulates one seeded case end to end and collects every release's figures. */
export async function runCase(h: Harness, seed: number, opts: CaseOptions = {}): Promise<CaseRun> {
  const rand = seededRandom(seed);
  const { db } = h.t;
  const survey = opts.bundled ? h.bundled : h.tiny;
  const model = new Model(survey);
  const k = 3 + Math.floor(rand() * 3);
  const kDistribution = k + Math.floor(rand() * (11 - k));
  const kText = k + Math.floor(rand() * (11 - k));
  const freeText = rand() < 0.5;
  const unitCount = opts.bundled ? 3 + Math.floor(rand() * 4) : 3 + Math.floor(rand() * 10);
  const ids = Array.from({ length: unitCount }, (_, j) => `g${seed}_${j}`);
  db.transaction(() => {
    ids.forEach((id, j) => addUnit(db, { id, name: `Enhet ${j} (${seed})`, parentId: j === 0 ? null : ids[Math.floor(rand() * j)] }));
  })();
  const base = { surveyId: survey.id, surveyVersion: survey.version, unitIds: ids, linkMode: 'open' as const, kResults: k, kDistribution, kText };
  const waveId = createWave(db, { ...base, name: `Etter ${seed}`, status: 'open', opensOn: '2026-01-01' });
  const settings = (w: Wave) => ({ name: w.name, opensOn: w.opensOn, closesOn: w.closesOn, kResults: w.kResults, kDistribution: w.kDistribution, kText: w.kText, freeTextInReports: w.freeTextInReports, linkMode: w.linkMode });
  updateWaveSettings(db, waveId, { ...settings(getWave(db, waveId) as Wave), freeTextInReports: freeText });

  const people: Person[] = [];
  const maxPer = opts.bundled ? 8 : 12;
  const answer = (unitId: string): void => {
    const habit = { skip: pick(rand, [0, 0, 0.1, 0.3]), dk: pick(rand, [0, 0.1, 0.1, 0.3]) };
    const comment = `Kommentar ${seed}-${people.length}`;
    const answers = opts.bundled ? bundledAnswers(survey, rand, habit, comment) : smallAnswers(rand, habit, comment);
    const draft = createDraft(db, { waveId, unitId, tokenHash: null, expiresOn: '2099-12-31' });
    if (submitResponse(db, survey, draft.id, answers, '2026-01-15') !== 'stored') throw new Error('a response was not stored');
    people.push({ index: people.length, unitId, answers });
  };
  db.transaction(() => {
    for (const id of ids) {
      const count = rand() < 0.35 ? Math.floor(rand() * 3) : Math.floor(rand() * (maxPer + 1));
      for (let i = 0; i < count; i++) answer(id);
    }
  })();

  const viaRoutes = opts.viaRoutes || opts.pages;
  const baseline = viaRoutes ? baselineProject(h, survey, seed, ids, waveId, opts.pages ? rand : undefined) : undefined;
  const viewers = opts.pages ? await roles(h, seed, pick(rand, ids), opts.tamper) : [];
  let comparison: Comparison | undefined;
  const thresholdsSeen = new Set<number>();

  const post = async (url: string, body: Record<string, string>, expected = 303): Promise<void> => {
    const params = new URLSearchParams({ _csrf: h.admin.csrf, ...body });
    const res = await h.admin.agent.post(url).type('form').send(params.toString());
    if (res.status !== expected) throw new Error(`case ${seed}: POST ${url} answered ${res.status}: ${res.text.slice(0, 300)}`);
  };
  const setStatus = (status: 'open' | 'closed') => post(`/admin/malinger/${waveId}/status`, status === 'closed' ? { status, confirm: 'yes' } : { status });
  // Reopening a released wave as a person would: the first POST shows what it will cost, the second confirms.
  const reopen = async (): Promise<void> => {
    await post(`/admin/malinger/${waveId}/status`, { status: 'open' }, 200);
    await post(`/admin/malinger/${waveId}/status`, { status: 'open', confirm: 'yes' });
  };

  const run: CaseRun = { seed, survey, model, people, releases: [], k, problems: [], description: '', pageCount: { pages: 0, figures: 0, mapped: 0 } };
  const actions: string[] = [];
  const collect = async (action: string): Promise<void> => {
    const wave = getWave(db, waveId) as Wave;
    const results = waveResults(db, wave);
    if (!results) throw new Error(`case ${seed}: no results after ${action}`);
    const t = results.disclosure.thresholds;
    for (const x of [t.k, t.kDistribution, t.kText]) thresholdsSeen.add(x);
    const figures = releaseFigures(db, results, [...people], run.releases.length + 1, model);
    run.problems.push(...verifyFigures(model, people, figures).map((p) => `case ${seed}: ${p}`));
    let finer = new Map<string, [number, number]>();
    if (baseline) {
      const routes = await checkRoutes(h, results, figures, baseline.projectId);
      run.problems.push(...routes.problems.map((p) => `case ${seed}: ${p}`));
      finer = compositesFromChanges(db, baseline.waveId, routes.changes);
    }
    if (baseline && opts.pages) {
      comparison ??= await reorganise(h, baseline, results, seed, rand);
      const report = await checkPages(db, { results, rf: figures, people: [...people] }, viewers, comparison, `Prosjekt ${seed}`, [...thresholdsSeen]);
      run.problems.push(...report.problems.map((p) => `case ${seed}: ${p}`));
      run.pageCount.pages += report.pages;
      run.pageCount.figures += report.figures;
      run.pageCount.mapped += report.mapped;
    }
    compositeWindows(figures, finer);
    run.releases.push({ action, figures });
  };

  await setStatus('closed');
  await collect('close');
  const further = Math.floor(rand() * 3);
  for (let a = 0; a < further; a++) {
    const r = rand();
    const wave = getWave(db, waveId) as Wave;
    const units = listUnits(db).filter((u) => ids.includes(u.id));
    const movable = units.filter((u) => u.parentId !== null).flatMap((u) => {
      const below = subtreeIds(units, [u.id]);
      return units.filter((p) => !below.has(p.id) && p.id !== u.parentId).map((p) => ({ unit: u, parent: p.id }));
    });
    if (r < 0.4) {
      await reopen();
      const added = 1 + Math.floor(rand() * 3);
      db.transaction(() => {
        for (let i = 0; i < added; i++) answer(pick(rand, ids));
      })();
      await setStatus('closed');
      actions.push(`reopen +${added}`);
    } else if (r < 0.7 || movable.length === 0) {
      const raiseK = rand() < 0.6;
      const kResults = wave.kResults + (raiseK ? 1 : 0);
      const kDist = Math.max(wave.kDistribution + (raiseK ? 0 : 1 + Math.floor(rand() * 3)), kResults);
      const kTxt = Math.max(wave.kText, kResults);
      await post(`/admin/malinger/${waveId}/innstillinger`, {
        name: wave.name,
        opensOn: wave.opensOn ?? '',
        closesOn: wave.closesOn ?? '',
        kResults: String(kResults),
        kDistribution: String(kDist),
        kText: String(kTxt),
        linkMode: wave.linkMode,
        ...(wave.freeTextInReports ? { freeText: 'on' } : {}),
      });
      actions.push(`raise k=${kResults}/${kDist}/${kTxt}`);
    } else {
      const move = pick(rand, movable);
      await post(`/admin/enheter/${move.unit.id}`, { name: move.unit.name, parentId: move.parent, headcount: '' });
      actions.push(`move ${move.unit.id.split('_')[1]}→${move.parent.split('_')[1]}`);
    }
    await collect(actions[actions.length - 1] as string);
  }
  run.description = `case ${seed}: ${unitCount} units, ${people.length} respondents, k=${k}/${kDistribution}/${kText}${freeText ? ' text' : ''}; close${actions.map((a) => `, ${a}`).join('')}`;
  return run;
}

/** compositesFromChanges reads a composite's interval from the comparison CSV: the baseline's exact
 *  mean plus the printed change (two decimals), keyed by group and composite as in ShownComposite. */
function compositesFromChanges(db: TestApp['db'], baselineId: number, changes: readonly PrintedChange[]): Map<string, [number, number]> {
  const before = waveResults(db, getWave(db, baselineId) as Wave);
  const out = new Map<string, [number, number]>();
  for (const c of changes) {
    const [section, id] = c.row.split('|') as [string, string];
    const key = section === 'Faktor' ? `factor:${id}` : id === 'raus_total' ? 'raus_total' : undefined;
    const group = before?.tables.get(c.unit);
    if (key === undefined || !group?.released) continue;
    const value = key === 'raus_total' ? group.rausTotal : group.factors.find((f) => f.id === id)?.value;
    if (!value?.released || value.mean === undefined || value.meanBound) continue;
    out.set(`${c.unit}|${key}`, [value.mean + c.diff - 0.005, value.mean + c.diff + 0.005]);
  }
  return out;
}

interface Baseline {
  projectId: number;
  waveId: number;
  survey: Survey;
  people: Person[];
  /** Units only the earlier wave had (retired in a reorganisation), each a root of its own. */
  retired: string[];
}

/** baselineProject puts the case's wave in a project with an earlier closed wave, so the comparison
 *  pages exist. With `reorganise` (the case's generator) the earlier wave also has one or two units
 *  that the case's wave no longer has, to be mapped onto its units after the first close. */
function baselineProject(h: Harness, survey: Survey, seed: number, ids: string[], waveId: number, reorganise?: Rand): Baseline {
  const { db } = h.t;
  // Its own generator, so a case is the same whether or not it is also driven through the routes.
  const rand = seededRandom(seed + 1_000_000);
  const retired = reorganise ? Array.from({ length: 1 + Math.floor(reorganise() * 2) }, (_, j) => `o${seed}_${j}`) : [];
  db.transaction(() => {
    for (const id of retired) addUnit(db, { id, name: `Gammel enhet ${id.split('_')[1]} (${seed})`, parentId: null });
  })();
  const all = [...ids, ...retired];
  const before = createWave(db, { name: `Før ${seed}`, surveyId: survey.id, surveyVersion: survey.version, unitIds: all, linkMode: 'open', status: 'open', opensOn: '2025-01-01' });
  const people: Person[] = [];
  db.transaction(() => {
    for (const id of all) {
      for (let i = 0; i < 6; i++) {
        const draft = createDraft(db, { waveId: before, unitId: id, tokenHash: null, expiresOn: '2099-12-31' });
        const answers = survey.id === h.bundled.id ? syntheticAnswers(survey, rand, 0) : smallAnswers(rand, { skip: 0, dk: 0 }, `Før ${seed}-${id}-${i}`);
        if (submitResponse(db, survey, draft.id, answers, '2025-01-15') === 'stored') people.push({ index: people.length, unitId: id, answers });
      }
    }
  })();
  setWaveStatus(db, before, 'closed');
  const projectId = createProject(db, `Prosjekt ${seed}`, survey.id);
  setWaveProject(db, before, projectId);
  setWaveProject(db, waveId, projectId);
  return { projectId, waveId: before, survey, people, retired };
}

/** roles signs in the project leader's view and a leader and a representative of one unit. */
async function roles(h: Harness, seed: number, unitId: string, tamper?: CaseOptions['tamper']): Promise<Viewer[]> {
  const { db } = h.t;
  const below = (): Set<string> => subtreeIds(listUnits(db), [unitId]);
  const leader = await signIn(h.t, 'leader', [unitId], `leder-${seed}`);
  const rep = await signIn(h.t, 'representative', [unitId], `verneombud-${seed}`);
  const viewers: Viewer[] = [
    { name: 'project leader', agent: h.admin.agent, admin: true, canSee: () => true },
    { name: `leader of ${unitId}`, agent: leader.agent, admin: false, canSee: (id) => below().has(id) },
    { name: `representative of ${unitId}`, agent: rep.agent, admin: false, canSee: (id) => below().has(id) },
  ];
  if (!tamper) return viewers;
  return viewers.map((v) => ({
    ...v,
    agent: {
      get: async (url: string) => {
        const res = await v.agent.get(url);
        return { status: res.status, text: tamper(v.name, url, res.text) };
      },
    },
  }));
}

/** reorganise maps each unit only the earlier wave had onto one to three of the case's units
 *  (none inside another, as the mapping form requires) through the staff route, and returns the
 *  comparison with the mapped groups as the product forms them (connected mappings are one group). */
async function reorganise(h: Harness, baseline: Baseline, results: WaveResults, seed: number, rand: Rand): Promise<Comparison> {
  const { db } = h.t;
  const units = results.units;
  const taken: string[] = [];
  const groups: Comparison['groups'] = [];
  for (const old of baseline.retired) {
    // Units whose tables are shown, where there are any: a mapped group with a hidden member shows nothing.
    const open = units.filter((u) => !taken.some((t) => subtreeIds(units, [t]).has(u.id) || subtreeIds(units, [u.id]).has(t)));
    const shown = open.filter((u) => results.tables.get(u.id)?.released);
    const free = shown.length > 0 ? shown : open;
    const chosen: string[] = [];
    for (let j = 1 + Math.floor(rand() * 3); j > 0; j--) {
      const ok = free.filter((u) => !chosen.some((c) => subtreeIds(units, [c]).has(u.id) || subtreeIds(units, [u.id]).has(c)));
      if (ok.length === 0) break;
      chosen.push(pick(rand, ok).id);
    }
    if (chosen.length === 0) continue;
    for (const target of chosen) {
      const params = new URLSearchParams({ _csrf: h.admin.csrf, oldUnitId: old, newUnitId: target });
      const res = await h.admin.agent.post(`/sammenligning/${baseline.projectId}/koblinger`).type('form').send(params.toString());
      if (res.status !== 303) throw new Error(`case ${seed}: mapping ${old} -> ${target} answered ${res.status}: ${res.text.slice(0, 300)}`);
    }
    taken.push(...chosen);
    const members = [old, ...chosen].sort();
    groups.push({ key: `gruppe:${members.join('+')}`, before: members, after: [...chosen].sort() });
  }
  const survey = baseline.survey;
  const before = waveResults(db, getWave(db, baseline.waveId) as Wave);
  if (!before) throw new Error(`case ${seed}: the earlier wave has no results`);
  const rf = releaseFigures(db, before, baseline.people, 0, new Model(survey));
  const problems = verifyFigures(new Model(survey), baseline.people, rf);
  if (problems.length > 0) throw new Error(`case ${seed}: the earlier wave's figures: ${problems.slice(0, 3).join('; ')}`);
  return { projectId: baseline.projectId, before: { results: before, rf, people: baseline.people }, groups };
}
