// The send loop's one step: take the next due message, record that it is going (with a fresh
// token, inside the same transaction), hand it to the transport, record the outcome. The token
// exists in clear only in this function's memory between the two commits.
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { requestTallies } from '../report/tally-jobs.js';
import { getContact, hasAnswered, issueToken } from '../store/contacts.js';
import { getAction, type Action } from '../store/followups.js';
import { getUnit } from '../store/units.js';
import { formatDay } from '../web/dates.js';
import type { Db } from '../store/db.js';
import { dropItem, finishItem, markSending, nextDueItem, retryItem, stopJob, type DueItem } from '../store/jobs.js';
import { getWave, type Wave } from '../store/waves.js';
import { translator } from '../web/i18n/index.js';
import { renderMessage, waveTemplates } from './templates.js';
import { SendError, type Transports } from './transport.js';

export interface SenderDeps {
  db: Db;
  config: Config;
  /** The current time in ms (tests step it by hand). */
  clock: () => number;
  transports: Transports;
  /** The public address links start with, without a trailing slash. */
  baseUrl: string;
  logger?: Logger;
}

type Outgoing = { channel: 'mail'; to: string; subject: string; text: string } | { channel: 'sms'; to: string; text: string };

/** backoff is the wait before attempt n+1 after n failed ones: 30 s, 1, 2, 4 ... minutes, at most an hour. */
export function backoff(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3600_000);
}

/** resultsMail is the "results ready" message to a leader or representative. */
export function resultsMail(wave: Wave, baseUrl: string): { subject: string; text: string } {
  const t = translator('nb');
  return { subject: t('invite.results.subject', { wave: wave.name }), text: t('invite.results.body', { wave: wave.name, link: `${baseUrl}/oversikt` }) };
}

/** actionMail is the mail to an action's owner on its due day (staff language: bokmål). */
export function actionMail(action: Action, wave: Wave, unitName: string, baseUrl: string): { subject: string; text: string } {
  const t = translator('nb');
  const link = `${baseUrl}/oppfolging/${wave.id}/enhet/${encodeURIComponent(action.unitId)}#tiltak`;
  return {
    // One line: the action's text is typed by staff, and a line break must never reach a header.
    subject: t('followup.dueMail.subject', { what: action.what.replace(/\s+/g, ' ') }),
    text: t('followup.dueMail.body', { what: action.what, unit: unitName, wave: wave.name, date: formatDay(action.dueOn ?? ''), status: t(`followup.status.${action.status}`), link }),
  };
}

// Inside the transaction that marks the item 'sending': what to send, or why not now.
function prepare(deps: SenderDeps, item: DueItem): Outgoing | 'drop' | 'later' {
  const wave = getWave(deps.db, item.waveId);
  if (!wave) return 'drop';
  if (item.kind === 'results') {
    if (requestTallies(deps.db, wave.id) === 'computing') return 'later';
    if (!item.address) return 'drop';
    return { channel: 'mail', to: item.address, ...resultsMail(wave, deps.baseUrl) };
  }
  if (item.kind === 'action') {
    const action = item.actionId === null ? undefined : getAction(deps.db, item.actionId);
    // Done or cancelled since it was queued: nothing to remind of.
    if (!action || !item.address || (action.status !== 'planned' && action.status !== 'in_progress')) return 'drop';
    return { channel: 'mail', to: item.address, ...actionMail(action, wave, getUnit(deps.db, action.unitId)?.name ?? action.unitId, deps.baseUrl) };
  }
  const contact = item.contactId === null ? undefined : getContact(deps.db, item.contactId);
  // Someone who has answered since the job was queued gets nothing more; so does a closed wave.
  if (!contact || wave.status === 'closed' || hasAnswered(deps.db, contact.id)) return 'drop';
  if (!contact.email && !contact.mobile) return 'drop';
  const link = `${deps.baseUrl}/s/${issueToken(deps.db, wave.id, contact)}`;
  const message = renderMessage(waveTemplates(deps.db, wave, item.kind === 'reminder' ? 'reminder' : 'invite'), wave, link);
  return contact.email ? { channel: 'mail', to: contact.email, subject: message.subject, text: message.text } : { channel: 'sms', to: contact.mobile as string, text: message.sms };
}

/** sendNext sends the next due message and records the outcome; 'idle' when nothing is due now. */
export async function sendNext(deps: SenderDeps): Promise<'sent' | 'idle'> {
  const { db } = deps;
  const now = deps.clock();
  const item = nextDueItem(db, now);
  if (!item) return 'idle';
  const out = db.transaction(() => {
    const out = prepare(deps, item);
    if (out !== 'drop' && out !== 'later') markSending(db, item, now, Math.ceil(60_000 / deps.config.SEND_RATE_PER_MINUTE));
    return out;
  }).immediate();
  if (out === 'drop') {
    dropItem(db, item);
    return 'sent';
  }
  if (out === 'later') {
    retryItem(db, item.id, now + 30_000);
    return 'sent';
  }
  try {
    if (out.channel === 'mail') await deps.transports.mail({ to: out.to, subject: out.subject, text: out.text, messageId: `<kartlegg-${item.jobId}-${item.id}@${new URL(deps.baseUrl).hostname}>` });
    else await deps.transports.sms(out.to, out.text);
    finishItem(db, item, 'sent');
  } catch (err) {
    const e = err instanceof SendError ? err : new SendError('transient', String(err));
    // The log names the job and the kind of failure, never the address.
    deps.logger?.warn({ job: item.jobId, kind: e.kind, error: e.message.replace(/[^\s@]+@[^\s@]+/g, '<address>') }, 'send failed');
    if (e.kind === 'auth' || e.kind === 'refused' || e.kind === 'unconfigured') stopJob(db, item, `invite.error.${out.channel}.${e.kind}`);
    else if (e.kind === 'bounce') finishItem(db, item, 'bounced');
    else if (item.attempts + 1 >= deps.config.SEND_MAX_ATTEMPTS) finishItem(db, item, 'failed');
    else retryItem(db, item.id, now + backoff(item.attempts + 1));
  }
  return 'sent';
}
