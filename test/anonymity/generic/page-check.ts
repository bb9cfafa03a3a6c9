// The page check (issue 11: "every figure every role can see"): for a release, each role fetches
// the pages it may open through the HTTP routes (results list, organisation overview with its heat
// map, each unit's results page with its chart data, follow-up and dialogue pages, the comparison
// overview, each comparison page with its chart data, and the project leader's list of clear
// changes), every readable block of each page is read (generic/html.ts), and every number in it
// must be one the model holds: the same group, the same figure, equal after the display's
// rounding (generic/page-reader.ts), or a function of model figures computed here (a mapped
// group's pooled figures, a change, its interval, the change it could have detected, a share).
// Anything else with a digit in it fails, naming the page, the group and the text, so a template
// that prints a new figure cannot escape the attacker. Each role's facts must also be among the
// project leader's.
import { detectableDifference, welch } from '../../../src/report/welch.js';
import { newcombe } from '../../../src/report/proportions.js';
import { RAUS_ITEM_IDS } from '../../../src/report/group.js';
import { INVOLUNTARY_DEFINITIONS } from '../../../src/report/position.js';
import { listActions } from '../../../src/store/followups.js';
import type { Db } from '../../../src/store/db.js';
import { subtreeIds, type Unit } from '../../../src/store/units.js';
import { nb } from '../../../src/web/i18n/nb.js';
import { Expectations, type Expected, type WaveModel } from './expected.js';
import { readBlocks, type Block } from './html.js';
import { parseCsv } from '../helpers.js';
import { agrees, closeTo, Names, num, PageLog, pattern, readFigure, readN, readWithheld, type Fact, type Reading } from './page-reader.js';
import { withheldNote } from '../../../src/web/results/csv.js';

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

const round = (x: number, d: number): number => Math.sign(x) * Math.round(Math.abs(x) * 10 ** d + 1e-9) / 10 ** d;
const signed2 = (text: string): number => num(text.replace(/^[+±]/, ''));

/** Everything the handlers share for one release. */
class Context {
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
    const position = r.tables.get(r.rootIds[0] ?? '');
    const inv = position?.released && position.position?.distribution.released ? position.position.distribution.involuntary.flatMap((d) => [d.name, d.description]) : [];
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

  /** unitOfName finds a unit by its name (names are unique within a case). */
  unitOfName(name: string): string | undefined {
    return [...this.units.values()].find((u) => u.name === name)?.id;
  }

  /** finish checks that every block with a digit left after names and static text was read by a rule. */
  finish(log: PageLog, blocks: Block[], read: Set<Block>, group: string): void {
    for (const b of blocks) {
      if (read.has(b) || b.source === 'chart' || !/\d/.test(b.text)) continue;
      const rest = this.names.strip(b.text);
      if (/\d/.test(rest)) log.problem(group, b, `a number no rule of the attacker reads (left after names: "${rest.slice(0, 80)}")`);
    }
    this.figures += log.figures;
    this.problems.push(...log.problems);
  }
}

async function fetchPage(cx: Context, viewer: Viewer, url: string): Promise<string | undefined> {
  const res = await viewer.agent.get(url);
  cx.pages++;
  if (res.status === 200) return res.text;
  cx.problems.push(`${viewer.name} ${url}: answered ${res.status}`);
  return undefined;
}

/** checkPages reads every page each viewer may open for the case's wave in this release. */
export async function checkPages(db: Db, wave: WaveModel, viewers: readonly Viewer[], comparison?: Comparison, projectName?: string, earlierThresholds: readonly number[] = []): Promise<PageReport> {
  const cx = new Context(db, wave, comparison, projectName, earlierThresholds);
  const r = wave.results;
  const id = r.wave.id;
  for (const v of viewers) {
    const facts = new Set<Fact>();
    cx.facts.set(v.name, facts);
    const visible = r.units.filter((u) => v.canSee(u.id));
    const read = async (url: string, group: string, handle: (log: PageLog, blocks: Block[], seen: Set<Block>) => void): Promise<void> => {
      const html = await fetchPage(cx, v, url);
      if (html === undefined) return;
      const log = new PageLog(`${v.name} ${url}`);
      const blocks = readBlocks(html);
      const seen = new Set<Block>();
      handle(log, blocks, seen);
      cx.finish(log, blocks, seen, group);
      for (const f of log.facts) facts.add(f);
    };
    await read(`/resultater/${id}`, '-', (log, blocks, seen) => listPage(cx, log, blocks, seen));
    await read(`/resultater/${id}/organisasjon`, '-', (log, blocks, seen) => heatMap(cx, log, blocks, seen));
    for (const u of visible) {
      await read(`/resultater/${id}/enhet/${u.id}`, u.id, (log, blocks, seen) => unitPage(cx, u, log, blocks, seen));
      await read(`/oppfolging/${id}/enhet/${u.id}`, u.id, (log, blocks, seen) => followupPage(cx, u, log, blocks, seen));
      await read(`/oppfolging/${id}/enhet/${u.id}/dialog`, u.id, (log, blocks, seen) => followupPage(cx, u, log, blocks, seen));
    }
    await read(`/oppfolging/${id}`, '-', (log, blocks, seen) => followupOverview(cx, log, blocks, seen));
    if (comparison) {
      const p = comparison.projectId;
      const groups = compareGroups(cx).filter((g) => [...g.before, ...g.after].every((u) => v.canSee(u)));
      // Without a group of its own a role is refused the comparison (403), and sees nothing there.
      if (v.admin || groups.length > 0) await read(`/sammenligning/${p}`, '-', (log, blocks, seen) => compareIndex(cx, log, blocks, seen));
      for (const g of groups) await read(`/sammenligning/${p}/enhet/${encodeURIComponent(g.key)}`, g.key, (log, blocks, seen) => compareUnit(cx, g, log, blocks, seen));
      if (v.admin) await read(`/sammenligning/${p}/endringer`, '-', (log, blocks, seen) => changesPage(cx, log, blocks, seen));
      // The mapped groups' comparison CSV (the units' own are checked against their results CSV by csv-check.ts).
      for (const g of v.admin ? comparison.groups : []) {
        const url = `/sammenligning/${p}/enhet/${encodeURIComponent(g.key)}/csv`;
        const res = await v.agent.get(url);
        cx.pages++;
        const log = new PageLog(`${v.name} ${url}`);
        if (res.status === 200) mappedCsv(cx, g, log, parseCsv(res.text));
        else log.problem(g.key, url, `answered ${res.status}`);
        cx.finish(log, [], new Set(), g.key);
        for (const f of log.facts) facts.add(f);
      }
    }
  }
  const admin = cx.facts.get(viewers.find((v) => v.admin)?.name ?? '');
  for (const [name, facts] of cx.facts) {
    if (!admin || facts === admin) continue;
    for (const f of facts) if (!admin.has(f)) cx.problems.push(`${name} sees ${f}, which the project leader does not`);
  }
  return { problems: cx.problems, pages: cx.pages, figures: cx.figures, mapped: cx.mapped };
}

/** The comparison groups: each unit in both waves (not mapped), and the mapped groups. */
function compareGroups(cx: Context): { key: string; before: string[]; after: string[] }[] {
  const c = cx.comparison;
  if (!c) return [];
  const mapped = new Set(c.groups.flatMap((g) => [...g.before, ...g.after]));
  const plain = cx.after.wave.results.units.filter((u) => !mapped.has(u.id) && c.before.results.tables.has(u.id)).map((u) => ({ key: u.id, before: [u.id], after: [u.id] }));
  return [...plain, ...c.groups];
}

const T = (key: keyof typeof nb): string => nb[key];

function withheldOrSize(cx: Context, log: PageLog, group: string, b: Block, e: Expectations = cx.after): void {
  const w = readWithheld(b.text);
  if (w) return log.check(group, 'group', b, b.text, e.shown(group) ? 'a shown group reads as withheld' : w.kind === 'withheld' && w.k !== undefined && !cx.thresholds.includes(w.k) ? `threshold ${w.k}` : undefined);
  const n = pattern('results.nShort').exec(b.text)?.groups?.n ?? b.text;
  log.check(group, 'n', b, b.text, num(n) === e.size(group) ? undefined : `n ${n}, the group has ${e.size(group) ?? 'no shown n'}`);
}

const unitOfLink = (href: string | undefined): string | undefined => (href ? decodeURIComponent(/\/enhet\/([^/?#]+)/.exec(href)?.[1] ?? '') || undefined : undefined);

/** The results list: each unit's n (the group's size) and response rate, or why it is withheld. */
function listPage(cx: Context, log: PageLog, blocks: Block[], seen: Set<Block>): void {
  for (const b of blocks) {
    if (b.tag === 'p' && pattern('results.indexIntro').test(b.text)) {
      seen.add(b);
      const k = num(pattern('results.indexIntro').exec(b.text)?.groups?.k);
      if (k !== cx.thresholds[0]) log.problem('-', b, `k ${k}, the wave's ${cx.thresholds[0]}`);
      continue;
    }
    const unit = unitOfLink(b.rowLink);
    if (b.tag !== 'td' || !unit) continue;
    seen.add(b);
    if (b.columnIndex === 1) withheldOrSize(cx, log, unit, b);
    else if (b.text !== '–') log.problem(unit, b, 'a response rate, but the units have no headcount in these cases');
  }
}

/** The heat map: each unit's n and each factor's mean (with its n where it differs), and its colour band. */
function heatMap(cx: Context, log: PageLog, blocks: Block[], seen: Set<Block>): void {
  for (const b of blocks) {
    const unit = unitOfLink(b.rowLink);
    if (!unit || (b.tag !== 'td' && !(b.source === 'title' && b.path.some((e) => e.tag === 'td')))) continue;
    seen.add(b);
    if (b.source === 'title') {
      const w = readWithheld(b.text);
      if (!w) log.problem(unit, b, 'a title that is not a withheld note');
      else if (w.kind === 'withheld' && w.k !== undefined && !cx.thresholds.includes(w.k)) log.problem(unit, b, `threshold ${w.k}`);
      continue;
    }
    if (b.columnIndex === 1) {
      withheldOrSize(cx, log, unit, b);
      continue;
    }
    const factor = cx.factorByLabel.get(b.column ?? '');
    if (!factor) {
      log.problem(unit, b, 'a heat map column that is no factor');
      continue;
    }
    const r = readFigure(b.text.replace(/ \(n = (\d+)\)$/, ' (n = $1)'));
    const e = cx.after.display(unit, `factor:${factor}`);
    if (!r) {
      log.problem(unit, b, 'unreadable');
      continue;
    }
    // The cell prints the factor's n only where it differs from the unit's.
    const want = r.kind === 'value' && r.n === undefined && e?.n !== undefined && e.n === cx.after.size(unit) ? { ...e, n: undefined } : e;
    log.check(unit, `factor:${factor}`, b, b.text, agrees(r, want as Expected | undefined, false, cx.thresholds));
    const band = /heat-(\w+)/.exec(b.attrs.class ?? '')?.[1];
    const m = r.kind === 'value' ? r.mean : undefined;
    const wantBand = m === undefined ? 'none' : m >= 4.2 ? 'high' : m >= 3.6 ? 'good' : m >= 3.0 ? 'mid' : 'low';
    if (band !== wantBand) log.problem(unit, b, `colour band ${band}, the shown mean gives ${wantBand}`);
  }
}

/** The pieces of a figure a results table's column prints. */
function cellFigure(cx: Context, log: PageLog, group: string, key: string, b: Block, what: 'figure' | 'figureN' | 'sd' | 'n' | 'favourable', e: Expected | undefined = cx.after.display(group, key), thresholds = cx.thresholds): void {
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

function countCell(cx: Context, log: PageLog, group: string, item: string, stat: string, b: Block): void {
  const want = cx.after.count(group, item, stat);
  log.check(group, `${item}.${stat}`, b, b.text, num(b.text) === want ? undefined : `count ${b.text}, the model ${want}`);
}

/** A unit's results page. */
function unitPage(cx: Context, unit: Unit, log: PageLog, blocks: Block[], seen: Set<Block>): void {
  const r = cx.after.wave.results;
  const s = r.survey;
  const g = unit.id;
  const parent = unit.parentId ?? undefined;
  const root = r.rootIds.find((id) => id !== g && subtreeIds(r.units, [id]).has(g));
  const compareGroup = (label: string | undefined): string | undefined => (label === T('results.wholeOrganisation') ? root : parent && cx.units.get(parent)?.name === label ? parent : undefined);
  const breakdown = r.breakdowns.get(g);
  const scaleItems = s.items.filter((i) => i.type === 'scale');
  let scaleItem: string | undefined;
  for (const b of blocks) {
    const inSection = (id: string): boolean => b.path.some((e) => e.attrs['aria-labelledby'] === id);
    const text = b.text;
    if (b.source === 'chart') {
      seen.add(b);
      chart(cx, log, b, (label) => (label === unit.name ? g : compareGroup(label)), 'factors');
      continue;
    }
    if (b.source === 'title') {
      seen.add(b);
      const w = readWithheld(text);
      if (w?.kind === 'withheld' && w.k !== undefined && !cx.thresholds.includes(w.k)) log.problem(g, b, `threshold ${w.k}`);
      continue;
    }
    if (b.tag === 'p' && b.attrs.class === 'lead') {
      seen.add(b);
      const n = pattern('results.nOnly').exec(text)?.groups?.n;
      log.check(g, 'n', b, text, num(n) === cx.after.size(g) ? undefined : `n ${n}, the group has ${cx.after.size(g)}`);
      continue;
    }
    if (b.tag === 'p' && (pattern('results.withheldBelowK').test(text) || pattern('results.withheldComplementary').test(text) || pattern('results.withheldRelease').test(text))) {
      seen.add(b);
      const table = r.tables.get(g);
      const reason = pattern('results.withheldBelowK').test(text) ? 'below_k' : pattern('results.withheldComplementary').test(text) ? 'complementary' : 'release';
      // How many figures of the table carry the reason: each is marked withheld on the page.
      const n = /^(\d+) /.exec(text)?.[1];
      log.check(g, `withheld.${reason}`, b, text, table?.released && num(n) === table.withheld[reason] ? undefined : 'a withheld count that is not the table’s');
      continue;
    }
    if (b.tag === 'p' && pattern('results.hiddenBelowK').test(text)) {
      seen.add(b);
      const k = num(pattern('results.hiddenBelowK').exec(text)?.groups?.k);
      if (!cx.thresholds.includes(k)) log.problem(g, b, `threshold ${k}`);
      continue;
    }
    if (b.tag === 'p' && pattern('results.positionHidden').test(text)) {
      seen.add(b);
      const k = num(pattern('results.positionHidden').exec(text)?.groups?.k);
      if (!cx.thresholds.includes(k)) log.problem(g, b, `threshold ${k}`);
      continue;
    }
    if (b.tag === 'span' && b.attrs.class === 'score') {
      seen.add(b);
      const key = labelKey(cx, b.before);
      if (!key) log.problem(g, b, `a score beside "${b.before}"`);
      else cellFigure(cx, log, g, key, b, 'figureN');
      continue;
    }
    if (b.tag === 'td' && b.tableId === 'factor-table') {
      seen.add(b);
      const f = cx.factorByLabel.get(b.rowLabel ?? '');
      if (!f) {
        log.problem(g, b, 'a row that is no factor');
        continue;
      }
      const col = b.columnIndex ?? -1;
      if (col <= 3) cellFigure(cx, log, g, `factor:${f}`, b, (['figure', 'figure', 'sd', 'n'] as const)[col] ?? 'figure');
      else {
        const other = compareGroup(b.column);
        if (!other) log.problem(g, b, `a column "${b.column}" that is neither the parent nor the organisation`);
        else if (!cx.after.shown(other)) withheldOrSize(cx, log, other, { ...b, text: text.replace(/^– ?/, '') });
        else cellFigure(cx, log, other, `factor:${f}`, b, 'figureN');
      }
      continue;
    }
    if (b.tag === 'td' && /\bitems\b/.test(b.tableClass ?? '')) {
      seen.add(b);
      const item = cx.itemByText.get(b.rowLabel ?? '');
      if (!item) {
        log.problem(g, b, 'a row that is no statement');
        continue;
      }
      const col = b.columnIndex ?? -1;
      if (col === 5) {
        if (text === '–') log.check(g, `${item}.dk`, b, text, cx.after.count(g, item, 'answered') === undefined ? undefined : 'blank where the distribution is shown');
        else countCell(cx, log, g, item, 'dk', b);
      } else cellFigure(cx, log, g, `item:${item}`, b, (['figure', 'figure', 'sd', 'favourable', 'n'] as const)[col] ?? 'figure');
      continue;
    }
    if ((b.tag === 'td' || b.tag === 'th') && (b.caption ?? '').startsWith(T('results.distributionOf').split('{')[0] as string)) {
      seen.add(b);
      if (b.tag === 'th') continue;
      const item = cx.itemByText.get(b.rowLabel ?? '');
      const def = s.items.find((i) => i.id === item);
      const point = def && 'scale' in def ? s.scales[def.scale]?.points.find((p) => p.label === b.column) : undefined;
      if (!item) log.problem(g, b, 'a distribution row that is no statement');
      else countCell(cx, log, g, item, b.column === T('results.dontKnow') ? 'dk' : `count:${point?.value}`, b);
      continue;
    }
    if (b.tag === 'p' && inSection('wellbeing-title') && b.attrs.class !== 'hint') {
      seen.add(b);
      const item = scaleItems.find((i) => text.startsWith(`${i.text}: `));
      if (!item) {
        log.problem(g, b, 'a wellbeing line for no 0-10 item');
        continue;
      }
      scaleItem = item.id;
      const m = new RegExp(`^(.*?) ${T('results.of10')}(?: \\((.*) ${T('results.answers')}\\))?$`).exec(text.slice(item.text.length + 2));
      if (!m) {
        log.problem(g, b, 'unreadable');
        continue;
      }
      const fig = readFigure(`${m[1]}${m[2] === undefined ? '' : ` (${/^\d+$/.test(m[2]) ? `n = ${m[2]}` : m[2]})`}`);
      if (!fig) log.problem(g, b, 'unreadable figure');
      else log.check(g, `item:${item.id}`, b, text, agrees(fig, cx.after.display(g, `item:${item.id}`), m[2] !== undefined, cx.thresholds));
      continue;
    }
    if ((b.tag === 'td' || b.tag === 'th') && b.caption === T('results.distribution') && inSection('wellbeing-title')) {
      seen.add(b);
      if (b.tag === 'th') {
        if (!/^\d+$/.test(text)) log.problem(g, b, 'a scale point that is no number');
        continue;
      }
      if (!scaleItem) log.problem(g, b, 'a distribution before its item');
      else countCell(cx, log, g, scaleItem, `count:${b.column}`, b);
      continue;
    }
    if (b.tag === 'td' && inSection('nd-title')) {
      seen.add(b);
      const item = cx.itemByText.get(b.rowLabel ?? '');
      const col = b.columnIndex ?? -1;
      const key = col <= 2 ? `now:${item}` : col <= 4 ? `desired:${item}` : `gap:${item}`;
      cellFigure(cx, log, g, key, b, col === 2 || col === 4 ? 'n' : 'figure');
      continue;
    }
    if (b.tag === 'td' && inSection('raus-title')) {
      seen.add(b);
      const key = b.rowLabel === T('results.rausTotal') ? 'raus_total' : `item:${cx.itemByText.get(b.rowLabel ?? '')}`;
      const col = b.columnIndex ?? -1;
      if (key === 'raus_total' && col === 2 && text === '') continue;
      cellFigure(cx, log, g, key, b, (['figure', 'figure', 'favourable', 'n'] as const)[col] ?? 'figure');
      continue;
    }
    if (b.tag === 'dd' && inSection('position-title')) {
      seen.add(b);
      const key = b.before === '' && b.path.length ? positionKey(blocks, b) : undefined;
      const fig = readFigure(text.replace(' % (', ' (').replace(/ %$/, ''));
      if (!key || !fig) log.problem(g, b, 'unreadable position figure');
      else log.check(g, key, b, text, agrees(fig, cx.after.display(g, key), true, cx.thresholds));
      continue;
    }
    if ((b.tag === 'td' || b.tag === 'th' || b.tag === 'caption') && inSection('position-title')) {
      seen.add(b);
      positionTable(cx, log, g, b);
      continue;
    }
    if (b.tag === 'li' && b.path.some((e) => e.attrs.class === 'comments')) {
      seen.add(b);
      log.check(g, 'comment', b, text, cx.after.comments.get(g)?.has(text) ? undefined : 'a comment the model did not collect for this group');
      continue;
    }
    if (breakdown && !breakdown.refused && inSection('breakdown-title') && (b.tag === 'th' || b.tag === 'td')) {
      seen.add(b);
      const cellOf = (label: string | undefined) => breakdown.cells.find((c) => label !== undefined && (label === c.label || label.startsWith(`${c.label} (`)));
      if (b.tag === 'th' && b.attrs.scope === 'col') {
        const cell = cellOf(text);
        if (!cell) continue;
        const n = /\(n=(\d+)\)$/.exec(text)?.[1];
        if (n !== undefined) log.check(`${g}/${cell.id}`, 'n', b, text, num(n) === cx.after.display(`${g}/${cell.id}`, 'n')?.n ? undefined : 'a category n the model does not have');
        continue;
      }
      const cell = cellOf(b.column);
      const f = cx.factorByLabel.get(b.rowLabel ?? '');
      if (b.tag === 'td' && cell && f) cellFigure(cx, log, `${g}/${cell.id}`, `factor:${f}`, b, 'figureN');
      else if (b.tag === 'td') log.problem(g, b, 'a breakdown cell of no category and factor');
      continue;
    }
    if (b.tag === 'li' && inSection('children-title')) {
      seen.add(b);
      const child = unitOfLink(b.links[0]) ?? r.units.find((u) => u.parentId === g && text.startsWith(`${u.name}: `))?.id;
      if (!child) {
        log.problem(g, b, 'a child that is no unit');
        continue;
      }
      const rest = text.startsWith(`${cx.units.get(child)?.name}: `) ? text.slice((cx.units.get(child)?.name.length ?? 0) + 2) : text.replace(/^\((.*)\)$/, '$1');
      withheldOrSize(cx, log, child, { ...b, text: rest });
    }
  }
}

/** Which position figure a <dd> holds: its <dt>'s label, read from the block before it. */
function positionKey(blocks: Block[], dd: Block): string | undefined {
  const dt = blocks.slice(0, blocks.indexOf(dd)).reverse().find((x) => x.tag === 'dt');
  return dt?.text === T('results.positionCurrent') ? 'position:current' : dt?.text === T('results.positionDesired') ? 'position:desired' : undefined;
}

const SHARE_ROWS: Record<string, string> = {
  [nb['results.fullTime']]: 'fullTime',
  [nb['results.partTime']]: 'partTime',
  [nb['results.wantsMore']]: 'more',
  [nb['results.wantsSame']]: 'same',
  [nb['results.wantsLess']]: 'less',
};

/** The position shares and the involuntary part-time table: counts, shares of all and of part-time. */
function positionTable(cx: Context, log: PageLog, g: string, b: Block): void {
  const d = (key: string) => cx.after.display(g, key);
  const all = d('share:fullTime')?.n;
  const part = d('share:partTime')?.count;
  const text = b.text;
  if (b.tag === 'caption' || b.tag === 'th') {
    for (const [key, want] of [['results.positionShares', all], ['results.shareOfAll', all], ['results.shareOfPartTime', part]] as const) {
      const m = pattern(key).exec(text);
      if (m) return log.check(g, `position.${key}`, b, text, num(m.groups?.n) === want ? undefined : `n ${m.groups?.n}, the model ${want}`);
    }
    return;
  }
  const inv = cx.after.wave.results.survey && [...(cx.after.wave.rf.displays.filter((x) => x.group === g && x.key.startsWith('share:inv:')))].map((x) => x.key.slice('share:inv:'.length));
  const invId = inv.find((id) => (b.rowLabel ?? '').length > 0 && positionDefinitionName(cx, g, id) !== undefined && (b.rowLabel ?? '').startsWith(positionDefinitionName(cx, g, id) as string));
  const row = SHARE_ROWS[b.rowLabel ?? ''] ?? (invId ? `inv:${invId}` : undefined);
  if (!row) return log.problem(g, b, 'a position row the attacker does not know');
  const col = b.columnIndex ?? -1;
  const count = d(`share:${row}`)?.count;
  if (col === 1) return log.check(g, `share:${row}`, b, text, num(text) === count ? undefined : `count ${text}, the model ${count}`);
  if (text === '–') return log.check(g, `share:${row}.${col}`, b, text, col === 3 && (!['more', 'inv'].some((x) => row.startsWith(x)) || part === 0) ? undefined : 'a share left blank');
  const denominator = col === 2 ? all : part;
  const count2 = row === 'more' && col === 3 ? d('share:moreOfPartTime')?.count : count;
  const want = denominator ? round((100 * (count2 ?? NaN)) / denominator, 0) : undefined;
  log.check(g, `share:${row}.${col}`, b, text, num(text.replace(/ %$/, '')) === want ? undefined : `share ${text}, the model's counts give ${want}`);
}

function positionDefinitionName(cx: Context, g: string, id: string): string | undefined {
  const t = cx.after.wave.results.tables.get(g);
  return t?.released && t.position?.distribution.released ? t.position.distribution.involuntary.find((x) => x.id === id)?.name : undefined;
}

/** labelKey finds the figure a label names: a factor or a statement. */
function labelKey(cx: Context, label: string): string | undefined {
  const f = cx.factorByLabel.get(label);
  if (f) return `factor:${f}`;
  const i = cx.itemByText.get(label);
  return i ? `item:${i}` : undefined;
}

/** chart checks the chart's data: per series (a group, or a wave) each factor's shown mean or null. */
function chart(cx: Context, log: PageLog, b: Block, groupOf: (label: string) => string | undefined, kind: 'factors', expect?: (series: string, factor: string) => Expected | undefined): void {
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

/** The follow-up page and the dialogue page: the means of the basis group (the unit's, or the nearest shown above). */
function followupPage(cx: Context, unit: Unit, log: PageLog, blocks: Block[], seen: Set<Block>): void {
  let basis: string | undefined;
  for (let u: Unit | undefined = unit; u && !basis; u = u.parentId ? cx.units.get(u.parentId) : undefined) if (cx.after.shown(u.id)) basis = u.id;
  for (const b of blocks) {
    const key = b.tag === 'label' && /^[sa]-/.test(b.attrs.for ?? '') ? keyOfChoice(cx, b.attrs.for?.slice(2) ?? '') : b.tag === 'span' && b.attrs.class === 'score' ? labelKey(cx, b.before) : undefined;
    if (!key) continue;
    seen.add(b);
    if (!basis) {
      log.problem(unit.id, b, 'a figure with no shown group to come from');
      continue;
    }
    // The label reads "Label (påstand, 3,4)" on the follow-up page; a score is the figure alone.
    const figure = b.tag === 'label' ? (/\(([^()]*)\)$/.exec(b.text)?.[1] ?? '').replace(`${T('followup.statement')}, `, '') : b.text;
    const r = readFigure(figure);
    if (!r) log.problem(basis, b, 'unreadable');
    else log.check(basis, key, b, figure, agrees(r, cx.after.display(basis, key), false, cx.thresholds));
  }
}

function keyOfChoice(cx: Context, id: string): string | undefined {
  const s = cx.after.wave.results.survey;
  if (s.factors.some((f) => f.id === id)) return `factor:${id}`;
  return s.items.some((i) => i.id === id) ? `item:${id}` : undefined;
}

/** The follow-up overview: staff action counts (zero here: the cases add none) and, for the project
 *  leader, the factors no unit acts on with the organisation's mean. */
function followupOverview(cx: Context, log: PageLog, blocks: Block[], seen: Set<Block>): void {
  const r = cx.after.wave.results;
  const root = r.rootIds.find((id) => cx.after.shown(id));
  for (const b of blocks) {
    const unit = unitOfLink(b.rowLink);
    if (unit && b.tag === 'td') {
      seen.add(b);
      // Staff data, not results: the number of actions and overdue actions recorded for the unit.
      const actions = listActions(cx.db, r.wave.id, unit).length;
      if (b.columnIndex === 2 && num(b.text) !== actions) log.problem(unit, b, `${b.text} actions, the unit has ${actions}`);
      if (b.columnIndex === 3 && b.text !== '') log.problem(unit, b, 'overdue actions in a case without actions');
      continue;
    }
    const orgMean = new RegExp(`\\(${T('followup.orgMean')} (.*)\\)$`).exec(b.text);
    if (b.tag === 'li' && orgMean) {
      seen.add(b);
      const label = b.text.slice(0, orgMean.index).trim();
      const f = cx.factorByLabel.get(label);
      const fig = readFigure(orgMean[1] ?? '');
      if (!f || !fig || !root) log.problem(root ?? '-', b, 'an organisation mean of no factor');
      else log.check(root, `factor:${f}`, b, orgMean[1] ?? '', agrees(fig, cx.after.display(root, `factor:${f}`), false, cx.thresholds));
    }
  }
}

/** The expected figure of a comparison group in one wave: a unit's own, or its members' pooled. */
function groupFigure(e: Expectations, members: readonly string[], key: string): Expected | undefined {
  const s = e.wave.results.survey;
  if (key.startsWith('factor:')) return e.mergedComposite(members, key, s.items.filter((i) => i.type === 'likert' && i.factor === key.slice(7)).map((i) => i.id));
  if (key === 'raus_total') return e.mergedComposite(members, key, s.items.filter((i) => i.type === 'likert' && RAUS_ITEM_IDS.includes(i.id)).map((i) => i.id));
  return e.merged(members, key);
}

const groupShown = (e: Expectations, members: readonly string[]): boolean => members.every((m) => e.shown(m));
const groupSize = (e: Expectations, members: readonly string[]): number => members.reduce((s, m) => s + (e.size(m) ?? 0), 0);

/** The comparison overview: per group and wave, its n or why there is none. */
function compareIndex(cx: Context, log: PageLog, blocks: Block[], seen: Set<Block>): void {
  const before = cx.before as Expectations;
  const groups = compareGroups(cx);
  const waves = [before.wave.results.wave.name, cx.after.wave.results.wave.name];
  for (const b of blocks) {
    if (b.tag !== 'td' || !b.rowLabel) continue;
    const g = groups.find((x) => unitOfLink(b.rowLink) === x.key) ?? groups.find((x) => b.rowLabel?.startsWith(groupLabel(cx, x)));
    const k = waves.indexOf(b.column ?? '');
    if (!g || k < 0) continue;
    seen.add(b);
    const [e, members] = k === 0 ? [before, g.before] : [cx.after, g.after];
    const shown = groupShown(before, g.before) && groupShown(cx.after, g.after);
    if (!shown) {
      const w = readWithheld(b.text);
      if (b.text !== '' && !w) log.problem(g.key, b, 'a hidden comparison with a number that is no threshold');
      else if (w?.kind === 'withheld' && w.k !== undefined && !(k === 0 ? cx.beforeThresholds : cx.thresholds).includes(w.k)) log.problem(g.key, b, `threshold ${w.k}`);
      log.fact(g.key, `compare.hidden.${k}`, b.text);
      continue;
    }
    const n = num(pattern('results.nShort').exec(b.text)?.groups?.n);
    log.check(g.key, `compare.n.${k}`, b, b.text, n === groupSize(e, members) ? undefined : `n ${n}, the members hold ${groupSize(e, members)}`);
  }
}

function groupLabel(cx: Context, g: { before: string[]; after: string[] }): string {
  const name = (ids: string[]) => ids.map((id) => cx.units.get(id)?.name ?? id).join(' + ');
  return g.before.length === 1 && g.after.length === 1 && g.before[0] === g.after[0] ? name(g.after) : `${name(g.before)} → ${name(g.after)}`;
}

/** The row label of a comparison table: which figure it compares. */
function compareRowKey(cx: Context, label: string): string | undefined {
  if (label === T('results.rausTotal')) return 'raus_total';
  if (label === `${T('results.positionCurrent')} (%)`) return 'position:current';
  if (label === `${T('results.positionDesired')} (%)`) return 'position:desired';
  return labelKey(cx, label);
}

const COMPARE_SHARES: Record<string, string> = { [nb['compare.share.fullTime']]: 'fullTime', [nb['compare.share.more']]: 'more', [nb['compare.share.same']]: 'same', [nb['compare.share.less']]: 'less' };

/** One group's comparison page: each wave's figures, the changes, their intervals and what they could have detected. */
function compareUnit(cx: Context, g: { key: string; before: string[]; after: string[] }, log: PageLog, blocks: Block[], seen: Set<Block>): void {
  const before = cx.before as Expectations;
  const waves = [before.wave.results.wave.name, cx.after.wave.results.wave.name];
  const figureOf = (k: number, key: string) => groupFigure(k === 0 ? before : cx.after, k === 0 ? g.before : g.after, key);
  for (const b of blocks) {
    if (b.source === 'chart') {
      seen.add(b);
      chart(cx, log, b, (label) => (waves.includes(label) ? g.key : undefined), 'factors', (series, factor) => figureOf(waves.indexOf(series), `factor:${factor}`));
      continue;
    }
    if (b.source === 'title') {
      seen.add(b);
      const w = readWithheld(b.text);
      if (w?.kind === 'withheld' && w.k !== undefined && ![...cx.thresholds, ...cx.beforeThresholds].includes(w.k)) log.problem(g.key, b, `threshold ${w.k}`);
      continue;
    }
    if (b.tag === 'p' && b.attrs.class === 'lead') {
      seen.add(b);
      for (const part of b.text.split(' · ')) {
        const k = waves.findIndex((w) => part.startsWith(`${w}: `));
        const n = num(pattern('results.nShort').exec(part.slice((waves[k] ?? '').length + 2))?.groups?.n);
        log.check(g.key, `compare.n.${k}`, b, part, k >= 0 && n === groupSize(k === 0 ? before : cx.after, k === 0 ? g.before : g.after) ? undefined : `n ${n}, the members hold another`);
      }
      continue;
    }
    if (b.tag !== 'td' || b.rowLabel === undefined) continue;
    const shareRow = b.path.some((e) => e.tag === 'table') && (b.caption === T('compare.positionShares'));
    if (shareRow) {
      seen.add(b);
      compareShare(cx, g, log, b, figureOf);
      continue;
    }
    const key = compareRowKey(cx, b.rowLabel);
    if (!key) continue;
    seen.add(b);
    const k = waves.indexOf(b.column ?? '');
    const fa = figureOf(0, key);
    const fb = figureOf(1, key);
    if (k >= 0) {
      if (g.key.startsWith('gruppe:') && (k === 0 ? fa : fb)?.mean !== undefined) cx.mapped++;
      cellFigure(cx, log, g.key, `${key}@${k}`, b, 'figureN', k === 0 ? fa : fb, k === 0 ? cx.beforeThresholds : cx.thresholds);
      continue;
    }
    // A change needs exact n, mean and SD in both waves (compare.ts): then it, its interval and
    // the change it could have detected are functions of those six model figures.
    const w = fa?.n !== undefined && fb?.n !== undefined && fa.sd !== undefined && fb.sd !== undefined && fa.mean !== undefined && fb.mean !== undefined && !fa.meanBound && !fb.meanBound ? welch({ n: fa.n, mean: fa.mean, sd: fa.sd }, { n: fb.n, mean: fb.mean, sd: fb.sd }) : undefined;
    if (b.column === T('compare.change')) {
      if (b.text === '') log.check(g.key, `${key}.change`, b, '', w ? 'no change beside figures that give one' : undefined);
      else log.check(g.key, `${key}.change`, b, b.text, w && closeTo(signed2(b.text), w.diff, 0.005) ? undefined : `change ${b.text}, the model ${w?.diff}`);
    } else if (b.column === T('compare.interval')) {
      if (b.text === '' || b.text === T('compare.intervalNone')) log.check(g.key, `${key}.interval`, b, b.text, b.text === T('compare.intervalNone') && w?.se !== 0 ? 'no interval beside spread' : undefined);
      else {
        const [low, high] = b.text.split(' til ').map(num);
        log.check(g.key, `${key}.interval`, b, b.text, w && closeTo(low as number, w.low, 0.005) && closeTo(high as number, w.high, 0.005) ? undefined : `interval ${b.text}, the model ${w?.low} til ${w?.high}`);
      }
    } else if (b.column === T('compare.reading')) {
      const m = pattern('compare.detectable', false).exec(b.text) ?? pattern('compare.detectableSame', false).exec(b.text);
      if (!m) continue;
      const d = w ? detectableDifference(w) : undefined;
      const ns = [m.groups?.a ?? m.groups?.n, m.groups?.b ?? m.groups?.n].map(num);
      log.check(g.key, `${key}.detectable`, b, b.text, d !== undefined && closeTo(num(m.groups?.d), d, 0.005) && ns[0] === fa?.n && ns[1] === fb?.n ? undefined : `detectable ${m.groups?.d} with n ${ns.join('/')}, the model ${d} with ${fa?.n}/${fb?.n}`);
    } else log.problem(g.key, b, 'a comparison column the attacker does not know');
  }
}

/** A row of the position shares comparison: each wave's share and n, the change in points, its interval and the relative change. */
function compareShare(cx: Context, g: { key: string }, log: PageLog, b: Block, figureOf: (k: number, key: string) => Expected | undefined): void {
  const before = cx.before as Expectations;
  const waves = [before.wave.results.wave.name, cx.after.wave.results.wave.name];
  const ofPart = (b.rowLabel ?? '').endsWith(`(${T('compare.ofPartTime')})`);
  const label = ofPart ? (b.rowLabel ?? '').slice(0, -(T('compare.ofPartTime').length + 3)) : (b.rowLabel ?? '');
  if (b.column === T('compare.reading') && !/\d/.test(b.text)) return log.fact(g.key, `share.reading`, b.text);
  const inv = INVOLUNTARY_DEFINITIONS.find((d) => d.name === label)?.id;
  const id = COMPARE_SHARES[label] ?? (inv ? (ofPart ? `invOfPartTime:${inv}` : `inv:${inv}`) : undefined);
  if (!id) return log.problem(g.key, b, 'a share the attacker does not know');
  const [fa, fb] = [0, 1].map((k) => figureOf(k, `share:${id}`));
  const k = waves.indexOf(b.column ?? '');
  if (k >= 0) {
    const f = k === 0 ? fa : fb;
    const m = /^(\d+) % \(n = (\d+)\)$/.exec(b.text);
    const want = f?.n ? round((100 * (f.count ?? NaN)) / f.n, 0) : undefined;
    const w = readWithheld(b.text);
    if (w?.kind === 'withheld' && w.k !== undefined && !(k === 0 ? cx.beforeThresholds : cx.thresholds).includes(w.k)) return log.problem(g.key, b, `threshold ${w.k}`);
    return log.check(g.key, `share:${id}@${k}`, b, b.text, m ? (num(m[1]) === want && num(m[2]) === f?.n ? undefined : `share ${b.text}, the model ${want} % of ${f?.n}`) : w && !f ? undefined : 'unreadable');
  }
  const usable = fa?.n && fb?.n && fa.count !== undefined && fb.count !== undefined;
  const d = usable ? newcombe(fa.count as number, fa.n as number, fb.count as number, fb.n as number) : undefined;
  if (b.text === '') return log.check(g.key, `share:${id}.${b.column}`, b, '', undefined);
  if (!d || !fa?.n || !fb?.n) return log.problem(g.key, b, 'a change where a wave has no share');
  const pa = (fa.count as number) / fa.n;
  const pb = (fb.count as number) / fb.n;
  const pts = (t: string): number => num(t.replace(/^[+±]/, '').replace(/ %$/, ''));
  if (b.column === T('compare.points')) return log.check(g.key, `share:${id}.points`, b, b.text, Math.abs(pts(b.text) - round(100 * (pb - pa), 0)) <= 0 ? undefined : `points ${b.text}`);
  if (b.column === T('compare.intervalPoints')) {
    const [low, high] = b.text.split(' til ').map(pts);
    return log.check(g.key, `share:${id}.interval`, b, b.text, low === round(100 * d.low, 0) && high === round(100 * d.high, 0) ? undefined : `interval ${b.text}, the model ${100 * d.low} til ${100 * d.high}`);
  }
  if (b.column === T('compare.relative')) return log.check(g.key, `share:${id}.relative`, b, b.text, pa > 0 && pts(b.text) === round((100 * (pb - pa)) / pa, 0) ? undefined : `relative ${b.text}`);
  if (b.column === T('compare.reading')) return log.fact(g.key, `share:${id}.reading`, b.text);
  log.problem(g.key, b, 'a share column the attacker does not know');
}

/** The project leader's clear changes: group, factor, both n, change and interval. */
function changesPage(cx: Context, log: PageLog, blocks: Block[], seen: Set<Block>): void {
  const before = cx.before as Expectations;
  const groups = compareGroups(cx);
  for (const b of blocks) {
    if (b.tag === 'p' && pattern('compare.changesIntro').test(b.text)) continue;
    const g = groups.find((x) => unitOfLink(b.rowLink) === x.key);
    if (!g || b.tag !== 'td') continue;
    seen.add(b);
    const f = blocks.find((x) => x.rowLink === b.rowLink && x.columnIndex === 1 && x.tag === 'td')?.text ?? '';
    const key = `factor:${cx.factorByLabel.get(f)}`;
    const [fa, fb] = [groupFigure(before, g.before, key), groupFigure(cx.after, g.after, key)];
    const w = fa?.n !== undefined && fb?.n !== undefined && fa.sd !== undefined && fb.sd !== undefined ? welch({ n: fa.n, mean: fa.mean as number, sd: fa.sd }, { n: fb.n, mean: fb.mean as number, sd: fb.sd }) : undefined;
    if (b.columnIndex === 1) continue;
    if (b.columnIndex === 2) {
      const m = pattern('compare.nAB').exec(b.text);
      log.check(g.key, `${key}.nAB`, b, b.text, m && num(m.groups?.a) === fa?.n && num(m.groups?.b) === fb?.n ? undefined : `n ${b.text}`);
    } else if (b.columnIndex === 3) log.check(g.key, `${key}.change`, b, b.text, w && closeTo(signed2(b.text), w.diff, 0.005) ? undefined : `change ${b.text}`);
    else if (b.columnIndex === 4) {
      const [low, high] = b.text.split(' til ').map(num);
      log.check(g.key, `${key}.interval`, b, b.text, w && closeTo(low as number, w.low, 0.005) && closeTo(high as number, w.high, 0.005) ? undefined : `interval ${b.text}`);
    }
  }
}

const CSV_SECTIONS: Record<string, (id: string) => string> = {
  Faktor: (id) => `factor:${id}`,
  Påstand: (id) => `item:${id}`,
  RAUS: (id) => (id === 'raus_total' ? 'raus_total' : `item:${id}`),
  'Skala 0–10': (id) => `item:${id}`,
  'Avstand ønsket – nå': (id) => `gap:${id}`,
  Stillingsstørrelse: (id) => (id === 'position_current' ? 'position:current' : 'position:desired'),
};

// The CSV words a withheld figure in its own words (results/csv.ts withheldNote).
const CSV_NOTES = (['complementary', 'release', 'disabled'] as const).map((reason) => withheldNote({ released: false, reason }));

function readCsvWithheld(cell: string): Reading | undefined {
  const fewer = /^færre enn (\d+) svar$/.exec(cell);
  if (fewer) return { kind: 'withheld', k: num(fewer[1]) };
  return CSV_NOTES.includes(cell) ? { kind: 'withheld' } : undefined;
}

/** A mapped group's gap: desired minus now of its pooled halves, n the smaller (report/released.ts gapOf). */
function mappedFigure(e: Expectations, members: readonly string[], key: string): Expected | undefined {
  if (!key.startsWith('gap:') || members.length === 1) return groupFigure(e, members, key);
  const [now, desired] = ['now', 'desired'].map((h) => e.merged(members, `${h}:${key.slice(4)}`));
  if (now?.mean === undefined || desired?.mean === undefined || now.meanBound || desired.meanBound) return undefined;
  const n = now.n !== undefined && desired.n !== undefined ? { n: Math.min(now.n, desired.n) } : { nUpTo: Math.max(now.n ?? now.nUpTo ?? 0, desired.n ?? desired.nUpTo ?? 0) };
  return { ...n, mean: desired.mean - now.mean };
}

/** A mapped group's comparison CSV: per wave each figure pooled from its members' model figures,
 *  its n, and the change, interval and detectable change those give. */
function mappedCsv(cx: Context, g: { key: string; before: string[]; after: string[] }, log: PageLog, rows: Record<string, string>[]): void {
  const before = cx.before as Expectations;
  const waves = [before.wave.results.wave.name, cx.after.wave.results.wave.name];
  const sides = [
    { e: before, members: g.before, thresholds: cx.beforeThresholds },
    { e: cx.after, members: g.after, thresholds: cx.thresholds },
  ];
  const shown = sides.every((s) => groupShown(s.e, s.members));
  const block = (text: string, row: Record<string, string>, column: string): Block => ({ tag: 'csv', attrs: {}, text, path: [], before: '', links: [], source: 'text', rowLabel: `${row.del}|${row.id}`, column });
  for (const row of rows) {
    if (row.del === 'Enhet') {
      if (!shown) continue;
      sides.forEach((s, k) => log.check(g.key, `csv.n.${k}`, block(row[waves[k] as string] ?? '', row, waves[k] as string), row[`n ${waves[k]}`] ?? '', row[waves[k] as string] === `n=${groupSize(s.e, s.members)}` && row[`n ${waves[k]}`] === String(groupSize(s.e, s.members)) ? undefined : 'not the members’ size'));
      continue;
    }
    const shares = (row.del ?? '').startsWith('Stillingsstørrelse (');
    const ofPart = (row.id ?? '').endsWith('_av_deltid');
    const base = ofPart ? (row.id ?? '').slice(0, -'_av_deltid'.length) : (row.id ?? '');
    const key = shares ? `share:${ofPart ? `invOfPartTime:${base}` : ['fullTime', 'more', 'same', 'less'].includes(base) ? base : `inv:${base}`}` : CSV_SECTIONS[row.del ?? '']?.(row.id ?? '');
    if (!key) {
      log.problem(g.key, block(JSON.stringify(row).slice(0, 100), row, 'del'), 'a comparison CSV row the attacker does not know');
      continue;
    }
    const figures = sides.map((s) => mappedFigure(s.e, s.members, key));
    sides.forEach((s, k) => {
      const cell = row[waves[k] as string] ?? '';
      const nCell = row[`n ${waves[k]}`] ?? '';
      const f = figures[k];
      const b = block(cell, row, waves[k] as string);
      const w = readCsvWithheld(cell);
      if (w) return log.check(g.key, `${key}@${k}`, b, cell, f?.mean !== undefined || (f?.count !== undefined && f.n) ? 'withheld where the members give a figure' : w.kind === 'withheld' && w.k !== undefined && !s.thresholds.includes(w.k) ? `threshold ${w.k}` : undefined);
      if (shares) {
        const want = f?.n ? round((100 * (f.count ?? NaN)) / f.n, 0) : undefined;
        return log.check(g.key, `${key}@${k}`, b, cell, cell === '' ? (want === undefined ? undefined : 'blank') : num(cell) === want && num(nCell) === f?.n ? undefined : `share ${cell} of ${nCell}, the members give ${want} % of ${f?.n}`);
      }
      const m = /^([<>]?)(-?\d+,\d)$/.exec(cell);
      if (m) cx.mapped++;
      if (cell === '') return log.check(g.key, `${key}@${k}`, b, cell, f?.mean === undefined ? undefined : `blank where the members give ${f.mean}`);
      const bound = m?.[1] === '>' ? 'above' : m?.[1] === '<' ? 'below' : undefined;
      const n = nCell === '' ? {} : nCell.startsWith('≤') ? { nUpTo: num(nCell.slice(1)) } : { n: num(nCell) };
      log.check(g.key, `${key}@${k}`, b, `${cell} ${nCell}`, m ? agrees({ kind: 'value', mean: num(m[2]), ...(bound ? { bound } : {}), ...n }, f, true, s.thresholds) : 'unreadable');
    });
    const [fa, fb] = figures;
    const diff = row.endring ?? '';
    if (shares) {
      const usable = fa?.n && fb?.n && fa.count !== undefined && fb.count !== undefined;
      if (diff === '') continue;
      if (!usable) {
        log.problem(g.key, block(diff, row, 'endring'), 'a change where a wave has no share');
        continue;
      }
      const d = newcombe(fa.count as number, fa.n as number, fb.count as number, fb.n as number);
      const pts = round(100 * ((fb.count as number) / (fb.n as number) - (fa.count as number) / (fa.n as number)), 0);
      log.check(g.key, `${key}.change`, block(diff, row, 'endring'), `${diff} ${row.ki_95_lav} ${row.ki_95_hoy}`, num(diff) === pts && num(row.ki_95_lav) === round(100 * d.low, 0) && num(row.ki_95_hoy) === round(100 * d.high, 0) ? undefined : `change ${diff} (${row.ki_95_lav} til ${row.ki_95_hoy})`);
      continue;
    }
    const w = fa?.n !== undefined && fb?.n !== undefined && fa.sd !== undefined && fb.sd !== undefined && fa.mean !== undefined && fb.mean !== undefined && !fa.meanBound && !fb.meanBound ? welch({ n: fa.n, mean: fa.mean, sd: fa.sd }, { n: fb.n, mean: fb.mean, sd: fb.sd }) : undefined;
    if (diff === '') {
      if (w && shown) log.problem(g.key, block('', row, 'endring'), 'no change beside figures that give one');
    } else {
      const interval = (row.ki_95_lav ?? '') === '' ? w?.se === 0 : closeTo(num(row.ki_95_lav), w?.low, 0.005) && closeTo(num(row.ki_95_hoy), w?.high, 0.005);
      log.check(g.key, `${key}.change`, block(diff, row, 'endring'), `${diff} ${row.ki_95_lav} ${row.ki_95_hoy}`, w && closeTo(num(diff), w.diff, 0.005) && interval ? undefined : `change ${diff} (${row.ki_95_lav} til ${row.ki_95_hoy}), the members give ${w?.diff} (${w?.low} til ${w?.high})`);
    }
    const detectable = row.minste_pavisbare_endring ?? '';
    if (detectable !== '') {
      const d = w ? detectableDifference(w) : undefined;
      log.check(g.key, `${key}.detectable`, block(detectable, row, 'minste_pavisbare_endring'), detectable, closeTo(num(detectable), d, 0.005) ? undefined : `detectable ${detectable}, the members give ${d}`);
    }
  }
}
