// The adversarial battery: organisations with known answers, the released tables computed through
// the real database, then an attacker who tries every subtraction (and, stronger, every linear
// combination) of released figures. No combination may isolate fewer than the threshold, and no
// group hidden to protect another may be recomputed. One battery, hence one longer file.
import { afterEach, describe, expect, test } from 'vitest';
import { breakdown, BREAKDOWNS } from '../../src/report/breakdown.js';
import { disclose, type Thresholds } from '../../src/report/disclosure.js';
import { releaseTables, type ReleasedGroup, type ShownGroup, type Stats, type Withheld } from '../../src/report/released.js';
import { positionAnswersFrom, selfReported } from '../../src/report/position.js';
import { rollUp, tallyWave, tallyWaveByCategory } from '../../src/report/tally.js';
import { openDb, type Db } from '../../src/store/db.js';
import { createDraft } from '../../src/store/drafts.js';
import { submitResponse } from '../../src/store/responses.js';
import { syncSurveyVersions } from '../../src/store/survey-versions.js';
import { addUnit } from '../../src/store/units.js';
import { createWave } from '../../src/store/waves.js';
import { loadSurveyDir } from '../../src/survey/load.js';
import type { Answers, Survey } from '../../src/survey/model.js';
import { surveysDir } from '../helpers/app.js';
import { seededRandom } from '../../src/demo-answers.js';

const survey = loadSurveyDir(surveysDir).get('kartlegging') as Survey;

interface Person {
  unitId: string;
  answers: Answers;
}
interface Unit {
  id: string;
  parentId: string | null;
}
interface Scenario {
  units: Unit[];
  people: Person[];
  thresholds: Thresholds;
}

const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

/** Stores the answers through the real store and computes the released tables and a full-time breakdown. */
function release(s: Scenario) {
  const db = openDb(':memory:');
  opened.push(db);
  syncSurveyVersions(db, [survey]);
  db.transaction(() => {
    for (const u of s.units) addUnit(db, { id: u.id, name: u.id, parentId: u.parentId });
  })();
  const waveId = createWave(db, { name: 'W', surveyId: survey.id, surveyVersion: survey.version, unitIds: s.units.map((u) => u.id), linkMode: 'open', status: 'open' });
  db.transaction(() => {
    for (const p of s.people) {
      const draft = createDraft(db, { waveId, unitId: p.unitId, tokenHash: null, expiresOn: '2099-12-31' });
      submitResponse(db, survey, draft.id, p.answers, '2026-01-15');
    }
  })();
  const rolled = rollUp(s.units, tallyWave(db, survey, waveId));
  const disclosure = disclose(s.units, rolled, s.thresholds);
  const tables = releaseTables(survey, s.units, rolled, disclosure);
  const roots = s.units.filter((u) => u.parentId === null);
  const byCategory = tallyWaveByCategory(db, survey, waveId, BREAKDOWNS.fullTime.classify);
  const breakdowns = roots.map((r) => ({ rootId: r.id, result: breakdown(survey, s.units, byCategory, disclosure, r.id, BREAKDOWNS.fullTime) }));
  return { tables, breakdowns };
}

// ---- What the attacker reads, and the truth it is checked against ---------------------------

type Figure = { n: number; sum: number } | Withheld | undefined;
const num = (p: Person, id: string) => (typeof p.answers[id] === 'number' ? (p.answers[id] as number) : undefined);
// A mean shown only as a bound ("over 4,5") is no equation; the attacker cannot use it as one.
// Without its exact n (a small group) a mean is no sum either.
const stat = (s: Stats | Withheld | undefined, f: (s: Stats & { n: number }) => number = (x) => (x.mean ?? 0) * x.n): Figure =>
  s && s.released ? (s.meanBound || s.n === undefined ? undefined : { n: s.n, sum: f({ ...s, n: s.n }) }) : s;

interface Measure {
  name: string;
  threshold: (t: Thresholds) => number;
  member: (p: Person) => boolean;
  value: (p: Person) => number;
  read: (g: ShownGroup) => Figure;
}

const item = (g: ShownGroup, id: string) => g.items.find((i) => i.id === id);
/** An item's sum is published twice: as mean * n, and as the sum over its distribution. */
const itemSum = (g: ShownGroup, id: string): Figure => {
  const it = item(g, id);
  const v = stat(it?.value);
  if (v && 'n' in v) return v;
  const d = it?.distribution;
  if (d && d.released) return { n: d.n - (d.dontKnow ?? 0), sum: d.counts.reduce((s, c) => s + Number(c.key) * c.count, 0) };
  return v;
};
const nd = (p: Person) => p.answers['hefa_nd_innflytelse'] as { now?: number | 'dk'; desired?: number | 'dk' } | undefined;

const MEASURES: Measure[] = [
  { name: 'responses', threshold: (t) => t.k, member: () => true, value: () => 1, read: (g) => ({ n: g.n, sum: g.n }) },
  {
    name: 'likert mean',
    threshold: (t) => t.k,
    member: (p) => num(p, 'hefa_beg_rolle') !== undefined,
    value: (p) => num(p, 'hefa_beg_rolle') ?? 0,
    read: (g) => itemSum(g, 'hefa_beg_rolle'),
  },
  {
    name: 'likert share favourable',
    threshold: (t) => t.k,
    member: (p) => num(p, 'hefa_beg_rolle') !== undefined,
    value: (p) => ((num(p, 'hefa_beg_rolle') ?? 0) >= 4 ? 1 : 0),
    read: (g) => {
      const v = item(g, 'hefa_beg_rolle')?.value;
      // Below the distribution threshold the share is not shown at all.
      return v?.released && v.shareFavourable === undefined ? undefined : stat(v, (s) => (s.shareFavourable ?? 0) * s.n);
    },
  },
  {
    name: 'likert distribution (answers of 5)',
    threshold: (t) => t.kDistribution,
    member: (p) => p.answers['hefa_beg_rolle'] !== undefined,
    value: (p) => (p.answers['hefa_beg_rolle'] === 5 ? 1 : 0),
    read: (g) => {
      const d = item(g, 'hefa_beg_rolle')?.distribution;
      return d && d.released ? { n: d.n, sum: d.counts.find((c) => c.key === '5')?.count ?? 0 } : d;
    },
  },
  {
    name: 'likert distribution ("vet ikke")',
    threshold: (t) => t.kDistribution,
    member: (p) => p.answers['hefa_beg_rolle'] !== undefined,
    value: (p) => (p.answers['hefa_beg_rolle'] === 'dk' ? 1 : 0),
    read: (g) => {
      const d = item(g, 'hefa_beg_rolle')?.distribution;
      return d && d.released ? { n: d.n, sum: d.dontKnow ?? 0 } : d;
    },
  },
  // A factor's mean is the mean of its items' means: attacked through the items (and tested to be
  // exactly that, so it adds nothing, in released.test.ts).
  // The gap is the difference of these two released means, so it is attacked through them.
  {
    name: 'now/desired: now',
    threshold: (t) => t.k,
    member: (p) => typeof nd(p)?.now === 'number',
    value: (p) => nd(p)?.now as number,
    read: (g) => stat(g.nowDesired.find((i) => i.id === 'hefa_nd_innflytelse')?.now.value),
  },
  {
    name: 'now/desired: desired',
    threshold: (t) => t.k,
    member: (p) => typeof nd(p)?.desired === 'number',
    value: (p) => nd(p)?.desired as number,
    read: (g) => stat(g.nowDesired.find((i) => i.id === 'hefa_nd_innflytelse')?.desired.value),
  },
  {
    name: '0-10 mean',
    threshold: (t) => t.k,
    member: (p) => num(p, 'hefa_trivsel_total') !== undefined,
    value: (p) => num(p, 'hefa_trivsel_total') ?? 0,
    read: (g) => itemSum(g, 'hefa_trivsel_total'),
  },
  {
    name: 'position % mean',
    threshold: (t) => t.k,
    member: (p) => num(p, 'stilling_naa') !== undefined,
    value: (p) => num(p, 'stilling_naa') ?? 0,
    read: (g) => stat(g.position?.current),
  },
  {
    name: 'involuntary part-time count',
    threshold: (t) => t.kDistribution,
    member: (p) => num(p, 'stilling_naa') !== undefined,
    value: (p) => (selfReported(positionAnswersFrom(p.answers)) ? 1 : 0),
    read: (g) => {
      const d = g.position?.distribution;
      return d && d.released ? { n: d.n, sum: d.involuntary.find((x) => x.id === 'selfReported')?.count ?? 0 } : d;
    },
  },
];

// ---- Linear algebra over respondents -----------------------------------------------------------

/** A row-reduced basis of 0/1 vectors; member tells whether a vector is a combination of them. */
class Span {
  private rows: { pivot: number; v: number[] }[] = [];
  add(v: number[]): void {
    const r = this.reduce(v);
    const pivot = r.findIndex((x) => Math.abs(x) > 1e-9);
    if (pivot >= 0) this.rows.push({ pivot, v: r.map((x) => x / (r[pivot] as number)) });
  }
  member(v: number[]): boolean {
    return this.reduce(v).every((x) => Math.abs(x) < 1e-9);
  }
  private reduce(v: number[]): number[] {
    const r = [...v];
    for (const { pivot, v: b } of this.rows) {
      const f = r[pivot] as number;
      if (f !== 0) for (let i = 0; i < r.length; i++) r[i] = (r[i] as number) - f * (b[i] as number);
    }
    return r;
  }
}

interface ReleasedSet {
  label: string;
  members: Set<number>;
  figure: { n: number; sum: number };
}

/** Attacks one family of released sets over `people`; returns the findings (empty when safe). */
function attack(people: Person[], measure: Measure, threshold: number, sets: ReleasedSet[], hidden: { label: string; members: Set<number>; mustStayHidden: boolean }[]): string[] {
  const findings: string[] = [];
  const within = (sub: Set<number>, sup: Set<number>) => [...sub].every((x) => sup.has(x));
  for (const s of sets) {
    // The tables must tell the truth about exactly these respondents, and never about fewer than the threshold.
    const sum = [...s.members].reduce((acc, i) => acc + measure.value(people[i] as Person), 0);
    if (s.figure.n !== s.members.size || Math.abs(s.figure.sum - sum) > 1e-6) findings.push(`${s.label}: table says ${JSON.stringify(s.figure)}, truth n=${s.members.size} sum=${sum}`);
    if (s.members.size < threshold) findings.push(`${s.label}: released with n=${s.members.size}`);
  }
  // Every released group minus every set of disjoint released subsets, on the published numbers.
  for (const r of sets) {
    const inner = sets.filter((d) => d !== r && within(d.members, r.members) && d.members.size < r.members.size);
    const walk = (from: number, chosen: ReleasedSet[]) => {
      if (chosen.length > 0) {
        const n = chosen.reduce((a, d) => a - d.figure.n, r.figure.n);
        if (n > 0 && n < threshold) findings.push(`${r.label} minus ${chosen.map((d) => d.label).join(', ')} leaves n=${n}`);
        const rest = new Set([...r.members].filter((x) => !chosen.some((d) => d.members.has(x))));
        for (const h of hidden) {
          if (h.members.size > 0 && rest.size === h.members.size && within(rest, h.members)) {
            if (h.mustStayHidden || h.members.size < threshold) findings.push(`${r.label} minus ${chosen.map((d) => d.label).join(', ')} gives hidden ${h.label}`);
          }
        }
      }
      for (let i = from; i < inner.length && chosen.length < 12; i++) {
        const d = inner[i] as ReleasedSet;
        if (chosen.some((c) => [...c.members].some((x) => d.members.has(x)))) continue;
        walk(i + 1, [...chosen, d]);
      }
    };
    walk(0, []);
  }
  // Stronger: any linear combination. Respondents with the same memberships are indistinguishable
  // ("atoms"); try every union of atoms smaller than the threshold.
  const span = new Span();
  const vector = (m: Set<number>) => people.map((_, i) => (m.has(i) ? 1 : 0));
  for (const s of sets) span.add(vector(s.members));
  const atoms = new Map<string, number[]>();
  people.forEach((_, i) => {
    const sig = sets.map((s) => (s.members.has(i) ? '1' : '0')).join('');
    if (sig.includes('1')) atoms.set(sig, [...(atoms.get(sig) ?? []), i]);
  });
  const small = [...atoms.values()].filter((a) => a.length < threshold);
  const unions = (from: number, acc: number[]) => {
    if (acc.length > 0 && span.member(vector(new Set(acc)))) findings.push(`a combination isolates ${acc.length} respondent(s)`);
    for (let i = from; i < small.length; i++) {
      const a = small[i] as number[];
      if (acc.length + a.length < threshold) unions(i + 1, [...acc, ...a]);
    }
  };
  unions(0, []);
  for (const h of hidden) {
    if (h.members.size === 0 || !span.member(vector(h.members))) continue;
    if (h.mustStayHidden || h.members.size < threshold) findings.push(`hidden ${h.label} (${h.members.size}) is a combination of released figures`);
  }
  return findings;
}

/** Runs the attacker on the unit tables, per measure, and on the tables plus each breakdown. */
function attackAll(s: Scenario, released = release(s)): string[] {
  const { tables, breakdowns } = released;
  const parent = new Map(s.units.map((u) => [u.id, u.parentId]));
  const inSubtree = (unit: string, root: string) => {
    for (let u: string | null | undefined = unit; u; u = parent.get(u)) if (u === root) return true;
    return false;
  };
  const findings: string[] = [];
  for (const m of MEASURES) {
    const threshold = m.threshold(s.thresholds);
    const sets: ReleasedSet[] = [];
    const hidden: { label: string; members: Set<number>; mustStayHidden: boolean }[] = [];
    for (const u of s.units) {
      const g = tables.get(u.id) as ReleasedGroup;
      const members = new Set(s.people.flatMap((p, i) => (inSubtree(p.unitId, u.id) && m.member(p) ? [i] : [])));
      const fig = g.released ? m.read(g) : undefined;
      if (fig && 'n' in fig) sets.push({ label: u.id, members, figure: fig });
      else {
        // Hidden to protect another figure: that protection must hold.
        const own = g.released ? (fig as Withheld | undefined) : g;
        const mustStayHidden = own?.reason === 'complementary' && (m.name === 'responses' || (g.released && !m.name.includes('distribution') && !m.name.includes('count')));
        hidden.push({ label: u.id, members, mustStayHidden });
      }
    }
    findings.push(...attack(s.people, m, threshold, sets, hidden).map((f) => `${m.name}: ${f}`));
    for (const { rootId, result } of breakdowns) {
      if (result.refused) continue;
      const cells = result.cells.flatMap((c) => {
        const fig = c.group.released ? m.read(c.group) : undefined;
        const members = new Set(
          s.people.flatMap((p, i) => (inSubtree(p.unitId, rootId) && m.member(p) && BREAKDOWNS.fullTime.classify({ unitId: p.unitId, position: positionAnswersFrom(p.answers), value: () => undefined }) === c.id ? [i] : [])),
        );
        return fig && 'n' in fig ? [{ label: `${rootId}×${c.id}`, members, figure: fig }] : [];
      });
      findings.push(...attack(s.people, m, threshold, [...sets, ...cells], []).map((f) => `${m.name} with breakdown: ${f}`));
    }
  }
  return findings;
}

// ---- Scenarios -------------------------------------------------------------------------------

/** A seeded PRNG (mulberry32), so a failing tree can be reproduced from its seed. */
const prng = seededRandom;

/** A respondent's answers, varied so that items are skipped, "vet ikke" and follow-ups differ;
 *  a unit's habits (many "vet ikke", many skipping the position questions) make subtraction targets. */
function answersFor(rand: () => number, habits = { dontKnow: 0.1, skipsPosition: 0.15 }): Answers {
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(rand() * xs.length)] as X;
  const likert = () => (rand() < habits.dontKnow ? 'dk' : pick([1, 2, 3, 4, 5, 5, 4, undefined] as const));
  const a: Answers = {};
  const set = (id: string, v: Answers[string] | undefined) => {
    if (v !== undefined) a[id] = v;
  };
  set('hefa_beg_rolle', likert());
  set('hefa_beg_info', likert());
  set('hefa_trivsel_total', pick([0, 3, 7, 8, 10, undefined]));
  const now = likert();
  const desired = likert();
  if (now !== undefined || desired !== undefined) a['hefa_nd_innflytelse'] = { ...(now === undefined ? {} : { now }), ...(desired === undefined ? {} : { desired }) };
  const current = rand() < habits.skipsPosition ? undefined : pick([100, 100, 80, 60, 40]);
  set('stilling_naa', current);
  if (current !== undefined && current < 100 && rand() < 0.6) {
    a['onsket_endring'] = 'storre';
    a['onsket_stilling'] = 100;
  } else set('onsket_endring', pick(['samme', 'mindre', undefined]));
  return a;
}

function randomScenario(seed: number): Scenario {
  const rand = prng(seed);
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(rand() * xs.length)] as X;
  const count = 1 + Math.floor(rand() * 9);
  const units: Unit[] = [];
  const people: Person[] = [];
  for (let i = 0; i < count; i++) {
    const id = `u${i}`;
    units.push({ id, parentId: i === 0 ? null : `u${Math.floor(rand() * i)}` });
    // Many small groups (the dangerous case), some empty, a few up to 12.
    const size = rand() < 0.3 ? 0 : rand() < 0.6 ? Math.floor(rand() * 5) : Math.floor(rand() * 13);
    const habits = { dontKnow: pick([0, 0.1, 0.5]), skipsPosition: pick([0, 0.15, 0.8]) };
    for (let j = 0; j < size; j++) people.push({ unitId: id, answers: answersFor(rand, habits) });
  }
  const k = rand() < 0.5 ? 3 : 5;
  const kd = rand() < 0.5 ? k : k + 3;
  return { units, people, thresholds: { k, kDistribution: kd, kText: kd, freeText: false } };
}

/** A scenario of units "id:parent:size" where everyone gives the same rich set of answers, varied by index. */
function scenario(spec: string[], thresholds: Partial<Thresholds> = {}, answers: (unit: string, i: number) => Answers = (_u, i) => answersFor(prng(i + 1))): Scenario {
  const units: Unit[] = [];
  const people: Person[] = [];
  for (const s of spec) {
    const [id = '', parent = '', size = '0'] = s.split(':');
    units.push({ id, parentId: parent === '' ? null : parent });
    for (let i = 0; i < Number(size); i++) people.push({ unitId: id, answers: answers(id, people.length) });
  }
  return { units, people, thresholds: { k: 5, kDistribution: 10, kText: 10, freeText: false, ...thresholds } };
}

describe('adversarial battery: known small organisations', () => {
  test.each([
    { name: 'children of 7, 6 and 2', spec: ['p::0', 'a:p:7', 'b:p:6', 'c:p:2'] },
    { name: 'a unit of 4 and its sibling of 5', spec: ['p::0', 'a:p:4', 'b:p:5'] },
    { name: '2 direct respondents at the parent, children of 5 and 5', spec: ['p::2', 'a:p:5', 'b:p:5'] },
    { name: 'organisation minus a sector', spec: ['org::0', 's1:org:0', 's2:org:0', 'a:s1:6', 'b:s1:7', 'c:s2:3', 'd:s2:4'] },
    { name: 'grandparent chain', spec: ['org::1', 'mid:org:1', 'low:mid:1', 'leaf:low:5', 'twin:low:6', 'side:org:9'] },
    { name: 'deep tree of small units', spec: ['a::1', 'b:a:2', 'c:b:3', 'd:c:4', 'e:d:5', 'f:e:6', 'g:a:2'] },
    { name: 'the demo municipality shape', spec: ['demo::0', 'helse:demo:0', 'sol:helse:0', 'avd1:sol:14', 'avd2:sol:11', 'natt:sol:4', 'hjem:helse:19', 'opp:demo:0', 'bhg:opp:0', 'bla:bhg:5', 'gul:bhg:3', 'skole:opp:25', 'adm:demo:9'] },
  ])('$name', ({ spec }) => {
    expect(attackAll(scenario(spec))).toEqual([]);
    expect(attackAll(scenario(spec, { k: 3, kDistribution: 3 }))).toEqual([]);
  });

  test('3 of a unit’s 6 respondents say "vet ikke": nothing recovers their item, nor the sibling’s that hides it', () => {
    const s = scenario(['p::0', 'u:p:6', 'v:p:6'], {}, (unit, i) => ({
      hefa_beg_rolle: unit === 'u' && i < 3 ? 'dk' : (i % 5) + 1,
      stilling_naa: 100,
    }));
    const out = release(s);
    const rolle = (id: string) => (out.tables.get(id) as ShownGroup).items.find((it) => it.id === 'hefa_beg_rolle')?.value;
    expect(rolle('u')).toEqual({ released: false, reason: 'below_k', fewerThan: 5 });
    expect(rolle('v')).toEqual({ released: false, reason: 'complementary' });
    // p shows the mean, but not its exact n: 12 minus 9 would tell that 3 said "vet ikke", and its
    // distribution (which would show it) needs 10 valid answers.
    expect(rolle('p')).toMatchObject({ released: true, nUpTo: 12 });
    expect(rolle('p')).not.toHaveProperty('n');
    expect(attackAll(s, out)).toEqual([]);
  });

  test('a breakdown whose part-timers all work in one unit: allowed while that unit keeps k full-timers', () => {
    // a: 6 part-time + 5 full-time, b: 10 full-time. The organisation minus b minus the part-time
    // cell is a's full-timers: 5 here, so the breakdown may be shown.
    const s = scenario(['org::0', 'a:org:11', 'b:org:10'], { k: 5, kDistribution: 5 }, (unit, i) => ({
      stilling_naa: unit === 'a' && i < 6 ? 50 : 100,
      hefa_beg_rolle: (i % 5) + 1,
    }));
    const out = release(s);
    expect(out.breakdowns[0]?.result.refused).toBe(false);
    expect(attackAll(s, out)).toEqual([]);
    // With only 4 full-timers left in a, that subtraction isolates them: refused.
    const t = scenario(['org::0', 'a:org:10', 'b:org:10'], { k: 5, kDistribution: 5 }, (unit, i) => ({ stilling_naa: unit === 'a' && i < 6 ? 50 : 100 }));
    expect(release(t).breakdowns[0]?.result).toEqual({ refused: true, reason: 'would_isolate' });
  });

  test('a breakdown is refused when full-time + part-time - another unit leaves few people', () => {
    // a: 2 full-timers and 6 who skipped the position question; b: 6 full-time, 5 part-time.
    // Every category and the unclassified pass k, yet full-time + part-time - b = a's 2 full-timers.
    const s = scenario(['org::0', 'a:org:8', 'b:org:11'], { k: 5, kDistribution: 5 }, (unit, i): Answers =>
      unit === 'a' ? (i < 2 ? { stilling_naa: 100 } : {}) : { stilling_naa: i < 14 ? 100 : 60 },
    );
    expect(release(s).breakdowns[0]?.result).toEqual({ refused: true, reason: 'would_isolate' });
  });
});

describe('adversarial battery: randomised organisations', () => {
  test('300 seeded random trees with groups of 0-12: no combination of released figures isolates anyone', () => {
    let released = 0;
    let breakdownsShown = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const s = randomScenario(seed);
      const out = release(s);
      expect(attackAll(s, out), `seed ${seed}: ${JSON.stringify(s.units)}`).toEqual([]);
      const { tables, breakdowns } = out;
      released += [...tables.values()].filter((g) => g.released).length;
      breakdownsShown += breakdowns.filter((b) => !b.result.refused).length;
    }
    // The battery is only meaningful if plenty was released.
    expect(released).toBeGreaterThan(500);
    expect(breakdownsShown).toBeGreaterThan(50);
  });
});
