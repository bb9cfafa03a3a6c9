// Number formatting for results: the same rounding on the page, in charts and in CSV.
import type { Lang } from '../i18n/index.js';

/** round1 rounds to one decimal (what every mean is shown with). */
export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** percent rounds a 0..1 share to whole percent. */
export function percent(share: number): number {
  return Math.round(share * 100);
}

/** decimal formats a number with one decimal, comma-separated in Norwegian. */
export function decimal(x: number, lang: Lang | 'csv-nb' | 'csv-en'): string {
  const text = round1(x).toFixed(1);
  return lang === 'en' || lang === 'csv-en' ? text : text.replace('.', ',');
}

/** decimal2 formats with two decimals: for changes and interval bounds, so an interval that excludes
 *  zero never reads "0,0 til 0,5". */
export function decimal2(x: number, lang: Lang | 'csv-nb' | 'csv-en'): string {
  const text = (Math.round(x * 100) / 100).toFixed(2);
  return lang === 'en' || lang === 'csv-en' ? text : text.replace('.', ',');
}
