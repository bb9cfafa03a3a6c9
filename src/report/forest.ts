// The organisation tree in index form, shared by roll-up and disclosure control.

/** What results need of a unit: its place in the tree. */
export interface UnitRef {
  id: string;
  parentId: string | null;
}

export interface Forest {
  ids: string[];
  index: Map<string, number>;
  /** Parent index, -1 for a root (also for a parent missing from the list). */
  parent: number[];
  /** Child indexes, ordered by unit id so every result is deterministic. */
  children: number[][];
  /** Every unit, each parent before its descendants. */
  preorder: number[];
}

/** buildForest indexes units; it throws on a duplicate id or a parent cycle. */
export function buildForest(units: readonly UnitRef[]): Forest {
  const sorted = [...units].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = sorted.map((u) => u.id);
  const index = new Map<string, number>();
  ids.forEach((id, i) => {
    if (index.has(id)) throw new Error(`unit "${id}" is listed twice`);
    index.set(id, i);
  });
  const parent = sorted.map((u) => (u.parentId === null ? -1 : (index.get(u.parentId) ?? -1)));
  const children: number[][] = ids.map(() => []);
  parent.forEach((p, i) => {
    if (p >= 0) children[p]?.push(i);
  });
  const preorder: number[] = [];
  const stack = parent.flatMap((p, i) => (p < 0 ? [i] : [])).reverse();
  while (stack.length > 0) {
    const u = stack.pop() as number;
    preorder.push(u);
    const kids = children[u] ?? [];
    for (let c = kids.length - 1; c >= 0; c--) stack.push(kids[c] as number);
  }
  if (preorder.length !== ids.length) throw new Error('the unit tree has a cycle');
  return { ids, index, parent, children, preorder };
}

/** sumUp returns, per forest index, `own[i]` plus the sums of all its descendants (children added
 *  before their parents), with `add` returning the sum of two values without changing them. */
export function sumUp<T>(forest: Forest, own: readonly T[], add: (parent: T, child: T) => T): T[] {
  const sums = [...own];
  for (let i = forest.preorder.length - 1; i >= 0; i--) {
    const u = forest.preorder[i] as number;
    const p = forest.parent[u] as number;
    if (p >= 0) sums[p] = add(sums[p] as T, sums[u] as T);
  }
  return sums;
}
