// Property-based tests: random and hostile form bodies at the answer validators and the respondent
// routes, random survey definitions at the loader. Runs are bounded and seeded per run by fast-check
// (a failure prints the seed and the shrunk counterexample to replay).
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encode, sectionBody, seededRandom } from '../../bench/lib/form.js';
import { seededRandom as demoRandom, syntheticAnswers } from '../../src/demo-answers.js';
import { fieldNames, mergePage, parsePage, revalidate, visibleSections, type FormBody } from '../../src/survey/answers.js';
import { pruneHidden } from '../../src/survey/conditions.js';
import { SurveyDefinitionError, parseSurveyFiles } from '../../src/survey/load.js';
import type { Survey } from '../../src/survey/model.js';
import type { Section } from '../../src/survey/schema.js';
import { bundledSurveys, makeTestApp, surveysDir, type TestApp } from '../helpers/app.js';
import { draftProblems, storedAnswerProblems } from './rows.js';

const survey = bundledSurveys().get('kartlegging') as Survey;
const sections = survey.sections;

// What a broken or hostile client posts: numbers in every notation, look-alike digits, control
// characters, lone surrogates, markup, SQL, prototype names, and far too much text.
const HOSTILE = [
  '', ' ', 'dk', 'DK', 'vet ikke', '0', '-0', '00', '4 ', ' 4', '4.0', '4,0', '4,', ',5', '1e1', '0x4', '0b1', 'Infinity', '-Infinity', 'NaN',
  '9007199254740993', '1'.repeat(400), '62,5', '62.5', '80 %', '% 80', '100,00001', '-1', '٤', '４', '\u0000', '\ud800', '\u202e4',
  '<script>alert(1)</script>', "' OR 1=1 --", '__proto__', 'constructor', 'toString', 'x'.repeat(3000), '😀'.repeat(600), 'null', 'undefined', 'true',
];
const KNOWN = [
  ...new Set(
    survey.items.flatMap((item) => [
      ...(item.type === 'single' || item.type === 'multi' ? item.options.map((o) => o.id) : []),
      ...(item.type === 'likert' || item.type === 'nowDesired' ? (survey.scales[item.scale]?.points ?? []).map((p) => String(p.value)) : []),
      ...(item.type === 'number' || item.type === 'scale' ? [String(item.min), String(item.max), String(item.max + 1), String(item.min - 1)] : []),
    ]),
  ),
];
const FIELDS = [...survey.items.flatMap(fieldNames), '_nav', '_csrf', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'stilling_naa.now', 'hefa_nd_innflytelse'];

const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(...HOSTILE), fc.constantFrom(...KNOWN));
const fieldValue = fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: fc.array(text, { maxLength: 4 }) });
const fieldName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const pairs = fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 30 });

// As express.urlencoded (querystring) builds it: a null-prototype object, repeated keys as arrays.
const formBody = pairs.map((list) => {
  const body = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of list) body[k] = v;
  return body;
});
// parsePage takes unknown values; a future body parser might hand it anything.
const anyBody = fc.oneof({ weight: 5, arbitrary: formBody }, { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), fc.anything()) });

const sectionArb = fc.constantFrom(...sections);

describe('parsePage and mergePage', () => {
  test('never throw, never keep a value revalidate rejects, never accept an unknown option', () => {
    fc.assert(
      fc.property(sectionArb, anyBody, fc.integer(), (section: Section, body: FormBody, seed) => {
        const page = parsePage(survey, section, body);
        expect(revalidate(survey, page.answers)).toEqual([]);
        const onPage = new Set(section.items.map((i) => i.id));
        for (const [id, value] of Object.entries(page.answers)) {
          expect(onPage.has(id)).toBe(true);
          const item = section.items.find((i) => i.id === id);
          if (item?.type === 'single') expect(item.options.map((o) => o.id)).toContain(value);
          if (item?.type === 'multi') for (const v of value as string[]) expect(item.options.map((o) => o.id)).toContain(v);
        }
        const fields = new Set(['', ...section.items.flatMap(fieldNames)]);
        for (const e of page.errors) expect(fields.has(e.field)).toBe(true);

        const saved = syntheticAnswers(survey, demoRandom(seed), 0);
        expect(revalidate(survey, saved)).toEqual([]);
        const merged = mergePage(survey, section, saved, page.answers, new Set(page.errors.map((e) => e.itemId)));
        expect(revalidate(survey, merged)).toEqual([]);
        expect(Object.keys(pruneHidden(survey, merged)).sort()).toEqual(Object.keys(merged).sort());
      }),
      { numRuns: 200 },
    );
  });

  test('a valid page posted as a browser encodes it is accepted whole', () => {
    fc.assert(
      fc.property(sectionArb, fc.integer(), (section, seed) => {
        // Repeated keys (multi) come back as arrays, as express.urlencoded gives them.
        const form: FormBody = {};
        for (const [k, v] of new URLSearchParams(encode(sectionBody(survey, section, seededRandom(seed))))) {
          const prev = form[k];
          form[k] = prev === undefined ? v : ([] as string[]).concat(prev as string | string[], v);
        }
        const page = parsePage(survey, section, form);
        expect(page.errors).toEqual([]);
        for (const item of section.items) expect(page.answers[item.id], item.id).toBeDefined();
      }),
      { numRuns: 100 },
    );
  });
});

describe('parseSurveyFiles', () => {
  const files = fs
    .readdirSync(surveysDir)
    .filter((n) => n.endsWith('.json') && n !== 'schema.json')
    .map((n) => ({ file: n, json: JSON.parse(fs.readFileSync(path.join(surveysDir, n), 'utf8')) as unknown }));

  // Every path into a JSON tree, to pick a place to damage.
  const paths = (v: unknown, at: (string | number)[] = []): (string | number)[][] => {
    const here = [at];
    if (Array.isArray(v)) return here.concat(...v.map((x, i) => paths(x, [...at, i])));
    if (v && typeof v === 'object') return here.concat(...Object.entries(v).map(([k, x]) => paths(x, [...at, k])));
    return here;
  };
  const get = (v: unknown, p: (string | number)[]): unknown => p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)?.[k], v);

  type Edit = { file: number; at: number; op: 'replace' | 'delete' | 'graft'; value: unknown; from: number };
  const edit: fc.Arbitrary<Edit> = fc.record({
    file: fc.nat(),
    at: fc.nat(),
    op: fc.constantFrom('replace', 'delete', 'graft'),
    value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(...HOSTILE, -1, 0, 1e308, 2 ** 53 + 1, JSON.parse('{"__proto__": {"polluted": 1}}') as unknown, { include: 'hefa' }, { include: 'kartlegging' })),
    from: fc.nat(),
  });

  function damaged(edits: Edit[]): { file: string; text: string }[] {
    const docs = files.map((f) => ({ file: f.file, json: structuredClone(f.json) }));
    for (const e of edits) {
      const doc = docs[e.file % docs.length] as { json: unknown };
      const all = paths(doc.json);
      const target = all[e.at % all.length] ?? [];
      const value = e.op === 'graft' ? structuredClone(get(doc.json, all[e.from % all.length] ?? [])) : e.value;
      if (target.length === 0) {
        if (e.op !== 'delete') doc.json = value;
        continue;
      }
      const parent = get(doc.json, target.slice(0, -1)) as Record<string | number, unknown>;
      const key = target[target.length - 1] as string | number;
      if (e.op === 'delete') {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key];
      } else parent[key] = value;
    }
    return docs.map((d) => ({ file: d.file, text: JSON.stringify(d.json, null, 1) }));
  }

  // Either a survey set that the respondent pages can run on, or a SurveyDefinitionError naming problems.
  function check(input: { file: string; text: string }[]): void {
    let parsed: Map<string, Survey>;
    try {
      parsed = parseSurveyFiles(input);
    } catch (err) {
      expect(err).toBeInstanceOf(SurveyDefinitionError);
      const problems = (err as SurveyDefinitionError).problems;
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) expect(typeof p.file === 'string' && typeof p.path === 'string' && p.message.length > 0).toBe(true);
      return;
    }
    for (const s of parsed.values()) {
      const rand = seededRandom(s.items.length);
      for (const section of s.sections) {
        const form: FormBody = Object.fromEntries(Object.entries(sectionBody(s, section, rand)));
        const page = parsePage(s, section, form);
        mergePage(s, section, {}, page.answers, new Set());
      }
      visibleSections(s, {});
    }
  }

  test('damaged copies of the bundled definitions load or fail with SurveyDefinitionError', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => check(damaged(edits))),
      { numRuns: 200 },
    );
  });

  test('random text and random JSON never throw anything but SurveyDefinitionError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ file: fc.string({ minLength: 1, maxLength: 8 }), text: fc.oneof(fc.string({ unit: 'binary' }), fc.json({ maxDepth: 4 })) }), { minLength: 1, maxLength: 3 }),
        (input) => check(input),
      ),
      { numRuns: 200 },
    );
  });
});

describe('respondent routes', () => {
  let t: TestApp;
  beforeAll(() => {
    // One proxy in front: each run comes from its own (possibly nonsensical) client address.
    t = makeTestApp({ config: { TRUST_PROXY: 1 } });
  });
  afterAll(() => t.close());

  const CONTENT_TYPES = ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded; charset=latin1'];
  const raw = fc.oneof(
    { weight: 4, arbitrary: pairs.map((list) => encode(Object.fromEntries(list.map(([k, v]) => [k, v])))) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('%%%&&&===', 'a[b]=1&a[c]=2', `kommentar=${'x'.repeat(120_000)}`, '_nav=review', '_nav=back', '_nav=save', 'resume_code=AAAA-AAAA') },
  );
  const post = fc.record({
    contentType: fc.constantFrom(...CONTENT_TYPES),
    encoding: fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'), { freq: 8 }),
    body: raw,
  });
  const sectionId = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...sections.map((s) => s.id)) }, { weight: 1, arbitrary: fc.constantFrom('nope', '__proto__', 'constructor', '%2e%2e', 'hefa_arbeidet%00', '%E0%A4%A', '%ZZ', 'x'.repeat(300)) });
  const action = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('page' as const), section: sectionId, post }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('send' as const), post }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('start' as const), post }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('resume' as const), post }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('complete' as const), seed: fc.integer() }) },
  );
  const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ unit: 'grapheme-ascii', maxLength: 30 }));

  test('random bodies never give a 500, and every stored row and draft stays valid', async () => {
    const code = t.code('administrasjon');
    const statuses = new Map<number, number>();
    // Every draft key a client received: the drafts are sealed, so only these open them.
    const draftIds: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(action, { minLength: 1, maxLength: 6 }), address, async (begin, actions, ip) => {
        const agent = request.agent(t.app);
        const send = async (url: string, p: { contentType: string; encoding?: string | null; body: string }) => {
          const req = agent.post(url).set('X-Forwarded-For', ip).set('Content-Type', p.contentType);
          const res = await (p.encoding ? req.set('Content-Encoding', p.encoding) : req).send(p.body);
          const key = /kartlegg_draft=([^;]+)/.exec(String(res.headers['set-cookie'] ?? ''))?.[1];
          if (key) draftIds.push(decodeURIComponent(key));
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status, `${url}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
          return res;
        };
        if (begin) await send(`/s/${code}/start`, { contentType: CONTENT_TYPES[0] as string, body: '' });
        for (const a of actions) {
          if (a.kind === 'page') await send(`/s/${code}/del/${a.section}`, a.post);
          else if (a.kind === 'send') await send(`/s/${code}/send`, a.post);
          else if (a.kind === 'start') await send(`/s/${code}/start`, a.post);
          else if (a.kind === 'resume') await send(`/s/${code}/fortsett`, a.post);
          else {
            // Answer every visible section validly from where the draft is, then submit.
            const rand = seededRandom(a.seed);
            let location = (await send(`/s/${code}/start`, { contentType: CONTENT_TYPES[0] as string, body: '' })).headers.location as string | undefined;
            for (let i = 0; i < sections.length + 1 && location?.includes('/del/'); i++) {
              const section = sections.find((s) => location?.endsWith(`/del/${s.id}`));
              if (!section) break;
              location = (await send(location, { contentType: CONTENT_TYPES[0] as string, body: encode(sectionBody(survey, section, rand)) })).headers.location as string | undefined;
            }
            await send(`/s/${code}/send`, { contentType: CONTENT_TYPES[0] as string, body: '' });
          }
        }
        expect(storedAnswerProblems(t.db)).toEqual([]);
        expect(draftProblems(t.db, survey, draftIds)).toEqual([]);
      }),
      { numRuns: 100 },
    );
    // The runs reached the interesting outcomes, not only one kind of refusal.
    const responses = (t.db.prepare('SELECT count(*) AS n FROM response').get() as { n: number }).n;
    expect(responses).toBeGreaterThan(0);
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([303, 422]));
  });

  // Client errors the body parser and router raise (status 400) stay client errors.
  test.each([
    ['a malformed escape in the section id', 'del/%E0%A4%A', {}],
    ['a gzip Content-Encoding on a plain body', 'send', { 'Content-Encoding': 'gzip' }],
  ])('client error, not 500: %s', async (_name, tail, headers) => {
    const res = await request(t.app).post(`/s/${t.code('administrasjon')}/${tail}`).set(headers).type('form').send('a=1');
    expect(res.status).toBeLessThan(500);
  });
});
