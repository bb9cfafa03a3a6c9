// The demo organisation's sick leave: a little over three years of monthly figures (so the oldest
// demo wave has its four quarters before it) for its units with staff, made up but plausible
// (health care higher than schools and the office, more in winter), so the results, comparison
// and dialogue pages have figures at once, and the small units show what is withheld.
import type { Db } from '../store/db.js';
import { saveSickLeaveImport, type SickLeaveRow } from '../store/sickleave.js';
import { listUnits } from '../store/units.js';

// Unit id -> [employees, usual sick leave in %, share of it doctor-certified].
const PROFILE: Record<string, [number, number, number]> = {
  solbakken_avd1: [18, 9.5, 0.75],
  solbakken_avd2: [14, 11, 0.8],
  solbakken_natt: [4, 8, 0.7],
  hjemmetjenesten: [25, 10, 0.75],
  solsikken_bla: [6, 8.5, 0.7],
  solsikken_gul: [3, 7, 0.6],
  nordby_skole: [32, 6, 0.7],
  administrasjon: [12, 4, 0.6],
};

// Winter colds and summer holidays: a factor per calendar month.
const SEASON = [1.25, 1.3, 1.15, 1.0, 0.9, 0.8, 0.6, 0.75, 0.95, 1.05, 1.1, 1.15];

/** demoSickLeaveRows returns `months` months of rows for the demo units, the last being the month
 *  before `today`'s (YYYY-MM-DD); deterministic for the same arguments. */
export function demoSickLeaveRows(today: string, months = 38): SickLeaveRow[] {
  let seed = 20260;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const rows: SickLeaveRow[] = [];
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  for (let back = months; back >= 1; back--) {
    const index = year * 12 + (month - 1) - back;
    const y = Math.floor(index / 12);
    const m = (index % 12) + 1;
    const period = `${y}-${String(m).padStart(2, '0')}`;
    // A slow improvement over the years, as a project would hope for.
    const trend = 1.1 - (0.2 * (months - back)) / months;
    for (const [unitId, [staff, usual, doctorShare]] of Object.entries(PROFILE)) {
      const employees = Math.max(1, staff + Math.round((random() - 0.5) * 2));
      // Agreed days: about 21 working days a month at an average 85 % position, in hundredths.
      const agreed = Math.round(employees * 21 * 0.85 * (m === 7 ? 0.55 : 1) * 100);
      const rate = (usual / 100) * (SEASON[m - 1] as number) * trend * (0.7 + 0.6 * random());
      const lost = Math.round(agreed * rate);
      const lostDoctor = Math.round(lost * doctorShare);
      const lostShort = Math.round(lost * (0.35 + 0.15 * random()));
      rows.push({ unitId, period, employees, agreed, lostSelf: lost - lostDoctor, lostDoctor, lostShort, lostLong: lost - lostShort });
    }
  }
  return rows;
}

/** seedDemoSickLeave stores the demo's sick leave as one import made at `at`. */
export function seedDemoSickLeave(db: Db, today: string, at: Date): void {
  const tree = listUnits(db).map((u) => ({ id: u.id, parentId: u.parentId }));
  saveSickLeaveImport(db, { at, actor: 'demo', tree }, demoSickLeaveRows(today));
}
