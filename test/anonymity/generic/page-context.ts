// What the page check's readers share for one release: the roles, the two waves' models, the
// names and thresholds that are not figures, and the checks of one table cell, one count and the
// chart data against the model (generic/page-check.ts explains the check).
import { INVOLUNTARY_DEFINITIONS } from '../../../src/report/position.js';
import type { Db } from '../../../src/store/db.js';
import type { Unit } from '../../../src/store/units.js';
import { nb } from '../../../src/web/i18n/nb.js';
import { Expectations, type Expected, type WaveModel } from './expected.js';
import type { Block } from './html.js';
import { agrees, closeTo, Names, num, PageLog, pattern, readFigure, readN, readWithheld, type Fact } from './page-reader.js';

/** What the check needs of a signed-in agent: a GET through the routes. */
export interface PageAgent {
  get(url: string): PromiseLike<{ status: number; text: string }>;
}

/** A signed-in role and the units it may see. */
export interface Viewer {
  name: string;
  agent: PageAgent;
  admin: boolean;
  canSee(unitId: string): boolean;
}

/** The comparison the case's wave takes part in: its project, the earlier wave and the mapped groups. */
export interface Comparison {
  projectId: number;
  before: WaveModel;
  /** Mapped groups: key, and member unit ids in the earlier and the case's wave. */
  groups: { key: string; before: string[]; after: string[] }[];
}

export interface PageReport {
  problems: string[];
  pages: number;
  figures: number;
  /** How many of the figures belong to mapped groups and show a value. */
  mapped: number;
}

/** round rounds half away from zero, as the displays do. */
export const round = (x: number, d: number): number => Math.sign(x) * Math.round(Math.abs(x) * 10 ** d + 1e-9) / 10 ** d;
/** signed2 reads a signed change ("+0,25", "−0,10", "±0,00"). */
export const signed2 = (text: string): number => num(text.replace(/^[+±]/, ''));

/** Everything the handlers share for one release. */
export class Context {
  readonly after: Expectations;
  readonly before?: Expectations;
  readonly names: Names;
  readonly thresholds: number[];
  readonly beforeThresholds: number[];
  readonly units: Map<string, Unit>;
  readonly factorByLabel: Map<string, string>;
  readonly itemByText: Map<string, string>;
  readonly facts = new Map<string, Set<Fact>>();
  problems: string[] = [];
  pages = 0;
  figures = 0;
  /** Figures of mapped groups shown with a value (pages and CSV). */
  mapped = 0;

  constructor(
    readonly db: Db,
    wave: WaveModel,
    readonly comparison?: Comparison,
    projectName?: string,
    earlierThresholds: readonly number[] = [],
  ) {
    this.after = new Expectations(wave);
    if (comparison) this.before = new Expectations(comparison.before);
    const r = wave.results;
    const s = r.survey;
    const t = r.disclosure.thresholds;
    // A figure withheld by an earlier release keeps the threshold it was withheld under.
    this.thresholds = [t.k, t.kDistribution, t.kText, ...earlierThresholds];
    const b = comparison?.before.results.disclosure.thresholds;
    this.beforeThresholds = b ? [b.k, b.kDistribution, b.kText] : [];
    this.units = new Map([...(comparison?.before.results.units ?? []), ...r.units].map((u) => [u.id, u]));
    this.factorByLabel = new Map(s.factors.map((f) => [f.label, f.id]));
    this.itemByText = new Map(s.items.map((i) => [i.text, i.id]));
    const scaleLabels = Object.values(s.scales).flatMap((sc) => sc.points.map((p) => p.label));
    const optionLabels = s.items.flatMap((i) => (i.type === 'single' || i.type === 'multi' ? i.options.map((o) => o.label) : []));
    const breakdownLabels = [...r.breakdowns.values()].flatMap((b) => (b.refused ? [] : b.cells.map((c) => c.label)));
    const inv = INVOLUNTARY_DEFINITIONS.flatMap((d) => [d.name, d.description]);
    const comments = [...this.after.comments.values()].flatMap((c) => [...c]);
    this.names = new Names([
      ...[...this.units.values()].flatMap((u) => [u.name, u.id]),
      r.wave.name,
      comparison?.before.results.wave.name ?? '',
      projectName ?? '',
      ...s.factors.map((f) => f.label),
      ...s.items.map((i) => i.text),
      ...scaleLabels,
      ...optionLabels,
      ...breakdownLabels,
      ...inv,
      ...comments,
    ]);
  }

  /** finish checks that every block with a digit left after names and static text was read by a rule. */
  finish(log: PageLog, blocks: Block[], read: Set<Block>, group: string): void {
    for (const b of blocks) {
      if (read.has(b) || !/\d/.test(b.text)) continue;
      // Chart data no rule read is a figure the attacker would miss, like any other.
      if (b.source === 'chart') {
        log.problem(group, b, 'chart data no rule of the attacker reads');
        continue;
      }
      const rest = this.names.strip(b.text);
      if (/\d/.test(rest)) log.problem(group, b, `a number no rule of the attacker reads (left after names: "${rest.slice(0, 80)}")`);
    }
    this.figures += log.figures;
    this.problems.push(...log.problems);
  }
}

export const T = (key: keyof typeof nb): string => nb[key];

/** withheldOrSize checks a group's n (its size) or the note that it is withheld. */
export function withheldOrSize(cx: Context, log: PageLog, group: string, b: Block, e: Expectations = cx.after): void {
  const w = readWithheld(b.text);
  if (w) return log.check(group, 'group', b, b.text, e.shown(group) ? 'a shown group reads as withheld' : w.kind === 'withheld' && w.k !== undefined && !cx.thresholds.includes(w.k) ? `threshold ${w.k}` : undefined);
  const n = pattern('results.nShort').exec(b.text)?.groups?.n ?? b.text;
  log.check(group, 'n', b, b.text, num(n) === e.size(group) ? undefined : `n ${n}, the group has ${e.size(group) ?? 'no shown n'}`);
}

/** unitOfLink reads the unit id from a link to a unit's page. */
export const unitOfLink = (href: string | undefined): string | undefined => (href ? decodeURIComponent(/\/enhet\/([^/?#]+)/.exec(href)?.[1] ?? '') || undefined : undefined);

/** The pieces of a figure a results table's column prints. */
export function cellFigure(cx: Context, log: PageLog, group: string, key: string, b: Block, what: 'figure' | 'figureN' | 'sd' | 'n' | 'favourable', e: Expected | undefined = cx.after.display(group, key), thresholds = cx.thresholds): void {
  const t = b.text;
  if (what === 'figure' || what === 'figureN') {
    const r = readFigure(t);
    return r ? log.check(group, key, b, t, agrees(r, e, what === 'figureN', thresholds)) : log.problem(group, b, `${key}: unreadable`);
  }
  const has = what === 'n' ? e?.n !== undefined || e?.nUpTo !== undefined : e?.[what === 'favourable' ? 'share' : what] !== undefined;
  if (t === '' || t === '–') return log.check(group, `${key}.${what}`, b, t, has ? `blank where the model has ${what}` : undefined);
  if (what === 'sd') return log.check(group, `${key}.sd`, b, t, closeTo(num(t), e?.sd, 0.05) ? undefined : `SD ${t}, the model ${e?.sd}`);
  if (what === 'favourable') return log.check(group, `${key}.share`, b, t, closeTo(num(t.replace(/ %$/, '')), e?.share === undefined ? undefined : 100 * e.share, 0.5) ? undefined : `share ${t}, the model ${e?.share}`);
  const n = readN(t);
  log.check(group, `${key}.n`, b, t, n && n.n === e?.n && n.nUpTo === e?.nUpTo ? undefined : `n ${t}, the model ${e?.n ?? `≤${e?.nUpTo}`}`);
}

/** countCell checks a shown count of one option against the model. */
export function countCell(cx: Context, log: PageLog, group: string, item: string, stat: string, b: Block): void {
  const want = cx.after.count(group, item, stat);
  log.check(group, `${item}.${stat}`, b, b.text, num(b.text) === want ? undefined : `count ${b.text}, the model ${want}`);
}

/** labelKey finds the figure a label names: a factor or a statement. */
export function labelKey(cx: Context, label: string): string | undefined {
  const f = cx.factorByLabel.get(label);
  if (f) return `factor:${f}`;
  const i = cx.itemByText.get(label);
  return i ? `item:${i}` : undefined;
}

/** chart checks the chart's data: per series (a group, or a wave) each factor's shown mean or null. */
export function chart(cx: Context, log: PageLog, b: Block, groupOf: (label: string) => string | undefined, kind: 'factors', expect?: (series: string, factor: string) => Expected | undefined): void {
  let data: { labels: string[]; series: { label: string; data: (number | null)[] }[]; min: number; max: number; kind?: string };
  try {
    data = JSON.parse(b.text);
  } catch {
    return log.problem('-', 'chart data', 'not JSON');
  }
  // The axis runs over the 1-5 scale: its ends are the scale's, not figures.
  if (data.min !== 1 || data.max !== 5) log.problem('-', 'chart data', `axis ${data.min}-${data.max}`);
  for (const s of data.series) {
    data.labels.forEach((label, j) => {
      const factor = cx.factorByLabel.get(label);
      const value = s.data[j] ?? null;
      const group = groupOf(s.label);
      const e = expect ? expect(s.label, factor ?? '') : group === undefined ? undefined : cx.after.display(group, `factor:${factor}`);
      const where = `chart ${kind} "${s.label}" / ${label}`;
      if (!factor || (group === undefined && !expect)) return log.problem(group ?? '-', where, 'a series or label the attacker does not know');
      log.fact(group ?? s.label, `chart:factor:${factor}`, String(value));
      if (value === null ? e?.mean !== undefined : !closeTo(value, e?.mean, 0.05)) log.problem(group ?? s.label, where, `plots ${value}, the model ${e?.mean}`);
    });
  }
}
