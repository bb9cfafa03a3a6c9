// Number formatting for every output: results and comparison pages, chart data, the heat map and
// both CSVs. One rule (round half away from zero on the exact value, report/exact.ts) and one
// precision per kind of figure, so the same figure reads the same everywhere (docs/METHODS.md):
// means and SDs 1 decimal, changes of means and their intervals 2, shares and percentage points
// whole numbers.
import { agreeing, fixed, mul, ratio, rounded, type Num, type Ratio } from '../../report/exact.js';
import type { Stats } from '../../report/released.js';
import type { Lang } from '../i18n/index.js';

export type Style = Lang | 'csv-nb' | 'csv-en';

const mark = (style: Style): ',' | '.' => (style === 'en' || style === 'csv-en' ? '.' : ',');

/** Decimals per kind of figure. */
export const PRECISION = { mean: 1, change: 2, share: 0 } as const;

/** decimal formats a mean or SD with one decimal, comma-separated in Norwegian. */
export function decimal(x: Num, style: Style): string {
  return fixed(x, PRECISION.mean, mark(style));
}

/** decimal2 formats a change or interval bound with two decimals, so an interval that excludes zero
 *  never reads "0,0 til 0,5". */
export function decimal2(x: Num, style: Style): string {
  return fixed(x, PRECISION.change, mark(style));
}

/** percent returns a 0..1 share in whole percent, rounded half away from zero. */
export function percent(share: number | Ratio): number {
  return rounded(typeof share === 'number' ? share * 100 : mul(share, ratio(100)), PRECISION.share);
}

/** shareOf is count / n exactly (0 when n is 0), for percent. */
export function shareOf(count: number, n: number): Ratio {
  return n > 0 ? ratio(count, n) : ratio(0);
}

/** percentagePoints returns a change of shares (0..1) in whole percentage points. */
export function percentagePoints(change: number | Ratio): number {
  return percent(change);
}

/** signed formats a change with its sign (+, − or ±) and the given formatter. */
export function signed(x: Num, format: (v: Num) => string): string {
  const text = format(x);
  const zero = /^-?[0.,]+$/.test(text);
  if (zero) return `±${text.replace('-', '')}`;
  return text.startsWith('-') ? `−${text.slice(1)}` : `+${text}`;
}

/** exactMean returns a figure's mean as exactly as the tables have it, or undefined when not shown. */
export function exactMean(s: Stats | undefined): Num | undefined {
  return s?.mean === undefined ? undefined : (agreeing(s.mean, s.exact?.mean) ?? s.mean);
}

/** exactSd returns a figure's SD as exactly as the tables have it (the root of its exact variance). */
export function exactSd(s: Stats | undefined): Num | undefined {
  const v = s?.exact?.variance;
  return s?.sd === undefined ? undefined : (agreeing(s.sd, v && { sqrtOf: v }) ?? s.sd);
}

/** exactFavourable returns a figure's share favourable (0..1) as exactly as the tables have it. */
export function exactFavourable(s: Stats | undefined): number | Ratio | undefined {
  return s?.shareFavourable === undefined ? undefined : (agreeing(s.shareFavourable, s.exact?.shareFavourable) ?? s.shareFavourable);
}

/** chartValue is a mean as the chart plots it: rounded like the table, or null when not shown. */
export function chartValue(s: Stats | undefined): number | null {
  const m = exactMean(s);
  return m === undefined ? null : rounded(m, PRECISION.mean);
}

/** figureFormat bundles the formatters a results or comparison view needs, in one language. */
export function figureFormat(style: Style) {
  return {
    /** Any number with one decimal. */
    fmt: (x: Num): string => decimal(x, style),
    /** Any number with two decimals (changes, interval bounds). */
    fmt2: (x: Num): string => decimal2(x, style),
    /** A change with its sign, two decimals. */
    signed: (x: Num): string => signed(x, (v) => decimal2(v, style)),
    /** A change of whole numbers (percentage points) with its sign. */
    signedWhole: (x: Num): string => signed(x, (v) => fixed(v, 0, mark(style))),
    mean: (s: Stats | undefined): string | undefined => {
      const m = exactMean(s);
      return m === undefined ? undefined : decimal(m, style);
    },
    sd: (s: Stats | undefined): string | undefined => {
      const v = exactSd(s);
      return v === undefined ? undefined : decimal(v, style);
    },
    /** Share favourable in whole percent. */
    favourable: (s: Stats | undefined): number | undefined => {
      const v = exactFavourable(s);
      return v === undefined ? undefined : percent(v);
    },
    /** A share in whole percent: count / n exactly, or a 0..1 number. */
    pct: (share: number | Ratio): number => percent(share),
    /** A relative change (a 0..1 fraction) in whole percent with its sign. */
    signedPct: (x: number | Ratio): string => signedPercent(x, style),
    share: (count: number, n: number): number => percent(shareOf(count, n)),
  };
}

export type FigureFormat = ReturnType<typeof figureFormat>;

/** signedPercent formats a 0..1 fraction (a relative change) in whole percent with its sign. */
export function signedPercent(x: number | Ratio, style: Style): string {
  return signed(typeof x === 'number' ? x * 100 : mul(x, ratio(100)), (v) => fixed(v, PRECISION.share, mark(style)));
}

/** whole rounds to a whole number, half away from zero (percentage points, interval bounds of shares). */
export function whole(x: Num): number {
  return rounded(x, PRECISION.share);
}
