import express from 'express';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createApp } from '../../src/app.js';
import { language } from '../../src/web/middleware.js';
import { RESPONDENT_LIMITS, WindowCounter, addressKey } from '../../src/web/respond/rate-limit.js';
import { respondRouter } from '../../src/web/respond/routes.js';
import { encode, sectionBody } from '../helpers/answers.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeEach(() => {
  // The clock stands still a little after the start of an hour, so no window boundary is crossed.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Math.floor(Date.now() / 3600_000) * 3600_000 + 1000);
  // One proxy in front, so tests can speak for several client addresses with X-Forwarded-For.
  t = makeTestApp({ config: { TRUST_PROXY: 1 } });
});
afterEach(() => {
  t.close();
  vi.useRealTimers();
});

const firstSection = () => {
  const s = t.survey.sections[0];
  if (!s) throw new Error('survey without sections');
  return s;
};
const draftCookie = (res: request.Response): string => {
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('kartlegg_draft='));
  if (!cookie) throw new Error('no draft cookie');
  return cookie.split(';')[0] ?? '';
};
const count = (sql: string): number => (t.db.prepare(sql).get() as { n: number }).n;
/** Saves a started draft's first page for later and returns the resume code shown (the database
 *  holds only a hash of it, from the first save on). */
const resumeCodeOf = async (code: string, start: request.Response): Promise<string> => {
  const page = await request(t.app).post(start.headers.location as string).set('Cookie', draftCookie(start)).type('form').send(encode(sectionBody(firstSection(), {}, 'save')));
  const resume = /class="code">([^<]+)</.exec(page.text)?.[1];
  if (!resume) throw new Error(`no resume code on the first page of ${code}`);
  return resume;
};

describe('a workplace behind one address', () => {
  test('300 people start drafts and save a page from one IP address within minutes', async () => {
    const code = t.code('nordby_skole');
    const section = firstSection();
    for (let i = 0; i < 300; i++) {
      const start = await request(t.app).post(`/s/${code}/start`).set('X-Forwarded-For', '203.0.113.7');
      expect(start.status).toBe(303);
      const page = await request(t.app)
        .post(`/s/${code}/del/${section.id}`)
        .set('X-Forwarded-For', '203.0.113.7')
        .set('Cookie', draftCookie(start))
        .type('form')
        .send(encode(sectionBody(section)));
      expect(page.status).toBe(303);
    }
    expect(count('SELECT count(*) AS n FROM draft')).toBe(300);
  });
});

describe('per draft', () => {
  test('a draft may post 60 times a minute; the 61st gets 429 with Retry-After, other drafts go on', async () => {
    const code = t.code('administrasjon');
    const start = await request(t.app).post(`/s/${code}/start`);
    const cookie = draftCookie(start);
    const url = `/s/${code}/del/${firstSection().id}`;
    for (let i = 0; i < RESPONDENT_LIMITS.postsPerDraft.max; i++) {
      const res = await request(t.app).post(url).set('Cookie', cookie).type('form').send('_nav=save');
      expect(res.status).toBe(200);
    }
    const blocked = await request(t.app).post(url).set('Cookie', cookie).type('form').send('_nav=save');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.headers['content-type']).toMatch(/html/);
    const send = await request(t.app).post(`/s/${code}/send`).set('Cookie', cookie);
    expect(send.status).toBe(429);

    const other = await request(t.app).post(`/s/${code}/start`);
    const res = await request(t.app).post(url).set('Cookie', draftCookie(other)).type('form').send('_nav=save');
    expect(res.status).toBe(200);
  });
});

describe('per address', () => {
  test('30 wrong resume codes from one address, then 429 even for a right code; other addresses are not affected', async () => {
    const code = t.code('administrasjon');
    const start = await request(t.app).post(`/s/${code}/start`);
    expect(start.status).toBe(303);
    const resumeCode = await resumeCodeOf(code, start);
    const resume = (ip: string, value: string) => request(t.app).post(`/s/${code}/fortsett`).set('X-Forwarded-For', ip).type('form').send({ resume_code: value });
    for (let i = 0; i < RESPONDENT_LIMITS.failedResumesPerAddress.max; i++) expect((await resume('198.51.100.1', 'AAAA-AAAA')).status).toBe(422);
    expect((await resume('198.51.100.1', resumeCode)).status).toBe(429);
    expect((await resume('198.51.100.2', resumeCode)).status).toBe(303);
  });

  test('right resume codes are never counted', async () => {
    const code = t.code('administrasjon');
    const resumeCode = await resumeCodeOf(code, await request(t.app).post(`/s/${code}/start`));
    for (let i = 0; i < RESPONDENT_LIMITS.failedResumesPerAddress.max + 5; i++) {
      const res = await request(t.app).post(`/s/${code}/fortsett`).type('form').send({ resume_code: resumeCode });
      expect(res.status).toBe(303);
    }
  });

  test('draft creation stops at the ceiling per address', async () => {
    // A small ceiling on the real router, in a minimal app that renders views as the real one does.
    const real = createApp({ db: t.db, config: t.config });
    const app = express();
    type Engine = Parameters<typeof app.engine>[1];
    for (const [ext, engine] of Object.entries((real as unknown as { engines: Record<string, Engine> }).engines)) app.engine(ext, engine);
    for (const setting of ['views', 'view engine', 'view cache']) app.set(setting, real.get(setting));
    app.set('trust proxy', 1);
    app.use(language(false));
    app.use(express.urlencoded({ extended: false }));
    app.use('/s', respondRouter({ db: t.db, config: t.config }, { ...RESPONDENT_LIMITS, draftsPerAddress: { max: 5, windowMs: 3600_000 } }));
    const code = t.code('administrasjon');
    const start = (ip: string) => request(app).post(`/s/${code}/start`).set('X-Forwarded-For', ip);
    for (let i = 0; i < 5; i++) expect((await start('192.0.2.9')).status).toBe(303);
    const blocked = await start('192.0.2.9');
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('<h1>');
    expect((await start('192.0.2.10')).status).toBe(303);
    expect(count('SELECT count(*) AS n FROM draft')).toBe(6);
  });
});

describe('WindowCounter', () => {
  test('blocks at the limit and slides: the previous window weighs less as time passes', () => {
    const c = new WindowCounter({ max: 10, windowMs: 1000 });
    for (let i = 0; i < 10; i++) c.add('k', 100);
    expect(c.blocked('k', 100)).toBe(true);
    expect(c.blocked('other', 100)).toBe(false);
    expect(c.count('k', 1000)).toBe(10); // just into the next window: the previous counts fully
    expect(c.blocked('k', 1500)).toBe(false); // half of it left
    expect(c.count('k', 1500)).toBe(5);
    expect(c.count('k', 2500)).toBe(0); // two windows later nothing remains
    expect(c.retryAfterSeconds(1500)).toBe(1);
  });

  test('prunes idle keys without losing active ones', () => {
    const c = new WindowCounter({ max: 1, windowMs: 1000 });
    for (let i = 0; i < 50_000; i++) c.add(`k${i}`, i < 25_000 ? 0 : 10_000);
    expect(c.count('k0', 10_000)).toBe(0);
    expect(c.count('k49999', 10_000)).toBe(1);
  });
});

describe('addressKey', () => {
  test.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:0:0:0:9', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s counts as %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });
});
