// Issue 11, construction 4: different measures of one group in one release, no staff action
// (k=3, a unit of 6). One person answers "vet ikke" on the now half of a now/desired item: desired
// (n=6) - now (n=5) - gap (n=5) is that person's desired answer. The same works between an item and
// its factor score when someone answered "vet ikke" on the factor's other items, between the RAUS
// statements and the RAUS total, and group n minus item n counts the "vet ikke" answers whose
// distribution is withheld. Shown figures are read as intervals at their displayed precision.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { integerSums, interval } from './attacker.js';
import { emptyApp, profile, ProjectLeader, respond, seeded, unitFigures, unitPage, type FigureRow, type PageFigures } from './helpers.js';
import { STATEMENT_SECTIONS, summary } from './releases.js';

const K = 3;
let t: TestApp;
let figures: Map<string, FigureRow>;
let page: PageFigures;

beforeAll(async () => {
  t = emptyApp();
  const pl = await ProjectLeader.signIn(t);
  await pl.addUnits([['u', '']]);
  const wave = await pl.openWave('T1', ['u'], { kResults: K, kDistribution: 10, kText: 10 });
  const rand = seeded(44);
  for (let i = 1; i <= 6; i++) {
    const p = profile(t.survey, rand);
    // Person 6: "vet ikke" on now of the first now/desired item and on all but one statement of a factor.
    if (i === 6) Object.assign(p, { 'hefa_nd_innflytelse.now': 'dk', hefa_beg_info: 'dk', hefa_beg_sammenheng: 'dk', hefa_beg_endring: 'dk' });
    // Person 5: "vet ikke" on three of the four RAUS statements.
    if (i === 5) Object.assign(p, { raus_verdsatt: 'dk', raus_utvikler: 'dk', raus_glad: 'dk' });
    await respond(t, wave.codes.get('u') ?? '', p);
  }
  await pl.setStatus(wave.id, 'closed');
  figures = await unitFigures(pl.agent, wave.id, 'u');
  page = await unitPage(pl.agent, t.survey, wave.id, 'u');
});
afterAll(() => t.close());

const row = (key: string): FigureRow | undefined => figures.get(key);
const sums = (r: FigureRow | undefined): number[] => (r?.n !== undefined && r.mean ? integerSums(r.n, r.mean) : []);
const pinned = (values: Iterable<number>, lo: number, hi: number): number | undefined => {
  const inRange = [...new Set(values)].filter((v) => v >= lo && v <= hi);
  return inRange.length === 1 ? inRange[0] : undefined;
};

/** Now/desired/gap: when one part and the gap cover the same people and the other part 1..k-1 more,
 *  the extra people's answers on that part are (that part) - (the other part) -/+ (gap). */
function nowDesiredFindings(): string[] {
  const findings: string[] = [];
  for (const item of t.survey.items.filter((i) => i.type === 'nowDesired')) {
    const [now, desired, gap] = [row(`Nå|${item.id}:now`), row(`Ønsket|${item.id}:desired`), row(`Avstand ønsket – nå|${item.id}:gap`)];
    if (now?.n === undefined || desired?.n === undefined || gap?.n === undefined) continue;
    for (const [part, big, other, sign] of [['desired', desired, now, -1], ['now', now, desired, 1]] as const) {
      const d = (big.n ?? 0) - gap.n;
      if (other.n !== gap.n || d < 1 || d >= K) continue;
      // desired extras = D - N - G; now extras = N - D + G.
      const values = sums(big).flatMap((b) => sums(other).flatMap((o) => sums(gap).map((g) => b - o + sign * g)));
      const v = pinned(values, d, 5 * d);
      if (v !== undefined) findings.push(`${item.id}: the ${d} without a ${part === 'desired' ? 'now' : 'desired'} answer gave ${part} answers summing to ${v}`);
    }
  }
  return findings;
}

/** An average of m statements per person (factor score, RAUS total) against the statements' own figures:
 *  if one statement has 1..k-1 more answers than the others (people who answered only it), their sum
 *  follows from the composite's sum, whether the composite counts them (n = a + b) or not (n = a). */
function compositeFindings(compositeKey: string, itemIds: string[]): string[] {
  const composite = row(compositeKey);
  const items = itemIds.map((id) => [...STATEMENT_SECTIONS].map((s) => row(`${s}|${id}`)).find((r) => r !== undefined));
  if (composite?.n === undefined || !composite.mean || items.some((r) => r?.n === undefined || !r.mean)) return [];
  const ns = items.map((r) => r?.n ?? 0);
  const a = Math.min(...ns);
  const larger = ns.filter((n) => n > a);
  const b = (larger[0] ?? a) - a;
  if (larger.length !== 1 || b < 1 || b >= K) return [];
  const m = itemIds.length;
  const [lo, hi] = interval(composite.mean).map((x) => x * (composite.n ?? 0)) as [number, number];
  let totals: number[][] = [[]];
  for (const r of items) totals = totals.flatMap((prefix) => sums(r).map((s) => [...prefix, s]));
  const values: number[] = [];
  for (const combo of totals) {
    const total = combo.reduce((s, x) => s + x, 0);
    // Composite sum with the b people in: their sum x + (total - x)/m, so x = (m * sum - total)/(m - 1); without them: (total - x)/m.
    const range: [number, number] = composite.n === a + b ? [(m * lo - total) / (m - 1), (m * hi - total) / (m - 1)] : composite.n === a ? [total - m * hi, total - m * lo] : [1, 0];
    for (let x = Math.ceil(range[0] - 1e-9); x <= Math.floor(range[1] + 1e-9); x++) values.push(x);
  }
  const v = pinned(values, b, 5 * b);
  return v === undefined ? [] : [`${compositeKey}: the ${b} who answered only ${itemIds[ns.indexOf(a + b)]} gave it ${v} in total`];
}

describe('construction 4: measures of one group in one release (k=3, unit of 6)', () => {
  test('the attack is set up as in the issue: six answers stored, with the "vet ikke" answers above, and the unit shown', () => {
    const dk = t.db.prepare("SELECT item_id || coalesce(':' || nullif(part, ''), '') AS id FROM answer WHERE txt = 'dk' ORDER BY 1").all() as { id: string }[];
    expect(dk.map((r) => r.id)).toEqual(['hefa_beg_endring', 'hefa_beg_info', 'hefa_beg_sammenheng', 'hefa_nd_innflytelse:now', 'raus_glad', 'raus_utvikler', 'raus_verdsatt']);
    expect(row('Enhet|u')?.n).toBe(6);
  });

  test('desired mean - now mean - gap mean does not pin the desired answer of the person who said "vet ikke" on now', () => {
    expect(summary(nowDesiredFindings())).toEqual(summary([]));
  });

  test('an item against its factor score does not pin the answer of the person who said "vet ikke" on the factor\'s other items', () => {
    const findings = t.survey.factors.flatMap((f) => compositeFindings(`Faktor|${f.id}`, t.survey.items.filter((i) => i.type === 'likert' && i.factor === f.id).map((i) => i.id)));
    expect(summary(findings)).toEqual(summary([]));
  });

  test('the four RAUS statements against the RAUS total do not pin the answer of the person who answered only one', () => {
    const raus = t.survey.items.filter((i) => i.id.startsWith('raus_')).map((i) => i.id);
    expect(raus).toHaveLength(4);
    expect(summary(compositeFindings('RAUS|raus_total', raus))).toEqual(summary([]));
  });

  test('group n minus item n does not count 1..k-1 "vet ikke" answers where the distribution is withheld', () => {
    const groupN = row('Enhet|u')?.n ?? 0;
    const findings: string[] = [];
    for (const [key, r] of figures) {
      if (!['Påstand', 'RAUS', 'Nå', 'Ønsket'].includes(r.section) || r.n === undefined) continue;
      const withheld = !page.dontKnow.has(r.id);
      const d = groupN - r.n;
      if (withheld && d >= 1 && d < K) findings.push(`${key}: ${d} answered "vet ikke" (group n ${groupN}, item n ${r.n})`);
    }
    expect(summary(findings)).toEqual(summary([]));
  });
});
