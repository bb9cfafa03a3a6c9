// The view engine (web/views.ts) renders what EJS's own renderFile renders, with includes whose
// locals are the includer's with the given ones on top.
import ejs from 'ejs';
import express from 'express';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, test } from 'vitest';
import { escapeXML, renderNoStore, seeOther, viewEngine } from '../../src/web/views.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-views-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const file = path.join(root, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};

write('partials/top.ejs', '<h1><%= title %></h1><% if (typeof note !== "undefined") { %><p><%= note %></p><% } %>');
write('items/item.ejs', '<li id="<%= id %>"><%= label %> <%- include("./mark", { label: label.toUpperCase() }) %> <%= locals.shared %></li>');
write('items/mark.ejs', '<b><%= label %>/<%= shared %></b>');
const page = write(
  'page.ejs',
  '<%- include("/partials/top", { title: "Side & <tittel>" }) %><ul><% for (const it of list) { %><%- include("/items/item", it) %><% } %></ul><%= typeof label %> <%= title %>',
);

function render(engine: ReturnType<typeof viewEngine>, file: string, data: object): string {
  let out: string | undefined;
  let error: unknown;
  engine(file, data, (err, html) => {
    error = err;
    out = html;
  });
  if (error) throw error;
  return out ?? '';
}

const data = () => ({ title: 'Sidetittel', shared: 'felles', list: [{ id: 'a', label: 'første' }, { id: 'b', label: '<andre>' }] });

describe('viewEngine', () => {
  test('renders what EJS renders, includes from the root and relative to the including file', async () => {
    const expected = await ejs.renderFile(page, data(), { root });
    const html = render(viewEngine(root, true), page, data());
    expect(html).toBe(expected);
    expect(html).toContain('<h1>Side &amp; &lt;tittel&gt;</h1>');
    expect(html).toContain('<li id="b">&lt;andre&gt; <b>&lt;ANDRE&gt;/felles</b> felles</li>');
  });

  test("an include's locals shadow the includer's without changing them, and do not reach later includes", () => {
    const html = render(viewEngine(root, true), page, data());
    // After the loop, the page still sees its own title and no label.
    expect(html.endsWith('undefined Sidetittel')).toBe(true);
    expect(html).not.toContain('<p>');
  });

  test('without `with`: a local shadows a global of the same name, globals stay reachable, the template may declare names the locals have', () => {
    const file = write(
      'names.ejs',
      '<% const title = "egen"; %><%= title %> <%= String(n) %> <%= typeof Intl %> <%= typeof preview %> <%= JSON %>|<% for (const o of list) { %><%= o %><% } %> <%= locals.title %>',
    );
    const data = { title: 'fra locals', n: 3, JSON: 'lokal JSON', list: ['a', 'b'] };
    expect(render(viewEngine(root, true), file, data)).toBe('egen 3 object undefined lokal JSON|ab fra locals');
    expect(render(viewEngine(root, false), file, data)).toBe('egen 3 object undefined lokal JSON|ab fra locals');
    expect(render(viewEngine(root, true), file, { ...data, preview: {} })).toContain(' object lokal');
  });

  test('with the cache a changed file is not read again; without it, it is', () => {
    const file = write('changing.ejs', 'one');
    const cached = viewEngine(root, true);
    const fresh = viewEngine(root, false);
    expect([render(cached, file, {}), render(fresh, file, {})]).toEqual(['one', 'one']);
    fs.writeFileSync(file, 'two');
    expect([render(cached, file, {}), render(fresh, file, {})]).toEqual(['one', 'two']);
  });

  test("a template's error reaches the callback naming the file (and the line without the cache), not its includers", () => {
    const file = write('broken.ejs', 'line one\n<%= missing.value %>');
    const outer = write('outer.ejs', 'before <%- include("/broken") %> after');
    expect(() => render(viewEngine(root, false), file, {})).toThrow(/broken\.ejs:2/);
    let message = '';
    try {
      render(viewEngine(root, true), outer, {});
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/Cannot read properties of undefined \(reading 'value'\) \(in .*broken\.ejs\)$/);
    expect(message).not.toContain('outer.ejs');
  });

  test("an include's locals are gone after it, even when it failed, and the caller's data is never changed", () => {
    write('shadow/inner.ejs', '[<%= label %>|<%= typeof extra %>|<%= locals.label %>]<% if (fail) { %><%= missing.value %><% } %>');
    write('shadow/safe.ejs', '<% try { %><%- include("./inner", { label: "inne", extra: 1, fail: true }) %><% } catch (e) { %>feil<% } %>');
    const file = write(
      'shadow/outer.ejs',
      '<%= label %> <%- include("./inner", { label: "inne", extra: 1, fail: false }) %> <%- include("./safe") %> <%= label %> <%= typeof extra %> <%= fail %>',
    );
    for (const cache of [true, false]) {
      const data = { label: 'ytre', fail: false };
      expect(render(viewEngine(root, cache), file, data)).toBe('ytre [inne|number|inne] feil ytre undefined false');
      expect(data).toStrictEqual({ label: 'ytre', fail: false });
    }
  });
});

describe('renderNoStore', () => {
  write('bad.ejs', '<p><%= missing.field %></p>');
  const app = express();
  app.engine('ejs', viewEngine(root, true));
  app.set('view engine', 'ejs');
  app.set('views', root);
  app.get('/express/:view', (req, res) => res.status(Number(req.query.status ?? 200)).render(String(req.params.view), data()));
  app.get('/no-store/:view', (req, res) => renderNoStore(res.status(Number(req.query.status ?? 200)), String(req.params.view), data()));
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(500).send(`handled: ${err.constructor.name}`));
  const headers = (r: request.Response): Record<string, unknown> => {
    const { date: _date, etag: _etag, ...rest } = r.headers;
    return rest;
  };

  test.each([200, 422])('sends what res.render sends (status %i, body, every header) but the ETag', async (status) => {
    const ours = await request(app).get(`/no-store/page?status=${status}`);
    const theirs = await request(app).get(`/express/page?status=${status}`);
    expect(theirs.headers.etag).toBeDefined();
    expect(ours.headers.etag).toBeUndefined();
    expect(ours.status).toBe(status);
    expect(ours.text).toBe(theirs.text);
    expect(ours.text).toContain('Side &amp; &lt;tittel&gt;');
    expect(headers(ours)).toEqual(headers(theirs));
    expect(Number(ours.headers['content-length'])).toBe(Buffer.byteLength(ours.text));
  });

  test('answers HEAD with the same headers and no body', async () => {
    const ours = await request(app).head('/no-store/page');
    expect(ours.status).toBe(200);
    expect(ours.text).toBeUndefined();
    expect(headers(ours)).toEqual(headers(await request(app).get('/no-store/page')));
  });

  test("passes a template's error to the error handler, as res.render does", async () => {
    const ours = await request(app).get('/no-store/bad');
    expect(ours.status).toBe(500);
    expect(ours.text).toBe((await request(app).get('/express/bad')).text);
    expect(ours.text).toBe('handled: TypeError');
  });
});

describe('escapeXML', () => {
  test("escapes every value as EJS's escapeXML does", () => {
    const values: unknown[] = [
      undefined,
      null,
      '',
      0,
      -1.5,
      NaN,
      true,
      false,
      ['a', '<b>'],
      { toString: () => '"x" & \'y\'' },
      'f-hefa_beg_rolle-dk',
      'Påstand <b>om</b> «arbeidsmiljøet» & \'trivsel\' "nå"',
      '&amp; allerede escaped',
      '<<>>&&""\'\'',
      ...Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)),
      ...Array.from({ length: 128 }, (_, i) => `a${String.fromCharCode(i)}b${String.fromCharCode(127 - i)}`),
    ];
    for (const value of values) expect(escapeXML(value)).toBe(ejs.escapeXML(value as string));
  });
});

describe('seeOther', () => {
  const app = express();
  app.post('/ours', (req, res) => seeOther(res, String(req.query.to)));
  app.post('/express', (req, res) => res.redirect(303, String(req.query.to)));

  test.each(['/s/abc123/del/side-2?fra=oppsummering', '/s/abc123/takk?lang=en', '/s/a b/æ'])('answers 303 to %s with the Location res.redirect sends and no body', async (to) => {
    const ours = await request(app).post(`/ours?to=${encodeURIComponent(to)}`).set('Accept', 'text/html');
    const theirs = await request(app).post(`/express?to=${encodeURIComponent(to)}`).set('Accept', 'text/html');
    expect(theirs.status).toBe(303);
    expect(ours.status).toBe(303);
    expect(ours.headers.location).toBe(theirs.headers.location);
    expect(ours.headers['content-length']).toBe('0');
    expect(ours.text).toBe('');
  });
});
