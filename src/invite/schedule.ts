// The wave schedule, run by the scheduler on every tick at its clock: waves open on their opening
// day and close after their closing day (in TIME_ZONE) through the one close path (closeWave);
// invitations go out when a wave with contacts opens; reminders on their days go to contacts whose
// links are unused; a closed wave's contacts are deleted and its leaders and representatives are
// mailed once its results are released (whether it closed by itself or by hand); an action's owner
// is mailed on its due day.
import { addDays, today } from '../clock.js';
import { closeWave, openWave } from '../report/close.js';
import { listAccounts } from '../store/accounts.js';
import { audit } from '../store/audit.js';
import { deleteContacts, hasContactTraces, waveContacts } from '../store/contacts.js';
import { prepared, type Db } from '../store/db.js';
import { dueActionMails, markActionNotified } from '../store/followups.js';
import { createJob, settleWaveJobs } from '../store/jobs.js';
import { listUnits, subtreeIds } from '../store/units.js';
import { listWaves, waveUnitIds, type Wave } from '../store/waves.js';

export const SCHEDULER_ACTOR = 'planlegger';

interface Plan {
  reminderDays: number[];
  invitedOn: string | null;
  reminded: number[];
  resultsNotified: number;
}

const days = (text: string): number[] => text.split(',').filter((d) => d !== '').map(Number);

/** invitePlan returns a wave's reminder plan (7 and 12 days after the invitation unless changed). */
export function invitePlan(db: Db, waveId: number): Plan {
  const r = prepared(db, 'SELECT reminder_days, invited_on, reminded, results_notified FROM invite_plan WHERE wave_id = ?').get(waveId) as
    | { reminder_days: string; invited_on: string | null; reminded: string; results_notified: number }
    | undefined;
  return r ? { reminderDays: days(r.reminder_days), invitedOn: r.invited_on, reminded: days(r.reminded), resultsNotified: r.results_notified } : { reminderDays: [7, 12], invitedOn: null, reminded: [], resultsNotified: 0 };
}

/** setReminderDays stores the days after the invitation on which reminders go out. */
export function setReminderDays(db: Db, waveId: number, reminderDays: number[]): void {
  prepared(db, 'INSERT INTO invite_plan (wave_id, reminder_days) VALUES (?, ?) ON CONFLICT (wave_id) DO UPDATE SET reminder_days = excluded.reminder_days').run(waveId, reminderDays.join(','));
}

function updatePlan(db: Db, waveId: number, change: { invitedOn?: string; reminded?: number[]; resultsNotified?: number }): void {
  prepared(db, 'INSERT OR IGNORE INTO invite_plan (wave_id) VALUES (?)').run(waveId);
  if (change.invitedOn !== undefined) prepared(db, 'UPDATE invite_plan SET invited_on = ? WHERE wave_id = ?').run(change.invitedOn, waveId);
  if (change.reminded !== undefined) prepared(db, 'UPDATE invite_plan SET reminded = ? WHERE wave_id = ?').run(change.reminded.join(','), waveId);
  if (change.resultsNotified !== undefined) prepared(db, 'UPDATE invite_plan SET results_notified = ? WHERE wave_id = ?').run(change.resultsNotified, waveId);
}

/** queueInvitations queues an invitation to every reachable contact of the wave and records the
 *  day (reminders count from it); returns the job id and how many. Audited as a count. */
export function queueInvitations(db: Db, waveId: number, now: number, day: string, actor: { accountId: number | null; actor: string }): { jobId: number; count: number } {
  return db.transaction(() => {
    const contacts = waveContacts(db, waveId, { reachable: true, unusedOnly: true });
    const jobId = createJob(db, waveId, 'invite', contacts.map((c) => ({ contactId: c.id })), now);
    if (invitePlan(db, waveId).invitedOn === null) updatePlan(db, waveId, { invitedOn: day });
    audit(db, { ...actor, action: 'invite.send', detail: `${waveId}: ${contacts.length} invitations` }, new Date(now));
    return { jobId, count: contacts.length };
  }).immediate();
}

/** queueReminders queues a reminder to every reachable contact whose links are all unused. */
export function queueReminders(db: Db, waveId: number, now: number, actor: { accountId: number | null; actor: string }): { jobId: number; count: number } {
  return db.transaction(() => {
    const contacts = waveContacts(db, waveId, { reachable: true, unusedOnly: true });
    const jobId = createJob(db, waveId, 'reminder', contacts.map((c) => ({ contactId: c.id })), now);
    audit(db, { ...actor, action: 'invite.remind', detail: `${waveId}: ${contacts.length} reminders` }, new Date(now));
    return { jobId, count: contacts.length };
  }).immediate();
}

/** removeContacts deletes a wave's contacts (and their queued messages); audited as a count. */
export function removeContacts(db: Db, waveId: number, now: number, actor: { accountId: number | null; actor: string }): number {
  return db.transaction(() => {
    const n = deleteContacts(db, waveId);
    settleWaveJobs(db, waveId);
    if (n > 0) audit(db, { ...actor, action: 'invite.contactsDeleted', detail: `${waveId}: ${n} contacts` }, new Date(now));
    return n;
  }).immediate();
}

/** resultsRecipients lists the e-mail addresses of active leaders and representatives who see at
 *  least one of the wave's units. */
export function resultsRecipients(db: Db, waveId: number): string[] {
  const units = listUnits(db);
  const waveUnits = new Set(waveUnitIds(db, waveId));
  const emails = new Map((prepared(db, 'SELECT account_id, email FROM account_email').all() as { account_id: number; email: string }[]).map((r) => [r.account_id, r.email]));
  return listAccounts(db)
    .filter((a) => a.role !== 'admin' && !a.disabled && emails.has(a.id))
    .filter((a) => [...subtreeIds(units, a.unitIds)].some((id) => waveUnits.has(id)))
    .map((a) => emails.get(a.id) as string);
}

const SCHEDULER = { accountId: null, actor: SCHEDULER_ACTOR };

function latestRelease(db: Db, waveId: number): number {
  return (prepared(db, 'SELECT max(seq) AS seq FROM wave_release WHERE wave_id = ?').get(waveId) as { seq: number | null }).seq ?? 0;
}

/** runSchedule does what the calendar asks at `now`: opens and closes waves, queues invitations,
 *  reminders and results mail, deletes a closed wave's contacts. Returns the waves it opened and closed. */
export function runSchedule(db: Db, timeZone: string, now: number): { opened: number[]; closed: number[] } {
  const day = today(timeZone, new Date(now));
  const opened: number[] = [];
  const closed: number[] = [];
  for (const wave of listWaves(db)) {
    if (wave.status === 'draft' && wave.opensOn !== null && wave.opensOn <= day && (wave.closesOn === null || day <= wave.closesOn)) {
      db.transaction(() => {
        openWave(db, wave.id);
        audit(db, { ...SCHEDULER, action: 'wave.open', detail: String(wave.id) }, new Date(now));
      }).immediate();
      opened.push(wave.id);
      if (invitePlan(db, wave.id).invitedOn === null && waveContacts(db, wave.id, { reachable: true }).length > 0) queueInvitations(db, wave.id, now, day, SCHEDULER);
    } else if (wave.status === 'open' && wave.closesOn !== null && wave.closesOn < day) {
      db.transaction(() => {
        closeWave(db, wave.id);
        audit(db, { ...SCHEDULER, action: 'wave.close', detail: String(wave.id) }, new Date(now));
      }).immediate();
      closed.push(wave.id);
    } else if (wave.status === 'open') remindIfDue(db, wave, day, now);
  }
  for (const wave of listWaves(db).filter((w) => w.status === 'closed')) afterClose(db, wave, now);
  queueActionMails(db, day, now);
  return { opened, closed };
}

/** queueActionMails queues one mail to the owner of each unfinished action whose due day has come
 *  (once per due day: a new due day mails again); audited as a count. */
export function queueActionMails(db: Db, day: string, now: number): number {
  const due = dueActionMails(db, day);
  if (due.length === 0) return 0;
  db.transaction(() => {
    for (const a of due) {
      createJob(db, a.waveId, 'action', [{ address: a.notifyEmail as string, actionId: a.id }], now);
      markActionNotified(db, a.id);
    }
    audit(db, { ...SCHEDULER, action: 'followup.dueMails', detail: `${due.length} mails` }, new Date(now));
  }).immediate();
  return due.length;
}

function remindIfDue(db: Db, wave: Wave, day: string, now: number): void {
  const plan = invitePlan(db, wave.id);
  if (plan.invitedOn === null) return;
  const due = plan.reminderDays.filter((d) => !plan.reminded.includes(d) && addDays(plan.invitedOn as string, d) <= day);
  if (due.length === 0) return;
  // Several days due at once (the server was down) give one reminder, not a burst.
  queueReminders(db, wave.id, now, SCHEDULER);
  updatePlan(db, wave.id, { reminded: [...plan.reminded, ...due] });
}

function afterClose(db: Db, wave: Wave, now: number): void {
  // Read first: every tick passes here for every closed wave, and most have nothing to do.
  if (hasContactTraces(db, wave.id)) removeContacts(db, wave.id, now, SCHEDULER);
  const release = latestRelease(db, wave.id);
  if (release <= invitePlan(db, wave.id).resultsNotified) return;
  db.transaction(() => {
    const to = resultsRecipients(db, wave.id);
    createJob(db, wave.id, 'results', to.map((address) => ({ address })), now);
    updatePlan(db, wave.id, { resultsNotified: release });
    audit(db, { ...SCHEDULER, action: 'invite.results', detail: `${wave.id}: ${to.length} mails` }, new Date(now));
  }).immediate();
}
