// Results are computed off the request path: while a wave's tallies are computed in the worker
// (held there by a test gate, not by timing), other pages are answered and every page that needs
// the results answers 503 "being computed" at once. Closing from the web goes the same way, and
// a failed computation is logged and tried again on the next request.
import request from 'supertest';
import { afterEach, expect, test, vi } from 'vitest';
import { requestTallies, setTallyGate, talliesIdle } from '../../src/report/tally-jobs.js';
import { talliesCurrent } from '../../src/report/wave-tallies.js';
import { getSurveyVersion } from '../../src/store/survey-versions.js';
import { waveResponseCount } from '../../src/store/waves.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { signIn } from '../helpers/staff.js';

let t: HistoryApp | undefined;
let gate: Int32Array | undefined;
afterEach(async () => {
  open(gate);
  if (t) await talliesIdle(t.db);
  t?.close();
  t = undefined;
  gate = undefined;
  vi.restoreAllMocks();
});

function open(g: Int32Array | undefined): void {
  if (!g) return;
  Atomics.store(g, 0, 1);
  Atomics.notify(g, 0);
}

const stored = (app: HistoryApp, waveId: number): boolean => talliesCurrent(app.db, waveId, waveResponseCount(app.db, waveId));

test('while the worker holds a computation, other pages answer and results pages say "being computed"', async () => {
  t = makeHistoryApp({ file: true });
  gate = new Int32Array(new SharedArrayBuffer(4));
  setTallyGate(t.db, gate);
  const { agent } = await signIn(t, 'admin');
  const wave = t.closedWaveId;

  const first = await agent.get(`/resultater/${wave}`);
  expect(first.status).toBe(503);
  expect(first.headers['retry-after']).toBe('3');
  expect(first.text).toContain('Resultatene beregnes');
  expect(first.text).toMatch(/role="status" data-computing="3" data-url="\/resultater\/\d+"/);
  expect(first.text).toContain(`<a href="/resultater/${wave}">Oppdater</a>`);
  expect(first.text).toContain('<script src="/js/computing.js" defer>');

  // The worker is waiting at the gate, inside the job: the server thread is free.
  expect(stored(t, wave)).toBe(false);
  expect((await agent.get('/oversikt')).status).toBe(200);
  expect((await request(t.app).get(`/s/${t.code('solbakken_avd1')}`)).status).toBe(200);
  for (const path of [`/resultater/${wave}/organisasjon`, `/resultater/${wave}/enhet/demo`, `/resultater/${wave}/enhet/demo/csv`, `/oppfolging/${wave}`, `/sammenligning/${t.projectId}`]) {
    const res = await agent.get(path);
    expect(res.status, path).toBe(503);
    expect(res.text, path).toContain('Resultatene beregnes');
  }
  // Asking again does not queue the wave twice.
  expect(requestTallies(t.db, wave)).toBe('computing');
  expect(stored(t, wave)).toBe(false);

  open(gate);
  await talliesIdle(t.db);
  expect(stored(t, wave)).toBe(true);
  const ready = await agent.get(`/resultater/${wave}/enhet/demo`);
  expect(ready.status).toBe(200);
  expect(ready.text).not.toContain('Resultatene beregnes');
});

test('closing a wave from the web queues its results; the page is "being computed", then ready', async () => {
  t = makeHistoryApp({ file: true });
  const { agent, csrf } = await signIn(t, 'admin');
  // The history's own closed waves are computed first, so only the close below is pending.
  for (const w of [t.closedWaveId, t.baselineWaveId]) requestTallies(t.db, w);
  await talliesIdle(t.db);
  gate = new Int32Array(new SharedArrayBuffer(4));
  setTallyGate(t.db, gate);

  const closed = await agent.post(`/admin/malinger/${t.demo.waveId}/status`).type('form').send({ _csrf: csrf, status: 'closed', confirm: 'yes' });
  expect(closed.status).toBe(303);
  expect(stored(t, t.demo.waveId)).toBe(false);
  const pending = await agent.get(`/resultater/${t.demo.waveId}`);
  expect(pending.status).toBe(503);
  expect(pending.text).toContain('Resultatene beregnes');
  expect((await agent.get(`/resultater/${t.closedWaveId}`)).status).toBe(200);

  open(gate);
  await talliesIdle(t.db);
  expect(stored(t, t.demo.waveId)).toBe(true);
  expect((await agent.get(`/resultater/${t.demo.waveId}`)).status).toBe(200);
});

test('a computation that fails is logged, does not stop the server, and is tried again on the next request', async () => {
  t = makeHistoryApp({ file: true });
  const { agent } = await signIn(t, 'admin');
  const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const wave = t.closedWaveId;
  // The worker reads the frozen survey definition from the file; this thread has it cached, as a
  // running server does, so only the worker meets the broken definition.
  expect(getSurveyVersion(t.db, t.survey.id, t.survey.version)).toBeDefined();
  const definition = (t.db.prepare('SELECT definition FROM survey_version WHERE survey_id = ?').get(t.survey.id) as { definition: string }).definition;
  t.db.prepare('UPDATE survey_version SET definition = ? WHERE survey_id = ?').run('{ not json', t.survey.id);

  expect((await agent.get(`/resultater/${wave}`)).status).toBe(503);
  await talliesIdle(t.db);
  expect(stored(t, wave)).toBe(false);
  expect(errors.mock.calls.some((c) => String(c[0]).includes(`Could not compute the results of wave ${wave}`))).toBe(true);
  expect((await agent.get('/oversikt')).status).toBe(200);

  t.db.prepare('UPDATE survey_version SET definition = ? WHERE survey_id = ?').run(definition, t.survey.id);
  expect((await agent.get(`/resultater/${wave}`)).status).toBe(503);
  await talliesIdle(t.db);
  expect(stored(t, wave)).toBe(true);
  expect((await agent.get(`/resultater/${wave}`)).status).toBe(200);
});
