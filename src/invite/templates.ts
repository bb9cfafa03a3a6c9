// Message templates: per wave, kind (invitation, reminder) and language, with the catalogue's text
// as default. Placeholders: {lenke} the personal link, {frist} the deadline (18.12.2026), {maling}
// the wave's name, {anonymitet} the short anonymity explanation. An SMS is the subject line's
// sentence with the link: short enough for one or two messages.
import { prepared, type Db } from '../store/db.js';
import type { Wave } from '../store/waves.js';
import { formatDay } from '../web/dates.js';
import { translator, type Lang } from '../web/i18n/index.js';

export type TemplateKind = 'invite' | 'reminder';

export interface Template {
  subject: string;
  body: string;
}

/** defaultTemplate is the catalogue's text for a kind in a language. */
export function defaultTemplate(kind: TemplateKind, lang: Lang = 'nb'): Template {
  const t = translator(lang);
  return { subject: t(`invite.template.${kind}.subject`), body: t(`invite.template.${kind}.body`) };
}

/** getTemplate returns the wave's stored template, or the default. */
export function getTemplate(db: Db, waveId: number, kind: TemplateKind, lang: Lang = 'nb'): Template {
  const row = prepared(db, 'SELECT subject, body FROM invite_template WHERE wave_id = ? AND kind = ? AND lang = ?').get(waveId, kind, lang) as Template | undefined;
  return row ?? defaultTemplate(kind, lang);
}

/** saveTemplate stores a wave's template for a kind and language. */
export function saveTemplate(db: Db, waveId: number, kind: TemplateKind, lang: Lang, t: Template): void {
  prepared(db, 'INSERT INTO invite_template (wave_id, kind, lang, subject, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (wave_id, kind, lang) DO UPDATE SET subject = excluded.subject, body = excluded.body').run(
    waveId,
    kind,
    lang,
    t.subject,
    t.body,
  );
}

/** templateProblem names what is wrong with a template (a message key), or undefined: the body
 *  must carry the link, or the message is useless. */
export function templateProblem(t: Template): string | undefined {
  if (t.subject.trim() === '' || t.subject.length > 200 || /[\r\n]/.test(t.subject)) return 'invite.template.subjectInvalid';
  if (!t.body.includes('{lenke}')) return 'invite.template.linkMissing';
  if (t.body.length > 5000) return 'invite.template.tooLong';
  return undefined;
}

export interface Rendered {
  subject: string;
  text: string;
  sms: string;
}

/** renderMessage fills a template for one recipient's link. */
export function renderMessage(t: Template, wave: Wave, link: string, lang: Lang = 'nb'): Rendered {
  const tr = translator(lang);
  const deadline = wave.closesOn ? formatDay(wave.closesOn) : tr('invite.noDeadline');
  const values: Record<string, string> = { lenke: link, frist: deadline, maling: wave.name, anonymitet: tr('invite.anonymity') };
  const fill = (s: string): string => s.replace(/\{(lenke|frist|maling|anonymitet)\}/g, (_m, k: string) => values[k] ?? '');
  const subject = fill(t.subject);
  return { subject, text: fill(t.body), sms: `${subject} ${link} ${tr('invite.smsAnonymity')}` };
}
