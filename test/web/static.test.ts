// Static files are served by folder prefix, so a respondent's request never costs a file-system
// lookup in public/ (it used to: static files were tried before every route).
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterEach, expect, test, vi } from 'vitest';
import { makeTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  t?.close();
  t = undefined;
});

const publicDir = path.resolve(import.meta.dirname, '../../public');

test('respondent pages do not look in public/; static files are still served with caching', async () => {
  t = makeTestApp();
  const stat = vi.spyOn(fs, 'stat');
  const looked = (): string[] => stat.mock.calls.map((c) => String(c[0])).filter((p) => p.startsWith(publicDir));

  expect((await request(t.app).get(`/s/${t.code('solbakken_avd1')}`)).status).toBe(200);
  expect((await request(t.app).get('/s/finnes-ikke')).status).toBe(404);
  expect((await request(t.app).get('/')).status).toBe(200);
  expect(looked()).toEqual([]);

  const css = await request(t.app).get('/css/app.css');
  expect(css.status).toBe(200);
  expect(css.headers['cache-control']).toBe('public, max-age=3600');
  const js = await request(t.app).get('/js/computing.js');
  expect(js.status).toBe(200);
  expect(looked()).toEqual([path.join(publicDir, 'css/app.css'), path.join(publicDir, 'js/computing.js')]);
  expect((await request(t.app).get('/css/none.css')).status).toBe(404);
});
