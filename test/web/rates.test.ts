// Response counts below k (issue 11, F10): leaders and representatives see "færre enn k" until a
// unit's count reaches the wave's k, and no hidden count can be had by subtraction; the project
// leader sees exact counts.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getWave } from '../../src/store/waves.js';
import { countsToHide } from '../../src/web/staff/overview.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { signIn, type SignedIn } from '../helpers/staff.js';

type Node = { id: string; parentId: string | null; total: number };
const tree = (spec: [string, string | null, number][]): Node[] => spec.map(([id, parentId, total]) => ({ id, parentId, total }));

describe('countsToHide', () => {
  test.each([
    ['a root below k', tree([['r', null, 3]]), ['r']],
    ['everything at k or more', tree([['r', null, 12], ['a', 'r', 5], ['b', 'r', 7]]), []],
    ['one small child: its sibling goes too', tree([['r', null, 12], ['a', 'r', 10], ['b', 'r', 2]]), ['a', 'b']],
    ['the smallest shown sibling goes', tree([['r', null, 12], ['a', 'r', 5], ['b', 'r', 5], ['c', 'r', 2]]), ['a', 'c']],
    ["the parent's own respondents count as hidden", tree([['r', null, 20], ['a', 'r', 10], ['b', 'r', 7]]), ['b']],
    ['a hidden unit hides all below it', tree([['r', null, 20], ['a', 'r', 3], ['a1', 'a', 3], ['b', 'r', 17]]), ['a', 'a1', 'b']],
    ['zero answers hide nothing else', tree([['r', null, 10], ['a', 'r', 10], ['b', 'r', 0]]), ['b']],
  ])('%s', (_name, nodes, hidden) => {
    expect([...countsToHide(nodes, 5)].sort()).toEqual(hidden);
  });

  test('on 500 random trees no shown count is below k and every remainder a subtraction gives is 0 or at least k', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let run = 0; run < 500; run++) {
      const k = 3 + random(4);
      const own = new Map<string, number>();
      const parent = new Map<string, string | null>([['u0', null]]);
      own.set('u0', random(3));
      for (let i = 1; i < 2 + random(12); i++) {
        parent.set(`u${i}`, `u${random(i)}`);
        own.set(`u${i}`, random(4) === 0 ? 0 : random(k * 2));
      }
      const total = (id: string): number => (own.get(id) ?? 0) + [...parent].filter(([, p]) => p === id).reduce((s, [c]) => s + total(c), 0);
      const nodes = [...parent].map(([id, p]) => ({ id, parentId: p, total: total(id) }));
      const hidden = countsToHide(nodes, k);
      for (const n of nodes) {
        if (hidden.has(n.id)) continue;
        expect(n.total).toBeGreaterThanOrEqual(k);
        if (n.parentId !== null) expect(hidden.has(n.parentId), 'a shown unit has a shown parent').toBe(false);
        const rest = n.total - nodes.filter((c) => c.parentId === n.id && !hidden.has(c.id)).reduce((s, c) => s + c.total, 0);
        expect(rest === 0 || rest >= k, `remainder ${rest} under ${n.id} (k=${k})`).toBe(true);
      }
    }
  });
});

describe('the response-rate pages', () => {
  let t: TestApp;
  let admin: SignedIn;
  let leader: SignedIn;
  let rep: SignedIn;
  const rates = () => `/malinger/${t.demo.waveId}/svar`;
  const row = (html: string, unit: string): string => html.split('<tr>').find((r) => r.includes(`>${unit}</th>`)) ?? '';

  beforeAll(async () => {
    t = makeTestApp();
    const wave = getWave(t.db, t.demo.waveId);
    const add = t.db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, ?, ?, ?, ?)");
    let id = 1;
    for (const [unit, n] of [['solbakken_avd1', 2], ['solbakken_avd2', 6], ['hjemmetjenesten', 9]] as const) for (let i = 0; i < n; i++) add.run(id++, t.demo.waveId, unit, wave?.surveyId, wave?.surveyVersion);
    admin = await signIn(t, 'admin');
    leader = await signIn(t, 'leader', ['solbakken']);
    rep = await signIn(t, 'representative', ['solbakken_avd1']);
  });
  afterAll(() => t.close());

  test('the project leader sees every exact count', async () => {
    const page = (await admin.agent.get(rates())).text;
    expect(row(page, 'Solbakken, avdeling 1')).toContain('<td class="num">2</td>');
    expect(row(page, 'Solbakken, avdeling 2')).toContain('<td class="num">6</td>');
    expect(row(page, 'Solbakken sykehjem')).toContain('<td class="num">8</td>');
  });

  test('a leader sees "færre enn 5" below k, and for the sibling that would give it away', async () => {
    const page = (await leader.agent.get(rates())).text;
    expect(page).toContain('Antallet svar vises først når minst 5 har svart');
    expect(row(page, 'Solbakken sykehjem')).toContain('<td class="num">8</td>');
    for (const unit of ['Solbakken, avdeling 1', 'Solbakken, avdeling 2', 'Solbakken, nattevakter']) {
      expect(row(page, unit), unit).toContain('<td class="num">færre enn 5</td>');
      expect(row(page, unit), `${unit}: no rate either`).not.toMatch(/\d+ %/);
    }
  });

  test('a representative sees "færre enn 5" on the page and the start page', async () => {
    expect(row((await rep.agent.get(rates())).text, 'Solbakken, avdeling 1')).toContain('færre enn 5');
    const overview = (await rep.agent.get('/oversikt')).text;
    expect(overview).toContain('Solbakken, avdeling 1: færre enn 5 svar av 18');
    expect(overview).not.toContain('2 svar av 18');
  });
});
