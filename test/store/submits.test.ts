// Final submits as a group commit (src/store/submits.ts, submitResponses in responses.ts): submits
// that arrive while the WAL worker empties the log are held back and committed together once it is
// done, each in its own savepoint; every one is acknowledged only once it is on disk and out of the
// log, and one that fails loses nothing of the others and keeps its own draft.
import fs from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { prepared, type Db } from '../../src/store/db.js';
import { createDraft, getDraft, saveDraftAnswers, type Draft } from '../../src/store/drafts.js';
import { countResponses, submitResponses, type SubmitRequest } from '../../src/store/responses.js';
import { submitCommits, submitInTurn } from '../../src/store/submits.js';
import { whenWalFree } from '../../src/store/wal.js';
import { respondentTally } from '../../src/report/running-tally.js';
import { readRunningTallies } from '../../src/store/running-tallies.js';
import { TALLY_FORMAT } from '../../src/report/group.js';
import type { Survey } from '../../src/survey/model.js';
import { bundledSurveys } from '../helpers/app.js';
import { openWaveFile, type WaveFile } from '../helpers/wave-file.js';

const loaded = bundledSurveys().get('kartlegging');
if (!loaded) throw new Error('no kartlegging survey');
const survey: Survey = loaded;
const TODAY = '2026-01-15';

let w: WaveFile;
let db: Db;
let dir: string;
afterEach(() => w.close());

function setup(): { waveId: number; file: string } {
  w = openWaveFile('kartlegg-submits-');
  ({ db, dir } = w);
  return { waveId: w.waveId, file: w.file };
}

function draftWith(waveId: number, marker: string, tokenHash: string | null = null): Draft {
  return saveDraftAnswers(db, createDraft(db, { waveId, unitId: 'u1', tokenHash, expiresOn: '2999-01-01' }), { kommentar: marker }, null, '2999-01-01');
}

const request = (waveId: number, d: Draft, tokenHash: string | null = null): SubmitRequest => ({
  survey,
  draftId: d.id,
  answers: d.answers,
  today: TODAY,
  tokenHash,
  tally: (unitId, rows) => respondentTally(db, survey, waveId, unitId, rows),
});

test('submits that arrive while the worker empties the log are committed together, each acknowledged only once on disk and out of the log', async () => {
  const { waveId, file } = setup();
  const drafts = Array.from({ length: 12 }, (_, i) => draftWith(waveId, `gruppesvar nummer ${i} `));
  // All twelve arrive before any is answered: the first is committed at once and its log emptied;
  // the other eleven wait for the worker and go in one transaction after it.
  const settled = drafts.map((d) =>
    submitInTurn(db, request(waveId, d)).then((outcome) => {
      // Acknowledged: in the database file, not in its log.
      const marker = `gruppesvar nummer ${drafts.indexOf(d)} `;
      expect(fs.readFileSync(file).includes(marker)).toBe(true);
      expect(fs.existsSync(`${file}-wal`) && fs.readFileSync(`${file}-wal`).includes(marker)).toBe(false);
      return outcome;
    }),
  );
  expect(await Promise.all(settled)).toEqual(drafts.map(() => 'stored'));
  expect(submitCommits(db)).toBe(2);
  expect(countResponses(db, waveId).get('u1')).toBe(12);
  for (const d of drafts) expect(getDraft(db, d.id, TODAY)).toBeUndefined();
  // The running tally counts every one of them, as the close will read it.
  expect(readRunningTallies(db, waveId, TALLY_FORMAT)?.reduce((n, r) => n + r.responses, 0)).toBe(12);
  // The worker lets go of its locks after its tick; a submit then commits at once, alone.
  await new Promise<void>((resolve) => whenWalFree(db, resolve));
  const one = draftWith(waveId, 'alene');
  const alone = submitInTurn(db, request(waveId, one));
  expect(getDraft(db, one.id, TODAY)).toBeUndefined();
  expect(await alone).toBe('stored');
  expect(submitCommits(db)).toBe(3);
});

test('in one group commit, each submit has its own outcome: a double submit, a used token and a failure touch none of the others', () => {
  const { waveId } = setup();
  prepared(db, "INSERT INTO token (hash, wave_id, unit_id, used) VALUES ('brukt', ?, 'u1', 1)").run(waveId);
  const first = draftWith(waveId, 'første');
  const usedToken = draftWith(waveId, 'brukt lenke', 'brukt');
  const failing = draftWith(waveId, 'feiler');
  const last = draftWith(waveId, 'siste');
  const outcomes = submitResponses(
    db,
    [
      request(waveId, first),
      request(waveId, first),
      request(waveId, usedToken, 'brukt'),
      {
        ...request(waveId, failing),
        tally: () => {
          throw new Error('tallyen feilet');
        },
      },
      request(waveId, last),
    ],
    'now',
  );
  expect(outcomes.slice(0, 3)).toEqual(['stored', 'no-draft', 'token-used']);
  expect(outcomes[3]).toBeInstanceOf(Error);
  expect(outcomes[4]).toBe('stored');
  expect(countResponses(db, waveId).get('u1')).toBe(2);
  expect(readRunningTallies(db, waveId, TALLY_FORMAT)?.reduce((n, r) => n + r.responses, 0)).toBe(2);
  // The one that failed keeps its draft, answers and all; it can be sent again.
  expect(getDraft(db, failing.id, TODAY)?.answers).toEqual({ kommentar: 'feiler' });
  expect(submitResponses(db, [request(waveId, failing)], 'now')).toEqual(['stored']);
  expect(countResponses(db, waveId).get('u1')).toBe(3);
});

test('a submit that fails in a held-back batch is rejected alone; the others are stored', async () => {
  const { waveId } = setup();
  const a = draftWith(waveId, 'a');
  const b = draftWith(waveId, 'b');
  const c = draftWith(waveId, 'c');
  const results = await Promise.allSettled([
    submitInTurn(db, request(waveId, a)),
    submitInTurn(db, request(waveId, b)),
    submitInTurn(db, {
      ...request(waveId, c),
      tally: () => {
        throw new Error('tallyen feilet');
      },
    }),
  ]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
  expect(countResponses(db, waveId).get('u1')).toBe(2);
  expect(getDraft(db, c.id, TODAY)).toBeDefined();
});
