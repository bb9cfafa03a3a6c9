// The page check must fail on any number a page shows that the model does not hold. One case is
// driven through the routes with each page changed on its way to the check, as a template that
// printed something new (or something wrong) would change it; each change must be reported with
// its page, group and text, and the same case unchanged must report nothing.
import { describe, expect, test } from 'vitest';
import { makeHarness, runCase } from './scenario.js';

const SEED = 10;
// Each test reads every page of three roles: seconds on an idle machine, minutes on a shared one.
const TIMEOUT = 600_000;

/** Changes that a faulty template could make, each on its own kind of page. */
const TAMPERINGS: { name: string; page: RegExp; viewer?: RegExp; change: (html: string) => string; report: RegExp }[] = [
  {
    name: 'a factor mean off by 0,2 in the unit table',
    page: /^\/resultater\/\d+\/enhet\/[^/]+$/,
    change: (html) => html.replace(/(id="factor-table"[\s\S]*?<tbody>[\s\S]*?<td class="num">)(\d),(\d)/, (_, a: string, i: string, d: string) => `${a}${(Number(`${i}.${d}`) + 0.2).toFixed(1).replace('.', ',')}`),
    report: /\/resultater\/\d+\/enhet\/\S+ @\S+: .*factor:samspill: mean/,
  },
  {
    name: 'a new figure no rule reads',
    page: /^\/oppfolging\/\d+\/enhet\/[^/]+\/dialog$/,
    change: (html) => html.replace('</h1>', '</h1><p>Snitt for de siste tre som svarte: 3,7</p>'),
    report: /dialog @\S+: "Snitt for de siste tre som svarte: 3,7": a number no rule of the attacker reads/,
  },
  {
    name: 'chart data plotting another mean',
    page: /^\/resultater\/\d+\/enhet\/[^/]+$/,
    change: (html) => html.replace(/(data-chart="[^"]*?&#34;data&#34;:\[)(\d+(?:\.\d+)?)/, (_, a: string, v: string) => `${a}${Number(v) + 0.5}`),
    report: /chart factors ".*" \/ Samspill: plots/,
  },
  {
    name: 'a comparison n that is not the group’s',
    page: /^\/sammenligning\/\d+$/,
    change: (html) => html.replace(/<td class="num">(\d+) svar<\/td>/, (_, n: string) => `<td class="num">${Number(n) + 1} svar</td>`),
    report: /\/sammenligning\/\d+ @\S+: "\d+ svar" .*compare\.n\.\d: n \d+, the members hold/,
  },
  {
    name: 'a withheld note with a threshold the wave never had',
    page: /^\/resultater\/\d+$/,
    viewer: /^project leader/,
    change: (html) => html.replace(/færre enn \d+ svar/, 'færre enn 2 svar'),
    report: /project leader \/resultater\/\d+ @\S+: "færre enn 2 svar".*threshold 2/,
  },
  {
    name: 'a mapped group’s n that is not its members’',
    page: /^\/sammenligning\/\d+\/enhet\/gruppe[^/]*$/,
    change: (html) => html.replace(/(Etter \d+: )(\d+)( svar)/, (_, a: string, n: string, c: string) => `${a}${Number(n) + 1}${c}`),
    report: /\/sammenligning\/\d+\/enhet\/gruppe\S+ @gruppe:\S+: .*compare\.n\.1/,
  },
  {
    name: 'a mapped group’s pooled figure off in its CSV',
    page: /^\/sammenligning\/\d+\/enhet\/gruppe[^/]*\/csv$/,
    change: (html) => html.replace(/^("Faktor";"samspill";"[^"]*";"[^"]*";")(\d),(\d)/m, (_, a: string, i: string, d: string) => `${a}${(Number(`${i}.${d}`) + 0.3).toFixed(1).replace('.', ',')}`),
    report: /csv @gruppe:\S+: .*factor:samspill@1: mean/,
  },
  {
    name: 'a heat map colour that is not the shown mean’s',
    page: /^\/resultater\/\d+\/organisasjon$/,
    change: (html) => html.replace(/heat-(high|good|mid)"/, 'heat-low"'),
    report: /organisasjon @\S+: .*colour band low, the shown mean gives/,
  },
];

describe('page check', () => {
  test('reports every number a page shows that the model does not hold, with page, group and text', async () => {
    const h = await makeHarness();
    const tampered = new Set<string>();
    try {
      const run = await runCase(h, SEED, {
        pages: true,
        tamper: (viewer, url, html) => {
          let out = html;
          for (const t of TAMPERINGS) {
            if (!t.page.test(url) || (t.viewer && !t.viewer.test(viewer))) continue;
            const changed = t.change(out);
            if (changed !== out) tampered.add(t.name);
            out = changed;
          }
          return out;
        },
      });
      expect([...tampered].sort()).toEqual(TAMPERINGS.map((t) => t.name).sort());
      for (const t of TAMPERINGS) expect(run.problems.some((p) => t.report.test(p)), `${t.name}: ${run.problems.slice(0, 8).join('\n')}`).toBe(true);
    } finally {
      h.t.close();
    }
  }, TIMEOUT);

  test('reports nothing for the same case unchanged, after reading every page of every role', async () => {
    const h = await makeHarness();
    try {
      const run = await runCase(h, SEED, { pages: true });
      expect(run.problems).toEqual([]);
      expect(run.pageCount.pages).toBeGreaterThan(40);
      expect(run.pageCount.figures).toBeGreaterThan(200);
      expect(run.pageCount.mapped).toBeGreaterThan(0);
    } finally {
      h.t.close();
    }
  }, TIMEOUT);
});
