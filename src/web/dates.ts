// The one place dates and times are written for people, on pages and in files: days as 18.12.2026,
// moments as 18.12.2026 14:05 in the configured TIME_ZONE (never the server's or UTC).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** formatDay writes a calendar day (YYYY-MM-DD, as stored) as 18.12.2026; other text is returned as is. */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : day;
}

/** formatDateTime writes a moment (ISO text, Date or ms) as 18.12.2026 14:05 in the time zone;
 *  text that is not a moment is returned as is. */
export function formatDateTime(at: string | number | Date | null | undefined, timeZone: string): string {
  if (at === null || at === undefined || at === '') return '';
  const date = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.day}.${parts.month}.${parts.year} ${parts.hour}:${parts.minute}`;
}

/** formatDateOf writes the day of a moment in the time zone, as 18.12.2026. */
export function formatDateOf(at: string | number | Date, timeZone: string): string {
  return formatDateTime(at, timeZone).slice(0, 10);
}

/** dayFromForm reads a day typed as 18.12.2026 (a browser without a date picker) into its stored form
 *  2026-12-18; a date field's own value (YYYY-MM-DD) and anything else come back unchanged, for the
 *  caller's check to judge. */
export function dayFromForm(text: string): string {
  const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text.trim());
  return m ? `${m[3]}-${(m[2] as string).padStart(2, '0')}-${(m[1] as string).padStart(2, '0')}` : text;
}

/** isCalendarDay tells whether text is a real day as stored (YYYY-MM-DD): 2027-02-31 is not one. */
export function isCalendarDay(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
}
