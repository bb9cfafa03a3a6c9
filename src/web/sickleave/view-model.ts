// Sick-leave figures as pages show them: built from the disclosed periods only (sickleave/
// series.ts), rounded once here to one decimal, so the table, the chart data and the CSV agree.
import { div, fixed, mul, ratio, sub, toNumber, type Ratio } from '../../report/exact.js';
import { discloseAll, type PeriodDisclosure } from '../../sickleave/disclosure.js';
import type { Days } from '../../sickleave/figures.js';
import { quarterOfDay, shiftQuarter, type Period } from '../../sickleave/period.js';
import { latestQuarter, quarterFigure, quarterSeries, windowFigure, type SpanFigure } from '../../sickleave/series.js';
import type { Db } from '../../store/db.js';
import { hasSickLeave, latestImportId, sickLeaveSettings, sickLeaveVersions, type SickLeaveSettings } from '../../store/sickleave.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { signed } from '../results/format.js';

/** SickLeaveContext is every stored period decided, with the settings; absent when nothing is stored. */
export interface SickLeaveContext {
  periods: Map<Period, PeriodDisclosure>;
  settings: SickLeaveSettings;
  latest: Period;
}

// Deciding every period reads every stored row; the result changes only with an import or a
// settings change, so it is kept per database under a key of both.
const cache = new WeakMap<Db, { key: string; ctx: SickLeaveContext | undefined }>();

/** loadSickLeave decides every stored period, or returns undefined when no figures are stored
 *  (pages then show no sick-leave section at all). */
export function loadSickLeave(db: Db): SickLeaveContext | undefined {
  if (!hasSickLeave(db)) return undefined;
  const settings = sickLeaveSettings(db);
  const key = `${latestImportId(db)}|${settings.k}|${settings.kSplit}|${settings.presence}`;
  const hit = cache.get(db);
  if (hit?.key === key) return hit.ctx;
  const periods = discloseAll(sickLeaveVersions(db), settings);
  const latest = latestQuarter(periods);
  const ctx = latest ? { periods, settings, latest } : undefined;
  cache.set(db, { key, ctx });
  return ctx;
}

/** SickLeaveCell is one span's figure as displayed: texts for a shown figure, a reason otherwise. */
export interface SickLeaveCell {
  label: string;
  shown: boolean;
  /** Sick leave (or presence, per the setting), self- and doctor-certified, short and long, in percent with one decimal. */
  main?: string;
  self?: string;
  doctor?: string;
  short?: string;
  long?: string;
  /** The main figure as the chart draws it (the displayed value). */
  chart: number | null;
  /** Why nothing is shown. */
  note?: string;
  /** Exact sick-leave share in percent, for changes. */
  exact?: Ratio;
}

const pct = (lost: number, d: Days): Ratio => ratio(100 * lost, d.agreed);

/** cellOf turns a span figure into display texts in the staff user's language. */
export function cellOf(f: SpanFigure, label: string, settings: SickLeaveSettings, t: Translate, mark: ',' | '.'): SickLeaveCell {
  if (f.status !== 'shown') {
    const note = f.status === 'hidden' ? (f.reason === 'below_k' ? t('sick.hidden.below_k', { k: f.threshold }) : t(`sick.hidden.${f.reason}` as MessageKey)) : t(`sick.${f.status}` as MessageKey);
    return { label, shown: false, chart: null, note };
  }
  const d = f.days;
  const sick = pct(d.lostSelf + d.lostDoctor, d);
  const main = settings.presence ? sub(ratio(100), sick) : sick;
  const one = (x: Ratio) => fixed(x, 1, mark);
  const cell: SickLeaveCell = { label, shown: true, main: one(main), self: one(pct(d.lostSelf, d)), doctor: one(pct(d.lostDoctor, d)), chart: Number(fixed(main, 1, '.')), exact: sick };
  if (f.splitShown && d.lostShort !== null && d.lostLong !== null) {
    cell.short = one(pct(d.lostShort, d));
    cell.long = one(pct(d.lostLong, d));
  }
  return cell;
}

/** quarterLabel names a quarter ("1. kv. 2026"). */
export function quarterLabel(q: Period, t: Translate): string {
  return t('sick.quarter', { q: q.slice(6), year: q.slice(0, 4) });
}

/** UnitSickLeave is what a unit's page shows: the last eight quarters, as a table and chart data. */
export interface UnitSickLeave {
  cells: SickLeaveCell[];
  anySplit: boolean;
  chart: string;
  presence: boolean;
  /** The split's threshold, for the note where it is withheld. */
  kSplit: number;
}

/** unitSickLeave builds a unit's last eight quarters up to the newest stored quarter; undefined when
 *  the unit has no figures at all in them (the section is then left out). */
export function unitSickLeave(ctx: SickLeaveContext, unitId: string, t: Translate, mark: ',' | '.'): UnitSickLeave | undefined {
  const quarters = quarterSeries(ctx.latest, 8);
  const figures = quarters.map((q) => quarterFigure(ctx.periods, unitId, q));
  if (figures.every((f) => f.status === 'none')) return undefined;
  const cells = quarters.map((q, i) => cellOf(figures[i] as SpanFigure, quarterLabel(q, t), ctx.settings, t, mark));
  const label = t(ctx.settings.presence ? 'sick.presence' : 'sick.sickLeave');
  const values = cells.map((c) => c.chart);
  const shownValues = values.filter((v): v is number => v !== null);
  const max = shownValues.length > 0 ? Math.max(...shownValues) : 10;
  const chart = ctx.settings.presence
    ? { kind: 'line', labels: cells.map((c) => c.label), series: [{ label, data: values }], min: Math.max(0, Math.floor(Math.min(...shownValues, 100) / 5) * 5 - 5), max: 100, step: 1 }
    : { kind: 'line', labels: cells.map((c) => c.label), series: [{ label, data: values }], min: 0, max: Math.ceil((max + 1) / 5) * 5, step: 1 };
  return { cells, anySplit: cells.some((c) => c.short !== undefined), chart: JSON.stringify(chart), presence: ctx.settings.presence, kSplit: ctx.settings.kSplit };
}

/** windowBefore is the four whole quarters before the quarter a wave opened in (its "12 months before"). */
export function windowBefore(opensOn: string): Period[] {
  const q = quarterOfDay(opensOn);
  return [-4, -3, -2, -1].map((n) => shiftQuarter(q, n));
}

/** BeforeAfterRow is one wave's twelve months before, and the change from the previous wave's. */
export interface BeforeAfterRow {
  wave: string;
  span: string;
  cell: SickLeaveCell;
  /** Change from the previous wave's window in percentage points (one decimal) and relative (whole percent); absent where either is withheld. */
  change?: string;
  relative?: string;
}

/** beforeAfter gives, per wave (in order), the sick leave of the four quarters before it opened,
 *  and each change from the wave before; undefined when no wave has a figure. */
export function beforeAfter(ctx: SickLeaveContext, unitId: string, waves: { name: string; opensOn: string | null }[], t: Translate, mark: ',' | '.'): BeforeAfterRow[] | undefined {
  let previous: Ratio | undefined;
  let any = false;
  const rows = waves.map((w) => {
    if (!w.opensOn) return { wave: w.name, span: '', cell: { label: w.name, shown: false, chart: null, note: t('sick.none') } };
    const window = windowBefore(w.opensOn);
    const f = windowFigure(ctx.periods, unitId, window);
    if (f.status !== 'none') any = true;
    // The change is always in sick leave, whichever figure the pages lead with.
    const cell = cellOf(f, w.name, ctx.settings, t, mark);
    const row: BeforeAfterRow = { wave: w.name, span: t('sick.span', { from: quarterLabel(window[0] as Period, t), to: quarterLabel(window[3] as Period, t) }), cell };
    if (cell.exact && previous) {
      const change = sub(cell.exact, previous);
      row.change = signed(change, (v) => fixed(v, 1, mark));
      if (toNumber(previous) > 0) row.relative = signed(mul(div(change, previous), ratio(100)), (v) => fixed(v, 0, mark));
    }
    previous = cell.exact;
    return row;
  });
  return any ? rows : undefined;
}


/** unitSickLeaveOf is a unit's sick-leave section for a page in `lang`, or undefined (no section). */
export function unitSickLeaveOf(db: Db, unitId: string, t: Translate, lang: string): UnitSickLeave | undefined {
  const ctx = loadSickLeave(db);
  return ctx && unitSickLeave(ctx, unitId, t, lang === 'en' ? '.' : ',');
}

/** beforeAfterOf is a unit's before/after rows for waves in order, or undefined (no section). */
export function beforeAfterOf(db: Db, unitId: string, waves: { name: string; opensOn: string | null; closesOn: string | null }[], t: Translate, lang: string): BeforeAfterRow[] | undefined {
  const ctx = loadSickLeave(db);
  // The change is read in sick leave, whichever figure the unit pages lead with.
  const sickFirst = ctx && { ...ctx, settings: { ...ctx.settings, presence: false } };
  return sickFirst && beforeAfter(sickFirst, unitId, waves.map((w) => ({ name: w.name, opensOn: w.opensOn ?? w.closesOn })), t, lang === 'en' ? '.' : ',');
}

/** overviewSickLeave is the newest quarter for the given top-level units, or undefined (no section). */
export function overviewSickLeave(db: Db, units: { id: string; name: string }[], t: Translate, lang: string): { quarter: string; measure: string; rows: { name: string; cell: SickLeaveCell }[] } | undefined {
  const ctx = loadSickLeave(db);
  if (!ctx) return undefined;
  const rows = units.map((u) => ({ name: u.name, cell: cellOf(quarterFigure(ctx.periods, u.id, ctx.latest), u.name, ctx.settings, t, lang === 'en' ? '.' : ',') }));
  return { quarter: quarterLabel(ctx.latest, t), measure: t(ctx.settings.presence ? 'sick.presence' : 'sick.sickLeave'), rows };
}
