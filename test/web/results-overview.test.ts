// The organisation overview is a row per unit and a cell per factor: with hundreds of units it is
// most of the page, so its rows are written compactly (no indentation, no per-cell include), and
// large results pages are sent compressed.
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

test('large results pages go gzip-compressed to clients that accept it, and are the same page', async () => {
  for (const path of [`/resultater/${t.closedWaveId}/organisasjon`, `/resultater/${t.closedWaveId}/enhet/demo`]) {
    const plain = await admin.agent.get(path).set('Accept-Encoding', 'identity');
    expect(plain.status, path).toBe(200);
    expect(plain.headers['content-encoding'], path).toBeUndefined();
    expect(plain.headers.vary, path).toContain('Accept-Encoding');
    // supertest unzips the body; content-length is what went over the wire.
    const zipped = await admin.agent.get(path).set('Accept-Encoding', 'gzip');
    expect(zipped.status, path).toBe(200);
    expect(zipped.headers['content-encoding'], path).toBe('gzip');
    expect(zipped.headers['content-type'], path).toContain('text/html');
    expect(Number(zipped.headers['content-length']), path).toBeLessThan(Buffer.byteLength(plain.text) / 3);
    // The CSRF token and nonce differ per response: compare the pages without them.
    const strip = (html: string) => html.replace(/nonce="[^"]*"/g, '').replace(/name="_csrf" value="[^"]*"/g, '');
    expect(strip(zipped.text), path).toBe(strip(plain.text));
  }
});
