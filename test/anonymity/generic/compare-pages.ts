// The page check's readers of the comparison: the overview, each group's page (figures per wave,
// changes, intervals, detectable changes, position shares, chart data), the clear-changes list,
// and a mapped group's CSV. A mapped group's figures are pooled from its members' model figures
// (generic/expected.ts), so a match shows each is a function of figures already in the system.
import { detectableDifference, welch } from '../../../src/report/welch.js';
import { newcombe } from '../../../src/report/proportions.js';
import { RAUS_ITEM_IDS } from '../../../src/report/group.js';
import { INVOLUNTARY_DEFINITIONS } from '../../../src/report/position.js';
import { nb } from '../../../src/web/i18n/nb.js';
import { Expectations, type Expected } from './expected.js';
import type { Block } from './html.js';
import { agrees, closeTo, num, PageLog, pattern, readWithheld, type Reading } from './page-reader.js';
import { withheldNote } from '../../../src/web/results/csv.js';
import { translator } from '../../../src/web/i18n/index.js';
import { cellFigure, chart, Context, labelKey, round, signed2, T, unitOfLink } from './page-context.js';

/** The comparison groups: each unit in both waves (not mapped), and the mapped groups. */
export function compareGroups(cx: Context): { key: string; before: string[]; after: string[] }[] {
  const c = cx.comparison;
  if (!c) return [];
  const mapped = new Set(c.groups.flatMap((g) => [...g.before, ...g.after]));
  const plain = cx.after.wave.results.units.filter((u) => !mapped.has(u.id) && c.before.results.tables.has(u.id)).map((u) => ({ key: u.id, before: [u.id], after: [u.id] }));
  return [...plain, ...c.groups];
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
export function compareIndex(cx: Context, log: PageLog, blocks: Block[], seen: Set<Block>): void {
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
export function compareUnit(cx: Context, g: { key: string; before: string[]; after: string[] }, log: PageLog, blocks: Block[], seen: Set<Block>): void {
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
export function changesPage(cx: Context, log: PageLog, blocks: Block[], seen: Set<Block>): void {
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
const CSV_NOTES = (['complementary', 'release', 'disabled'] as const).map((reason) => withheldNote({ released: false, reason }, translator('nb')));

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
export function mappedCsv(cx: Context, g: { key: string; before: string[]; after: string[] }, log: PageLog, rows: Record<string, string>[]): void {
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
