// Respondent handlers: each parses, validates, re-renders with messages on failure (422) or stores
// and redirects (303). Answers live in a draft until the final submit.
import type { NextFunction, Request, Response } from 'express';
import { nowOf, type AppDeps } from '../deps.js';
import { addDays } from '../../clock.js';
import { HttpError } from '../../errors.js';
import { missingRequired, mergePage, parsePage, revalidate, visibleSections, type FieldError, type FormBody } from '../../survey/answers.js';
import { pruneHidden } from '../../survey/conditions.js';
import type { Answers, Survey } from '../../survey/model.js';
import type { Section } from '../../survey/schema.js';
import { createDraft, draftFits, findDraftByResumeCode, getDraft, saveDraftAnswers, setDraftLanguage, type Draft, type DraftLink } from '../../store/drafts.js';
import { normaliseResumeCode } from '../../store/ids.js';
import type { Access } from '../../store/links.js';
import { submitInTurn } from '../../store/submits.js';
import { respondentTally } from '../../report/running-tally.js';
import type { Unit } from '../../store/units.js';
import { isAcceptingAnswers, type Wave } from '../../store/waves.js';
import { languageName, textDirection } from '../../survey/texts.js';
import { readCookie } from '../cookies.js';
import { preferredLanguage, useLanguage } from './language.js';
import { renderNoStore, seeOther } from '../views.js';
import { pageView, reviewView } from './view-model.js';

export interface RespondContext {
  access: Access;
  wave: Wave;
  unit: Unit;
  /** The survey in the respondent's language (same ids and structure as `baseSurvey`). */
  survey: Survey;
  /** The frozen survey as stored: bokmål texts and the translations. */
  baseSurvey: Survey;
  /** The languages the wave offers, and the one the pages are in (the draft's once there is one). */
  languages: string[];
  language: string;
  code: string;
  today: string;
}

const DRAFT_COOKIE = 'kartlegg_draft';

const ctxOf = (res: Response): RespondContext => res.locals.ctx as RespondContext;
const base = (ctx: RespondContext): string => `/s/${ctx.code}`;
const pageUrl = (ctx: RespondContext, section: Section): string => `${base(ctx)}/del/${section.id}`;
/** A page opened from the review page offers the way back to it, and keeps offering it on the pages
 *  the respondent moves on to, so nobody has to walk through the rest of the survey again. */
const FROM_REVIEW = 'fra=oppsummering';
const fromReview = (req: Request): boolean => req.query.fra === 'oppsummering' || (req.body as FormBody | undefined)?._from === 'review';

const linkOf = (ctx: RespondContext): DraftLink => ({ waveId: ctx.wave.id, unitId: ctx.unit.id, tokenHash: ctx.access.kind === 'token' ? ctx.access.tokenHash : null });

function currentDraft(deps: AppDeps, req: Request, ctx: RespondContext): Draft | undefined {
  const id = readCookie(req, DRAFT_COOKIE);
  if (!id) return undefined;
  const draft = getDraft(deps.db, id, ctx.today);
  return draft && draftFits(draft, linkOf(ctx)) ? draft : undefined;
}

// A draft's pages are in the language chosen for it, whatever the device's browser says.
function speakDraftLanguage(res: Response, ctx: RespondContext, draft: Draft): void {
  if (!(ctx.baseSurvey.languages ?? ['nb']).includes(draft.language)) return;
  ctx.language = draft.language;
  ctx.survey = useLanguage(res, ctx.languages, ctx.baseSurvey, draft.language);
}

function rememberDraft(deps: AppDeps, res: Response, ctx: RespondContext, draft: Draft): void {
  res.cookie(DRAFT_COOKIE, draft.id, {
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.COOKIE_SECURE,
    path: base(ctx),
    maxAge: deps.config.DRAFT_TTL_DAYS * 24 * 3600 * 1000,
  });
}

function resumeUrl(ctx: RespondContext, draft: Draft): string {
  const sections = visibleSections(ctx.survey, draft.answers);
  const last = sections.find((s) => s.id === draft.lastSection);
  const first = sections[0];
  return last ? pageUrl(ctx, last) : first ? pageUrl(ctx, first) : `${base(ctx)}/oppsummering`;
}

function renderClosedOrUsed(res: Response, ctx: RespondContext): boolean {
  if (ctx.access.kind === 'token' && ctx.access.used) {
    renderNoStore(res.status(410), 'message', { titleKey: 'tokenUsed.title', bodyKey: 'tokenUsed.body', params: {} });
    return true;
  }
  if (!isAcceptingAnswers(ctx.wave, ctx.today)) {
    renderNoStore(res.status(403), 'respond/closed', { wave: ctx.wave });
    return true;
  }
  return false;
}

/** requireOpen stops every answering route of a closed wave or a used token with a friendly page. */
export function requireOpen(_req: Request, res: Response, next: NextFunction): void {
  if (!renderClosedOrUsed(res, ctxOf(res))) next();
}

function renderWelcome(deps: AppDeps, req: Request, res: Response, status: number, resumeError?: boolean): void {
  const ctx = ctxOf(res);
  const draft = currentDraft(deps, req, ctx);
  // A language asked for here wins (it becomes the draft's on "continue"); else the draft's own.
  const asked = [req.query.lang, (req.body as Record<string, unknown> | undefined)?.lang].some((v) => typeof v === 'string' && ctx.languages.includes(v));
  if (draft && !asked) speakDraftLanguage(res, ctx, draft);
  renderNoStore(res.status(status), 'respond/welcome', {
    ctx,
    draft,
    languageChoices: ctx.languages.length > 1 ? ctx.languages.map((tag) => ({ tag, name: languageName(tag), dir: textDirection(tag) })) : [],
    ttlDays: deps.config.DRAFT_TTL_DAYS,
    resumeError: resumeError ?? false,
    resumeValue: typeof req.body?.resume_code === 'string' ? req.body.resume_code : '',
  });
}

/** welcome explains the survey and anonymity, and offers start, continue and resume by code. */
export function welcome(deps: AppDeps) {
  return (req: Request, res: Response): void => {
    if (renderClosedOrUsed(res, ctxOf(res))) return;
    renderWelcome(deps, req, res, 200);
  };
}

/** start creates a draft (or continues the one this device has) and goes to its page. */
export function start(deps: AppDeps) {
  return (req: Request, res: Response): void => {
    const ctx = ctxOf(res);
    // ctx.language is the welcome page's (the form's hidden "lang"), which the respondent saw and kept.
    const existing = currentDraft(deps, req, ctx);
    const draft = existing
      ? existing.language === ctx.language
        ? existing
        : setDraftLanguage(deps.db, existing, ctx.language)
      : createDraft(deps.db, { ...linkOf(ctx), expiresOn: addDays(ctx.today, deps.config.DRAFT_TTL_DAYS), language: ctx.language });
    rememberDraft(deps, res, ctx, draft);
    seeOther(res, resumeUrl(ctx, draft));
  };
}

/** resume continues a draft from another device by its resume code. */
export function resume(deps: AppDeps) {
  return (req: Request, res: Response): void => {
    const ctx = ctxOf(res);
    const input: unknown = req.body?.resume_code;
    const code = typeof input === 'string' ? normaliseResumeCode(input) : '';
    const draft = code ? findDraftByResumeCode(deps.db, code, linkOf(ctx), ctx.today) : undefined;
    if (!draft) return renderWelcome(deps, req, res, 422, true);
    rememberDraft(deps, res, ctx, draft);
    seeOther(res, resumeUrl(ctx, draft));
  };
}

function draftOrRedirect(deps: AppDeps, req: Request, res: Response): Draft | undefined {
  const ctx = ctxOf(res);
  const draft = currentDraft(deps, req, ctx);
  if (!draft) seeOther(res, base(ctx));
  else speakDraftLanguage(res, ctx, draft);
  return draft;
}

function sectionOrThrow(ctx: RespondContext, answers: Answers, id: string): { section: Section; visible: Section[] } {
  const visible = visibleSections(ctx.survey, answers);
  const section = visible.find((s) => s.id === id);
  if (!section) throw new HttpError(404, 'notFound');
  return { section, visible };
}

/** showPage renders one section with the draft's answers. */
export function showPage(deps: AppDeps) {
  return (req: Request, res: Response): void => {
    const draft = draftOrRedirect(deps, req, res);
    if (!draft) return;
    const ctx = ctxOf(res);
    const { section, visible } = sectionOrThrow(ctx, draft.answers, String(req.params.section));
    renderNoStore(res, 'respond/page', { ...pageView(ctx, draft, section, visible, draft.answers, {}, []), fromReview: fromReview(req) });
  };
}

/** savePage stores the page's valid answers in the draft, then moves as the button asked; invalid
 *  values re-render the page (422) with every answer kept. */
export function savePage(deps: AppDeps) {
  return (req: Request, res: Response): void => {
    const draft = draftOrRedirect(deps, req, res);
    if (!draft) return;
    const ctx = ctxOf(res);
    const { section } = sectionOrThrow(ctx, draft.answers, String(req.params.section));
    const body = (req.body ?? {}) as FormBody;
    const page = parsePage(ctx.survey, section, body);
    const failed = new Set(page.errors.map((e: FieldError) => e.itemId));
    // Frozen, with their visibility known for this request and the next one, which opens the draft
    // as saved (survey/conditions.ts).
    const answers = mergePage(ctx.survey, section, draft.answers, page.answers, failed);
    const visible = visibleSections(ctx.survey, answers);
    const index = visible.findIndex((s) => s.id === section.id);
    const nav = page.errors.length > 0 ? 'stay' : body._nav;
    // Where the respondent goes next is where a resumed draft continues.
    const target = nav === 'back' ? visible[index - 1] : nav === 'next' || nav === undefined ? visible[index + 1] : nav === 'review' ? undefined : section;
    // As saved. "Continue later" stores the resume id now (and may draw a new resume code); other
    // saves let the draft wait in memory until its respondent pauses (store/drafts.ts).
    const saved = saveDraftAnswers(deps.db, draft, answers, target?.id ?? section.id, addDays(ctx.today, deps.config.DRAFT_TTL_DAYS), nav === 'save' ? 'now' : { at: nowOf(deps) });
    const returning = fromReview(req);
    if (page.errors.length > 0) {
      renderNoStore(res.status(422), 'respond/page', { ...pageView(ctx, saved, section, visible, answers, page.raw, page.errors), fromReview: returning });
      return;
    }
    if (nav === 'save') {
      renderNoStore(res, 'respond/page', { ...pageView(ctx, saved, section, visible, answers, {}, []), saved: true, fromReview: returning });
      return;
    }
    const query = returning ? `?${FROM_REVIEW}` : '';
    if (nav === 'back') {
      seeOther(res, target ? `${pageUrl(ctx, target)}${query}` : base(ctx));
      return;
    }
    seeOther(res, nav !== 'review' && target ? `${pageUrl(ctx, target)}${query}` : `${base(ctx)}/oppsummering`);
  };
}

/** review lists the sections and the required items still unanswered, with links to them. */
export function review(deps: AppDeps) {
  return (req: Request, res: Response): void => {
    const draft = draftOrRedirect(deps, req, res);
    if (!draft) return;
    renderNoStore(res, 'respond/review', reviewView(ctxOf(res), draft, missingRequired(ctxOf(res).survey, draft.answers), false));
  };
}

/** submit turns the draft into an anonymous response exactly once, or shows what is missing; it
 *  answers only once the submit is on disk and the write-ahead log no longer holds it (store/wal.ts). */
export function submit(deps: AppDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const ctx = ctxOf(res);
    const draft = currentDraft(deps, req, ctx);
    if (draft) speakDraftLanguage(res, ctx, draft);
    if (!draft) {
      res.status(409).render('message', { titleKey: 'noDraft.title', bodyKey: 'noDraft.body', params: { days: deps.config.DRAFT_TTL_DAYS }, link: { href: base(ctx), key: 'noDraft.start' } });
      return;
    }
    // A draft is never trusted blindly: values that no longer fit the survey are dropped.
    let answers = pruneHidden(ctx.survey, draft.answers);
    const bad = revalidate(ctx.survey, answers);
    if (bad.length > 0) {
      answers = Object.fromEntries(Object.entries(answers).filter(([id]) => !bad.includes(id)));
      saveDraftAnswers(deps.db, draft, answers, draft.lastSection, draft.expiresOn, { at: nowOf(deps) });
    }
    const missing = missingRequired(ctx.survey, answers);
    if (missing.length > 0) {
      res.status(422).render('respond/review', reviewView(ctx, { ...draft, answers }, missing, true));
      return;
    }
    // Committed without a sync; the worker syncs it (and empties the log) before the answer below.
    // The respondent is added to the wave's running tallies in the same transaction: closing the
    // wave then reads those, not every answer (report/running-tally.ts).
    // Submits that arrive while the log is being emptied are committed together (store/submits.ts).
    const outcome = await submitInTurn(deps.db, {
      survey: ctx.survey,
      draftId: draft.id,
      draft,
      answers,
      today: ctx.today,
      tokenHash: linkOf(ctx).tokenHash,
      tally: (unitId, rows) => respondentTally(deps.db, ctx.survey, draft.waveId, unitId, rows),
    });
    res.clearCookie(DRAFT_COOKIE, { path: base(ctx) });
    if (outcome === 'token-used') {
      res.status(410).render('message', { titleKey: 'tokenUsed.title', bodyKey: 'tokenUsed.body', params: {} });
      return;
    }
    if (outcome === 'no-draft') {
      res.status(409).render('message', { titleKey: 'noDraft.title', bodyKey: 'noDraft.body', params: { days: deps.config.DRAFT_TTL_DAYS }, link: { href: base(ctx), key: 'noDraft.start' } });
      return;
    }
    // The thank-you page has no draft to read the language from: it is named when this browser
    // would not arrive at it by itself.
    const asked = draft.language === preferredLanguage(req, ctx.wave, ctx.languages) ? '' : `?lang=${encodeURIComponent(draft.language)}`;
    seeOther(res, `${base(ctx)}/takk${asked}`);
  };
}

/** thanks confirms the submission. */
export function thanks(_req: Request, res: Response): void {
  renderNoStore(res, 'respond/thanks', { ctx: ctxOf(res) });
}
