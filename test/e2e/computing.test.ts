// End-to-end: a results page asked for while the wave's tallies are being computed (held in the
// worker by a test gate) says so in a status region with a link, passes axe under the CSP, and
// opens the results by itself once they are stored, without the reader doing anything.
import { expect, test } from 'vitest';
import { today } from '../../src/clock.js';
import { testConfig } from '../../src/config.js';
import { setTallyGate, talliesIdle } from '../../src/report/tally-jobs.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { checkA11y, DESKTOP, text } from './browser.js';
import { createStaff, staffSessions, useE2e, watch } from './harness.js';

const ACCOUNTS = {
  admin: { username: 'pia.prosjekt', displayName: 'Pia Prosjekt', role: 'admin', unitIds: [] as string[], who: 'Pia Prosjekt (prosjektleder)' },
} as const;

let t: HistoryApp;
const gate = new Int32Array(new SharedArrayBuffer(4));

const e2e = useE2e({
  async serve() {
    // A file database: the tallies are computed by the worker, which waits at the gate.
    t = makeHistoryApp({ day: today(testConfig().TIME_ZONE), file: true });
    setTallyGate(t.db, gate);
    await createStaff(t.db, ACCOUNTS);
    return t.app;
  },
  close: () => {
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    t?.close();
  },
});
const session = staffSessions(e2e, ACCOUNTS);

test('"Resultatene beregnes" with a status region and a link, then the results open by themselves', async () => {
  const context = await e2e.newContext({ ...DESKTOP, storageState: await session('admin') });
  const { page, errors } = watch(await context.newPage());
  const path = `/resultater/${t.closedWaveId}/enhet/demo`;
  await e2e.visit(page, path, 503);
  expect(await text(page.locator('h1'))).toBe('Resultatene beregnes');
  expect(await text(page.getByRole('status'))).toBe(
    'Målingen er avsluttet, og resultatene regnes ut nå. Det tar vanligvis under ett minutt. Siden viser resultatene av seg selv når de er klare. Du kan også oppdatere selv.',
  );
  expect(await page.getByRole('link', { name: 'Oppdater', exact: true }).getAttribute('href')).toBe(path);
  await checkA11y(page, 'the "being computed" page');

  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  await talliesIdle(t.db);
  // The page asks again after Retry-After and opens the results: no click, no reload by the test.
  await page.waitForFunction(() => document.querySelector('[data-computing]') === null, undefined, { timeout: 60_000 });
  expect(new URL(page.url()).pathname).toBe(path);
  expect(await text(page.locator('h1'))).toContain('Demo kommune');
  await checkA11y(page, 'the results page opened after computing');
  // Chromium reports the 503 of the first visit as a console error; nothing else may fail.
  expect(errors.filter((e) => !/status of 503/.test(e))).toEqual([]);
});
