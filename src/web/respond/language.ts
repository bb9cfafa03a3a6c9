// The language a respondent answers in: chosen on the welcome page among the wave's languages, then
// kept in the sealed draft (store/drafts.ts) for every page and on every device the resume code
// opens it on. Never stored anywhere else: not in a cookie, not with the response.
import type { Request, Response } from 'express';
import { localizeSurvey, textDirection } from '../../survey/texts.js';
import type { Survey } from '../../survey/model.js';
import type { Wave } from '../../store/waves.js';
import { isRespondentLang, translator } from '../i18n/index.js';

const NORWEGIAN = new Set(['nb', 'nn', 'no']);

/** offeredLanguages lists the wave's languages the survey declares, the wave's default first when it is one. */
export function offeredLanguages(wave: Wave, survey: Survey): string[] {
  const declared = survey.languages ?? ['nb'];
  const offered = wave.languages.filter((l) => declared.includes(l));
  return offered.length > 0 ? offered : ['nb'];
}

/** preferredLanguage picks the welcome page's language: one asked for (?lang=, or the form's), else
 *  the wave's default for a browser that reads Norwegian or names no offered language, else the
 *  first offered language the browser's Accept-Language names (a Polish phone opens in Polish). */
export function preferredLanguage(req: Request, wave: Wave, offered: readonly string[]): string {
  const asked = [req.query.lang, (req.body as Record<string, unknown> | undefined)?.lang].find((v) => typeof v === 'string' && offered.includes(v));
  if (typeof asked === 'string') return asked;
  const fallback = offered.includes(wave.defaultLanguage) ? wave.defaultLanguage : (offered[0] ?? 'nb');
  const tags = (req.headers['accept-language'] ?? '')
    .split(',')
    .map((part) => part.split(';')[0]?.trim() ?? '')
    .filter((tag) => tag !== '' && tag !== '*');
  for (const tag of tags) {
    const primary = tag.split('-')[0]?.toLowerCase() ?? '';
    if (NORWEGIAN.has(primary)) return fallback;
    const match = offered.find((l) => l.toLowerCase() === tag.toLowerCase()) ?? offered.find((l) => l.split('-')[0] === primary);
    if (match) return match;
  }
  return fallback;
}

/** useLanguage shows the survey's texts in `lang` and, when the wave offers a choice, the interface
 *  in it where a catalogue exists (else in the language the middleware chose: ?lang=, cookie, browser);
 *  it sets `lang`/`dir` for the page and for the survey's texts. */
export function useLanguage(res: Response, offered: readonly string[], base: Survey, lang: string): Survey {
  const chosen = res.locals.chosenLang ?? res.locals.lang;
  res.locals.chosenLang = chosen;
  const ui = offered.length > 1 && isRespondentLang(lang) ? lang : isRespondentLang(chosen) ? chosen : 'nb';
  res.locals.lang = ui;
  res.locals.dir = textDirection(ui);
  res.locals.t = translator(ui);
  res.locals.textLang = lang;
  res.locals.textDir = textDirection(lang);
  return localizeSurvey(base, lang);
}
