// What the attacker's model holds for one wave, indexed for the page check: each group's displays
// (generic/figures.ts), its counts per answer option, its comment lists and its size, and the
// figures of a mapped group (several units compared as one across a reorganisation) computed from
// its members' displays alone, so a mapped figure that matches is a function of figures already
// in the system.
import type { WaveResults } from '../../../src/report/wave-results.js';
import { subtreeIds } from '../../../src/store/units.js';
import type { Display, ReleaseFigures } from './figures.js';
import type { Person } from './model.js';

/** One wave as the attacker's model has it. */
export interface WaveModel {
  results: WaveResults;
  rf: ReleaseFigures;
  people: readonly Person[];
}

/** A figure a page may show for a group: a display, or a count of one option (stat count:KEY, dk, answered). */
export type Expected = Omit<Display, 'group' | 'key'>;

/** Expectations indexes one wave's model by group and figure. */
export class Expectations {
  readonly sets = new Map<string, number[]>();
  private readonly displays = new Map<string, Display>();
  private readonly counts = new Map<string, number>();
  readonly comments = new Map<string, Set<string>>();

  constructor(readonly wave: WaveModel) {
    const byUnit = new Map<string, number[]>();
    for (const p of wave.people) byUnit.set(p.unitId, [...(byUnit.get(p.unitId) ?? []), p.index]);
    for (const u of wave.results.units) this.sets.set(u.id, [...subtreeIds(wave.results.units, [u.id])].flatMap((id) => byUnit.get(id) ?? []));
    for (const d of wave.rf.displays) this.displays.set(`${d.group}|${d.key}`, d);
    for (const f of wave.rf.figures) if (f.measure.type === 'item' && (f.stat.startsWith('count:') || f.stat === 'dk' || f.stat === 'answered')) this.counts.set(`${f.group}|${f.measure.item}|${f.stat}`, f.value);
    for (const c of wave.rf.comments) this.comments.set(c.group, new Set([...(this.comments.get(c.group) ?? []), ...c.texts]));
  }

  /** shown tells whether a unit's table is released. */
  shown(group: string): boolean {
    return this.wave.results.tables.get(group)?.released === true;
  }

  /** size is a released group's number of respondents (a constant to the attacker: who is in which set). */
  size(group: string): number | undefined {
    return this.shown(group) ? this.sets.get(group)?.length : undefined;
  }

  /** display is what the model collected for a group's figure (key as in Display), or undefined when withheld. */
  display(group: string, key: string): Expected | undefined {
    return this.displays.get(`${group}|${key}`);
  }

  /** count is a shown count of one option of an item (stat count:KEY, dk or answered). */
  count(group: string, item: string, stat: string): number | undefined {
    return this.counts.get(`${group}|${item}|${stat}`);
  }

  /** merged is a mapped group's figure from its members' displays: withheld if any member's is,
   *  "at most" the sum where a member has no exact n, else pooled n, mean, SD and share. */
  merged(members: readonly string[], key: string): Expected | undefined {
    if (members.length === 1) return this.display(members[0] as string, key);
    const parts = members.map((m) => this.display(m, key));
    if (parts.some((p) => p === undefined)) return undefined;
    const ds = parts as Expected[];
    if (key.startsWith('share:')) {
      return { n: ds.reduce((s, d) => s + (d.n ?? 0), 0), count: ds.reduce((s, d) => s + (d.count ?? 0), 0) };
    }
    if (!ds.every((d) => d.n !== undefined)) return { nUpTo: ds.reduce((s, d) => s + (d.n ?? d.nUpTo ?? 0), 0) };
    const n = ds.reduce((s, d) => s + (d.n as number), 0);
    const out: Expected = { n };
    const withMean = ds.filter((d) => (d.n as number) > 0);
    if (n > 0 && withMean.every((d) => d.mean !== undefined && d.meanBound === undefined)) {
      const sum = withMean.reduce((s, d) => s + (d.n as number) * (d.mean as number), 0);
      const sumSq = withMean.reduce((s, d) => s + ((d.n as number) - 1) * (d.sd ?? 0) ** 2 + (d.n as number) * (d.mean as number) ** 2, 0);
      out.mean = sum / n;
      if (n >= 2 && withMean.every((d) => d.sd !== undefined || d.n === 1)) out.sd = Math.sqrt(Math.max(0, (sumSq - n * out.mean ** 2) / (n - 1)));
    }
    if (n > 0 && withMean.every((d) => d.share !== undefined)) out.share = withMean.reduce((s, d) => s + (d.n as number) * (d.share as number), 0) / n;
    return out;
  }

  /** mergedComposite is a mapped group's factor or RAUS total: its count merged, its mean the mean
   *  of its items' merged means (withheld unless every item's is exact); no SD. */
  mergedComposite(members: readonly string[], key: string, items: readonly string[]): Expected | undefined {
    if (members.length === 1) return this.display(members[0] as string, key);
    const counted = this.merged(members, key);
    if (!counted) return undefined;
    const means = items.map((id) => this.merged(members, `item:${id}`)?.mean);
    if (means.some((m) => m === undefined)) return undefined;
    const { sd: _sd, share: _share, mean: _mean, ...rest } = counted;
    return { ...rest, mean: (means as number[]).reduce((a, b) => a + b, 0) / means.length };
  }
}
