// An independent recomputation of the results from the raw answer rows, for the consistency test:
// its own fractions (BigInt), its own rounding (half away from zero), its own reading of the
// part-time definitions (docs/METHODS.md), sharing no code with src/report beyond the survey types.
import type { Db } from '../../src/store/db.js';
import type { Survey } from '../../src/survey/model.js';
import type { Item } from '../../src/survey/schema.js';

// ---- Fractions ---------------------------------------------------------------------------------

export interface Frac {
  n: bigint;
  d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  while (y) [x, y] = [y, x % y];
  return x || 1n;
};
export const frac = (n: bigint | number, d: bigint | number = 1n): Frac => {
  let [a, b] = [BigInt(n), BigInt(d)];
  if (b < 0n) [a, b] = [-a, -b];
  const g = gcd(a, b);
  return { n: a / g, d: b / g };
};
/** A stored answer (a double such as 62.5) as the decimal it was typed as. */
export const fromDouble = (x: number): Frac => {
  const [whole, decimals = ''] = String(x).split('.');
  return frac(BigInt(`${whole}${decimals}`), 10n ** BigInt(decimals.length));
};
export const plus = (a: Frac, b: Frac): Frac => frac(a.n * b.d + b.n * a.d, a.d * b.d);
export const minus = (a: Frac, b: Frac): Frac => frac(a.n * b.d - b.n * a.d, a.d * b.d);
export const times = (a: Frac, b: Frac): Frac => frac(a.n * b.n, a.d * b.d);
export const over = (a: Frac, b: Frac): Frac => frac(a.n * b.d, a.d * b.n);
export const toFloat = (a: Frac): number => Number(a.n) / Number(a.d);
const sum = (xs: readonly Frac[]): Frac => xs.reduce(plus, frac(0));

/** Half away from zero, as a reader rounds by hand, in Norwegian notation. */
export function round(a: Frac, decimals: number): string {
  const s = 10n ** BigInt(decimals);
  const abs = a.n < 0n ? -a.n : a.n;
  const k = (2n * abs * s + a.d) / (2n * a.d);
  return text(a.n < 0n ? -k : k, decimals);
}

/** sqrt(a) rounded half away from zero without taking a floating-point root. */
export function roundSqrt(a: Frac, decimals: number): string {
  const s = 10n ** BigInt(decimals);
  // The largest k with (k - 1/2)² <= a·s², i.e. (2k - 1)² · d <= 4·n·s².
  let k = 0n;
  const target = 4n * a.n * s * s;
  let hi = 1n;
  while ((2n * hi - 1n) ** 2n * a.d <= target) hi *= 2n;
  let lo = 0n;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if ((2n * mid - 1n) ** 2n * a.d <= target) lo = mid;
    else hi = mid;
  }
  k = lo;
  return text(k, decimals);
}

function text(k: bigint, decimals: number): string {
  const neg = k < 0n;
  const digits = (neg ? -k : k).toString().padStart(decimals + 1, '0');
  const body = decimals === 0 ? digits : `${digits.slice(0, -decimals)},${digits.slice(-decimals)}`;
  return neg && /[1-9]/.test(body) ? `-${body}` : body;
}

// ---- Raw rows ----------------------------------------------------------------------------------

export interface Respondent {
  unitId: string;
  /** itemId -> part -> stored value. */
  answers: Map<string, Map<string, { num: number | null; txt: string | null }>>;
}

/** readRespondents reads a wave's responses and answer rows straight from the tables. */
export function readRespondents(db: Db, waveId: number): Respondent[] {
  const rows = db
    .prepare('SELECT r.id AS id, r.unit_id AS unitId, a.item_id AS itemId, a.part AS part, a.num AS num, a.txt AS txt FROM response r LEFT JOIN answer a ON a.response_id = r.id WHERE r.wave_id = ?')
    .all(waveId) as { id: number; unitId: string; itemId: string | null; part: string | null; num: number | null; txt: string | null }[];
  const byId = new Map<number, Respondent>();
  for (const r of rows) {
    let p = byId.get(r.id);
    if (!p) byId.set(r.id, (p = { unitId: r.unitId, answers: new Map() }));
    if (r.itemId === null) continue;
    let parts = p.answers.get(r.itemId);
    if (!parts) p.answers.set(r.itemId, (parts = new Map()));
    parts.set(r.part ?? '', { num: r.num, txt: r.txt });
  }
  return [...byId.values()];
}

// ---- Figures -----------------------------------------------------------------------------------

export interface Moments {
  n: number;
  values: Frac[];
}

export interface Figure {
  n: number;
  mean?: string;
  sd?: string;
  meanExact?: Frac;
  varianceExact?: Frac;
}

/** figure gives n, mean and sample SD (n - 1) of exact values, rounded to 1 decimal. */
export function figure(values: readonly Frac[]): Figure {
  const n = values.length;
  if (n === 0) return { n };
  const mean = over(sum(values), frac(n));
  const out: Figure = { n, mean: round(mean, 1), meanExact: mean };
  if (n >= 2) {
    const ss = sum(values.map((v) => times(minus(v, mean), minus(v, mean))));
    const variance = over(ss, frac(n - 1));
    out.sd = roundSqrt(variance, 1);
    out.varianceExact = variance;
  }
  return out;
}

const one = (p: Respondent, id: string, part = '') => p.answers.get(id)?.get(part);
const numOf = (p: Respondent, id: string, part = ''): Frac | undefined => {
  const v = one(p, id, part);
  return v && v.num !== null ? fromDouble(v.num) : undefined;
};
const txtOf = (p: Respondent, id: string): string | undefined => one(p, id)?.txt ?? undefined;

/** The figures of a group of respondents, by the keys the results CSV uses. */
export class Group {
  constructor(
    readonly survey: Survey,
    readonly people: readonly Respondent[],
  ) {}

  get n(): number {
    return this.people.length;
  }

  /** Valid (not "vet ikke") numeric answers to an item or a part of it. */
  values(id: string, part = ''): Frac[] {
    return this.people.flatMap((p) => {
      const v = numOf(p, id, part);
      return v ? [v] : [];
    });
  }

  item(id: string, part = ''): Figure & { favourable?: number; dontKnow: number } {
    const values = this.values(id, part);
    const f = figure(values);
    const item = this.survey.items.find((i) => i.id === id) as Item;
    const dontKnow = this.people.filter((p) => one(p, id, part)?.txt === 'dk').length;
    if (item.type === 'likert' || item.type === 'nowDesired') {
      const scale = this.survey.scales[item.scale];
      const fav = scale?.favourable ?? (scale?.points ?? []).map((x) => x.value).sort((a, b) => b - a).slice(0, 2);
      const count = values.filter((v) => v.d === 1n && fav.includes(Number(v.n))).length;
      return { ...f, dontKnow, ...(values.length > 0 ? { favourable: count } : {}) };
    }
    return { ...f, dontKnow };
  }

  /** A factor: the mean of its items' means; n counts those with at least one valid answer; the SD is
   *  over each of them with unanswered items filled in by the group's item means (docs/METHODS.md). */
  factor(id: string): Figure {
    return this.composite(this.survey.items.filter((i) => i.type === 'likert' && i.factor === id).map((i) => i.id));
  }

  rausTotal(): Figure {
    return this.composite(['raus_velkommen', 'raus_verdsatt', 'raus_utvikler', 'raus_glad']);
  }

  private composite(items: readonly string[]): Figure {
    const means = items.map((id) => figure(this.values(id)).meanExact);
    if (means.some((m) => m === undefined)) return { n: this.people.filter((p) => items.some((id) => numOf(p, id))).length };
    const filled = this.people.flatMap((p) => {
      const vs = items.map((id) => numOf(p, id));
      if (vs.every((v) => v === undefined)) return [];
      return [over(sum(vs.map((v, i) => v ?? (means[i] as Frac))), frac(items.length))];
    });
    return figure(filled);
  }

  /** The desired mean minus the now mean (from the two parts' own means). */
  gap(id: string): Figure {
    const [now, desired] = [figure(this.values(id, 'now')), figure(this.values(id, 'desired'))];
    if (!now.meanExact || !desired.meanExact) return { n: Math.min(now.n, desired.n) };
    const mean = minus(desired.meanExact, now.meanExact);
    return { n: Math.min(now.n, desired.n), mean: round(mean, 1), meanExact: mean };
  }

  /** Single and multi: respondents who answered (an unticked multi included) and per option. */
  choices(id: string): { answered: number; counts: Map<string, number> } {
    const counts = new Map<string, number>();
    let answered = 0;
    for (const p of this.people) {
      const parts = p.answers.get(id);
      if (!parts) continue;
      answered += 1;
      for (const [part, v] of parts) {
        const key = part === '' ? v.txt : part;
        if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    return { answered, counts };
  }

  /** The position figures, read from the raw answers as docs/METHODS.md states them. */
  position() {
    const people = this.people.filter((p) => numOf(p, 'stilling_naa') !== undefined);
    const current = (p: Respondent) => numOf(p, 'stilling_naa') as Frac;
    const partTime = (p: Respondent) => toFloat(current(p)) < 100;
    const wantsMore = (p: Respondent) => partTime(p) && txtOf(p, 'onsket_endring') === 'storre';
    const willing = (p: Respondent) => [...(p.answers.get('villig_til')?.keys() ?? [])];
    const drammen = (p: Respondent) => wantsMore(p) && txtOf(p, 'kvalifisert') === 'ja' && ['innen_4_uker', 'innen_3_mnd'].includes(txtOf(p, 'oppstart') ?? '') && txtOf(p, 'takker_ja') === 'ja';
    const surnadal = (p: Respondent) =>
      txtOf(p, 'ansettelse') === 'fast' &&
      wantsMore(p) &&
      txtOf(p, 'onske_fast') === 'ja' &&
      txtOf(p, 'skriftlig') === 'ja' &&
      (txtOf(p, 'oppstart') === 'innen_4_uker' || txtOf(p, 'barnehage_eneste_hinder') === 'ja') &&
      (willing(p).includes('annen_arbeidsplass') || willing(p).includes('flere_enheter'));
    const desired = people.flatMap((p) => {
      const d = numOf(p, 'onsket_stilling');
      if (d) return [d];
      return txtOf(p, 'onsket_endring') === 'samme' ? [current(p)] : [];
    });
    const count = (test: (p: Respondent) => boolean) => people.filter(test).length;
    return {
      n: people.length,
      current: figure(people.map(current)),
      desired: figure(desired),
      fullTime: count((p) => !partTime(p)),
      partTime: count(partTime),
      more: count((p) => txtOf(p, 'onsket_endring') === 'storre'),
      moreOfPartTime: count(wantsMore),
      same: count((p) => txtOf(p, 'onsket_endring') === 'samme'),
      less: count((p) => txtOf(p, 'onsket_endring') === 'mindre'),
      involuntary: { selfReported: count(wantsMore), drammen: count(drammen), surnadal: count(surnadal) } as Record<string, number>,
    };
  }
}

/** percent is count / n in whole percent, half away from zero. */
export const percent = (count: number, n: number): string => (n === 0 ? '0' : round(frac(count * 100, n), 0));

/** subtree lists a unit and every unit below it. */
export function subtree(units: readonly { id: string; parentId: string | null }[], root: string): Set<string> {
  const out = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of units) if (u.parentId && out.has(u.parentId) && !out.has(u.id)) grew = out.add(u.id) !== undefined;
  }
  return out;
}

/** benjaminiHochberg returns which p-values are discoveries at q (step-up). */
export function benjaminiHochberg(p: readonly number[], q = 0.05): boolean[] {
  const order = p.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cut = -1;
  order.forEach(([x], k) => {
    if (x <= ((k + 1) * q) / p.length) cut = k;
  });
  const out = p.map(() => false);
  for (let k = 0; k <= cut; k++) out[(order[k] as readonly [number, number])[1]] = true;
  return out;
}
