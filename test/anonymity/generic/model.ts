// The attacker's unknowns and how each shown figure constrains them (see the header of
// generic-attacker.test.ts for the model). Every figure is a sum over a set of respondents of a
// per-respondent quantity; here that quantity is written as a linear functional of the respondent's
// variables. Coefficients come from what the figure shows (exact means, for a mean without its n
// or a composite's SD) and, only for position size and the breakdown's composite means, from the
// respondent's true answers (which items they answered: a conservative attacker knows more).
import { DONT_KNOW, offersDontKnow, type Answers, type NowDesiredValue, type Survey } from '../../../src/survey/model.js';
import type { Item } from '../../../src/survey/schema.js';
import { visibleItemIds } from '../../../src/survey/conditions.js';
import { RAUS_ITEM_IDS } from '../../../src/report/group.js';
import { desiredPercent, INVOLUNTARY_DEFINITIONS, positionAnswersFrom, POSITION_ITEM } from '../../../src/report/position.js';
import { favourableValues } from '../../../src/report/stats.js';
import { rat, ratAdd, ratMul, ratNeg, ratToNumber, type Rat, type Term } from './algebra.js';

/** One simulated respondent: where they answered and what. */
export interface Person {
  index: number;
  unitId: string;
  answers: Answers;
}

/** What a figure is about: an item (or one half of a now/desired item), a composite, ... The
 *  now/desired gap is no measure here: it is the difference of the two released means (checked in
 *  figures.ts), so it adds no equation. */
export type Measure =
  | { type: 'item' | 'now' | 'desired' | 'text'; item: string }
  /** A composite over `items` (a factor, the RAUS total): its count (at least one valid answer) and
   *  the sum of squared scores, each score the mean of the respondent's answers with unanswered
   *  items filled in by the group's item means (report/group.ts, CompositeTally). */
  | { type: 'derived'; name: string; items: string[] }
  | { type: 'position' }
  | { type: 'category'; category: 'heltid' | 'deltid' };

/** Which sum over the set a figure gives: n, sum, sum of squares, favourable count, counts per option, ... */
export type Stat =
  | 'n'
  /** A composite mean computed from item means the table does not print (the breakdown): see Figure.itemN. */
  | 'meanOfMeans'
  | 'sum'
  | 'sumSq'
  | 'fav'
  | 'answered'
  | 'dk'
  | `count:${string}`
  | 'writers'
  | 'content'
  | 'desN'
  | 'desSum'
  | 'desSumSq'
  | 'fullTime'
  | 'more'
  | 'same'
  | 'less'
  /** Position counts over the part-time set (current below 100 %): its size, and those who want more. */
  | 'partTime'
  | 'moreOfPartTime'
  | `inv:${string}`;

/** A shown figure as the sum over `set` of one per-respondent quantity; value is what the product showed (exact). */
export interface Figure extends FigureContext {
  release: number;
  group: string;
  set: readonly number[];
  measure: Measure;
  stat: Stat;
  value: number;
}

/** What a figure's per-respondent quantity depends on beyond its measure and statistic. */
export interface FigureContext {
  /** For a figure shown without its n: the quantity is stat - c x (the n statistic dev.n), so a mean
   *  gives sum - mean x n = 0, an SD sumSq - (mean^2 + sd^2) x n = -sd^2, a share fav - share x n = 0. */
  dev?: { n: Stat; c: Rat };
  /** For a composite's sum of squared scores: the group's exact item means, in measure.items order. */
  itemMeans?: Rat[];
  /** For 'meanOfMeans': each item's valid count in the set (known only to the conservative attacker). */
  itemN?: number[];
}

/** A per-respondent linear functional: a constant plus weighted variables. */
export interface Functional {
  constant: number;
  terms: { kind: string; c: Rat }[];
}

const empty = (): Functional => ({ constant: 0, terms: [] });
function add(into: Functional, f: Functional, scale: Rat = rat(1)): Functional {
  into.constant += f.constant * ratToNumber(scale);
  for (const t of f.terms) into.terms.push({ kind: t.kind, c: ratMul(t.c, scale) });
  return into;
}
/** The pair variables of a composite's squared score (see compositeSquares). */
const PAIR = { product: 'xx', valueValid: 'xv', bothValid: 'vv' } as const;
const variable = (kind: string, c: Rat = rat(1)): Functional => ({ constant: 0, terms: [{ kind, c }] });

/** An answerable part: an item, or the now or desired half of a now/desired item. */
interface Part {
  prefix: string;
  values: string[];
  numeric: boolean;
  dontKnow: boolean;
}

const numericAnswer = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Model knows a survey's items and turns figures into per-respondent functionals and true values. */
export class Model {
  private readonly items: Map<string, Item>;
  private readonly visible = new WeakMap<Person, ReadonlySet<string>>();

  constructor(readonly survey: Survey) {
    this.items = new Map(survey.items.map((i) => [i.id, i]));
  }

  private item(id: string): Item {
    const item = this.items.get(id);
    if (!item) throw new Error(`unknown item ${id}`);
    return item;
  }

  /** The likert items whose valid answers a factor's score averages (now/desired halves are left out, as in scan.ts). */
  factorItems(factorId: string): string[] {
    return this.survey.items.filter((i) => i.type === 'likert' && i.factor === factorId).map((i) => i.id);
  }

  /** The RAUS statements present in the survey. */
  rausItems(): string[] {
    return this.survey.items.filter((i) => i.type === 'likert' && RAUS_ITEM_IDS.includes(i.id)).map((i) => i.id);
  }

  private part(itemId: string, half?: 'now' | 'desired'): Part {
    const item = this.item(itemId);
    const prefix = half ? `${itemId}.${half}` : itemId;
    switch (item.type) {
      case 'likert':
      case 'nowDesired':
        return { prefix, values: (this.survey.scales[item.scale]?.points ?? []).map((p) => String(p.value)), numeric: true, dontKnow: offersDontKnow(this.survey, item) };
      case 'scale': {
        const values: string[] = [];
        for (let v = item.min; v <= item.max; v++) values.push(String(v));
        return { prefix, values, numeric: true, dontKnow: false };
      }
      case 'single':
      case 'multi':
        return { prefix, values: item.options.map((o) => o.id), numeric: false, dontKnow: false };
      default:
        throw new Error(`item ${itemId} has no options`);
    }
  }

  /** The respondent's answer to a part: a value key, 'dk', or undefined when skipped or hidden. */
  private answerOf(p: Person, itemId: string, half?: 'now' | 'desired'): string | undefined {
    const v = p.answers[itemId];
    if (v === undefined) return undefined;
    if (half) {
      const h = (v as NowDesiredValue)[half];
      return h === undefined ? undefined : String(h);
    }
    return Array.isArray(v) ? undefined : String(v);
  }

  /** A required item the respondent saw must be answered, so one of its indicators is 1 minus the others. */
  private forced(p: Person, itemId: string): boolean {
    if (!this.item(itemId).required) return false;
    let visible = this.visible.get(p);
    if (!visible) this.visible.set(p, (visible = visibleItemIds(this.survey, p.answers)));
    return visible.has(itemId);
  }

  private indicator(p: Person, itemId: string, key: string, half?: 'now' | 'desired'): Functional {
    const part = this.part(itemId, half);
    const item = this.item(itemId);
    const all = part.dontKnow ? [...part.values, DONT_KNOW] : part.values;
    if (item.type !== 'multi' && this.forced(p, itemId)) {
      const reference = all[all.length - 1] as string;
      if (key === reference) return { constant: 1, terms: all.slice(0, -1).map((v) => ({ kind: `${part.prefix}=${v}`, c: rat(-1) })) };
    }
    return variable(`${part.prefix}=${key}`);
  }

  /** Sum of w(value) x indicator(value) over the part's scale points (validN: w = 1, sum: w = v, ...). */
  private overPoints(p: Person, itemId: string, w: (v: number) => number, half?: 'now' | 'desired', only?: readonly string[]): Functional {
    const part = this.part(itemId, half);
    const f = empty();
    for (const v of only ?? part.values) {
      const weight = part.numeric ? w(Number(v)) : w(1);
      if (weight !== 0) add(f, this.indicator(p, itemId, v, half), rat(weight));
    }
    return f;
  }

  /** functional writes respondent p's contribution to a figure as a linear functional of p's variables. */
  functional(measure: Measure, stat: Stat, p: Person, ctx: FigureContext = {}): Functional {
    if (ctx.dev) return add(this.functional(measure, stat, p), this.functional(measure, ctx.dev.n, p), ratNeg(ctx.dev.c));
    switch (measure.type) {
      case 'item':
      case 'now':
      case 'desired':
        return this.partFunctional(measure.item, measure.type === 'item' ? undefined : measure.type, stat, p);
      case 'derived': {
        const key = measure.items.join('+');
        if (stat === 'n') return variable(`fN:${key}`);
        if (stat === 'sumSq' && ctx.itemMeans) return this.compositeSquares(measure.items, ctx.itemMeans, p);
        if (stat === 'meanOfMeans' && ctx.itemN) {
          const f = empty();
          const m = measure.items.length;
          measure.items.forEach((id, j) => {
            const n = ctx.itemN?.[j] ?? 0;
            if (n > 0) add(f, this.overPoints(p, id, (v) => v), rat(1, m * n));
          });
          return f;
        }
        throw new Error(`no ${stat} for composite ${measure.name} without its context`);
      }
      case 'text':
        return variable(stat === 'content' ? `textContent:${measure.item}` : `text:${measure.item}`);
      case 'position':
        return this.positionFunctional(stat, p);
      case 'category': {
        const fullTime = variable('pos:fullTime');
        if (measure.category === 'heltid') return fullTime;
        return add(this.answeredFunctional(p, POSITION_ITEM.current), fullTime, rat(-1));
      }
    }
  }

  // A composite's squared score times m^2, written without knowing which items p answered: with
  // mu_j the group's item means, M their sum and d_j = (x_j - mu_j) x valid_j, m x score = M + sum d_j
  // for a counted respondent (and every d_j = 0 for one who is not), so
  //   m^2 score^2 = M^2 fN + 2M sum d_j + sum d_j^2 + 2 sum_{j<l} d_j d_l,
  // where d_j and d_j^2 are linear in p's indicators and d_j d_l expands into the group-independent
  // products x_j x_l, x_j valid_l, x_l valid_j, valid_j valid_l: variables of their own, shared by
  // every group p is in (so the sums of squares of nested groups can combine, and do where the
  // item means agree).
  private compositeSquares(items: readonly string[], means: readonly Rat[], p: Person): Functional {
    const m = items.length;
    const key = items.join('+');
    const total = means.reduce((s, mu) => ratAdd(s, mu), rat(0));
    const f = variable(`fN:${key}`, ratMul(total, total));
    items.forEach((id, j) => {
      const mu = means[j] as Rat;
      for (const v of this.part(id).values) {
        const dev = ratAdd(rat(Number(v)), ratNeg(mu));
        add(f, this.indicator(p, id, v), ratAdd(ratMul(rat(2), ratMul(total, dev)), ratMul(dev, dev)));
      }
    });
    for (let j = 0; j < m; j++) {
      for (let l = j + 1; l < m; l++) {
        const [a, b] = [items[j] as string, items[l] as string];
        const [ma, mb] = [means[j] as Rat, means[l] as Rat];
        f.terms.push({ kind: `${PAIR.product}:${a}*${b}`, c: rat(2) });
        f.terms.push({ kind: `${PAIR.valueValid}:${a}*${b}`, c: ratMul(rat(-2), mb) });
        f.terms.push({ kind: `${PAIR.valueValid}:${b}*${a}`, c: ratMul(rat(-2), ma) });
        f.terms.push({ kind: `${PAIR.bothValid}:${a}*${b}`, c: ratMul(rat(2), ratMul(ma, mb)) });
      }
    }
    return add(empty(), f, rat(1, m * m));
  }

  private answeredFunctional(p: Person, itemId: string): Functional {
    if (this.forced(p, itemId)) return { constant: 1, terms: [] };
    return variable(`${itemId}:answered`);
  }

  private partFunctional(itemId: string, half: 'now' | 'desired' | undefined, stat: Stat, p: Person): Functional {
    const item = this.item(itemId);
    const part = this.part(itemId, half);
    if (item.type === 'multi') {
      if (stat === 'n' || stat === 'answered') return this.answeredFunctional(p, itemId);
      if (stat.startsWith('count:')) return variable(`${itemId}=${stat.slice('count:'.length)}`);
      throw new Error(`no ${stat} for multi item ${itemId}`);
    }
    switch (stat) {
      case 'n':
        return this.overPoints(p, itemId, () => 1, half);
      case 'sum':
        return this.overPoints(p, itemId, (v) => v, half);
      case 'sumSq':
        return this.overPoints(p, itemId, (v) => v * v, half);
      case 'fav': {
        const scale = item.type === 'likert' || item.type === 'nowDesired' ? this.survey.scales[item.scale] : undefined;
        if (!scale) throw new Error(`no favourable share for ${itemId}`);
        return this.overPoints(p, itemId, () => 1, half, favourableValues(scale).map(String));
      }
      case 'dk':
        return this.indicator(p, itemId, DONT_KNOW, half);
      case 'answered': {
        const f = this.overPoints(p, itemId, () => 1, half);
        return part.dontKnow ? add(f, this.indicator(p, itemId, DONT_KNOW, half)) : f;
      }
      default:
        if (stat.startsWith('count:')) return this.indicator(p, itemId, stat.slice('count:'.length), half);
        throw new Error(`no ${stat} for item ${itemId}`);
    }
  }

  private positionFunctional(stat: Stat, p: Person): Functional {
    const pos = positionAnswersFrom(p.answers);
    if (stat === 'n') return this.answeredFunctional(p, POSITION_ITEM.current);
    if (stat === 'fullTime') return variable('pos:fullTime');
    // Part-time is stated minus full-time (as the breakdown's category); wanting more while part-time
    // is the self-reported definition of involuntary part-time (report/released.ts).
    if (stat === 'partTime') return add(this.answeredFunctional(p, POSITION_ITEM.current), variable('pos:fullTime'), rat(-1));
    if (stat === 'moreOfPartTime') return variable('pos:inv:selfReported');
    if (stat === 'desN') return variable('pos:desKnown');
    if (stat.startsWith('inv:')) return variable(`pos:${stat}`);
    // Respondents who did not state their current % are not counted in any position figure.
    if (pos.current === undefined) return empty();
    switch (stat) {
      case 'sum':
        return variable(`${POSITION_ITEM.current}:value`);
      case 'sumSq':
        return variable(`${POSITION_ITEM.current}:sq`);
      case 'desSum':
      case 'desSumSq': {
        if (desiredPercent(pos) === undefined) return empty();
        const source = pos.desired !== undefined ? POSITION_ITEM.desired : POSITION_ITEM.current;
        return variable(`${source}:${stat === 'desSum' ? 'value' : 'sq'}`);
      }
      case 'more':
      case 'same':
      case 'less':
        return this.indicator(p, POSITION_ITEM.change, { more: 'storre', same: 'samme', less: 'mindre' }[stat]);
      default:
        throw new Error(`no position figure ${stat}`);
    }
  }

  /** trueValue is the respondent's value of one variable (NaN for free-text content, which is no number). */
  trueValue(kind: string, p: Person): number {
    const [head, tail] = splitKind(kind);
    const a = p.answers;
    if (head === 'fN') return tail.split('+').some((id) => numericAnswer(a[id]) !== undefined) ? 1 : 0;
    if (head === PAIR.product || head === PAIR.valueValid || head === PAIR.bothValid) {
      const [x, y] = tail.split('*').map((id) => numericAnswer(a[id]));
      if (x === undefined || y === undefined) return 0;
      return head === PAIR.product ? x * y : head === PAIR.valueValid ? x : 1;
    }
    if (head === 'text') return typeof a[tail] === 'string' && a[tail] !== '' ? 1 : 0;
    if (head === 'textContent') return NaN;
    if (head === 'pos') {
      const pos = positionAnswersFrom(a);
      if (pos.current === undefined) return 0;
      if (tail === 'fullTime') return pos.current >= 100 ? 1 : 0;
      if (tail === 'desKnown') return desiredPercent(pos) === undefined ? 0 : 1;
      const def = INVOLUNTARY_DEFINITIONS.find((d) => `inv:${d.id}` === tail);
      if (!def) throw new Error(`unknown variable ${kind}`);
      return def.test(pos) ? 1 : 0;
    }
    const colon = /^([a-z0-9_]+):(answered|value|sq)$/.exec(kind);
    if (colon) {
      const v = a[colon[1] as string];
      if (colon[2] === 'answered') return v === undefined || (Array.isArray(v) && v.length === 0) ? 0 : 1;
      const x = numericAnswer(v) ?? 0;
      return colon[2] === 'value' ? x : x * x;
    }
    const eq = /^([a-z0-9_]+)(?:\.(now|desired))?=(.+)$/.exec(kind);
    if (!eq) throw new Error(`unknown variable ${kind}`);
    const [, itemId, half, key] = eq as unknown as [string, string, 'now' | 'desired' | undefined, string];
    const raw = a[itemId];
    if (Array.isArray(raw)) return raw.includes(key) ? 1 : 0;
    return this.answerOf(p, itemId, half) === key ? 1 : 0;
  }

  /** contribution is what respondent p adds to a figure, computed straight from the answers (the
   *  oracle the product's figures are checked against; NaN for free-text content). */
  contribution(measure: Measure, stat: Stat, p: Person, ctx: FigureContext = {}): number {
    if (stat === 'content') return NaN;
    if (ctx.dev) return this.contribution(measure, stat, p) - ratToNumber(ctx.dev.c) * this.contribution(measure, ctx.dev.n, p);
    if (measure.type === 'derived' && stat !== 'n') {
      const answers = measure.items.map((id) => numericAnswer(p.answers[id]));
      if (answers.every((x) => x === undefined)) return 0;
      const m = measure.items.length;
      if (stat === 'meanOfMeans') return answers.reduce((s: number, x, j) => s + (x === undefined ? 0 : x / (m * (ctx.itemN?.[j] ?? NaN))), 0);
      if (stat !== 'sumSq' || !ctx.itemMeans) throw new Error(`no ${stat} for composite ${measure.name}`);
      // The product's filled-in score (report/group.ts): unanswered items count at the group's mean.
      const score = answers.reduce((s: number, x, j) => s + (x ?? ratToNumber(ctx.itemMeans?.[j] as Rat)), 0) / m;
      return score * score;
    }
    if (measure.type === 'position' && (stat === 'desSum' || stat === 'desSumSq')) {
      const pos = positionAnswersFrom(p.answers);
      const d = pos.current === undefined ? undefined : desiredPercent(pos);
      return d === undefined ? 0 : stat === 'desSum' ? d : d * d;
    }
    // Everything else is linear in the indicators by definition; evaluate the functional.
    return this.evaluate(this.functional(measure, stat, p), p);
  }

  /** evaluate computes a functional at the respondent's true answers. */
  evaluate(f: Functional, p: Person): number {
    return f.terms.reduce((s, t) => s + ratToNumber(t.c) * this.trueValue(t.kind, p), f.constant);
  }
}

function splitKind(kind: string): [string, string] {
  const i = kind.indexOf(':');
  return i < 0 ? [kind, ''] : [kind.slice(0, i), kind.slice(i + 1)];
}

/** termsOf turns a respondent's functional into engine terms (constants carry no information). */
export function termsOf(f: Functional, r: number): Term[] {
  return f.terms.map((t) => ({ r, kind: t.kind, c: t.c }));
}
