// Every figure the project leader can see in one release of a wave, read from the product's
// released tables (the single source of the unit page, its chart data, CSV, heat map, comparison
// and follow-up pages): what the unit page and the CSV render, the full-time/part-time breakdown
// and the comment lists. Group sizes, headcounts and response rates are left out: the attacker
// already knows who is in which set, so they are constants.
import type { ReleasedGroup, ShownGroup, Stats, Withheld } from '../../../src/report/released.js';
import type { WaveResults } from '../../../src/report/wave-results.js';
import type { Db } from '../../../src/store/db.js';
import { freeTexts } from '../../../src/store/results.js';
import { subtreeIds } from '../../../src/store/units.js';
import { favourableValues } from '../../../src/report/stats.js';
import { round1, percent } from '../../../src/web/results/format.js';
import type { Equation } from './algebra.js';
import { termsOf, type Figure, type Measure, type Model, type Person, type Stat } from './model.js';

/** A shown mean (with n and, where shown, SD and share favourable) of a scale whose distribution is not shown. */
export interface ShownMoments {
  label: string;
  points: number[];
  favourable?: number[];
  n: number;
  /** As displayed: one decimal, whole percent. */
  mean: number;
  sd?: number;
  share?: number;
}

export interface ReleaseFigures {
  figures: Figure[];
  moments: ShownMoments[];
  /** Comment lists shown, with the set they were drawn from. */
  comments: { group: string; item: string; set: number[]; texts: string[] }[];
}

/** releaseFigures collects what one release shows; `people` are the wave's respondents so far. */
export function releaseFigures(db: Db, results: WaveResults, people: readonly Person[], release: number, model: Model): ReleaseFigures {
  const out: ReleaseFigures = { figures: [], moments: [], comments: [] };
  const byUnit = new Map<string, number[]>();
  for (const p of people) byUnit.set(p.unitId, [...(byUnit.get(p.unitId) ?? []), p.index]);
  const setOf = (unitId: string): number[] => [...subtreeIds(results.units, [unitId])].flatMap((u) => byUnit.get(u) ?? []).sort((a, b) => a - b);
  const survey = results.survey;

  for (const unit of results.units) {
    const group = results.tables.get(unit.id);
    if (!group?.released) continue;
    const set = setOf(unit.id);
    groupFigures(out, group, set, release, model);
    for (const x of group.texts) {
      if (!x.release.released) continue;
      const texts = freeTexts(db, results.wave.id, [...subtreeIds(results.units, [unit.id])], x.id);
      out.comments.push({ group: unit.id, item: x.id, set, texts });
      push(out, release, unit.id, set, { type: 'text', item: x.id }, 'writers', texts.length);
      push(out, release, unit.id, set, { type: 'text', item: x.id }, 'content', NaN);
    }
  }
  // The breakdown table on the organisation's page: each category's n and factor means. Only the
  // mean is printed; its n is counted as shown too (conservative: the attacker gets the sum).
  for (const [rootId, b] of results.breakdowns) {
    if (b.refused) continue;
    const inRoot = setOf(rootId);
    for (const cell of b.cells) {
      if (!cell.group.released) continue;
      const category = cell.id as 'heltid' | 'deltid';
      const set = inRoot.filter((r) => {
        const current = (people[r] as Person).answers.stilling_naa;
        return typeof current === 'number' && (current >= 100) === (category === 'heltid');
      });
      const label = `${rootId}/${category}`;
      push(out, release, label, set, { type: 'category', category }, 'n', cell.group.n);
      for (const f of cell.group.factors) stats(out, release, label, set, derivedOf(model, f.id), f.value);
    }
  }
  for (const m of momentsOf(survey, results, release)) out.moments.push(m);
  return out;
}

function derivedOf(model: Model, factorId: string): Measure {
  return { type: 'derived', name: factorId, items: model.factorItems(factorId) };
}

function push(out: ReleaseFigures, release: number, group: string, set: readonly number[], measure: Measure, stat: Stat, value: number): void {
  out.figures.push({ release, group, set, measure, stat, value });
}

const NAMES = { n: 'n', sum: 'sum', sumSq: 'sumSq' } as const;
const DESIRED_NAMES = { n: 'desN', sum: 'desSum', sumSq: 'desSumSq' } as const;

/** stats adds a shown value figure: n, the sum (mean x n), the sum of squares (from SD) and the favourable count. */
function stats(out: ReleaseFigures, release: number, group: string, set: readonly number[], measure: Measure, s: Stats | Withheld, favourable = false, names: Record<'n' | 'sum' | 'sumSq', Stat> = NAMES): void {
  if (!s.released) return;
  push(out, release, group, set, measure, names.n, s.n);
  if (s.mean === undefined) return;
  push(out, release, group, set, measure, names.sum, s.mean * s.n);
  if (s.sd !== undefined) push(out, release, group, set, measure, names.sumSq, (s.n - 1) * s.sd ** 2 + s.n * s.mean ** 2);
  if (favourable && s.shareFavourable !== undefined) push(out, release, group, set, measure, 'fav', s.shareFavourable * s.n);
}

function groupFigures(out: ReleaseFigures, g: ShownGroup, set: readonly number[], release: number, model: Model): void {
  const at = (measure: Measure, stat: Stat, value: number) => push(out, release, g.id, set, measure, stat, value);
  for (const f of g.factors) stats(out, release, g.id, set, derivedOf(model, f.id), f.value);
  if (g.rausTotal) stats(out, release, g.id, set, { type: 'derived', name: 'raus_total', items: model.rausItems() }, g.rausTotal);
  for (const i of g.items) {
    const measure: Measure = { type: 'item', item: i.id };
    // Number items are shown only through the position figures; choices only as distributions.
    if (i.type === 'likert' || i.type === 'scale') stats(out, release, g.id, set, measure, i.value, i.type === 'likert');
    if (i.type === 'number' || !i.distribution.released) continue;
    const d = i.distribution;
    at(measure, 'answered', d.n);
    for (const c of d.counts) at(measure, `count:${c.key}`, c.count);
    if (d.dontKnow !== undefined) at(measure, 'dk', d.dontKnow);
  }
  // Now/desired: n, mean and SD of each half and of the gap (page and CSV); no distribution is printed.
  for (const nd of g.nowDesired) {
    stats(out, release, g.id, set, { type: 'now', item: nd.id }, nd.now.value);
    stats(out, release, g.id, set, { type: 'desired', item: nd.id }, nd.desired.value);
    stats(out, release, g.id, set, { type: 'gap', item: nd.id }, nd.gap);
  }
  const p = g.position;
  if (p) {
    stats(out, release, g.id, set, { type: 'position' }, p.current);
    stats(out, release, g.id, set, { type: 'position' }, p.desired, false, DESIRED_NAMES);
    if (p.distribution.released) {
      const d = p.distribution;
      const m: Measure = { type: 'position' };
      at(m, 'n', d.n);
      at(m, 'fullTime', d.fullTime.count);
      at(m, 'more', d.more.count);
      at(m, 'same', d.same.count);
      at(m, 'less', d.less.count);
      for (const inv of d.involuntary) at(m, `inv:${inv.id}`, inv.count);
    }
  }
}

/** momentsOf lists the shown means of scales whose counts per point are not shown (as displayed, rounded). */
function momentsOf(survey: WaveResults['survey'], results: WaveResults, release: number): ShownMoments[] {
  const out: ShownMoments[] = [];
  const add = (label: string, points: number[], s: Stats | Withheld, favourable?: number[]): void => {
    if (!s.released || s.mean === undefined || s.n === 0) return;
    const m: ShownMoments = { label: `R${release} ${label}`, points, n: s.n, mean: round1(s.mean) };
    if (s.sd !== undefined) m.sd = round1(s.sd);
    if (favourable && s.shareFavourable !== undefined) {
      m.favourable = favourable;
      m.share = percent(s.shareFavourable);
    }
    out.push(m);
  };
  for (const [unitId, g] of results.tables as Map<string, ReleasedGroup>) {
    if (!g.released) continue;
    for (const i of g.items) {
      if (i.distribution.released) continue;
      const item = survey.items.find((x) => x.id === i.id);
      if (item?.type === 'likert') {
        const scale = survey.scales[item.scale];
        if (scale) add(`${i.id} @${unitId}`, scale.points.map((p) => p.value), i.value, favourableValues(scale));
      } else if (item?.type === 'scale') {
        const points: number[] = [];
        for (let v = item.min; v <= item.max; v++) points.push(v);
        add(`${i.id} @${unitId}`, points, i.value);
      }
    }
    for (const nd of g.nowDesired) {
      const item = survey.items.find((x) => x.id === nd.id);
      const scale = item?.type === 'nowDesired' ? survey.scales[item.scale] : undefined;
      if (!scale) continue;
      const points = scale.points.map((p) => p.value);
      add(`${nd.id}.now @${unitId}`, points, nd.now.value);
      add(`${nd.id}.desired @${unitId}`, points, nd.desired.value);
    }
  }
  return out;
}

/** describe names a figure's measure for labels; the position figures are three measures (current %, desired %, shares). */
const describe = (m: Measure, stat?: Stat): string => {
  if (m.type === 'derived') return m.name;
  if (m.type === 'category') return `category ${m.category}`;
  if (m.type === 'position') return stat === 'n' || stat === 'sum' || stat === 'sumSq' ? 'position current' : stat?.startsWith('des') ? 'position desired' : 'position shares';
  return `${m.type} ${m.item}`;
};

/** equationsOf writes figures as equations over (respondent, variable) columns. */
export function equationsOf(model: Model, people: readonly Person[], figures: readonly Figure[]): Equation[] {
  return figures.map((f) => ({
    label: `R${f.release} ${describe(f.measure, f.stat)}.${f.stat} @${f.group}`,
    terms: f.set.flatMap((r) => termsOf(model.functional(f.measure, f.stat, people[r] as Person), r)),
  }));
}

/** verifyFigures checks every figure against the simulated answers of its set (so the sets and the
 *  model are what the product computed) and that each functional is exact at the true answers. */
export function verifyFigures(model: Model, people: readonly Person[], rf: ReleaseFigures): string[] {
  const problems: string[] = [];
  for (const f of rf.figures) {
    if (f.stat === 'content') continue;
    let expected = 0;
    for (const r of f.set) {
      const p = people[r] as Person;
      const c = model.contribution(f.measure, f.stat, p);
      const lin = model.evaluate(model.functional(f.measure, f.stat, p), p);
      if (Math.abs(c - lin) > 1e-9) problems.push(`R${f.release} ${describe(f.measure)}.${f.stat}: respondent ${r}'s functional gives ${lin}, answers give ${c}`);
      expected += c;
    }
    if (Math.abs(expected - f.value) > 1e-6 * Math.max(1, Math.abs(expected))) {
      problems.push(`R${f.release} ${describe(f.measure)}.${f.stat} @${f.group}: shown ${f.value}, the set's answers give ${expected}`);
    }
  }
  for (const c of rf.comments) {
    const expected = c.set.map((r) => (people[r] as Person).answers[c.item]).filter((t): t is string => typeof t === 'string' && t !== '');
    if (JSON.stringify([...expected].sort()) !== JSON.stringify([...c.texts].sort())) problems.push(`comments ${c.item} @${c.group} are not the set's texts`);
  }
  return problems;
}
