// The page check's readers of the results and follow-up pages: the results list, the heat map, a
// unit's results page (tables, chart data, distributions, position size, comments, breakdown,
// children) and the follow-up, dialogue and follow-up overview pages.
import { INVOLUNTARY_DEFINITIONS } from '../../../src/report/position.js';
import { listActions } from '../../../src/store/followups.js';
import { subtreeIds, type Unit } from '../../../src/store/units.js';
import { nb } from '../../../src/web/i18n/nb.js';
import type { Expected } from './expected.js';
import type { Block } from './html.js';
import { agrees, num, PageLog, pattern, readFigure, readWithheld } from './page-reader.js';
import { cellFigure, chart, Context, countCell, labelKey, round, T, unitOfLink, withheldOrSize } from './page-context.js';

/** The results list: each unit's n (the group's size) and response rate, or why it is withheld. */
export function listPage(cx: Context, log: PageLog, blocks: Block[], seen: Set<Block>): void {
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
export function heatMap(cx: Context, log: PageLog, blocks: Block[], seen: Set<Block>): void {
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
    // A cell without a band class has none (the overview writes no class for it).
    const band = /heat-(\w+)/.exec(b.attrs.class ?? '')?.[1] ?? 'none';
    const m = r.kind === 'value' ? r.mean : undefined;
    const wantBand = m === undefined ? 'none' : m >= 4.2 ? 'high' : m >= 3.6 ? 'good' : m >= 3.0 ? 'mid' : 'low';
    if (band !== wantBand) log.problem(unit, b, `colour band ${band}, the shown mean gives ${wantBand}`);
  }
}

/** A unit's results page. */
export function unitPage(cx: Context, unit: Unit, log: PageLog, blocks: Block[], seen: Set<Block>): void {
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
  // The row header is the definition's name followed by its description (after a line break).
  const invId = [...INVOLUNTARY_DEFINITIONS].sort((x, y) => y.name.length - x.name.length).find((def) => (b.rowLabel ?? '').startsWith(def.name))?.id;
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

/** The follow-up page and the dialogue page: the means of the basis group (the unit's, or the nearest shown above). */
export function followupPage(cx: Context, unit: Unit, log: PageLog, blocks: Block[], seen: Set<Block>): void {
  let basis: string | undefined;
  for (let u: Unit | undefined = unit; u && !basis; u = u.parentId ? cx.units.get(u.parentId) : undefined) if (cx.after.shown(u.id)) basis = u.id;
  const basisName = basis ? cx.units.get(basis)?.name : undefined;
  for (const b of blocks) {
    // The dialogue page's factor chart and its table: the basis group's factor means.
    const tableFactor = b.tag === 'td' && b.caption === T('results.factorTable') ? cx.factorByLabel.get(b.rowLabel ?? '') : undefined;
    if (b.source === 'title' && b.path.some((e) => e.tag === 'td')) {
      // A withheld cell of the factor table names its reason in a title: only a threshold the wave had.
      seen.add(b);
      const w = readWithheld(b.text);
      if (!w) log.problem(unit.id, b, 'a title that is not a withheld note');
      else if (w.kind === 'withheld' && w.k !== undefined && !cx.thresholds.includes(w.k)) log.problem(unit.id, b, `threshold ${w.k}`);
      continue;
    }
    if (b.source === 'chart' || tableFactor) {
      seen.add(b);
      if (!basis) log.problem(unit.id, b, 'a figure with no shown group to come from');
      else if (tableFactor) cellFigure(cx, log, basis, `factor:${tableFactor}`, b, 'figure');
      else chart(cx, log, b, (label) => (label === basisName ? basis : undefined), 'factors');
      continue;
    }
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
export function followupOverview(cx: Context, log: PageLog, blocks: Block[], seen: Set<Block>): void {
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
