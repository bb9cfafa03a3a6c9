// Exact linear algebra for the generic attacker: which small sets of respondents does a system of
// shown figures isolate? Rows are rationals scaled to BigInt integers and reduced by sparse.ts, so
// every rank is exact; no floating point and no modular shortcut decides anything.
//
// Columns are (respondent, variable) pairs; an equation is one shown figure written as a linear
// functional of those columns (see model.ts). A set T of respondents is isolated when some nonzero
// functional in the row space of the equations has all its weight on T's columns, which holds iff
// rank(F) - rank(F without T's columns) > 0.
//
// Three reductions keep this exact and fast:
// - Channels: variables that never meet in one equation form independent blocks (the row space is
//   their direct sum, so a vector supported on T exists iff one exists in some block).
// - Atoms: respondents with the same coefficients in every equation of a block get identical
//   columns; every row-space vector treats them alike, so supports are unions of atoms, and one
//   column per (atom, variable) has the same ranks.
// - Small part: an atom of k or more respondents never lies inside a support of fewer than k.
//   Eliminating the big atoms' columns first leaves G0, the derivable functionals that vanish on
//   every big atom; all findings live in G0, usually {0}. Inside G0 a hitting-set search finds a
//   union U of small atoms (total size 1..k-1) with rank(G0 without U) < dim G0: every column basis
//   of G0 must use a column of U, so branching on the small atoms of one basis is complete.

import { ColumnBasis, eliminate, gcd, normalise, type Row } from './sparse.js';

/** An exact rational: BigInt numerator and (nonzero) denominator. Coefficients built from exact
 *  means and variances of large groups outgrow doubles, so no step rounds. */
export interface Rat {
  n: bigint;
  d: bigint;
}

/** rat builds a rational from integers (numbers must be safe integers). */
export const rat = (n: number | bigint, d: number | bigint = 1n): Rat => reduced(BigInt(n), BigInt(d));
/** ratAdd, ratMul and ratNeg are exact rational arithmetic in lowest terms. */
export const ratAdd = (a: Rat, b: Rat): Rat => reduced(a.n * b.d + b.n * a.d, a.d * b.d);
export const ratMul = (a: Rat, b: Rat): Rat => reduced(a.n * b.n, a.d * b.d);
export const ratNeg = (a: Rat): Rat => ({ n: -a.n, d: a.d });

/** ratToNumber is the nearest double, also for numerators and denominators beyond 2^1023. */
export function ratToNumber(r: Rat): number {
  const bits = (x: bigint) => (x < 0n ? -x : x).toString(2).length;
  const shift = BigInt(Math.max(0, Math.max(bits(r.n), bits(r.d)) - 900));
  return Number(r.n >> shift) / Number(r.d >> shift);
}

/** One coefficient of an equation: c times respondent r's variable `kind`. */
export interface Term {
  r: number;
  kind: string;
  c: Rat;
}

export interface Equation {
  label: string;
  terms: Term[];
}

export interface Isolation {
  /** Respondents (indices) of the isolated set, 1..k-1 of them. */
  respondents: number[];
  /** Variables with nonzero weight in one derivable functional supported on those respondents. */
  kinds: string[];
  /** Labels of equations in the block where it was found (what kind of figures). */
  block: string;
  /** The figures combined into the isolated functional, as text (weights of the scaled equations). */
  combination: string[];
  /** The same combination as weights on the input equations (by index). */
  weights: { equation: number; weight: Rat }[];
}

interface Indexed extends Equation {
  index: number;
}

interface Atom {
  members: number[];
  /** Column index per variable of this atom. */
  cols: Map<string, number>;
}

/** reduced writes a rational in lowest terms with a positive denominator, so equal coefficients compare equal. */
function reduced(n: bigint, d: bigint): Rat {
  if (d === 0n) throw new RangeError('a rational with denominator 0');
  const g = (gcd(n, d) || 1n) * (d < 0n ? -1n : 1n);
  return { n: n / g, d: d / g };
}

/** canonical merges repeated (respondent, variable) terms and drops zeros. */
export function canonical(terms: readonly Term[]): Term[] {
  const merged = new Map<string, Term>();
  for (const t of terms) {
    const key = `${t.r}\u0000${t.kind}`;
    const had = merged.get(key);
    merged.set(key, had ? { ...had, c: ratAdd(had.c, t.c) } : { ...t, c: reduced(t.c.n, t.c.d) });
  }
  return [...merged.values()].filter((t) => t.c.n !== 0n).sort((a, b) => a.r - b.r || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}

/** channels splits equations into blocks whose variables never meet in one equation. */
function channels(equations: readonly Indexed[]): Indexed[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let p = parent.get(x) ?? x;
    if (p !== x) parent.set(x, (p = find(p)));
    return p;
  };
  for (const e of equations) {
    const kinds = e.terms.map((t) => t.kind);
    for (const kind of kinds) if (!parent.has(kind)) parent.set(kind, kind);
    for (let i = 1; i < kinds.length; i++) {
      const a = find(kinds[0] as string);
      const b = find(kinds[i] as string);
      if (a !== b) parent.set(a, b);
    }
  }
  const blocks = new Map<string, Indexed[]>();
  for (const e of equations) {
    const first = e.terms[0];
    if (!first) continue;
    const root = find(first.kind);
    let list = blocks.get(root);
    if (!list) blocks.set(root, (list = []));
    list.push(e);
  }
  return [...blocks.values()];
}

export interface SearchOptions {
  /** Give up a block after this many search nodes (reported as an undecided block). */
  maxNodes?: number;
}

/** isolations returns, per independent block of variables, one set of 1..k-1 respondents that the
 *  equations isolate (with the variables of a derivable functional on them); [] when none is. */
export function isolations(equations: readonly Equation[], k: number, opts: SearchOptions = {}): Isolation[] {
  const clean = equations.map((e, index) => ({ label: e.label, terms: canonical(e.terms), index })).filter((e) => e.terms.length > 0);
  const out: Isolation[] = [];
  for (const block of channels(clean)) {
    const found = isolateInBlock(block, k, opts.maxNodes ?? 20_000);
    if (found) out.push(found);
  }
  return out;
}

function isolateInBlock(block: readonly Indexed[], k: number, maxNodes: number): Isolation | undefined {
  // Identical equations (the same figure in several releases) add nothing.
  const unique = new Map<string, Indexed>();
  for (const e of block) {
    const key = e.terms.map((t) => `${t.r}:${t.kind}:${t.c.n}/${t.c.d}`).join(';');
    if (!unique.has(key)) unique.set(key, e);
  }
  const eqs = [...unique.values()];
  const labels = [...new Set(eqs.map((e) => e.label.replace(/^R\d+ /, '').replace(/ @.*$/, '')))].sort();

  // Atoms: respondents with the same coefficients in every equation.
  const signature = new Map<number, string[]>();
  eqs.forEach((e, i) => {
    let from = 0;
    while (from < e.terms.length) {
      const r = (e.terms[from] as Term).r;
      let to = from;
      const parts: string[] = [];
      while (to < e.terms.length && (e.terms[to] as Term).r === r) {
        const t = e.terms[to] as Term;
        parts.push(`${t.kind}*${t.c.n}/${t.c.d}`);
        to++;
      }
      const list = signature.get(r) ?? [];
      list.push(`${i}{${parts.join(',')}}`);
      signature.set(r, list);
      from = to;
    }
  });
  const atomOf = new Map<number, Atom>();
  const bySig = new Map<string, Atom>();
  const atoms: Atom[] = [];
  let nextCol = 0;
  for (const [r, parts] of signature) {
    const key = parts.join('|');
    let atom = bySig.get(key);
    if (!atom) {
      atom = { members: [], cols: new Map() };
      bySig.set(key, atom);
      atoms.push(atom);
    }
    atom.members.push(r);
    atomOf.set(r, atom);
  }
  // Collapsed rows: one column per (atom, variable), integers after scaling by the denominators.
  const colAtom: Atom[] = [];
  const colKind: string[] = [];
  const scale: Rat[] = [];
  const rows: Row[] = eqs.map((e, i) => {
    let lcm = 1n;
    for (const t of e.terms) lcm = (lcm * t.c.d) / gcd(lcm, t.c.d);
    const row: Row = new Map();
    for (const t of e.terms) {
      const atom = atomOf.get(t.r) as Atom;
      // Every member carries the same terms; take the atom's first member only.
      if (atom.members[0] !== t.r) continue;
      let col = atom.cols.get(t.kind);
      if (col === undefined) {
        col = nextCol++;
        atom.cols.set(t.kind, col);
        colAtom[col] = atom;
        colKind[col] = t.kind;
      }
      row.set(col, (t.c.n * lcm) / t.c.d);
    }
    let g = 0n;
    for (const v of row.values()) g = gcd(g, v);
    scale[i] = { n: lcm, d: g };
    return normalise(row);
  });

  const size = (a: Atom): number => a.members.length;
  const bigCols: number[] = [];
  const smallCols: number[] = [];
  for (let c = 0; c < nextCol; c++) (size(colAtom[c] as Atom) >= k ? bigCols : smallCols).push(c);
  const { rest } = eliminate(rows, bigCols);
  if (rest.length === 0) return undefined;
  // A basis of G0: the functionals that vanish on every big atom.
  const g0 = eliminate(rest, smallCols).pivots;
  if (g0.length === 0) return undefined;

  const colVec = (c: number): bigint[] => g0.map((row) => row.get(c) ?? 0n);
  const active = [...new Set(smallCols.filter((c) => g0.some((row) => row.has(c))).map((c) => colAtom[c] as Atom))];
  const activeCols = new Map(active.map((a) => [a, [...a.cols.values()].filter((c) => g0.some((row) => row.has(c)))]));
  const drops = (T: ReadonlySet<Atom>): boolean => {
    const basis = new ColumnBasis();
    for (const a of active) if (!T.has(a)) for (const c of activeCols.get(a) ?? []) basis.add(colVec(c));
    return basis.size < g0.length;
  };

  let nodes = 0;
  let undecided = false;
  const search = (T: Set<Atom>, budget: number, excluded: Set<Atom>): Set<Atom> | undefined => {
    if (++nodes > maxNodes) {
      undecided = true;
      return undefined;
    }
    const eligible = (a: Atom) => !T.has(a) && !excluded.has(a) && size(a) <= budget;
    // A column basis of G0 without T, built from ineligible atoms first: T must grow by an
    // eligible atom that this basis needs, else no extension of T lowers the rank.
    const basis = new ColumnBasis();
    const needed: Atom[] = [];
    for (const a of active) if (!T.has(a) && !eligible(a)) for (const c of activeCols.get(a) ?? []) basis.add(colVec(c));
    const candidates = active.filter(eligible).sort((a, b) => size(a) - size(b));
    for (const a of candidates) {
      let used = false;
      for (const c of activeCols.get(a) ?? []) if (basis.add(colVec(c))) used = true;
      if (used) needed.push(a);
    }
    if (basis.size < g0.length) return T;
    const skip = new Set(excluded);
    for (const a of needed) {
      const hit = search(new Set([...T, a]), budget - size(a), skip);
      if (hit) return hit;
      skip.add(a);
    }
    return undefined;
  };
  const hit = search(new Set(), k - 1, new Set());
  if (!hit) {
    if (undecided) return { respondents: [], kinds: ['undecided: search node limit reached'], block: labels.join(', '), combination: [], weights: [] };
    return undefined;
  }
  // Drop atoms the isolation does not need, then find one functional supported on what is left.
  const T = new Set(hit);
  for (const a of [...T]) {
    T.delete(a);
    if (T.size === 0 || !drops(T)) T.add(a);
  }
  // The witness: eliminate every column outside T from the equations, each carrying a tag column
  // per equation, so the surviving row says which figures combine into the isolated functional.
  const TAG = nextCol;
  const outside = [...bigCols, ...smallCols.filter((c) => !T.has(colAtom[c] as Atom))];
  const tagged = rows.map((row, i) => new Map([...row, [TAG + i, 1n]]));
  const witness = eliminate(tagged, outside).rest.find((row) => [...row.keys()].some((c) => c < TAG));
  const real = witness ? [...witness.keys()].filter((c) => c < TAG) : [];
  const kinds = [...new Set(real.map((c) => colKind[c] as string))].sort();
  const tags = witness ? [...witness].filter(([c]) => c >= TAG).map(([c, v]) => ({ e: c - TAG, v })) : [];
  const combination = tags.map(({ e, v }) => `${v > 0n ? '+' : ''}${v}×[${(eqs[e] as Equation).label}]`);
  const weights = tags.map(({ e, v }) => ({ equation: (eqs[e] as Indexed).index, weight: reduced(v * (scale[e] as Rat).n, (scale[e] as Rat).d) }));
  return { respondents: [...T].flatMap((a) => a.members).sort((a, b) => a - b), kinds, block: labels.join(', '), combination, weights };
}
