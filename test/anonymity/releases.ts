// Attacks across releases: what a reader who kept every earlier download can derive by combining
// it with a later one. Each check returns findings in words (empty = the attack failed).
import { combinationVectors, derivableSmallSets, type MomentFigures, type Term } from './attacker.js';
import type { FigureRow, PageFigures } from './helpers.js';

/** A group as one release showed it: its figures (results CSV rows) and who they are about. */
export interface SeenGroup {
  unit: string;
  /** The respondents behind the group's figures in this release. */
  members: number[];
  figures: Map<string, FigureRow>;
}

/** Everything one reader saw of a wave at one moment, by unit. */
export interface SeenRelease {
  label: string;
  groups: SeenGroup[];
}

/** Statements on the 1-5 agreement scale: their CSV sections. */
export const STATEMENT_SECTIONS = ['Påstand', 'RAUS'];
/** isStatement: a row of one statement's integer answers (not the RAUS total, an average per person). */
const isStatement = (row: FigureRow): boolean => STATEMENT_SECTIONS.includes(row.section) && row.id !== 'raus_total';
const LIKERT = [1, 2, 3, 4, 5];
const FAVOURABLE = [4, 5];

/** momentsOf reads what a CSV row shows about an item's answers. */
export function momentsOf(row: FigureRow): MomentFigures {
  return { n: row.n ?? 0, ...(row.mean ? { mean: row.mean } : {}), ...(row.sd ? { sd: row.sd } : {}), ...(row.share ? { favourablePercent: row.share } : {}) };
}

/** groupN is the response count a release shows for a group, if shown. */
export function groupN(g: Pick<SeenGroup, 'unit' | 'figures'>): number | undefined {
  return g.figures.get(`Enhet|${g.unit}`)?.n;
}

/** linearFindings: for each measure, every set of 1..k-1 respondents whose answer sum is a linear
 *  combination of that measure's figures over all releases. A figure counts when it has a mean and
 *  covers the whole group (n = group size; nobody in these constructions skips a statement). */
export function linearFindings(releases: readonly SeenRelease[], k: number, name: (p: number) => string): string[] {
  const byKey = new Map<string, { label: string; members: number[] }[]>();
  for (const r of releases) {
    for (const g of r.groups) {
      for (const [key, row] of g.figures) {
        if (!row.mean || row.n !== g.members.length || key.startsWith('Enhet|')) continue;
        byKey.set(key, [...(byKey.get(key) ?? []), { label: `${g.unit}@${r.label}(n=${row.n})`, members: g.members }]);
      }
    }
  }
  const findings: string[] = [];
  for (const [key, shown] of byKey) {
    for (const set of derivableSmallSets(shown.map((s) => s.members), k)) {
      findings.push(`${key}: {${set.map(name).join(', ')}} from ${shown.map((s) => s.label).join(', ')}`);
    }
  }
  return findings;
}

/** pinnedByDifference: for each statement shown for the same unit in two releases with n differing by
 *  1..k-1, the differing people's answers from the two releases' figures (sums exact, squares within
 *  the SD windows, favourable counts); a finding wherever exactly one count vector remains. */
export function pinnedByDifference(a: SeenRelease, b: SeenRelease, k: number): string[] {
  const findings: string[] = [];
  for (const ga of a.groups) {
    const gb = b.groups.find((g) => g.unit === ga.unit);
    if (!gb) continue;
    for (const [key, ra] of ga.figures) {
      const rb = gb.figures.get(key);
      if (!rb || !isStatement(ra) || ra.n === undefined || rb.n === undefined) continue;
      const [big, small] = ra.n > rb.n ? [ra, rb] : [rb, ra];
      const terms: Term[] = [
        { coef: 1, fig: momentsOf(big) },
        { coef: -1, fig: momentsOf(small) },
      ];
      const d = (big.n ?? 0) - (small.n ?? 0);
      if (d < 1 || d >= k) continue;
      const vectors = combinationVectors(LIKERT, FAVOURABLE, terms);
      if (vectors?.length === 1) findings.push(`${ga.unit} ${key}: the ${d} who differ answered ${describe(vectors[0] as number[])}`);
    }
  }
  return findings;
}

/** pinnedByCombination: one statement's figures from several groups (e.g. P - XA - Y) as a signed
 *  combination; a finding for each statement where the combined people's answers are pinned. */
export function pinnedByCombination(parts: { coef: 1 | -1; group: SeenGroup; label: string }[], k: number): string[] {
  const findings: string[] = [];
  const keys = [...(parts[0]?.group.figures ?? [])].filter(([, row]) => isStatement(row)).map(([key]) => key);
  for (const key of keys) {
    const rows = parts.map((p) => p.group.figures.get(key));
    if (rows.some((r) => !r?.mean)) continue;
    const terms = parts.map((p, i) => ({ coef: p.coef, fig: momentsOf(rows[i] as FigureRow) }));
    const d = terms.reduce((s, t) => s + t.coef * t.fig.n, 0);
    if (d < 1 || d >= k) continue;
    const vectors = combinationVectors(LIKERT, FAVOURABLE, terms);
    if (vectors?.length === 1) findings.push(`${key}: ${parts.map((p) => `${p.coef > 0 ? '+' : '-'}${p.label}`).join(' ')} = ${d} answered ${describe(vectors[0] as number[])}`);
  }
  return findings;
}

function describe(counts: number[]): string {
  return counts.flatMap((c, i) => Array<number>(c).fill(LIKERT[i] as number)).join(', ');
}

/** numbersOf is the numeric content of a CSV row (what a reader could compare), or undefined if withheld. */
export function numbersOf(row: FigureRow | undefined): string | undefined {
  if (!row) return undefined;
  const shown = { n: row.n, mean: row.mean?.value, sd: row.sd?.value, count: row.count, share: row.share?.value };
  return Object.values(shown).some((v) => v !== undefined) ? JSON.stringify(shown) : undefined;
}

/** changedFigures: every figure the later release shows that the earlier one did not show identically. */
export function changedFigures(before: readonly SeenGroup[], after: readonly SeenGroup[]): string[] {
  const findings: string[] = [];
  for (const ga of after) {
    const gb = before.find((g) => g.unit === ga.unit);
    for (const [key, row] of ga.figures) {
      const now = numbersOf(row);
      const then = numbersOf(gb?.figures.get(key));
      if (now !== undefined && now !== then) findings.push(`${ga.unit} ${key}: ${then ?? 'not shown'} -> ${now}`);
    }
  }
  return findings;
}

/** smallShifts: figures shown in both releases whose n moved by 1..k-1, or whose value moved with the same n. */
export function smallShifts(before: readonly SeenGroup[], after: readonly SeenGroup[], k: number): string[] {
  const findings: string[] = [];
  for (const ga of after) {
    const gb = before.find((g) => g.unit === ga.unit);
    for (const [key, row] of ga.figures) {
      const old = gb?.figures.get(key);
      if (row.n === undefined || old?.n === undefined) continue;
      const d = Math.abs(row.n - old.n);
      if ((d >= 1 && d < k) || (d === 0 && numbersOf(row) !== numbersOf(old))) findings.push(`${ga.unit} ${key}: n ${old.n} -> ${row.n}`);
    }
  }
  return findings;
}

/** summary keeps a failure readable: how many findings, and the first few. */
export function summary(findings: readonly string[]): { findings: number; first: string[] } {
  return { findings: findings.length, first: findings.slice(0, 4) };
}

/** pageShifts: what two releases of the same unit pages differ by, where that is 1..k-1 people:
 *  counts per option (the difference is the newcomers' answers), the free-text list, and the n of
 *  each breakdown category. */
export function pageShifts(before: ReadonlyMap<string, PageFigures>, after: ReadonlyMap<string, PageFigures>, k: number): { distributions: string[]; freeText: string[]; breakdown: string[] } {
  const small = (d: number): boolean => d >= 1 && d < k;
  const found = { distributions: [] as string[], freeText: [] as string[], breakdown: [] as string[] };
  for (const [unit, page] of after) {
    const old = before.get(unit);
    if (!old) continue;
    for (const [item, counts] of page.distributions) {
      const was = old.distributions.get(item);
      if (!was) continue;
      const diff = counts.map((c, i) => c - (was[i] ?? 0));
      if (small(diff.reduce((s, d) => s + Math.abs(d), 0))) found.distributions.push(`${unit} ${item}: counts per option moved by [${diff.join(', ')}]`);
    }
    const added = page.comments.filter((c) => !old.comments.includes(c));
    const removed = old.comments.filter((c) => !page.comments.includes(c));
    if (small(added.length + removed.length)) found.freeText.push(`${unit}: ${added.length} added (${added.join(' | ')}), ${removed.length} removed`);
    for (const [category, n] of page.breakdown) {
      const was = old.breakdown.get(category);
      if (was !== undefined && small(Math.abs(n - was))) found.breakdown.push(`${unit} ${category}: n ${was} -> ${n}`);
    }
  }
  return found;
}
