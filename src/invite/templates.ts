// Message templates: per wave, kind (invitation, reminder) and language, with the catalogue's text
// as default. Placeholders: {lenke} the personal link, {frist} the deadline (18.12.2026), {maling}
// the wave's name, {anonymitet} the short anonymity explanation. A wave offering several languages
// sends one message with each language's text in turn, its default language first: a contact has
// no language of their own, so nothing stored says in which language anyone reads or answers. An
// SMS is the default language's subject line with the link: short enough for one or two messages.
import { prepared, type Db } from '../store/db.js';
import type { Wave } from '../store/waves.js';
import { formatDay } from '../web/dates.js';
import { isRespondentLang, translator } from '../web/i18n/index.js';

export type TemplateKind = 'invite' | 'reminder';

export interface Template {
  subject: string;
  body: string;
}

// A language the respondent pages have no catalogue for starts from the bokmål text.
const tr = (lang: string) => translator(isRespondentLang(lang) ? lang : 'nb');

/** defaultTemplate is the catalogue's text for a kind in a language (bokmål where there is none). */
export function defaultTemplate(kind: TemplateKind, lang = 'nb'): Template {
  const t = tr(lang);
  return { subject: t(`invite.template.${kind}.subject`), body: t(`invite.template.${kind}.body`) };
}

/** getTemplate returns the wave's stored template, or the default. */
export function getTemplate(db: Db, waveId: number, kind: TemplateKind, lang = 'nb'): Template {
  const row = prepared(db, 'SELECT subject, body FROM invite_template WHERE wave_id = ? AND kind = ? AND lang = ?').get(waveId, kind, lang) as Template | undefined;
  return row ?? defaultTemplate(kind, lang);
}

/** saveTemplate stores a wave's template for a kind and language. */
export function saveTemplate(db: Db, waveId: number, kind: TemplateKind, lang: string, t: Template): void {
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

/** messageLanguages lists the languages a wave's messages are written in, its default first. */
export function messageLanguages(wave: Pick<Wave, 'languages' | 'defaultLanguage'>): string[] {
  return [...new Set([wave.defaultLanguage, ...wave.languages])];
}

/** waveTemplates returns the wave's template of a kind in each of its message languages, in order. */
export function waveTemplates(db: Db, wave: Wave, kind: TemplateKind): LangTemplate[] {
  return messageLanguages(wave).map((lang) => ({ lang, ...getTemplate(db, wave.id, kind, lang) }));
}

export type LangTemplate = Template & { lang: string };

/** A line between the languages of one message. */
export const LANGUAGE_RULE = '\n\n――――――――――\n\n';

/** renderMessage fills the templates (one per language, the default first) for one recipient's link. */
export function renderMessage(templates: readonly LangTemplate[], wave: Wave, link: string): Rendered {
  const fill = (t: LangTemplate) => {
    const words = tr(t.lang);
    const deadline = wave.closesOn ? formatDay(wave.closesOn) : words('invite.noDeadline');
    const values: Record<string, string> = { lenke: link, frist: deadline, maling: wave.name, anonymitet: words('invite.anonymity') };
    const put = (s: string): string => s.replace(/\{(lenke|frist|maling|anonymitet)\}/g, (_m, k: string) => values[k] ?? '');
    return { subject: put(t.subject), text: put(t.body) };
  };
  const filled = templates.map(fill);
  const first = filled[0] ?? { subject: '', text: '' };
  const lang = templates[0]?.lang ?? 'nb';
  return { subject: first.subject, text: filled.map((f) => f.text.trimEnd()).join(LANGUAGE_RULE) + '\n', sms: `${first.subject} ${link} ${tr(lang)('invite.smsAnonymity')}` };
}
