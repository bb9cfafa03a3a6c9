// A read-only map whose values are made when asked for (read back from a buffer, translated), of
// which the last few asked for are kept: pages read a handful of a wave's hundreds of tables.
/** LazyMap maps the given ids to `make(id)`: `get` keeps the last `keep` values made; iterating
 *  makes every value without keeping them. */
export class LazyMap<T> implements ReadonlyMap<string, T> {
  private readonly ids: Set<string>;
  private readonly recent = new Map<string, T>();

  constructor(
    ids: Iterable<string>,
    private readonly make: (id: string) => T,
    private readonly keep: number,
  ) {
    this.ids = new Set(ids);
  }

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  get(id: string): T | undefined {
    if (!this.ids.has(id)) return undefined;
    const kept = this.recent.get(id);
    if (kept !== undefined) {
      // Most recently used last: the first key is the one to let go.
      this.recent.delete(id);
      this.recent.set(id, kept);
      return kept;
    }
    const value = this.make(id);
    if (this.keep === 0) return value;
    this.recent.set(id, value);
    if (this.recent.size > this.keep) this.recent.delete(this.recent.keys().next().value as string);
    return value;
  }

  forEach(fn: (value: T, id: string, map: ReadonlyMap<string, T>) => void, thisArg?: unknown): void {
    for (const [id, value] of this.entries()) fn.call(thisArg, value, id, this);
  }

  entries(): MapIterator<[string, T]> {
    return this.all().entries();
  }

  keys(): MapIterator<string> {
    return this.ids.keys();
  }

  values(): MapIterator<T> {
    return this.all().values();
  }

  // Every value, made where not kept (and not kept after).
  private all(): Map<string, T> {
    return new Map([...this.ids].map((id) => [id, this.recent.get(id) ?? this.make(id)]));
  }

  [Symbol.iterator](): MapIterator<[string, T]> {
    return this.entries();
  }
}
