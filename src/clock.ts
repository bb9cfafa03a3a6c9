// Days, not times: responses are dated by day in the configured time zone.

// Building an Intl formatter costs far more than using one, and this runs on every request.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** today returns the current day as YYYY-MM-DD in the given time zone. */
export function today(timeZone: string, now: Date = new Date()): string {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(now);
}

/** addDays shifts a YYYY-MM-DD day by n days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
