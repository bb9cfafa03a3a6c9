// Days, not times: responses are dated by day in the configured time zone.

// Building an Intl formatter costs far more than using one, and this runs on every request.
const formatters = new Map<string, Intl.DateTimeFormat>();

// Every respondent request asks for the day, and a format costs more than the rest of the request's
// date work: the day is kept per time zone for the minute it was computed in. Exact, because a day
// starts on a whole minute in every time zone in use (offsets are whole quarter hours; only the
// local mean times before about 1900 had seconds), so two moments in the same minute share the day.
const lastDay = new Map<string, { minute: number; day: string }>();

/** today returns the current day as YYYY-MM-DD in the given time zone. */
export function today(timeZone: string, now: Date = new Date()): string {
  const minute = Math.floor(now.getTime() / 60_000);
  const last = lastDay.get(timeZone);
  if (last && last.minute === minute) return last.day;
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const day = f.format(now);
  // An invalid Date (NaN minute) is never kept: NaN equals nothing, and format throws on it anyway.
  lastDay.set(timeZone, { minute, day });
  return day;
}

/** addDays shifts a YYYY-MM-DD day by n days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
