// The vocabulary of the pages: how a figure, an n, a share or a withheld note reads (built from the
// message catalogue, so a reworded message keeps its pattern), and the check of one shown text
// against what the model holds for it. Numbers that are not figures are recognised explicitly:
// thresholds (only inside a "fewer than k" or "hidden below k" message, and equal to one of the
// wave's thresholds), numbers inside static catalogue messages (scale ends, the 95 % level, the
// heat map's bands), and names (units, waves, project, survey wording, comments, ids).
import { nb } from '../../../src/web/i18n/nb.js';
import type { Block } from './html.js';
import type { Expected } from './expected.js';

type Key = keyof typeof nb;
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** pattern turns a catalogue message into a regular expression; each {param} captures (lazily). */
export function pattern(key: Key, anchored = true): RegExp {
  const body = esc(nb[key]).replace(/\\\{(\w+)\\\}/g, (_, p: string) => `(?<${p}>.+?)`);
  return new RegExp(anchored ? `^${body}$` : body);
}

const NUMBER = /^-?\d+(?:,\d+)?$/;
/** num reads a number as shown (comma decimal, minus sign), or NaN. */
export const num = (s: string | undefined): number => (s !== undefined && NUMBER.test(s.replace('−', '-').trim()) ? Number(s.replace('−', '-').replace(',', '.').trim()) : NaN);

/** What a shown figure says. */
export type Reading =
  | { kind: 'none' }
  | { kind: 'withheld'; k?: number }
  | { kind: 'value'; mean?: number; bound?: 'above' | 'below'; n?: number; nUpTo?: number };

const FEWER = pattern('results.fewerThan', false);
const REASONS = (['complementary', 'disabled', 'below_k', 'release'] as const).map((r) => nb[`results.withheld.${r}`]);
const ABOVE = pattern('results.mean.above');
const BELOW = pattern('results.mean.below');
const N_EQ = pattern('results.nEq');
const N_UP_TO = pattern('results.nUpTo');

/** readWithheld reads a withheld note ("færre enn 5 svar", a reason, or "–" with either), or undefined. */
export function readWithheld(text: string): Reading | undefined {
  const t = text.replace(/^– ?/, '').replace(/^\((.*)\)$/, '$1').trim();
  const fewer = FEWER.exec(t);
  if (fewer && fewer[0] === t) return { kind: 'withheld', k: num(fewer.groups?.k) };
  if ((REASONS as readonly string[]).includes(t)) return { kind: 'withheld' };
  return undefined;
}

/** readN reads an n cell: "12" or "høyst 12" (or "(n = 12)" / "(høyst 12)" beside a figure). */
export function readN(text: string): { n?: number; nUpTo?: number } | undefined {
  const t = text.replace(/^\((.*)\)$/, '$1');
  if (/^\d+$/.test(t)) return { n: Number(t) };
  const eq = N_EQ.exec(t);
  if (eq) return NUMBER.test(eq.groups?.n ?? '') ? { n: num(eq.groups?.n) } : undefined;
  const upTo = N_UP_TO.exec(t);
  if (upTo) return NUMBER.test(upTo.groups?.n ?? '') ? { nUpTo: num(upTo.groups?.n) } : undefined;
  return undefined;
}

/** readFigure reads a figure as the _figure partial prints it (mean or bound, optionally its n), a withheld note, or "–". */
export function readFigure(text: string): Reading | undefined {
  const t = text.trim();
  if (t === '' || t === '–') return { kind: 'none' };
  const withheld = readWithheld(t);
  if (withheld) return withheld;
  const m = /^(.*?)(?: (\([^()]*\)))?$/.exec(t) as RegExpExecArray;
  const [head, tail] = [m[1] as string, m[2]];
  const n = tail === undefined ? {} : readN(tail);
  if (!n) return undefined;
  const above = ABOVE.exec(head);
  const below = BELOW.exec(head);
  const value = above?.groups?.x ?? below?.groups?.x ?? head;
  if (!/^-?\d+,\d$/.test(value)) return undefined;
  return { kind: 'value', mean: num(value), ...(above ? { bound: 'above' as const } : below ? { bound: 'below' as const } : {}), ...n };
}

/** agrees checks a reading against the model's figure: withheld exactly where the model has none,
 *  else the same mean after the display's rounding, the same bound and the same n or "at most". */
export function agrees(r: Reading, e: Expected | undefined, wantN: boolean, thresholds: readonly number[]): string | undefined {
  if (r.kind === 'none') return e?.mean === undefined ? undefined : `"–" where the model has ${e.mean}`;
  if (r.kind === 'withheld') {
    if (r.k !== undefined && !thresholds.includes(r.k)) return `a threshold ${r.k} that is none of the wave's (${thresholds.join(', ')})`;
    return e?.mean === undefined ? undefined : `withheld where the model has ${e.mean}`;
  }
  if (!e) return 'a figure the model does not have';
  if (r.mean !== undefined) {
    if (e.mean === undefined) return 'a mean the model does not have';
    if (Math.abs(r.mean - e.mean) > 0.05 + 1e-9) return `mean ${r.mean}, the model ${e.mean}`;
    if ((r.bound ?? '') !== (e.meanBound ?? '')) return `bound "${r.bound ?? ''}", the model "${e.meanBound ?? ''}"`;
  }
  if (wantN || r.n !== undefined || r.nUpTo !== undefined) {
    if (r.n !== e.n || r.nUpTo !== e.nUpTo) return `n ${r.n ?? `≤${r.nUpTo}`}, the model ${e.n ?? `≤${e.nUpTo}`}`;
  }
  return undefined;
}

/** close1 compares a one-decimal figure; closeTo compares with any tolerance. */
export const closeTo = (shown: number, exact: number | undefined, tol: number): boolean => exact !== undefined && Math.abs(shown - exact) <= tol + 1e-9;

/** Static catalogue messages with a digit in them (scale ends, "95 %", bands): numbers that are not figures. */
const STATIC = Object.values(nb)
  .filter((v) => !v.includes('{') && /\d/.test(v))
  .sort((a, b) => b.length - a.length);

/** Names strips known names and static messages from a text, leaving what must be a rule's. */
export class Names {
  private readonly names: string[];
  constructor(names: Iterable<string>) {
    this.names = [...new Set([...names].filter((n) => /\d/.test(n)))].sort((a, b) => b.length - a.length);
  }
  strip(text: string): string {
    let t = text;
    for (const s of STATIC) if (t.includes(s)) t = t.split(s).join('«»');
    for (const n of this.names) if (t.includes(n)) t = t.split(n).join('«»');
    return t;
  }
}

/** A fact a role saw: group, figure, what kind of number, and the text. */
export type Fact = string;

/** PageLog collects one page's facts and problems. */
export class PageLog {
  readonly facts = new Set<Fact>();
  readonly problems: string[] = [];
  figures = 0;
  constructor(readonly page: string) {}
  fact(group: string, key: string, text: string): void {
    this.figures++;
    this.facts.add(`${group}|${key}|${text}`);
  }
  problem(group: string, b: Block | string, why: string): void {
    const text = typeof b === 'string' ? b : `"${b.text.slice(0, 120)}"${b.rowLabel ? ` (row "${b.rowLabel.slice(0, 50)}", column "${(b.column ?? '').slice(0, 40)}")` : ''}`;
    this.problems.push(`${this.page} @${group}: ${text}: ${why}`);
  }
  /** check records a figure and reports it when the model disagrees. */
  check(group: string, key: string, b: Block, text: string, why: string | undefined): void {
    this.fact(group, key, text);
    if (why) this.problem(group, b, `${key}: ${why}`);
  }
}
