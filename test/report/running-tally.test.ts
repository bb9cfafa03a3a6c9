// Running tallies (issue 13): kept current in the submit transaction, read at close instead of
// every answer. They must equal what the full pass gives, for every survey and every kind of
// answer; a wave they do not fully count must fall back to the pass; and they must record
// nothing a response row does not (no arrival order).
import { afterEach, describe, expect, test } from 'vitest';
import { openWave, prepareClosedWaves } from '../../src/report/close.js';
import { requestTallies, talliesIdle } from '../../src/report/tally-jobs.js';
import { seededRandom, syntheticAnswers } from '../../src/demo-answers.js';
import { breakdownOf } from '../../src/report/breakdown.js';
import { groupTallyToJson, JSON_TALLY_FORMAT, TALLY_FORMAT } from '../../src/report/group.js';
import { completeRunningTallies, respondentTally, seedRunningTallies } from '../../src/report/running-tally.js';
import { ByteWriter, decodeTally, tallyLayout } from '../../src/report/tally-codec.js';
import { buildWaveResults, readResultsInputs } from '../../src/report/wave-results.js';
import { computeWaveTallies, parseStoredTallies, passTallies, passWaveTallies, storedEntries, storedForm, storedJson, storedWaveTallies, type WaveTallies } from '../../src/report/wave-tallies.js';
import { openDb, type Db } from '../../src/store/db.js';
import { createDraft } from '../../src/store/drafts.js';
import { answerRows, submitResponse } from '../../src/store/responses.js';
import { addRunningTally, dropOtherRunningTallies, readRunningTallies } from '../../src/store/running-tallies.js';
import { syncSurveyVersions } from '../../src/store/survey-versions.js';
import { addUnit } from '../../src/store/units.js';
import { createWave, getWave, setWaveStatus, waveResponseCount, type Wave } from '../../src/store/waves.js';
import type { Answers, Survey } from '../../src/survey/model.js';
import { bundledSurveys, makeTestApp } from '../helpers/app.js';
import { emptyApp, ProjectLeader, respond } from '../anonymity/helpers.js';
import { onePageSurvey } from '../helpers/survey.js';

const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

// A survey with a background question (the breakdown is by it) and every item type.
const withBackground: Survey = onePageSurvey('bg', 'Bakgrunn', [
  { id: 'turnus', type: 'single', background: true, text: 'Turnus?', options: [{ id: 'ja', label: 'Ja' }, { id: 'nei', label: 'Nei' }] },
  { id: 'a', type: 'likert', scale: 'enig5', factor: 'f', text: 'A' },
  { id: 'b', type: 'likert', scale: 'enig5', factor: 'f', text: 'B' },
  { id: 'nd', type: 'nowDesired', scale: 'enig5', text: 'ND' },
  { id: 'sc', type: 'scale', text: 'SC', minLabel: 'lav', maxLabel: 'høy' },
  { id: 'm', type: 'multi', text: 'M', options: ['x', 'y', 'z'].map((id) => ({ id, label: id })) },
  { id: 'num', type: 'number', text: 'N', min: 0, max: 100, step: 0.5 },
  { id: 't', type: 'text', text: 'T' },
]);

const UNITS: [string, string | null][] = [
  ['root', null],
  ['u1', 'root'],
  ['u2', 'root'],
  ['u3', 'u2'],
];

/** A database with the units and one open wave of the survey; `submit` goes through submitResponse with the running tally. */
function setup(survey: Survey) {
  const db = openDb(':memory:');
  opened.push(db);
  syncSurveyVersions(db, [survey]);
  for (const [id, parentId] of UNITS) addUnit(db, { id, name: id, parentId });
  const waveId = createWave(db, { name: 'W', surveyId: survey.id, surveyVersion: survey.version, unitIds: UNITS.map(([id]) => id), linkMode: 'open', status: 'open' });
  const submit = (unitId: string, answers: Answers, tally = true) => {
    const draft = createDraft(db, { waveId, unitId, tokenHash: null, expiresOn: '2099-12-31' });
    expect(submitResponse(db, survey, draft.id, answers, '2026-01-15', null, 'now', tally ? (u, rows) => respondentTally(db, survey, waveId, u, rows) : undefined)).toBe('stored');
  };
  return { db, waveId, submit };
}

/** How many respondents a wave's running tallies count, or undefined when they do not count every response. */
function tallied(db: Db, waveId: number): number | undefined {
  return readRunningTallies(db, waveId, TALLY_FORMAT)?.reduce((n, r) => n + r.responses, 0);
}

/** The tallies closing the wave would store (running when they count everyone, else the pass). */
function closingTallies(db: Db, survey: Survey, waveId: number): WaveTallies | undefined {
  return parseStoredTallies(storedForm([computeWaveTallies(db, survey, waveId)]).data);
}

/** Respondents as they come: complete, partly answered (items left out at random), or nothing at all. */
function people(survey: Survey, n: number, seed: number): Answers[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    if (i === 7) return {};
    const all = syntheticAnswers(survey, rand, (i % 5) - 2);
    return i % 3 === 0 ? Object.fromEntries(Object.entries(all).filter(() => rand() < 0.6)) : all;
  });
}

describe('running tallies equal the full pass', () => {
  const surveys = [...bundledSurveys().values(), withBackground];
  test.each(surveys.map((s) => [s.id, s] as const))('%s: every respondent added at submit gives the pass’s tallies, per unit and category', (_id, survey) => {
    const { db, waveId, submit } = setup(survey);
    const units = ['u1', 'u2', 'u3', 'root'];
    people(survey, 41, survey.id.length).forEach((p, i) => submit(units[(i * 7) % 4] as string, p));
    expect(waveResponseCount(db, waveId)).toBe(41);
    expect(tallied(db, waveId)).toBe(41);
    const pass = passTallies(db, survey, waveId);
    if (breakdownOf(survey)) expect([...pass.values()].some((c) => c.size > 1)).toBe(true);
    expect(closingTallies(db, survey, waveId)).toEqual(pass);
    // Split over threads as the close does: the parts, joined, give the same.
    const parts = [computeWaveTallies(db, survey, waveId, ['u1', 'u3']), computeWaveTallies(db, survey, waveId, ['root', 'u2'])];
    expect(parts.map((p) => p.responses).reduce((a, b) => a + b)).toBe(41);
    expect(parseStoredTallies(storedForm(parts).data)).toEqual(pass);
  });

  test('a submit rolled back after its tally was written leaves nothing behind: the next one to the same unit starts from what is stored', () => {
    // A survey without a breakdown: every respondent of the unit adds to the same tally.
    const survey = bundledSurveys().get('raus') as Survey;
    expect(breakdownOf(survey)).toBeUndefined();
    const { db, waveId, submit } = setup(survey);
    const ps = people(survey, 4, 31);
    submit('u1', ps[0] as Answers);
    // The same work as a submit's transaction, which then fails (a full disk at commit, say).
    expect(() =>
      db.transaction(() => {
        addRunningTally(db, waveId, 'u1', respondentTally(db, survey, waveId, 'u1', answerRows(survey, ps[1] as Answers)));
        throw new Error('commit failed');
      })(),
    ).toThrow('commit failed');
    submit('u1', ps[2] as Answers);
    submit('u1', ps[3] as Answers);
    expect(tallied(db, waveId)).toBe(3);
    expect(closingTallies(db, survey, waveId)).toEqual(passTallies(db, survey, waveId));
  });

  test('a close reads the running tallies, not the answers', () => {
    const survey = bundledSurveys().get('kartlegging') as Survey;
    const { db, waveId, submit } = setup(survey);
    people(survey, 6, 3).forEach((p) => submit('u1', p));
    const before = closingTallies(db, survey, waveId);
    // An answer changed behind the app's back: the pass would see it, the running tallies do not.
    const likert = survey.items.find((i) => i.type === 'likert')?.id;
    expect(db.prepare('UPDATE answer SET num = 1 WHERE item_id = ? AND num <> 1').run(likert).changes).toBeGreaterThan(0);
    expect(passTallies(db, survey, waveId)).not.toEqual(before);
    expect(closingTallies(db, survey, waveId)).toEqual(before);
  });
});

describe('a wave the running tallies do not fully count is counted by the pass', () => {
  const survey = bundledSurveys().get('kartlegging') as Survey;

  test('a response stored without its running tally (an import, an upgrade) makes the close run the pass', () => {
    const { db, waveId, submit } = setup(survey);
    const [a, b, c] = people(survey, 3, 11) as [Answers, Answers, Answers];
    submit('u1', a);
    submit('u2', b);
    submit('u2', c, false);
    expect(waveResponseCount(db, waveId)).toBe(3);
    expect(tallied(db, waveId)).toBeUndefined();
    const closing = closingTallies(db, survey, waveId);
    expect(closing).toEqual(passTallies(db, survey, waveId));
    expect([...(closing as WaveTallies).values()].flatMap((c) => [...c.values()]).reduce((n, t) => n + t.responses, 0)).toBe(3);
    // Seeding from the pass (what the benchmark's seed does) makes them whole again.
    seedRunningTallies(db, survey, waveId);
    expect(tallied(db, waveId)).toBe(3);
    expect(closingTallies(db, survey, waveId)).toEqual(passTallies(db, survey, waveId));
  });

  test('reopening a wave whose running tallies fall short makes them whole from its stored tallies, so its next close reads them again', () => {
    const { db, waveId, submit } = setup(survey);
    const [a, b, c, d] = people(survey, 4, 14) as [Answers, Answers, Answers, Answers];
    submit('u1', a);
    submit('u2', b);
    submit('u3', c, false);
    expect(tallied(db, waveId)).toBeUndefined();
    // No stored tallies yet: nothing to make them whole from.
    expect(completeRunningTallies(db, waveId)).toBe(false);
    // The close (in memory: in place) stores the pass's tallies and leaves the running tallies as they are.
    setWaveStatus(db, waveId, 'closed');
    expect(requestTallies(db, waveId)).toBe('ready');
    expect(storedWaveTallies(db, waveId, 3)).toEqual(passTallies(db, survey, waveId));
    expect(tallied(db, waveId)).toBeUndefined();
    openWave(db, waveId);
    expect(getWave(db, waveId)?.status).toBe('open');
    expect(tallied(db, waveId)).toBe(3);
    expect(closingTallies(db, survey, waveId)).toEqual(passTallies(db, survey, waveId));
    // Whole already: nothing to write.
    expect(completeRunningTallies(db, waveId)).toBe(false);
    // Answered after the reopening: the next submit adds to them, and the close reads them, not the answers.
    submit('u3', d);
    expect(tallied(db, waveId)).toBe(4);
    const closing = closingTallies(db, survey, waveId);
    expect(closing).toEqual(passTallies(db, survey, waveId));
    const likert = survey.items.find((i) => i.type === 'likert')?.id;
    expect(db.prepare('UPDATE answer SET num = 1 WHERE item_id = ? AND num <> 1').run(likert).changes).toBeGreaterThan(0);
    expect(closingTallies(db, survey, waveId)).toEqual(closing);
  });

  test('only stored tallies that count exactly the wave’s responses, in its survey’s layout, make them whole', () => {
    const { db, waveId, submit } = setup(survey);
    const [a, b, c] = people(survey, 3, 21) as [Answers, Answers, Answers];
    submit('u1', a);
    submit('u2', b, false);
    setWaveStatus(db, waveId, 'closed');
    expect(requestTallies(db, waveId)).toBe('ready');
    // A response stored since (an import): the stored tallies count one fewer than the wave has.
    submit('u2', c, false);
    openWave(db, waveId);
    expect(tallied(db, waveId)).toBeUndefined();
    expect(closingTallies(db, survey, waveId)).toEqual(passTallies(db, survey, waveId));
    // Stored tallies whose layout is not the survey's are left alone.
    setWaveStatus(db, waveId, 'closed');
    expect(requestTallies(db, waveId)).toBe('ready');
    const { data } = db.prepare('SELECT data FROM wave_tally WHERE wave_id = ?').get(waveId) as { data: Buffer };
    const stored = storedEntries(data);
    expect(stored?.layout).toBe(tallyLayout(survey));
    const otherLayout = tallyLayout(withBackground);
    const text = (t: string): Buffer => {
      const w = new ByteWriter();
      w.text(t);
      return Buffer.from(w.done());
    };
    const headLength = data.indexOf(text(tallyLayout(survey)));
    expect(headLength).toBeGreaterThan(0);
    db.prepare('UPDATE wave_tally SET data = ? WHERE wave_id = ?').run(Buffer.concat([data.subarray(0, headLength), text(otherLayout), data.subarray(headLength + text(tallyLayout(survey)).length)]), waveId);
    expect(storedEntries((db.prepare('SELECT data FROM wave_tally WHERE wave_id = ?').get(waveId) as { data: Buffer }).data)?.layout).toBe(otherLayout);
    openWave(db, waveId);
    expect(tallied(db, waveId)).toBeUndefined();
  });

  test('stored tallies in the JSON form from before the compact form make them whole too', () => {
    const { db, waveId, submit } = setup(withBackground);
    people(withBackground, 5, 22).forEach((p, i) => submit(i % 2 ? 'u1' : 'u2', p, i !== 3));
    expect(tallied(db, waveId)).toBeUndefined();
    setWaveStatus(db, waveId, 'closed');
    expect(requestTallies(db, waveId)).toBe('ready');
    const pass = passTallies(db, withBackground, waveId);
    const json = storedJson((db.prepare('SELECT data FROM wave_tally WHERE wave_id = ?').get(waveId) as { data: Buffer }).data);
    db.prepare('UPDATE wave_tally SET data = ? WHERE wave_id = ?').run(json, waveId);
    expect(storedEntries(json as string)).toBeUndefined();
    expect(storedWaveTallies(db, waveId, 5)).toEqual(pass);
    openWave(db, waveId);
    expect(tallied(db, waveId)).toBe(5);
    for (const r of readRunningTallies(db, waveId, TALLY_FORMAT) ?? []) expect(decodeTally(withBackground, r.data)).toStrictEqual(pass.get(r.unit)?.get(r.category));
  });

  test('the tally workers’ pass over a file database stores what the web’s reopen then makes them whole from', async () => {
    const app = makeTestApp({ file: true });
    try {
      const id = createWave(app.db, { name: 'Importert', surveyId: app.survey.id, surveyVersion: app.survey.version, unitIds: ['hjemmetjenesten'], linkMode: 'open', status: 'open' });
      const rand = seededRandom(16);
      // Responses stored without a submit (an import): no running tally counts them.
      app.db.transaction(() => {
        for (let n = 1; n <= 12; n++) {
          app.db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, ?, 'hjemmetjenesten', ?, ?)").run(n, id, app.survey.id, app.survey.version);
          const insert = app.db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, ?)');
          for (const r of answerRows(app.survey, syntheticAnswers(app.survey, rand, 0))) insert.run(n, r.itemId, r.part, r.num, r.txt);
        }
      })();
      const leader = await ProjectLeader.signIn(app);
      await leader.setStatus(id, 'closed');
      expect(tallied(app.db, id)).toBeUndefined();
      expect(requestTallies(app.db, id)).toBe('computing');
      await talliesIdle(app.db);
      expect(storedWaveTallies(app.db, id, 12)).toEqual(passTallies(app.db, app.survey, id));
      expect(parseStoredTallies(storedForm([computeWaveTallies(app.db, app.survey, id)]).data)).toEqual(passTallies(app.db, app.survey, id));
      // The pass itself leaves them as they are; the reopening makes them whole.
      expect(tallied(app.db, id)).toBeUndefined();
      await leader.setStatus(id, 'open');
      expect(getWave(app.db, id)?.status).toBe('open');
      expect(tallied(app.db, id)).toBe(12);
    } finally {
      await talliesIdle(app.db);
      app.close();
    }
  });

  test('a deleted response voids the wave’s running tallies, so sums can never match by accident', () => {
    const { db, waveId, submit } = setup(survey);
    people(survey, 3, 12).forEach((p) => submit('u1', p));
    // One untallied response and one deleted tallied response would leave the sum equal to the count.
    submit('u2', people(survey, 1, 13)[0] as Answers, false);
    const tallied = db.prepare("SELECT id FROM response WHERE unit_id = 'u1' LIMIT 1").get() as { id: number };
    db.prepare('DELETE FROM answer WHERE response_id = ?').run(tallied.id);
    db.prepare('DELETE FROM response WHERE id = ?').run(tallied.id);
    expect(waveResponseCount(db, waveId)).toBe(3);
    expect(db.prepare('SELECT count(*) AS n FROM running_tally WHERE wave_id = ?').get(waveId)).toEqual({ n: 0 });
    expect(closingTallies(db, survey, waveId)).toEqual(passTallies(db, survey, waveId));
  });

  test('running tallies of an older layout are dropped at start-up and never added to', () => {
    const { db, waveId, submit } = setup(survey);
    const ps = people(survey, 2, 14);
    ps.forEach((p) => submit('u1', p));
    db.prepare('UPDATE running_tally SET format = ?').run(TALLY_FORMAT - 1);
    const before = db.prepare('SELECT * FROM running_tally').all();
    // The same answers again: the same category, whose row is of the older layout and is left as it is.
    submit('u1', ps[0] as Answers);
    expect(db.prepare('SELECT * FROM running_tally').all()).toEqual(before);
    expect(waveResponseCount(db, waveId)).toBe(3);
    expect(tallied(db, waveId)).toBeUndefined();
    prepareClosedWaves(db);
    expect(dropOtherRunningTallies(db, TALLY_FORMAT)).toBe(0);
    expect(db.prepare('SELECT count(*) AS n FROM running_tally').get()).toEqual({ n: 0 });
    expect(closingTallies(db, survey, waveId)).toEqual(passTallies(db, survey, waveId));
  });
  test('running tallies stored as JSON (layout 3) that a submit could not add to: rewritten at start-up, the wave is counted by the pass', () => {
    const { db, waveId, submit } = setup(survey);
    const ps = people(survey, 5, 15);
    ps.forEach((p, i) => submit(i % 2 ? 'u1' : 'u2', p));
    // The rows as the version before wrote them: the same tallies, as JSON text, of layout 3.
    const update = db.prepare('UPDATE running_tally SET format = ?, data = ? WHERE unit_id = ? AND category = ?');
    for (const [unit, categories] of passTallies(db, survey, waveId)) for (const [category, t] of categories) update.run(JSON_TALLY_FORMAT, JSON.stringify(groupTallyToJson(t)), unit, category);
    expect((db.prepare('SELECT DISTINCT format FROM running_tally').all() as { format: number }[]).map((r) => r.format)).toEqual([JSON_TALLY_FORMAT]);
    // The same answers as a respondent of u1 again: their category's row is of layout 3 and is
    // left alone, so the wave is no longer fully counted.
    const before = db.prepare('SELECT * FROM running_tally').all();
    submit('u1', ps[1] as Answers);
    expect(db.prepare('SELECT * FROM running_tally').all()).toEqual(before);
    prepareClosedWaves(db);
    expect(db.prepare('SELECT count(*) AS n FROM running_tally WHERE format <> ?').get(TALLY_FORMAT)).toEqual({ n: 0 });
    expect(tallied(db, waveId)).toBeUndefined();
    const closing = closingTallies(db, survey, waveId);
    expect(closing).toEqual(passTallies(db, survey, waveId));
    expect([...(closing as WaveTallies).values()].flatMap((c) => [...c.values()]).reduce((n, t) => n + t.responses, 0)).toBe(6);
  });

});

describe('running tallies stored as JSON before the compact form (an upgrade)', () => {
  const survey = bundledSurveys().get('kartlegging') as Survey;
  test('running tallies stored as JSON (layout 3, before the compact form) are rewritten in the compact form at start-up: the wave is still closed from them', () => {
    const { db, waveId, submit } = setup(withBackground);
    people(withBackground, 9, 17).forEach((p, i) => submit(i % 2 ? 'u1' : 'u2', p));
    const pass = passTallies(db, withBackground, waveId);
    // The rows as the version before wrote them: the same tallies, as JSON text, of layout 3.
    const update = db.prepare('UPDATE running_tally SET format = ?, data = ? WHERE unit_id = ? AND category = ?');
    for (const [unit, categories] of pass) for (const [category, t] of categories) update.run(JSON_TALLY_FORMAT, JSON.stringify(groupTallyToJson(t)), unit, category);
    expect(tallied(db, waveId)).toBeUndefined();
    prepareClosedWaves(db);
    const rows = readRunningTallies(db, waveId, TALLY_FORMAT);
    expect(rows?.reduce((n, r) => n + r.responses, 0)).toBe(9);
    for (const r of rows ?? []) expect(decodeTally(withBackground, r.data)).toStrictEqual(pass.get(r.unit)?.get(r.category));
    expect(closingTallies(db, withBackground, waveId)).toEqual(pass);
    // A submit after the upgrade adds to the rewritten rows.
    submit('u1', people(withBackground, 1, 18)[0] as Answers);
    expect(tallied(db, waveId)).toBe(10);
    expect(closingTallies(db, withBackground, waveId)).toEqual(passTallies(db, withBackground, waveId));
  });

  test('a JSON running tally that does not fit its survey is dropped at start-up, not rewritten: the wave is counted by the pass', () => {
    const { db, waveId, submit } = setup(survey);
    people(survey, 6, 19).forEach((p, i) => submit(i % 2 ? 'u1' : 'u2', p));
    const update = db.prepare('UPDATE running_tally SET format = ?, data = ? WHERE unit_id = ? AND category = ?');
    for (const [unit, categories] of passTallies(db, survey, waveId))
      for (const [category, t] of categories) {
        const json = groupTallyToJson(t);
        // u1's tally counts an item the survey does not have.
        if (unit === 'u1') json.texts.push(['no_such_item', 1]);
        update.run(JSON_TALLY_FORMAT, JSON.stringify(json), unit, category);
      }
    prepareClosedWaves(db);
    expect(db.prepare('SELECT DISTINCT unit_id AS unit, format FROM running_tally ORDER BY unit_id').all()).toEqual([{ unit: 'u2', format: TALLY_FORMAT }]);
    expect(tallied(db, waveId)).toBeUndefined();
    expect(closingTallies(db, survey, waveId)).toEqual(passTallies(db, survey, waveId));
  });
});

describe('results from the compact running tallies', () => {
  test.each([['kartlegging', bundledSurveys().get('kartlegging') as Survey] as const, ['bg', withBackground] as const])(
    '%s: tables, disclosure and breakdowns are the same whether the close read the running tallies or the answers',
    (_id, survey) => {
      const { db, waveId, submit } = setup(survey);
      // u1 too small to be shown (and hidden with a sibling), the others above k.
      const units = ['u2', 'u3', 'root'];
      people(survey, 45, 21).forEach((p, i) => submit(i < 2 ? 'u1' : (units[i % units.length] as string), p));
      expect(tallied(db, waveId)).toBe(45);
      // What is stored holds only the compact form, and it decodes to the pass's tallies.
      const rows = readRunningTallies(db, waveId, TALLY_FORMAT) ?? [];
      const pass = passTallies(db, survey, waveId);
      for (const r of rows) expect(decodeTally(survey, r.data)).toStrictEqual(pass.get(r.unit)?.get(r.category));
      setWaveStatus(db, waveId, 'closed');
      const wave = getWave(db, waveId) as Wave;
      const build = (data: Uint8Array) => buildWaveResults(wave, survey, { ...readResultsInputs(db, waveId), latest: () => data });
      const running = build(storedForm([computeWaveTallies(db, survey, waveId)]).data);
      const answers = build(storedForm([passWaveTallies(db, survey, waveId)]).data);
      expect([...running.tables]).toStrictEqual([...answers.tables]);
      expect(running.disclosure).toStrictEqual(answers.disclosure);
      expect(running.breakdowns).toStrictEqual(answers.breakdowns);
      // Something shown and something suppressed, so the comparison covers both.
      const released = [...running.disclosure.units.values()].map((u) => u.released);
      expect(released).toContain(true);
      expect(released).toContain(false);
      expect(running.breakdowns.size).toBeGreaterThan(0);
    },
  );
});

describe('at rest', () => {
  test('running tallies keep no rowid: the rows sit in key order, whatever order the units were answered in', () => {
    const survey = bundledSurveys().get('kartlegging') as Survey;
    const { db, submit } = setup(survey);
    for (const u of ['u3', 'u1', 'u2']) submit(u, people(survey, 1, u.length)[0] as Answers);
    expect(() => db.prepare('SELECT rowid FROM running_tally').all()).toThrow(/no such column/);
    expect((db.prepare('SELECT unit_id FROM running_tally').all() as { unit_id: string }[]).map((r) => r.unit_id)).toEqual(['u1', 'u2', 'u3']);
  });

  test('a running tally holds counts and sums, never a respondent’s free text', () => {
    const { db, submit } = setup(withBackground);
    submit('u1', { turnus: 'ja', a: 4, t: 'Hemmelig sitat fra Kari' });
    const stored = (db.prepare('SELECT data FROM running_tally').all() as { data: string }[]).map((r) => r.data).join('');
    expect(stored).not.toContain('Hemmelig');
    expect(answerRows(withBackground, { t: 'Hemmelig sitat fra Kari' })[0]?.txt).toContain('Hemmelig');
  });
});

describe('through the app', () => {
  test('respondents answering through their links keep the wave’s running tallies whole; the close stores exactly the pass’s tallies', async () => {
    const t = emptyApp();
    try {
      const leader = await ProjectLeader.signIn(t);
      await leader.addUnits([
        ['org', ''],
        ['a', 'org'],
        ['b', 'org'],
      ]);
      const wave = await leader.openWave('Høst', ['a', 'b'], { kResults: 3 });
      const rand = seededRandom(5);
      for (let i = 0; i < 7; i++) {
        const answers = syntheticAnswers(t.survey, rand, 0);
        const profile: Record<string, string | string[]> = {};
        for (const [id, v] of Object.entries(answers)) {
          if (Array.isArray(v)) profile[id] = v;
          else if (typeof v === 'object') {
            if (v.now !== undefined) profile[`${id}.now`] = String(v.now);
            if (v.desired !== undefined) profile[`${id}.desired`] = String(v.desired);
          } else profile[id] = String(v);
        }
        await respond(t, wave.codes.get(i % 3 === 0 ? 'a' : 'b') as string, profile);
        // At every moment the files hold no response their unit's tally does not count: the
        // difference would be the newest respondents' answers, for anyone with one copy of them.
        expect(waveResponseCount(t.db, wave.id)).toBe(i + 1);
        expect(tallied(t.db, wave.id)).toBe(i + 1);
      }
      expect(readRunningTallies(t.db, wave.id, TALLY_FORMAT)?.map((r) => r.unit)).toEqual(expect.arrayContaining(['a', 'b']));
      await leader.setStatus(wave.id, 'closed');
      expect(storedWaveTallies(t.db, wave.id, 7)).toEqual(passTallies(t.db, t.survey, wave.id));
    } finally {
      t.close();
    }
  });
});
