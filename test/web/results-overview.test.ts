// The organisation overview is a row per unit and a cell per factor: with hundreds of units it is
// most of the page, so its rows are written compactly (no indentation, no per-cell include).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { signIn, type SignedIn } from '../helpers/staff.js';

let t: HistoryApp;
let admin: SignedIn;
beforeAll(async () => {
  t = makeHistoryApp();
  admin = await signIn(t, 'admin');
});
afterAll(() => t.close());

test('each unit is one line of cells with nothing between them', async () => {
  const res = await admin.agent.get(`/resultater/${t.closedWaveId}/organisasjon`);
  expect(res.status).toBe(200);
  const body = /<tbody>\n([\s\S]*?)\s*<\/tbody>/.exec(res.text)?.[1] ?? '';
  const lines = body.split('\n');
  expect(lines.length).toBeGreaterThan(5);
  for (const line of lines) {
    expect(line).toMatch(/^<tr><th scope="row" class="depth-\d"><a href="\/resultater\/\d+\/enhet\/[^"]+">[^<]+<\/a><\/th>(<td[^>]*>.*?<\/td>)+<\/tr>$/);
    expect(line).not.toMatch(/>\s+</);
  }
  const shown = lines.filter((l) => !l.includes('withheld-cell'));
  expect(shown.length).toBeGreaterThan(0);
  for (const line of shown) expect(line.match(/<td/g)?.length).toBe(t.survey.factors.length + 1);
});
