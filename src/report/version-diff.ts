// What changed between two versions of a survey, for the builder's version page. Whether an item
// can still be compared before/after is decided by the comparison's own rule (compare.ts
// itemComparability), so the diff never calls comparable what the comparison would flag.
import type { Survey } from '../survey/model.js';
import type { Item } from '../survey/schema.js';
import { itemComparability, type ComparabilityStatus } from './compare.js';

/** One kind of change to an item, named for the catalogue (builder.diff.<kind>). */
export type ItemChangeKind = 'added' | 'removed' | 'type' | 'text' | 'answers' | 'help' | 'required' | 'factor' | 'condition' | 'moved';

export interface ItemChange {
  id: string;
  before?: Item;
  after?: Item;
  kinds: ItemChangeKind[];
  /** The comparison's verdict for this item across the two versions ('same' = still compared). */
  comparability: ComparabilityStatus;
}

export interface PartChange {
  part: 'title' | 'section' | 'factor' | 'scale' | 'languages';
  id: string;
  kind: 'added' | 'removed' | 'changed';
}

export interface VersionDiff {
  items: ItemChange[];
  parts: PartChange[];
}

const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);

function sectionOf(survey: Survey, id: string): string | undefined {
  return survey.sections.find((s) => s.items.some((i) => i.id === id))?.id;
}

function partChanges<T extends { id: string }>(part: PartChange['part'], a: readonly T[], b: readonly T[]): PartChange[] {
  const before = new Map(a.map((x) => [x.id, x]));
  const after = new Map(b.map((x) => [x.id, x]));
  const out: PartChange[] = [];
  for (const [id, x] of before) {
    const y = after.get(id);
    if (!y) out.push({ part, id, kind: 'removed' });
    else if (!same(part === 'section' ? { ...x, items: undefined } : x, part === 'section' ? { ...y, items: undefined } : y)) out.push({ part, id, kind: 'changed' });
  }
  for (const id of after.keys()) if (!before.has(id)) out.push({ part, id, kind: 'added' });
  return out;
}

/** diffVersions lists every item that differs between versions a and b (in b's order, then the
 *  removed ones) with the comparison's verdict, and the sections, factors, scales and title that differ. */
export function diffVersions(a: Survey, b: Survey): VersionDiff {
  const comparability = itemComparability([a, b]);
  const before = new Map(a.items.map((i) => [i.id, i]));
  const after = new Map(b.items.map((i) => [i.id, i]));
  const items: ItemChange[] = [];
  const status = (id: string): ComparabilityStatus => comparability.get(id)?.status ?? 'missing';
  for (const item of [...b.items, ...a.items.filter((i) => !after.has(i.id))]) {
    const x = before.get(item.id);
    const y = after.get(item.id);
    const kinds: ItemChangeKind[] = [];
    if (!x) kinds.push('added');
    else if (!y) kinds.push('removed');
    else {
      if (x.type !== y.type) kinds.push('type');
      if (x.text !== y.text) kinds.push('text');
      if (status(item.id) === 'scale_changed') kinds.push('answers');
      if (x.help !== y.help) kinds.push('help');
      if (x.required !== y.required) kinds.push('required');
      if (x.factor !== y.factor) kinds.push('factor');
      if (!same(x.showIf, y.showIf)) kinds.push('condition');
      if (sectionOf(a, item.id) !== sectionOf(b, item.id)) kinds.push('moved');
    }
    if (kinds.length > 0 || status(item.id) !== 'same') items.push({ id: item.id, before: x, after: y, kinds, comparability: status(item.id) });
  }
  const parts: PartChange[] = [
    ...(a.title === b.title ? [] : [{ part: 'title' as const, id: b.id, kind: 'changed' as const }]),
    ...partChanges('section', a.sections, b.sections),
    ...partChanges('factor', a.factors, b.factors),
    ...partChanges(
      'scale',
      Object.entries(a.scales).map(([id, s]) => ({ id, ...s })),
      Object.entries(b.scales).map(([id, s]) => ({ id, ...s })),
    ),
    ...(same(a.languages ?? ['nb'], b.languages ?? ['nb']) && same(a.translations ?? {}, b.translations ?? {}) ? [] : [{ part: 'languages' as const, id: b.id, kind: 'changed' as const }]),
  ];
  return { items, parts };
}
