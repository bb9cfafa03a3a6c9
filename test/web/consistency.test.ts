// Every figure on the demo's results and comparison pages and in their CSVs, recomputed from the raw
// answer rows with exact fractions (test/helpers/recompute.ts, no code shared with src/report) and
// compared after rounding half away from zero: zero mismatches. Which figures are shown is disclosure
// control's decision; every figure that is shown must be right, with its n.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { newcombe } from '../../src/report/proportions.js';
import { detectableDifference, welch } from '../../src/report/welch.js';
import type { Item } from '../../src/survey/schema.js';
import { CSV_READING } from '../../src/web/compare/csv.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { benjaminiHochberg, frac, Group, minus, over, percent, readRespondents, round, subtree, toFloat, type Figure, type Frac, type Respondent } from '../helpers/recompute.js';
import { signIn, type SignedIn } from '../helpers/staff.js';

let t: HistoryApp;
let admin: SignedIn;
beforeAll(async () => {
  t = makeHistoryApp();
  admin = await signIn(t, 'admin');
});
afterAll(() => t.close());

interface Unit {
  id: string;
  name: string;
  parentId: string | null;
  headcount: number | null;
}

let mismatches: string[] = [];
let checked = 0;
// Each test counts its own figures and mismatches.
beforeEach(() => {
  mismatches = [];
  checked = 0;
});
/** check records one displayed figure against its recomputed value. */
function check(where: string, shown: string | undefined, expected: string | number | undefined): void {
  checked += 1;
  if (String(shown ?? '') !== String(expected ?? '')) mismatches.push(`${where}: shown "${shown ?? ''}", recomputed "${expected ?? ''}"`);
}

const decode = (s: string): string =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const plain = (html: string): string => decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
const rowsOf = (html: string): { label: string; cells: string[] }[] =>
  [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].flatMap((m) => {
    const row = m[1] as string;
    const label = /<th scope="row"[^>]*>([\s\S]*?)<\/th>/.exec(row)?.[1];
    if (label === undefined) return [];
    return [{ label: plain(label), cells: [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => plain(c[1] as string)) }];
  });
const section = (html: string, id: string): string => /<section aria-labelledby="ID"[\s\S]*?<\/section>/.exec(html.replace('ID', id))?.[0] ?? new RegExp(`<section aria-labelledby="${id}"[\\s\\S]*?</section>`).exec(html)?.[0] ?? '';

/** parseCsv reads the semicolon CSV (BOM, quoted strings, formula guard) into records by header. */
function parseCsv(text: string): Record<string, string>[] {
  const lines = text.replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '');
  const split = (line: string): string[] => {
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i] as string;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
        else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ';') out.push(cur), (cur = '');
      else cur += ch;
    }
    out.push(cur);
    return out.map((c) => (/^'[-+=@]/.test(c) ? c.slice(1) : c));
  };
  const [head = [], ...rest] = lines.map(split);
  return rest.map((r) => Object.fromEntries(head.map((h, k) => [h, r[k] ?? ''])));
}

/** A cell with a number in it, not a withheld figure's reason ("færre enn 5 svar", "skjult ..."). */
const shownCell = (cell: string | undefined): boolean => /^-?\d/.test(cell ?? '');

/** A figure as a results page shows it next to other columns: "3,8 (n = 12)". */
const withN = (f: Figure): string => `${f.mean} (n = ${f.n})`;

// What a page cell must say for a figure, given how disclosure control shows it there: a mean shown
// as a bound ("over 4,5") must have the true mean beyond it; an n shown as "høyst N" is the group's n;
// an SD or share left out (below the distribution threshold) is not compared.
const meanAs = (cell: string | undefined, f: Figure): string | undefined => {
  const b = /^(over|under) (\S+)/.exec(cell ?? '');
  return b && f.meanExact && beyond(f.meanExact, b[1] === 'over' ? '>' : '<', b[2] as string) ? `${b[1]} ${b[2]}` : f.mean;
};
const nAs = (cell: string | undefined, f: Figure, groupN: number): string | number => (cell?.startsWith('høyst') ? `høyst ${groupN}` : f.n);
const optional = <T>(cell: string | undefined, empty: string, expected: T): T | string => (cell === empty ? empty : expected);
const withNAs = (cell: string, f: Figure, groupN: number): string => {
  const mean = meanAs(cell, f);
  return cell.includes('(høyst') ? `${mean} (høyst ${groupN})` : `${mean} (n = ${f.n})`;
};
const sign = (s: string): string => (/^-?[0,]+$/.test(s) ? `±${s.replace('-', '')}` : s.startsWith('-') ? `−${s.slice(1)}` : `+${s}`);

/** exactDouble is a double's exact binary value as a fraction (for rounding interval bounds). */
function exactDouble(x: number): Frac {
  if (x === 0) return frac(0);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let e = -1074;
  if (exp !== 0) {
    mantissa |= 1n << 52n;
    e = exp - 1075;
  }
  const signed = bits >> 63n ? -mantissa : mantissa;
  return e >= 0 ? frac(signed * 2n ** BigInt(e)) : frac(signed, 2n ** BigInt(-e));
}
const round2 = (x: number): string => round(exactDouble(x), 2);

function units(): Unit[] {
  return t.db.prepare('SELECT id, name, parent_id AS parentId, headcount FROM unit').all() as Unit[];
}
function involved(waveId: number): Unit[] {
  const all = units();
  const byId = new Map(all.map((u) => [u.id, u]));
  const keep = new Set<string>();
  for (const { unit_id: id } of t.db.prepare('SELECT unit_id FROM wave_unit WHERE wave_id = ?').all(waveId) as { unit_id: string }[]) {
    for (let u = byId.get(id); u && !keep.has(u.id); u = u.parentId ? byId.get(u.parentId) : undefined) keep.add(u.id);
  }
  return all.filter((u) => keep.has(u.id));
}
function headcount(all: readonly Unit[], id: string): number | undefined {
  const u = all.find((x) => x.id === id);
  if (u?.headcount != null) return u.headcount;
  const kids = all.filter((x) => x.parentId === id);
  if (kids.length === 0) return undefined;
  const hs = kids.map((k) => headcount(all, k.id));
  return hs.every((h) => h !== undefined) ? hs.reduce((s: number, h) => s + (h as number), 0) : undefined;
}
const groupOf = (people: readonly Respondent[], all: readonly Unit[], id: string): Group => {
  const ids = subtree(all, id);
  return new Group(t.survey, people.filter((p) => ids.has(p.unitId)));
};

const likertItems = (): Item[] => t.survey.items.filter((i) => i.type === 'likert');
const itemByText = (text: string): Item | undefined => t.survey.items.find((i) => i.text === text);
const factorByLabel = (label: string) => t.survey.factors.find((f) => f.label === label);

/** beyond tells whether an exact value lies strictly above ('>') or below ('<') a shown decimal ("4,5"). */
function beyond(x: Frac, side: '<' | '>', shown: string): boolean {
  const [whole, decimals = ''] = shown.replace('−', '-').split(/[.,]/);
  const den = 10n ** BigInt(decimals.length);
  const num = BigInt(`${whole}${decimals}`);
  // x = x.n / x.d with x.d > 0: compare x.n * den with num * x.d.
  const left = x.n * den;
  const right = num * x.d;
  return side === '>' ? left > right : left < right;
}

function checkResultsCsv(where: string, csv: string, g: Group, all: readonly Unit[], unitId: string): void {
  const pos = g.position();
  for (const r of parseCsv(csv)) {
    const at = `${where} CSV ${r.del}/${r.id}`;
    if (r.merknad && !r.merknad.startsWith('andel') && !r.merknad.startsWith('liten gruppe')) {
      check(`${at} withheld has no figure`, `${r.snitt}${r.andel_prosent}`, '');
      continue;
    }
    // What disclosure control shows of a figure must be right: an exact n, or "≤ the group's n" where
    // the exact one is withheld; the mean, or where it is a bound (">4,5") the true mean beyond it; SD
    // and share favourable where shown (below the distribution threshold they are not).
    const stat = (f: Figure & { favourable?: number }, ownN = true, fav = false) => {
      if (ownN) check(`${at} n`, r.n, r.n?.startsWith('≤') ? `≤${g.n}` : f.n);
      const bound = /^([<>])(.*)$/.exec(r.snitt ?? '');
      if (bound) check(`${at} mean bound`, r.snitt, f.meanExact && beyond(f.meanExact, bound[1] as '<' | '>', bound[2] as string) ? r.snitt : f.mean);
      else check(`${at} mean`, r.snitt, f.mean);
      if (r.standardavvik_utvalg) check(`${at} sd`, r.standardavvik_utvalg, f.sd);
      if (fav && r.andel_prosent) check(`${at} favourable`, r.andel_prosent, f.favourable === undefined ? '' : percent(f.favourable, f.n));
    };
    const shareRow = (count: number, n: number) => {
      check(`${at} n`, r.n, n);
      check(`${at} count`, r.antall, count);
      check(`${at} share`, r.andel_prosent, percent(count, n));
    };
    const id = r.id as string;
    switch (r.del) {
      case 'Enhet': {
        check(`${at} n`, r.n, g.n);
        const h = headcount(all, unitId);
        check(`${at} response rate`, r.andel_prosent, h === undefined ? '' : percent(g.n, h));
        break;
      }
      case 'Faktor':
        stat(g.factor(id));
        break;
      case 'RAUS':
        stat(id === 'raus_total' ? g.rausTotal() : g.item(id), true, id !== 'raus_total');
        break;
      case 'Påstand':
        stat(g.item(id), true, true);
        break;
      case 'Skala 0–10':
        stat(g.item(id));
        break;
      case 'Valg': {
        const [item = '', key = ''] = id.split(':');
        const c = g.choices(item);
        shareRow(c.counts.get(key) ?? 0, c.answered);
        break;
      }
      case 'Nå':
      case 'Ønsket':
        stat(g.item(id.split(':')[0] as string, r.del === 'Nå' ? 'now' : 'desired'));
        break;
      case 'Avstand ønsket – nå':
        stat(g.gap(id.split(':')[0] as string), false);
        break;
      case 'Stillingsstørrelse': {
        const shares: Record<string, [number, number]> = {
          heltid: [pos.fullTime, pos.n],
          deltid: [pos.partTime, pos.n],
          onsker_storre: [pos.more, pos.n],
          onsker_storre_av_deltid: [pos.moreOfPartTime, pos.partTime],
          onsker_samme: [pos.same, pos.n],
          onsker_mindre: [pos.less, pos.n],
        };
        for (const [def, count] of Object.entries(pos.involuntary)) {
          shares[`ufrivillig_${def}`] = [count, pos.n];
          shares[`ufrivillig_${def}_av_deltid`] = [count, pos.partTime];
        }
        if (id === 'stilling_naa') stat(pos.current);
        else if (id === 'stilling_onsket') stat(pos.desired);
        else if (shares[id]) shareRow(...(shares[id] as [number, number]));
        else mismatches.push(`${at}: unknown row`);
        break;
      }
      default:
        mismatches.push(`${at}: unknown section`);
    }
  }
}

function checkResultsPage(where: string, html: string, g: Group, compare: { label: string; group: Group | undefined }[]): void {
  // Factor table: the unit's mean, SD and n, then each comparison column with its own n.
  for (const row of rowsOf(/<table class="data" id="factor-table">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '')) {
    const f = factorByLabel(row.label);
    if (!f) continue;
    const own = g.factor(f.id);
    if (!row.cells[0]?.startsWith('–')) {
      check(`${where} factor ${f.id} mean`, row.cells[0], meanAs(row.cells[0], own));
      check(`${where} factor ${f.id} sd`, row.cells[1], optional(row.cells[1], '', own.sd ?? ''));
      check(`${where} factor ${f.id} n`, row.cells[2], nAs(row.cells[2], own, g.n));
    }
    compare.forEach((c, k) => {
      const cell = row.cells[3 + k] ?? '';
      if (c.group && !cell.startsWith('færre enn') && !cell.startsWith('skjult')) check(`${where} factor ${f.id} vs ${c.label}`, cell, withNAs(cell, c.group.factor(f.id), c.group.n));
    });
  }
  // Statements per factor, RAUS statements and total.
  for (const table of html.match(/<table class="data items">[\s\S]*?<\/table>/g) ?? []) {
    for (const row of rowsOf(table)) {
      const item = itemByText(row.label);
      if (!item || row.cells[0]?.startsWith('–')) continue;
      const f = g.item(item.id);
      const c = row.cells;
      check(`${where} item ${item.id}`, c.slice(0, 4).join(' | '), [meanAs(c[0], f), optional(c[1], '', f.sd ?? ''), optional(c[2], '–', f.favourable === undefined ? '–' : `${percent(f.favourable, f.n)} %`), nAs(c[3], f, g.n)].join(' | '));
      // "Vet ikke" is a count per option: shown only with the distribution.
      if (row.cells[4] !== '–') check(`${where} item ${item.id} vet ikke`, row.cells[4], f.dontKnow);
    }
  }
  for (const row of rowsOf(section(html, 'raus-title'))) {
    if (row.cells[0]?.startsWith('–')) continue;
    if (row.label === 'RAUS samlet') {
      const f = g.rausTotal();
      check(`${where} RAUS total`, `${row.cells[0]} | ${row.cells[2]}`, `${meanAs(row.cells[0], f)} | ${nAs(row.cells[2], f, g.n)}`);
      continue;
    }
    const item = itemByText(row.label);
    if (!item) continue;
    const f = g.item(item.id);
    const c = row.cells;
    check(`${where} RAUS ${item.id}`, c.join(' | '), [meanAs(c[0], f), optional(c[1], '–', f.favourable === undefined ? '–' : `${percent(f.favourable, f.n)} %`), nAs(c[2], f, g.n)].join(' | '));
  }
  // Now and desired, each with its own n; the gap has none of its own.
  for (const row of rowsOf(section(html, 'nd-title'))) {
    const item = itemByText(row.label);
    if (!item) continue;
    const [now, desired, gap] = [g.item(item.id, 'now'), g.item(item.id, 'desired'), g.gap(item.id)];
    if (!row.cells[0]?.startsWith('–')) check(`${where} now ${item.id}`, `${row.cells[0]} | ${row.cells[1]}`, `${meanAs(row.cells[0], now)} | ${nAs(row.cells[1], now, g.n)}`);
    if (!row.cells[2]?.startsWith('–')) check(`${where} desired ${item.id}`, `${row.cells[2]} | ${row.cells[3]}`, `${meanAs(row.cells[2], desired)} | ${nAs(row.cells[3], desired, g.n)}`);
    if (!row.cells[4]?.startsWith('–')) check(`${where} gap ${item.id}`, row.cells[4], gap.mean);
  }
  // The 0-10 well-being item.
  for (const m of section(html, 'wellbeing-title').matchAll(/<p><span lang="nb">([^<]+)<\/span>: <strong>([^<]*)<\/strong> av 10 \((\d+) svar\)<\/p>/g)) {
    const item = itemByText(decode(m[1] as string));
    if (!item) continue;
    const f = g.item(item.id);
    check(`${where} scale ${item.id}`, `${(m[2] as string).trim()} | ${m[3]}`, `${f.mean} | ${f.n}`);
  }
  // Position size: averages with n, shares of all and of part-time employees.
  const position = section(html, 'position-title');
  if (position) {
    const pos = g.position();
    const dd = [...position.matchAll(/<dd>([\s\S]*?)<\/dd>/g)].map((m) => plain(m[1] as string));
    const posText = (cell: string, f: Figure) => `${meanAs(cell, f)} % (${cell.includes('(høyst') ? `høyst ${g.n}` : `n = ${f.n}`})`;
    if (shownCell(dd[0])) check(`${where} position now`, dd[0], posText(dd[0] as string, pos.current));
    if (shownCell(dd[1])) check(`${where} position desired`, dd[1], posText(dd[1] as string, pos.desired));
    const pt = pos.partTime;
    const ofPt = (count: number): string => (pt > 0 ? `${percent(count, pt)} %` : '–');
    const expected: Record<string, string> = {
      'Har heltid (100 %)': `${pos.fullTime} | ${percent(pos.fullTime, pos.n)} % | –`,
      'Har deltid (under 100 %)': `${pt} | ${percent(pt, pos.n)} % | –`,
      'Ønsker større stilling': `${pos.more} | ${percent(pos.more, pos.n)} % | ${ofPt(pos.moreOfPartTime)}`,
      'Ønsker samme stilling': `${pos.same} | ${percent(pos.same, pos.n)} % | –`,
      'Ønsker mindre stilling': `${pos.less} | ${percent(pos.less, pos.n)} % | –`,
    };
    const defs: Record<string, string> = { selvrapportert: 'selfReported', '(Drammen)': 'drammen', '(Surnadal)': 'surnadal' };
    for (const row of rowsOf(position)) {
      if (expected[row.label]) check(`${where} position ${row.label}`, row.cells.join(' | '), expected[row.label]);
      const def = Object.entries(defs).find(([k]) => row.label.includes(k))?.[1];
      if (def) {
        const count = pos.involuntary[def] as number;
        check(`${where} involuntary ${def}`, row.cells.join(' | '), `${count} | ${percent(count, pos.n)} % | ${ofPt(count)}`);
      }
    }
    if (/Andel av alle \(n = (\d+)\)/.test(position)) check(`${where} position n`, /Andel av alle \(n = (\d+)\)/.exec(position)?.[1], pos.n);
    if (/Andel av deltidsansatte \(n = (\d+)\)/.test(position)) check(`${where} part-time n`, /Andel av deltidsansatte \(n = (\d+)\)/.exec(position)?.[1], pt);
  }
  // Strengths and areas, each with its n.
  for (const m of html.matchAll(/<li><span lang="nb">([^<]+)<\/span> <span class="score">([^<]+)<\/span> <span class="n">\(n = (\d+)\)<\/span><\/li>/g)) {
    const label = decode(m[1] as string);
    const factor = factorByLabel(label);
    const item = likertItems().find((i) => i.text === label);
    const f = factor ? g.factor(factor.id) : item ? g.item(item.id) : undefined;
    if (!f) mismatches.push(`${where} ranked: unknown "${label}"`);
    else check(`${where} ranked ${label}`, `${m[2]} (n = ${m[3]})`, withN(f));
  }
  // Chart data: the table's rounding, per series.
  const chart = /data-chart="([^"]+)"/.exec(html)?.[1];
  if (chart) {
    const data = JSON.parse(decode(chart)) as { labels: string[]; series: { label: string; data: (number | null)[] }[] };
    data.series.forEach((s, k) => {
      const group = k === 0 ? g : compare.find((c) => c.label === s.label)?.group;
      s.data.forEach((v, i) => {
        if (v === null) return;
        const f = factorByLabel(data.labels[i] as string);
        check(`${where} chart ${s.label} ${data.labels[i]}`, String(v).replace('.', ','), Number((group?.factor(f?.id ?? '').mean ?? '').replace(',', '.')).toString().replace('.', ','));
      });
    });
  }
}

test('every figure on the results pages, the heat map and the results CSVs equals its exact recomputation', async () => {
  for (const waveId of [t.baselineWaveId, t.closedWaveId]) {
    const people = readRespondents(t.db, waveId);
    const all = involved(waveId);
    const root = all.find((u) => u.parentId === null) as Unit;
    for (const u of all) {
      const g = groupOf(people, all, u.id);
      const where = `wave ${waveId} ${u.id}`;
      const csv = await admin.agent.get(`/resultater/${waveId}/enhet/${u.id}/csv`);
      expect(csv.status).toBe(200);
      checkResultsCsv(where, csv.text, g, all, u.id);
      const page = await admin.agent.get(`/resultater/${waveId}/enhet/${u.id}`);
      const parent = all.find((x) => x.id === u.parentId);
      const compare = [...(parent ? [{ label: parent.name, group: groupOf(people, all, parent.id) }] : []), ...(u.id === root.id ? [] : [{ label: 'Hele organisasjonen', group: groupOf(people, all, root.id) }])];
      checkResultsPage(where, page.text, g, compare);
    }
    // The heat map: each unit's n and factor means, a factor's own n where it differs.
    const heat = await admin.agent.get(`/resultater/${waveId}/organisasjon`);
    for (const row of rowsOf(heat.text)) {
      const u = all.find((x) => x.name === row.label);
      if (!u || row.cells[0]?.includes('færre') || row.cells[0]?.includes('skjult')) continue;
      const g = groupOf(people, all, u.id);
      check(`wave ${waveId} heat ${u.id} n`, row.cells[0], g.n);
      t.survey.factors.forEach((f, k) => {
        const cell = row.cells[k + 1] ?? '';
        if (cell.startsWith('–')) return;
        const fig = g.factor(f.id);
        check(`wave ${waveId} heat ${u.id} ${f.id}`, cell, fig.n === g.n ? fig.mean : withN(fig));
      });
    }
  }
  expect(mismatches).toEqual([]);
  expect(checked).toBeGreaterThan(5000);
}, 120_000);

// ---- Before and after -------------------------------------------------------------------------

type Measure = { key: string; family: 'main' | 'single' | 'position'; figures: Figure[] };
type ShareMeasure = { key: string; counts: [number, number][] };

interface Expected {
  diff: string;
  relative?: string;
  low?: string;
  high?: string;
  reading: string;
  detectable?: string;
  p?: number;
}

const READING = {
  too_few: 'For få svar til å si noe om endring',
  no_variation: 'Alle svarte likt i begge målingene, så usikkerheten kan ikke beregnes',
  no_clear_change: 'Ingen tydelig endring',
  possible_chance: 'Mulig endring, men kan skyldes tilfeldigheter når så mange tall sammenlignes',
  increase: 'Tydelig økning',
  decrease: 'Tydelig nedgang',
} as const;

/** expectChanges recomputes every change of one group, then applies the false-alarm rule per family. */
function expectChanges(means: Measure[], shares: ShareMeasure[]): Map<string, Expected> {
  const out = new Map<string, Expected & { family: string; raw: keyof typeof READING; se?: number; df?: number }>();
  for (const m of means) {
    const [a, b] = [m.figures[0] as Figure, m.figures[m.figures.length - 1] as Figure];
    if (!a.meanExact || !b.meanExact || !a.varianceExact || !b.varianceExact) continue;
    const sample = (f: Figure) => ({ n: f.n, mean: toFloat(f.meanExact as Frac), sd: Math.sqrt(toFloat(f.varianceExact as Frac)) });
    const w = welch(sample(a), sample(b));
    if (!w) continue;
    const raw: keyof typeof READING = a.n < 10 || b.n < 10 ? 'too_few' : w.se === 0 ? 'no_variation' : w.low <= 0 && w.high >= 0 ? 'no_clear_change' : w.diff > 0 ? 'increase' : 'decrease';
    out.set(m.key, {
      family: m.family,
      raw,
      diff: round(minus(b.meanExact, a.meanExact), 2),
      ...(w.se === 0 ? {} : { low: round2(w.low), high: round2(w.high) }),
      reading: raw,
      se: w.se,
      df: w.df,
      ...(w.p === undefined ? {} : { p: w.p }),
    });
  }
  for (const s of shares) {
    const [[xa, na], [xb, nb]] = [s.counts[0] as [number, number], s.counts[s.counts.length - 1] as [number, number]];
    if (na === 0 || nb === 0) continue;
    const d = newcombe(xa, na, xb, nb);
    const raw: keyof typeof READING = na < 10 || nb < 10 ? 'too_few' : d.low <= 0 && d.high >= 0 ? 'no_clear_change' : d.diff > 0 ? 'increase' : 'decrease';
    // Relative change (b - a) / a, in whole percent with its sign.
    const relative = xa > 0 ? sign(round(over(minus(frac(xb, nb), frac(xa, na)), frac(xa, na * 100)), 0)) : undefined;
    out.set(s.key, {
      family: 'position',
      raw,
      diff: round(frac((xb * na - xa * nb) * 100, na * nb), 0),
      low: round(exactDouble(d.low * 100), 0),
      high: round(exactDouble(d.high * 100), 0),
      reading: raw,
      p: d.p,
      ...(relative === undefined ? {} : { relative }),
    });
  }
  for (const family of ['main', 'single', 'position']) {
    const tested = [...out.values()].filter((e) => e.family === family && e.p !== undefined);
    const kept = benjaminiHochberg(tested.map((e) => e.p as number));
    tested.forEach((e, i) => {
      if ((e.raw === 'increase' || e.raw === 'decrease') && !kept[i]) e.reading = 'possible_chance';
    });
  }
  for (const e of out.values()) {
    if ((e.reading === 'too_few' || e.reading === 'no_clear_change') && e.se !== undefined && e.df !== undefined) {
      const d = detectableDifference({ se: e.se, df: e.df });
      if (d !== undefined) e.detectable = round2(d);
    }
  }
  return out;
}

test('every figure and change on the comparison pages and CSVs equals its exact recomputation', async () => {
  const waves = [t.baselineWaveId, t.closedWaveId];
  const people = waves.map((w) => readRespondents(t.db, w));
  const alls = waves.map(involved);
  const last = alls[alls.length - 1] as Unit[];
  const keys = last.filter((u) => alls.every((a) => a.some((x) => x.id === u.id))).map((u) => u.id);
  for (const key of keys) {
    const groups = waves.map((_, k) => groupOf(people[k] as Respondent[], alls[k] as Unit[], key));
    const csv = parseCsv((await admin.agent.get(`/sammenligning/${t.projectId}/enhet/${key}/csv`)).text);
    const page = (await admin.agent.get(`/sammenligning/${t.projectId}/enhet/${key}`)).text;
    const where = `compare ${key}`;
    if (csv[0]?.vurdering?.startsWith('ingen sammenligning')) {
      check(`${where} hidden: no numbers`, /\d,\d/.test(plain(page)) ? 'numbers' : '', '');
      continue;
    }
    // The measures, per wave, as the comparison names them.
    const means: Measure[] = [
      ...t.survey.factors.map((f) => ({ key: `factor:${f.id}`, family: 'main' as const, figures: groups.map((g) => g.factor(f.id)) })),
      { key: 'raus_total', family: 'main', figures: groups.map((g) => g.rausTotal()) },
      ...t.survey.items.filter((i) => i.type === 'likert' || i.type === 'scale').map((i) => ({ key: `item:${i.id}`, family: 'single' as const, figures: groups.map((g) => g.item(i.id)) })),
      ...t.survey.items.filter((i) => i.type === 'nowDesired').map((i) => ({ key: `gap:${i.id}`, family: 'single' as const, figures: groups.map((g) => g.gap(i.id)) })),
      { key: 'position_current', family: 'position', figures: groups.map((g) => g.position().current) },
      { key: 'position_desired', family: 'position', figures: groups.map((g) => g.position().desired) },
    ];
    const pos = groups.map((g) => g.position());
    const shareIds: [string, (p: (typeof pos)[number]) => [number, number]][] = [
      ['fullTime', (p) => [p.fullTime, p.n]],
      ['more', (p) => [p.more, p.n]],
      ['same', (p) => [p.same, p.n]],
      ['less', (p) => [p.less, p.n]],
      ...['selfReported', 'drammen', 'surnadal'].map((d): [string, (p: (typeof pos)[number]) => [number, number]] => [d, (p) => [p.involuntary[d] as number, p.n]]),
      ...['selfReported', 'drammen', 'surnadal'].map((d): [string, (p: (typeof pos)[number]) => [number, number]] => [`${d}_av_deltid`, (p) => [p.involuntary[d] as number, p.partTime]]),
    ];
    const shares: ShareMeasure[] = shareIds.map(([id, pick]) => ({ key: `share:${id}`, counts: pos.map(pick) }));
    const waveNames = csv.length > 0 ? Object.keys(csv[0] as object).slice(3, 3 + waves.length) : [];
    const keyOf = (r: Record<string, string>): string => {
      const id = r.id as string;
      if (r.del?.startsWith('Stillingsstørrelse (andel')) return `share:${id}`;
      if (r.del === 'Faktor') return `factor:${id}`;
      if (id === 'raus_total') return 'raus_total';
      if (r.del === 'Avstand ønsket – nå') return `gap:${id}`;
      return id.startsWith('position_') ? id : `item:${id}`;
    };
    // Only figures shown in every wave with their exact n (and so their SD) are compared, and count in
    // the false-alarm families; a small group's change reads "too few" with no numbers.
    const shown = new Set(csv.filter((r) => r.del !== 'Enhet' && waveNames.every((w) => /^-?\d/.test(r[w] ?? '') && /^\d+$/.test(r[`n ${w}`] ?? ''))).map(keyOf));
    const expected = expectChanges(
      means.filter((m) => shown.has(m.key)),
      shares.filter((x) => shown.has(x.key)),
    );

    // CSV rows.
    for (const r of csv) {
      const at = `${where} CSV ${r.del}/${r.id}`;
      if (r.del === 'Enhet') {
        groups.forEach((g, k) => check(`${at} n ${k}`, r[`n ${waveNames[k]}`], g.n));
        continue;
      }
      const isShare = r.del?.startsWith('Stillingsstørrelse (andel');
      const key = keyOf(r);
      if (isShare) {
        const s = shares.find((x) => x.key === key);
        if (!s) {
          mismatches.push(`${at}: unknown share`);
          continue;
        }
        s.counts.forEach(([c, n], k) => {
          if (!shownCell(r[waveNames[k] as string])) return;
          check(`${at} wave ${k}`, r[waveNames[k] as string], percent(c, n));
          check(`${at} n ${k}`, r[`n ${waveNames[k]}`], n);
        });
      } else {
        const m = means.find((x) => x.key === key);
        if (!m) {
          mismatches.push(`${at}: unknown measure ${key}`);
          continue;
        }
        m.figures.forEach((f, k) => {
          if (!shownCell(r[waveNames[k] as string])) return;
          const cell = r[waveNames[k] as string] as string;
          const bound = /^([<>])(.*)$/.exec(cell);
          check(`${at} wave ${k}`, cell, bound && f.meanExact && beyond(f.meanExact, bound[1] as '<' | '>', bound[2] as string) ? cell : f.mean);
          const n = r[`n ${waveNames[k]}`];
          check(`${at} n ${k}`, n, n?.startsWith('≤') ? `≤${groups[k]?.n}` : f.n);
        });
      }
      const e = expected.get(key);
      if (!e || r.endring === '') continue;
      check(`${at} change`, r.endring, e.diff);
      check(`${at} interval`, `${r.ki_95_lav} til ${r.ki_95_hoy}`, e.low === undefined ? ' til ' : `${e.low} til ${e.high}`);
      check(`${at} reading`, r.vurdering, `${CSV_READING[e.reading]}${e.relative === undefined ? '' : `; relativ endring ${e.relative.replace('−', '-')} %`}`);
      check(`${at} detectable`, r.minste_pavisbare_endring, e.detectable ?? '');
    }

    // Page rows: every wave figure with its n, the change, the interval, the reading and the detectable change.
    const rows = rowsOf(page);
    const labelOf = new Map<string, string>([
      ...t.survey.factors.map((f) => [f.label, `factor:${f.id}`] as const),
      ['RAUS samlet', 'raus_total'],
      ...t.survey.items.filter((i) => i.type === 'likert' || i.type === 'scale').map((i) => [i.text, `item:${i.id}`] as const),
      ['Gjennomsnittlig stilling nå (%)', 'position_current'],
      ['Gjennomsnittlig ønsket stilling (%)', 'position_desired'],
      ['Har heltid', 'share:fullTime'],
      ['Ønsker større stilling', 'share:more'],
      ['Ønsker samme stilling', 'share:same'],
      ['Ønsker mindre stilling', 'share:less'],
      ['Ufrivillig deltid, selvrapportert', 'share:selfReported'],
      ['Ufrivillig deltid, streng definisjon (Drammen)', 'share:drammen'],
      ['Ufrivillig deltid, strengere definisjon (Surnadal)', 'share:surnadal'],
      ...['selvrapportert', 'streng definisjon (Drammen)', 'strengere definisjon (Surnadal)'].map(
        (d, k) => [`Ufrivillig deltid, ${d} (andel av deltidsansatte)`, `share:${['selfReported', 'drammen', 'surnadal'][k]}_av_deltid`] as const,
      ),
    ]);
    for (const row of rows) {
      const key = labelOf.get(row.label);
      if (!key) continue;
      const at = `${where} page ${key}`;
      const e = expected.get(key);
      if (key.startsWith('share:')) {
        const s = shares.find((x) => x.key === key) as ShareMeasure;
        s.counts.forEach(([c, n], k) => {
          if (shownCell(row.cells[k])) check(`${at} wave ${k}`, row.cells[k], `${percent(c, n)} % (n = ${n})`);
        });
        if (e) {
          check(`${at} change`, row.cells.slice(waves.length, waves.length + 4).join(' | '), [sign(e.diff), `${sign(e.low as string)} til ${sign(e.high as string)}`, e.relative === undefined ? '' : `${e.relative} %`, READING[e.reading as keyof typeof READING]].join(' | '));
        }
        continue;
      }
      const m = means.find((x) => x.key === key) as Measure;
      m.figures.forEach((f, k) => {
        if (shownCell(row.cells[k])) check(`${at} wave ${k}`, row.cells[k], withNAs(row.cells[k] as string, f, groups[k]?.n ?? 0));
      });
      if (!e) continue;
      const [nA, nB] = [m.figures[0]?.n, m.figures[m.figures.length - 1]?.n];
      const detectable = e.detectable === undefined ? '' : ` ${nA === nB ? `Med ${nA} svar` : `Med ${nA} og ${nB} svar`} må endringen være minst ${e.detectable} for å skille seg fra tilfeldig variasjon.`;
      check(
        `${at} change`,
        row.cells.slice(waves.length).join(' | '),
        [sign(e.diff), e.low === undefined ? 'kan ikke beregnes' : `${e.low} til ${e.high}`, `${READING[e.reading as keyof typeof READING]}${detectable}`].join(' | '),
      );
    }
  }
  expect(mismatches).toEqual([]);
  expect(checked).toBeGreaterThan(3000);
}, 120_000);
