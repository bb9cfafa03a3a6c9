// Cross-cutting middleware: language, CSRF origin check, no-store caching.
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../errors.js';
import { readCookie } from './cookies.js';
import { formatDateOf, formatDateTime, formatDay } from './dates.js';
import { isLang, negotiateLang, translator, type Lang } from './i18n/index.js';

const LANG_COOKIE = 'kartlegg_lang';

/** language picks the UI language (?lang=, then cookie, then Accept-Language) and exposes t(). */
export function language(secureCookies: boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    let lang: Lang;
    const asked = req.query.lang;
    if (isLang(asked)) {
      lang = asked;
      res.cookie(LANG_COOKIE, lang, { httpOnly: true, sameSite: 'lax', secure: secureCookies, maxAge: 365 * 24 * 3600 * 1000, path: '/' });
    } else {
      const saved = readCookie(req, LANG_COOKIE);
      lang = isLang(saved) ? saved : negotiateLang(req.headers['accept-language']);
    }
    res.locals.lang = lang;
    res.locals.t = translator(lang);
    // Survey texts are bokmål unless a page puts them in another language (respond/language.ts, results/texts.ts).
    res.locals.textLang = 'nb';
    res.locals.textDir = 'ltr';
    res.locals.path = req.path;
    next();
  };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** sameOrigin rejects state-changing requests that a browser says came from another site
 *  (Sec-Fetch-Site, else Origin). Requests without either header are not from a browser form
 *  on another site (browsers send Origin on every cross-origin POST) and pass. */
export function sameOrigin(req: Request, _res: Response, next: NextFunction): void {
  if (SAFE.has(req.method)) return next();
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') {
    if (site === 'same-origin' || site === 'none') return next();
    return next(new HttpError(403, 'cross_site'));
  }
  const origin = req.headers.origin;
  if (origin === undefined) return next();
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return next(new HttpError(403, 'cross_site'));
  }
  if (origin !== 'null' && host === req.headers.host) return next();
  next(new HttpError(403, 'cross_site'));
}

/** noStore keeps answers out of shared caches and the back-forward cache of shared devices. */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  next();
}

/** dateLocals gives every view day() for stored days, and dateTime() and dateOf() for moments in
 *  the time zone (18.12.2026 14:05 and 18.12.2026): the one way dates reach a page. */
export function dateLocals(timeZone: string) {
  const day = formatDay;
  const dateTime = (at: string | number | Date | null | undefined): string => formatDateTime(at, timeZone);
  const dateOf = (at: string | number | Date): string => formatDateOf(at, timeZone);
  return (_req: Request, res: Response, next: NextFunction): void => {
    Object.assign(res.locals, { day, dateTime, dateOf });
    next();
  };
}
