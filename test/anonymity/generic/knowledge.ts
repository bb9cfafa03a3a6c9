// What the exact linear system says about one group's counts per point: which combinations of
// them (n, the sum, a count, a difference of counts, ...) the shown figures determine. The
// rounding check (rounding.ts) then admits only count vectors that give every such combination
// its true value, so a mean shown without its n is checked against all the attacker can know of
// its group by subtraction, not against the mean alone.
//
// A combination a of queries q_1..q_m (each a sum over the group of one point's indicator) is
// determined iff sum a_i q_i lies in the row space of the equations. Each query carries a tag column
// through the reduction by an echelon form of the equations, so the residuals' linear relations
// (found by eliminating their real columns) are exactly the determined combinations. Respondents
// with equal coefficients in every equation and query are merged into one column per variable, as
// in algebra.ts: the row space restricted to them is unchanged.
import { canonical, type Equation, type Term } from './algebra.js';
import { combine, eliminate, gcd, type Row } from './sparse.js';

/** derivableCombinations returns, for each group of queries, a basis of the integer vectors a such
 *  that sum a_i q_i is determined by the equations ([] when no combination is). */
export function derivableCombinations(equations: readonly Equation[], groups: readonly (readonly (readonly Term[])[])[]): bigint[][][] {
  const eqs = equations.map((e) => canonical(e.terms)).filter((t) => t.length > 0);
  const queries = groups.map((g) => g.map((q) => canonical(q)));
  // Blocks: variables that meet in an equation, or in one group of queries, belong together.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let p = parent.get(x) ?? x;
    if (p !== x) parent.set(x, (p = find(p)));
    return p;
  };
  const join = (kinds: readonly string[]): void => {
    for (const kind of kinds) if (!parent.has(kind)) parent.set(kind, kind);
    for (let i = 1; i < kinds.length; i++) {
      const a = find(kinds[0] as string);
      const b = find(kinds[i] as string);
      if (a !== b) parent.set(a, b);
    }
  };
  for (const e of eqs) join(e.map((t) => t.kind));
  queries.forEach((g) => join(g.flatMap((q) => q.map((t) => t.kind))));
  const blockOf = (terms: readonly Term[]): string | undefined => (terms[0] ? find(terms[0].kind) : undefined);
  const out: bigint[][][] = groups.map(() => []);
  const byBlock = new Map<string, number[]>();
  queries.forEach((g, i) => {
    const root = g.map(blockOf).find((r) => r !== undefined);
    if (root !== undefined) byBlock.set(root, [...(byBlock.get(root) ?? []), i]);
  });
  for (const [root, members] of byBlock) {
    const blockEqs = eqs.filter((e) => blockOf(e) === root);
    const result = solveBlock(blockEqs, members.map((i) => queries[i] as Term[][]));
    members.forEach((i, j) => (out[i] = result[j] as bigint[][]));
  }
  return out;
}

function solveBlock(eqs: readonly Term[][], groups: readonly Term[][][]): bigint[][][] {
  // Atoms: respondents with the same coefficients in every equation and query of the block.
  const rowsIn = [...eqs, ...groups.flat()];
  const signature = new Map<number, string[]>();
  rowsIn.forEach((terms, i) => {
    for (const t of terms) {
      const list = signature.get(t.r) ?? [];
      list.push(`${i}:${t.kind}*${t.c.n}/${t.c.d}`);
      signature.set(t.r, list);
    }
  });
  const representative = new Map<string, number>();
  const keep = new Set<number>();
  for (const [r, parts] of signature) {
    const key = parts.join('|');
    if (!representative.has(key)) {
      representative.set(key, r);
      keep.add(r);
    }
  }
  const columns = new Map<string, number>();
  const toRow = (terms: readonly Term[]): { row: Row; scale: bigint } => {
    let lcm = 1n;
    for (const t of terms) lcm = (lcm * t.c.d) / gcd(lcm, t.c.d);
    const row: Row = new Map();
    for (const t of terms) {
      if (!keep.has(t.r)) continue;
      const key = `${t.r}\u0000${t.kind}`;
      let col = columns.get(key);
      if (col === undefined) columns.set(key, (col = columns.size));
      row.set(col, (t.c.n * lcm) / t.c.d);
    }
    return { row, scale: lcm };
  };
  const eqRows = eqs.map((e) => toRow(e).row);
  const groupRows = groups.map((g) => g.map(toRow));
  const real = [...columns.values()];
  const TAG = columns.size;
  const { pivots, pivotColumns } = eliminate(eqRows, real);
  return groupRows.map((qs) => {
    // Reduce each tagged query by the echelon form: pivot i holds no earlier pivot's column.
    const residuals = qs.map(({ row, scale }, i) => {
      let q: Row = new Map([...row, [TAG + i, scale]]);
      pivots.forEach((p, k) => {
        const c = pivotColumns[k] as number;
        if (q.has(c)) q = combine(p, q, c);
      });
      return q;
    });
    return eliminate(residuals, real).rest.map((r) => qs.map((_, i) => r.get(TAG + i) ?? 0n));
  });
}
