// Message catalogues and language negotiation: nb (default), nn and en for every page; pl and lt
// for the respondent pages only (RESPONDENT_PREFIXES), staff pages stay nb/nn/en.
import { en } from './en.js';
import { lt } from './lt.js';
import { nb, type Catalogue, type MessageKey } from './nb.js';
import { nn } from './nn.js';
import { pl } from './pl.js';

export type Lang = 'nb' | 'nn' | 'en';
export const LANGS: readonly Lang[] = ['nb', 'nn', 'en'];
export type { MessageKey };

/** A language the respondent pages can be shown in. */
export type RespondentLang = Lang | 'pl' | 'lt';
export const RESPONDENT_LANGS: readonly RespondentLang[] = ['nb', 'nn', 'en', 'pl', 'lt'];

/** The message keys the respondent pages (and the error pages they can lead to) use, and the messages
 *  that invite respondents: pl and lt have exactly these. */
export const RESPONDENT_PREFIXES = ['app.', 'skip.', 'welcome.', 'resume.', 'page.', 'nav.back', 'nav.next', 'nav.review', 'nav.save', 'nav.label', 'item.', 'errors.', 'error.', 'review.', 'thanks.', 'noDraft.', 'closed.', 'tokenUsed.', 'notFound.', 'badRequest.', 'tooLarge.', 'forbidden.', 'serverError.', 'rateLimited.', 'respondLang.', 'invite.template.invite.', 'invite.template.reminder.', 'invite.anonymity', 'invite.smsAnonymity', 'invite.noDeadline'] as const;

const catalogues: Record<RespondentLang, Partial<Catalogue>> = { nb, nn, en, pl, lt };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** translator returns t(key, params) for a language; {name} placeholders are filled from params, and
 *  {name|one|other} picks the word form for the number in params[name] by the language's plural rules
 *  ("{n} {n|problem|problemer}": "1 problem", "2 problemer"; en "1 response", "26 responses"). */
export function translator(lang: RespondentLang): Translate {
  // Asked for on every request (twice on respondent pages); building Intl.PluralRules costs far more than using it.
  let t = translators.get(lang);
  if (!t) translators.set(lang, (t = makeTranslator(lang)));
  return t;
}

const translators = new Map<RespondentLang, Translate>();

function makeTranslator(lang: RespondentLang): Translate {
  const catalogue = catalogues[lang];
  const plurals = new Intl.PluralRules(lang);
  return (key, params) => {
    const text = catalogue[key] ?? nb[key] ?? key;
    if (!params) return text;
    return text
      .replace(/\{(\w+)\|([^|{}]*)\|([^|{}]*)\}/g, (m, name: string, one: string, other: string) => {
        const n = Number(params[name]);
        return params[name] === undefined || !Number.isFinite(n) ? m : plurals.select(n) === 'one' ? one : other;
      })
      .replace(/\{(\w+)\}/g, (m, name: string) => (params[name] === undefined ? m : String(params[name])));
  };
}

/** isRespondentLang narrows a string to a language the respondent pages have a catalogue for. */
export function isRespondentLang(value: unknown): value is RespondentLang {
  return typeof value === 'string' && (RESPONDENT_LANGS as readonly string[]).includes(value);
}

/** isLang narrows a string to a supported language. */
export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** negotiateLang picks the UI language from Accept-Language. The survey texts are bokmål, so the UI
 *  follows suit unless the browser prefers nynorsk; English is offered by explicit choice only. */
export function negotiateLang(header: string | undefined): Lang {
  for (const part of (header ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('nn')) return 'nn';
    if (tag.startsWith('nb') || tag.startsWith('no')) return 'nb';
  }
  return 'nb';
}
