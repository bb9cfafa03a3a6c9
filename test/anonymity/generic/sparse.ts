// Exact sparse linear algebra over the integers (BigInt): fraction-free Gaussian elimination with
// gcd-normalised rows, and an incremental column basis. Rationals enter as rows scaled to integers,
// so every rank here is exact.

/** A sparse integer row: column -> nonzero entry. */
export type Row = Map<number, bigint>;

const abs = (x: bigint): bigint => (x < 0n ? -x : x);
/** gcd returns the greatest common divisor of |a| and |b| (0 when both are 0). */
export function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** normalise divides a row by the gcd of its entries in place, so fraction-free elimination stays small. */
export function normalise(row: Row): Row {
  let g = 0n;
  for (const v of row.values()) {
    g = gcd(g, v);
    if (g === 1n) return row;
  }
  if (g > 1n) for (const [c, v] of row) row.set(c, v / g);
  return row;
}

/** combine returns p[c]*q - q[c]*p (gcd-normalised): q with column c eliminated by pivot row p. */
export function combine(p: Row, q: Row, c: number): Row {
  const a = p.get(c) as bigint;
  const b = q.get(c) as bigint;
  const out: Row = new Map();
  for (const [col, v] of q) out.set(col, a * v);
  for (const [col, v] of p) {
    const x = (out.get(col) ?? 0n) - b * v;
    if (x === 0n) out.delete(col);
    else out.set(col, x);
  }
  out.delete(c);
  return normalise(out);
}

/** eliminate runs fraction-free Gaussian elimination on the given columns in order (sparsest pivot
 *  first). Returns the pivot rows with the column each was chosen for (a pivot holds no earlier
 *  pivot's column) and the remaining rows, which are zero on every column in `order`. */
export function eliminate(input: readonly Row[], order: readonly number[]): { pivots: Row[]; pivotColumns: number[]; rest: Row[] } {
  const rows: (Row | undefined)[] = input.map((r) => new Map(r));
  const byCol = new Map<number, Set<number>>();
  const index = (i: number, row: Row, add: boolean): void => {
    for (const c of row.keys()) {
      let s = byCol.get(c);
      if (!s) byCol.set(c, (s = new Set()));
      if (add) s.add(i);
      else s.delete(i);
    }
  };
  rows.forEach((r, i) => r && index(i, r, true));
  const pivots: Row[] = [];
  const pivotColumns: number[] = [];
  for (const c of order) {
    const holders = [...(byCol.get(c) ?? [])];
    if (holders.length === 0) continue;
    let p = holders[0] as number;
    for (const h of holders) if ((rows[h] as Row).size < (rows[p] as Row).size) p = h;
    const pivot = rows[p] as Row;
    index(p, pivot, false);
    rows[p] = undefined;
    pivots.push(pivot);
    pivotColumns.push(c);
    for (const h of holders) {
      if (h === p) continue;
      const old = rows[h] as Row;
      index(h, old, false);
      const next = combine(pivot, old, c);
      if (next.size === 0) rows[h] = undefined;
      else {
        rows[h] = next;
        index(h, next, true);
      }
    }
  }
  return { pivots, pivotColumns, rest: rows.filter((r): r is Row => r !== undefined && r.size > 0) };
}

/** Column vectors in incremental echelon form: add() tells whether a vector was independent. */
export class ColumnBasis {
  private readonly reduced: { vec: bigint[]; lead: number }[] = [];
  add(v: readonly bigint[]): boolean {
    let x = [...v];
    for (const b of this.reduced) {
      const xv = x[b.lead] as bigint;
      if (xv === 0n) continue;
      const bv = b.vec[b.lead] as bigint;
      x = x.map((e, i) => bv * e - xv * (b.vec[i] as bigint));
      let g = 0n;
      for (const e of x) g = gcd(g, e);
      if (g > 1n) x = x.map((e) => e / g);
    }
    const lead = x.findIndex((e) => e !== 0n);
    if (lead < 0) return false;
    this.reduced.push({ vec: x, lead });
    return true;
  }
  get size(): number {
    return this.reduced.length;
  }
}
