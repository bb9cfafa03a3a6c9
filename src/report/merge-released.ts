// Mapped groups across a reorganisation (merge: several old units -> one new; split: one -> several)
// are compared as the sum of their member units' RELEASED figures. Combining released numbers
// reveals nothing the tables do not already show, so disclosure control carries over; the price
// is that a member hidden on its own hides the merged figure too (see docs/ARCHITECTURE.md).
import { RAUS_ITEM_IDS } from './group.js';
import { gapOf, type Distribution, type PositionDistribution, type ReleasedGroup, type ReleasedItem, type ReleasedPart, type ShownGroup, type Stats, type Withheld } from './released.js';

type Figure = Stats | Withheld;

function firstWithheld(figures: readonly Figure[]): Withheld | undefined {
  const withheld = figures.filter((f): f is Withheld => !f.released);
  if (withheld.length === 0) return undefined;
  const below = withheld.filter((w) => w.reason === 'below_k') as Extract<Withheld, { reason: 'below_k' }>[];
  if (below.length > 0) return { released: false, reason: 'below_k', fewerThan: Math.max(...below.map((w) => w.fewerThan)) };
  return withheld[0];
}

/** mergeStats combines released n, mean, SD and share favourable exactly (as if from the pooled answers). */
export function mergeStats(figures: readonly Figure[]): Figure {
  const hidden = firstWithheld(figures);
  if (hidden) return hidden;
  const stats = figures as Stats[];
  // A member without an exact n (a small group) cannot be weighted: the merge says only "at most".
  if (!stats.every((f) => f.n !== undefined)) return { released: true, nUpTo: stats.reduce((s, f) => s + (f.n ?? f.nUpTo ?? 0), 0) };
  const exact = stats as (Stats & { n: number })[];
  const n = exact.reduce((s, f) => s + f.n, 0);
  const out: Stats = { released: true, n };
  const withMean = exact.filter((f) => f.n > 0);
  // A mean shown only as a bound is not exact, so the merged mean would not be either.
  if (n > 0 && withMean.every((f) => f.mean !== undefined && f.meanBound === undefined)) {
    const sum = withMean.reduce((s, f) => s + f.n * (f.mean as number), 0);
    // Sum of squares from each member: (n-1)·sd² + n·mean² (sd undefined only for n = 1).
    const sumSq = withMean.reduce((s, f) => s + (f.n - 1) * (f.sd ?? 0) ** 2 + f.n * (f.mean as number) ** 2, 0);
    out.mean = sum / n;
    if (n >= 2 && withMean.every((f) => f.sd !== undefined || f.n === 1)) out.sd = Math.sqrt(Math.max(0, (sumSq - n * out.mean ** 2) / (n - 1)));
  }
  if (n > 0 && withMean.every((f) => f.shareFavourable !== undefined)) out.shareFavourable = withMean.reduce((s, f) => s + f.n * (f.shareFavourable as number), 0) / n;
  return out;
}

// The merged composite: its n from the members', its mean from the merged items'. No SD: each
// member's filled-in scores used that member's item means, which the merged group does not share.
function mergeComposite(members: readonly Figure[], items: readonly Figure[]): Figure {
  const counted = mergeStats(members.map((m) => (m.released ? { released: true, ...(m.n === undefined ? { nUpTo: m.nUpTo ?? 0 } : { n: m.n }) } : m)));
  if (!counted.released) return counted;
  const means = items.flatMap((v) => (v.released && v.mean !== undefined && v.meanBound === undefined ? [v.mean] : []));
  if (means.length === 0 || means.length < items.length) return { released: false, reason: 'complementary' };
  return { ...counted, mean: means.reduce((a, b) => a + b, 0) / means.length };
}

function mergeDistribution(parts: readonly (Distribution | Withheld)[]): Distribution | Withheld {
  const hidden = parts.find((p): p is Withheld => !p.released);
  if (hidden) return hidden;
  const ds = parts as Distribution[];
  const counts = (ds[0]?.counts ?? []).map((c) => ({ ...c, count: ds.reduce((s, d) => s + (d.counts.find((x) => x.key === c.key)?.count ?? 0), 0) }));
  const out: Distribution = { released: true, n: ds.reduce((s, d) => s + d.n, 0), counts };
  if (ds.every((d) => d.dontKnow !== undefined)) out.dontKnow = ds.reduce((s, d) => s + (d.dontKnow ?? 0), 0);
  return out;
}

const mergePart = (parts: readonly ReleasedPart[]): ReleasedPart => ({ value: mergeStats(parts.map((p) => p.value)), distribution: mergeDistribution(parts.map((p) => p.distribution)) });

function mergePosition(ps: readonly PositionDistribution[]): PositionDistribution {
  const n = ps.reduce((s, p) => s + p.n, 0);
  const share = (pick: (p: PositionDistribution) => { count: number }) => {
    const count = ps.reduce((s, p) => s + pick(p).count, 0);
    return { count, share: n > 0 ? count / n : 0 };
  };
  const first = ps[0] as PositionDistribution;
  const partTime = share((p) => p.partTime);
  const ofPartTime = (pick: (p: PositionDistribution) => { count: number }) => {
    const count = ps.reduce((s, p) => s + pick(p).count, 0);
    return { count, share: partTime.count > 0 ? count / partTime.count : 0 };
  };
  return {
    released: true,
    n,
    fullTime: share((p) => p.fullTime),
    more: share((p) => p.more),
    same: share((p) => p.same),
    less: share((p) => p.less),
    partTime,
    moreOfPartTime: ofPartTime((p) => p.moreOfPartTime),
    involuntary: first.involuntary.map((d) => {
      const pick = (p: PositionDistribution) => p.involuntary.find((x) => x.id === d.id) ?? { count: 0 };
      return { ...d, ...share(pick), ofPartTime: ofPartTime(pick).share };
    }),
  };
}

/** mergeReleased sums released member groups into one group; any hidden member hides the result. */
export function mergeReleased(id: string, members: readonly ReleasedGroup[]): ReleasedGroup {
  const hidden = members.find((m) => !m.released);
  if (hidden || members.length === 0) return hidden ?? { id, released: false, reason: 'complementary' };
  const gs = members as ShownGroup[];
  if (gs.length === 1) return { ...(gs[0] as ShownGroup), id };
  const first = gs[0] as ShownGroup;
  const n = gs.reduce((s, g) => s + g.n, 0);
  const out: ShownGroup = {
    id,
    released: true,
    n,
    items: first.items.map((item): ReleasedItem => ({ ...item, ...mergePart(gs.map((g) => g.items.find((x) => x.id === item.id) as ReleasedItem)) })),
    nowDesired: first.nowDesired.map((nd) => {
      const all = gs.map((g) => g.nowDesired.find((x) => x.id === nd.id) ?? nd);
      const now = mergePart(all.map((a) => a.now));
      const desired = mergePart(all.map((a) => a.desired));
      return { ...nd, now, desired, gap: gapOf(now.value, desired.value) };
    }),
    factors: [],
    // Free text is never merged: its threshold decision belongs to each group's own table.
    texts: [],
    withheld: { below_k: 0, complementary: 0, disabled: 0, release: 0 },
  };
  if (gs.every((g) => g.headcount !== undefined)) {
    out.headcount = gs.reduce((s, g) => s + (g.headcount ?? 0), 0);
    if (out.headcount > 0) out.responseRate = n / out.headcount;
  }
  // A composite's mean is the mean of its items' means, so it is merged through them.
  const itemsWhere = (member: (i: ReleasedItem) => boolean) => out.items.filter(member).map((i) => i.value);
  out.factors = first.factors.map((f) => ({ ...f, value: mergeComposite(gs.map((g) => g.factors.find((x) => x.id === f.id)?.value ?? f.value), itemsWhere((i) => i.type === 'likert' && i.factor === f.id)) }));
  if (gs.every((g) => g.rausTotal)) out.rausTotal = mergeComposite(gs.map((g) => g.rausTotal as Figure), itemsWhere((i) => i.type === 'likert' && RAUS_ITEM_IDS.includes(i.id)));
  if (gs.every((g) => g.position)) {
    const ps = gs.map((g) => g.position as NonNullable<ShownGroup['position']>);
    const dists = ps.map((p) => p.distribution);
    const hiddenDist = dists.find((d): d is Withheld => !d.released);
    out.position = {
      current: mergeStats(ps.map((p) => p.current)),
      desired: mergeStats(ps.map((p) => p.desired)),
      distribution: hiddenDist ?? mergePosition(dists as PositionDistribution[]),
    };
  }
  return out;
}
