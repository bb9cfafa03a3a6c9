// The builder's pages for a survey's scales and factors (each saved by its own form) and its
// translations side by side with bokmål. Like every builder form: read leniently, check, re-render
// with the messages at the fields and everything typed kept (422), or save with an audit entry (303).
import type { Response, Router } from 'express';
import { HttpError } from '../../errors.js';
import { asMaps, sectionsOf, textOf, withText } from '../../survey/edit.js';
import { Id, type SurveyFile } from '../../survey/schema.js';
import { languageName, textSlots } from '../../survey/texts.js';
import type { AppDeps } from '../deps.js';
import { formList, formText } from '../forms.js';
import type { Translate } from '../i18n/index.js';
import { placeOf } from './builder-problems.js';
import { builderBase as base, formBody as body, draftOf, saveDraft } from './builder-target.js';


/** builderPartRoutes mounts the scale, factor and translation pages. */
export function builderPartRoutes(admin: Router, deps: AppDeps): void {
  // Scales and factors on one page, each saved by its own form.
  const renderParts = (res: Response, status: number, def: SurveyFile, errors: Record<string, string> = {}, posted?: Record<string, unknown>): void => {
    res.status(status).render('admin/builder-parts', { surveyId: draftOf(res).surveyId, def, errors, posted, textOf });
  };
  admin.get('/skjema/:surveyId/skalaer', (_req, res) => renderParts(res, 200, asMaps(draftOf(res).definition)));

  admin.post('/skjema/:surveyId/skalaer', (req, res) => {
    const draft = draftOf(res);
    const def = asMaps(draft.definition);
    const b = body(req);
    const original = formText(b.original, 64);
    const id = original || formText(b.scaleId, 64);
    const values = formList(b.pointValue).map((v) => v.trim());
    const labels = formList(b.pointLabel).map((v) => v.trim().slice(0, 200));
    const rows = values.map((v, i) => ({ v, label: labels[i] ?? '' })).filter((r) => r.v !== '' || r.label !== '');
    const errors: Record<string, string> = {};
    if (!Id.safeParse(id).success) errors.scaleId = 'builder.idInvalid';
    else if (!original && def.scales[id]) errors.scaleId = 'builder.idTaken';
    if (rows.some((r) => !/^-?\d{1,3}$/.test(r.v) || r.label === '')) errors.points = 'builder.pointsInvalid';
    else if (rows.length < 2) errors.points = 'builder.problem.twoPoints';
    else if (new Set(rows.map((r) => r.v)).size !== rows.length) errors.points = 'builder.problem.pointsUnique';
    if (Object.keys(errors).length > 0) return renderParts(res, 422, def, errors, b);
    const old = def.scales[id];
    const oldLabels = new Map(old?.points.map((p) => [p.value, p.label]) ?? []);
    const dontKnow = formText(b.dontKnowLabel, 200);
    def.scales[id] = {
      points: rows.map((r) => ({ value: Number(r.v), label: withText(oldLabels.get(Number(r.v)), 'nb', r.label) })),
      ...(dontKnow === '' ? {} : { dontKnowLabel: withText(old?.dontKnowLabel, 'nb', dontKnow) }),
      ...(old?.favourable ? { favourable: old.favourable.filter((f) => rows.some((r) => Number(r.v) === f)) } : {}),
    };
    if (def.scales[id]?.favourable?.length === 0) delete def.scales[id].favourable;
    saveDraft(deps, res, draft.surveyId, def, 'scale.save', `${id}: ${rows.length} points`);
    res.redirect(303, `${base(draft.surveyId)}/skalaer`);
  });

  admin.post('/skjema/:surveyId/skalaer/:scaleId/slett', (req, res) => {
    const draft = draftOf(res);
    const def = asMaps(draft.definition);
    const id = String(req.params.scaleId);
    if (!def.scales[id]) throw new HttpError(404, 'notFound');
    // A scale in use stays: its questions would lose their answer choices.
    const users = sectionsOf(def).flatMap((s) => s.items).filter((i) => (i.type === 'likert' || i.type === 'nowDesired') && i.scale === id);
    if (users.length > 0) return renderParts(res, 422, def, { [`remove-scale-${id}`]: (res.locals.t as Translate)('builder.scaleInUse', { n: users.length }) });
    delete def.scales[id];
    saveDraft(deps, res, draft.surveyId, def, 'scale.remove', id);
    res.redirect(303, `${base(draft.surveyId)}/skalaer`);
  });

  admin.post('/skjema/:surveyId/faktorer', (req, res) => {
    const draft = draftOf(res);
    const def = asMaps(draft.definition);
    const b = body(req);
    const ids = formList(b.factorId).map((s) => s.trim().slice(0, 64));
    const labels = formList(b.factorLabel).map((s) => s.trim().slice(0, 200));
    const descriptions = formList(b.factorDescription).map((s) => s.trim().slice(0, 1000));
    const rows = ids.map((id, i) => ({ id, label: labels[i] ?? '', description: descriptions[i] ?? '' })).filter((r) => r.id !== '' || r.label !== '');
    const errors: Record<string, string> = {};
    if (rows.some((r) => !Id.safeParse(r.id).success || r.label === '')) errors.factors = 'builder.factorsInvalid';
    else if (new Set(rows.map((r) => r.id)).size !== rows.length) errors.factors = 'builder.problem.duplicateId';
    if (Object.keys(errors).length > 0) return renderParts(res, 422, def, errors, b);
    const old = new Map(def.factors.map((f) => [f.id, f]));
    def.factors = rows.map((r) => ({
      id: r.id,
      label: withText(old.get(r.id)?.label, 'nb', r.label),
      ...(r.description === '' ? {} : { description: withText(old.get(r.id)?.description, 'nb', r.description) }),
    }));
    saveDraft(deps, res, draft.surveyId, def, 'factors.save', rows.map((r) => r.id).join(' '));
    res.redirect(303, `${base(draft.surveyId)}/skalaer`);
  });

  // Translations: every text of the survey, bokmål beside the language being written.
  const translationRows = (t: Translate, def: SurveyFile, lang: string) =>
    textSlots(def).map((slot) => ({ key: slot.key, place: placeOf(t, slot.path), nb: textOf(slot.get() as never, 'nb'), text: textOf(slot.get() as never, lang) }));
  admin.get('/skjema/:surveyId/oversett/:lang', (req, res) => {
    const def = asMaps(draftOf(res).definition);
    const lang = String(req.params.lang);
    if (lang === 'nb' || !(def.languages ?? []).includes(lang)) throw new HttpError(404, 'notFound');
    res.render('admin/builder-translate', { surveyId: draftOf(res).surveyId, targetLang: lang, langName: languageName(lang), saved: req.query.lagret === '1', rows: translationRows(res.locals.t as Translate, def, lang) });
  });
  admin.post('/skjema/:surveyId/oversett/:lang', (req, res) => {
    const draft = draftOf(res);
    const def = asMaps(draft.definition);
    const lang = String(req.params.lang);
    if (lang === 'nb' || !(def.languages ?? []).includes(lang)) throw new HttpError(404, 'notFound');
    const b = body(req);
    const keys = formList(b.key);
    const texts = formList(b.text).map((s) => s.trim().slice(0, 2000));
    const posted = new Map(keys.map((k, i) => [k, texts[i] ?? '']));
    let changed = 0;
    for (const slot of textSlots(def)) {
      const text = posted.get(slot.key);
      if (text === undefined || text === textOf(slot.get() as never, lang)) continue;
      (slot.set as (v: unknown) => void)(withText(slot.get() as never, lang, text));
      changed++;
    }
    saveDraft(deps, res, draft.surveyId, def, 'translate', `${lang}: ${changed} texts`);
    res.redirect(303, `${base(draft.surveyId)}/oversett/${lang}?lagret=1`);
  });
}
