// The builder's edits of a survey's parts: sections (add, rename, move, remove), items (add, edit
// every field of every type, move, remove), scales and factors, and the translations side by side.
// Each handler reads its form leniently, checks it (an item with the loader's own rules, through
// builder-problems.ts), re-renders with the messages at the fields and everything typed kept (422),
// or saves the working copy with an audit entry and redirects (303).
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../errors.js';
import {
  allItemIds,
  asMaps,
  buildItem,
  conditionChoices,
  encodeCondition,
  findItem,
  freeId,
  ITEM_TYPES,
  moveEntry,
  sectionsOf,
  textOf,
  withText,
  type FileItem,
  type FileSection,
  type ItemFields,
} from '../../survey/edit.js';
import { Id, type ItemType, type SurveyFile } from '../../survey/schema.js';
import { languageName, textSlots } from '../../survey/texts.js';
import type { AppDeps } from '../deps.js';
import { formErrors, formList, formText } from '../forms.js';
import type { Translate } from '../i18n/index.js';
import { itemProblems, placeOf } from './builder-problems.js';
import { builderBase as base, draftOf, saveDraft } from './builder-target.js';

const body = (req: Request): Record<string, unknown> => (req.body ?? {}) as Record<string, unknown>;
const direction = (req: Request): -1 | 1 => (formText(body(req).retning) === 'opp' ? -1 : 1);

function sectionIndex(def: SurveyFile, id: string): number {
  const i = def.sections.findIndex((s) => !('include' in s) && s.id === id);
  if (i < 0) throw new HttpError(404, 'notFound');
  return i;
}

/** readItemForm reads an item's form as posted (everything kept as typed). */
function readItemForm(b: Record<string, unknown>, type: ItemType): ItemFields {
  const ids = formList(b.optionId).map((s) => s.trim().slice(0, 64));
  const labels = formList(b.optionLabel).map((s) => s.trim().slice(0, 500));
  return {
    id: formText(b.id, 64),
    type,
    text: formText(b.text, 1000),
    help: formText(b.help, 1000),
    required: b.required === 'on',
    factor: formText(b.factor, 64),
    showIf: formText(b.showIf, 500),
    scale: formText(b.scale, 64),
    dontKnow: formText(b.dontKnow, 3),
    min: formText(b.min, 12),
    max: formText(b.max, 12),
    minLabel: formText(b.minLabel, 200),
    maxLabel: formText(b.maxLabel, 200),
    step: formText(b.step, 12),
    unit: formText(b.unit, 50),
    maxLength: formText(b.maxLength, 5),
    maxChoices: formText(b.maxChoices, 3),
    options: ids.map((id, i) => ({ id, label: labels[i] ?? '' })),
    background: type === 'single' && b.background === 'on',
  };
}

const numberText = z.string().regex(/^(-?\d{1,9}([.,]\d{1,4})?)?$/, 'builder.numberInvalid');
/** The form-level shape of an item: what must hold before the loader can judge it. */
const ItemFormShape = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'builder.idInvalid'),
  text: z.string().min(1, 'builder.textMissing'),
  min: numberText,
  max: numberText,
  step: numberText,
  maxLength: z.string().regex(/^(\d{1,4})?$/, 'builder.numberInvalid'),
  maxChoices: z.string().regex(/^(\d{1,3})?$/, 'builder.numberInvalid'),
});

/** itemFormOf is the form an existing item shows (its bokmål texts). */
function itemFormOf(def: SurveyFile, item: FileItem): ItemFields {
  const i = item as FileItem & Record<string, unknown>;
  const s = (v: unknown): string => (v === undefined ? '' : String(v));
  const cond = item.showIf ? encodeCondition(item.showIf) : '';
  return {
    id: item.id,
    type: item.type,
    text: textOf(item.text, 'nb'),
    help: textOf(item.help, 'nb'),
    required: item.required,
    factor: item.factor ?? '',
    showIf: item.showIf ? cond || 'keep' : '',
    scale: s(i.scale) || Object.keys(def.scales)[0] || '',
    dontKnow: i.dontKnow === true ? 'yes' : i.dontKnow === false ? 'no' : '',
    min: s(i.min),
    max: s(i.max),
    minLabel: textOf(i.minLabel as never, 'nb'),
    maxLabel: textOf(i.maxLabel as never, 'nb'),
    step: s(i.step),
    unit: textOf(i.unit as never, 'nb'),
    maxLength: s(i.maxLength),
    maxChoices: s(i.maxChoices),
    options: ((i.options as { id: string; label: never }[] | undefined) ?? []).map((o) => ({ id: o.id, label: textOf(o.label, 'nb') })),
    background: i.background === true,
  };
}

/** builderItemRoutes mounts the section, item, scale, factor and translation pages. */
export function builderItemRoutes(admin: Router, deps: AppDeps): void {
  const renderItem = (res: Response, status: number, def: SurveyFile, sectionId: string, form: ItemFields, errors: Record<string, string>, isNew: boolean): void => {
    const surveyId = draftOf(res).surveyId;
    res.status(status).render('admin/builder-item', {
      surveyId,
      sectionId,
      form,
      errors,
      isNew,
      scales: Object.keys(def.scales),
      factors: def.factors.map((f) => ({ id: f.id, label: textOf(f.label, 'nb') })),
      conditions: conditionChoices(def, isNew ? undefined : form.id, sectionId).map((c) => ({ value: c.value, label: c.answer ? `${textOf(c.itemText, 'nb')} = ${textOf(c.answer.label, 'nb') || String(c.answer.value)}` : `${textOf(c.itemText, 'nb')}: ${(res.locals.t as Translate)('builder.condition.answered')}` })),
      textOf,
    });
  };

  // Sections.
  admin.post('/skjema/:surveyId/del', (req, res) => {
    const draft = draftOf(res);
    const def = asMaps(draft.definition);
    const title = formText(body(req).title, 200);
    if (title === '') return res.status(422).render('admin/builder-message', { surveyId: draft.surveyId, messageKey: 'builder.sectionTitleMissing' });
    const id = freeId(sectionsOf(def).map((s) => s.id), `del_${def.sections.length + 1}`);
    def.sections.push({ id, title: withText(undefined, 'nb', title), items: [] });
    saveDraft(deps, res, draft.surveyId, def, 'section.add', id);
    res.redirect(303, `${base(draft.surveyId)}#del-${id}`);
  });

  admin.post('/skjema/:surveyId/del/:sectionId', (req, res) => {
    const draft = draftOf(res);
    const def = asMaps(draft.definition);
    const i = sectionIndex(def, String(req.params.sectionId));
    const section = def.sections[i] as FileSection;
    const title = formText(body(req).title, 200);
    if (title === '') return res.status(422).render('admin/builder-message', { surveyId: draft.surveyId, messageKey: 'builder.sectionTitleMissing' });
    const intro = formText(body(req).intro, 2000);
    section.title = withText(section.title, 'nb', title);
    if (intro === '') delete section.intro;
    else section.intro = withText(section.intro, 'nb', intro);
    saveDraft(deps, res, draft.surveyId, def, 'section.rename', section.id);
    res.redirect(303, `${base(draft.surveyId)}#del-${section.id}`);
  });

  admin.post('/skjema/:surveyId/del/:sectionId/flytt', (req, res) => {
    const draft = draftOf(res);
    const def = asMaps(draft.definition);
    const i = sectionIndex(def, String(req.params.sectionId));
    def.sections = moveEntry(def.sections, i, direction(req));
    saveDraft(deps, res, draft.surveyId, def, 'section.move', `${String(req.params.sectionId)} ${direction(req)}`);
    res.redirect(303, `${base(draft.surveyId)}#del-${String(req.params.sectionId)}`);
  });

  admin.post('/skjema/:surveyId/del/:sectionId/slett', (req, res) => {
    const draft = draftOf(res);
    const def = asMaps(draft.definition);
    const i = sectionIndex(def, String(req.params.sectionId));
    def.sections.splice(i, 1);
    saveDraft(deps, res, draft.surveyId, def, 'section.remove', String(req.params.sectionId));
    res.redirect(303, base(draft.surveyId));
  });

  // Items: a new one starts from its type and a text; then its own page edits every field.
  admin.get('/skjema/:surveyId/del/:sectionId/nytt', (req, res) => {
    const draft = draftOf(res);
    const def = asMaps(draft.definition);
    const sectionId = String(req.params.sectionId);
    sectionIndex(def, sectionId);
    const type = (ITEM_TYPES as readonly string[]).includes(String(req.query.type)) ? (String(req.query.type) as ItemType) : 'likert';
    const form = readItemForm({ id: freeId(allItemIds(def), `${sectionId}_${type}`.toLowerCase().slice(0, 40)), scale: Object.keys(def.scales)[0] ?? '', min: type === 'scale' ? '0' : type === 'number' ? '0' : '', max: type === 'scale' ? '10' : type === 'number' ? '100' : '' }, type);
    renderItem(res, 200, def, sectionId, form, {}, true);
  });

  const saveItem = (req: Request, res: Response, existing: string | undefined): void => {
    const draft = draftOf(res);
    const def = asMaps(draft.definition);
    const place = existing === undefined ? undefined : findItem(def, existing);
    if (existing !== undefined && !place) throw new HttpError(404, 'notFound');
    const sectionId = place ? place.section.id : String(req.params.sectionId);
    const si = sectionIndex(def, sectionId);
    const rawType = formText(body(req).type, 20);
    const type = place ? place.item.type : (ITEM_TYPES as readonly string[]).includes(rawType) ? (rawType as ItemType) : undefined;
    if (!type) throw new HttpError(400, 'badRequest');
    const form = readItemForm(body(req), type);
    const errors = formErrors(ItemFormShape, form);
    if (!errors.id && form.id !== existing && allItemIds(def).includes(form.id)) errors.id = 'builder.idTaken';
    if (Object.keys(errors).length === 0) {
      const item = buildItem(form, place?.item);
      const section = def.sections[si] as FileSection;
      if (place) section.items[place.index] = item;
      else section.items.push(item);
      Object.assign(errors, itemProblems(res.locals.t as Translate, def, item.id));
      if (Object.keys(errors).length === 0) {
        saveDraft(deps, res, draft.surveyId, def, place ? 'item.update' : 'item.add', `${sectionId}/${item.id} (${type})`);
        return res.redirect(303, `${base(draft.surveyId)}#q-${item.id}`);
      }
    }
    renderItem(res, 422, asMaps(draft.definition), sectionId, form, errors, !place);
  };
  admin.post('/skjema/:surveyId/del/:sectionId/sporsmal', (req, res) => saveItem(req, res, undefined));

  admin.get('/skjema/:surveyId/sporsmal/:itemId', (req, res) => {
    const def = asMaps(draftOf(res).definition);
    const place = findItem(def, String(req.params.itemId));
    if (!place) throw new HttpError(404, 'notFound');
    renderItem(res, 200, def, place.section.id, itemFormOf(def, place.item), {}, false);
  });
  admin.post('/skjema/:surveyId/sporsmal/:itemId', (req, res) => saveItem(req, res, String(req.params.itemId)));

  admin.post('/skjema/:surveyId/sporsmal/:itemId/flytt', (req, res) => {
    const draft = draftOf(res);
    const def = asMaps(draft.definition);
    const place = findItem(def, String(req.params.itemId));
    if (!place) throw new HttpError(404, 'notFound');
    const by = direction(req);
    const sections = sectionsOf(def);
    const at = sections.indexOf(place.section);
    const edge = by === -1 ? place.index === 0 : place.index === place.section.items.length - 1;
    const neighbour = sections[at + by];
    if (edge && neighbour) {
      // At the top or bottom of its section, an item moves on into the neighbouring section.
      place.section.items.splice(place.index, 1);
      if (by === -1) neighbour.items.push(place.item);
      else neighbour.items.unshift(place.item);
    } else place.section.items = moveEntry(place.section.items, place.index, by);
    saveDraft(deps, res, draft.surveyId, def, 'item.move', `${place.item.id} ${by}`);
    res.redirect(303, `${base(draft.surveyId)}#q-${place.item.id}`);
  });

  admin.post('/skjema/:surveyId/sporsmal/:itemId/slett', (req, res) => {
    const draft = draftOf(res);
    const def = asMaps(draft.definition);
    const place = findItem(def, String(req.params.itemId));
    if (!place) throw new HttpError(404, 'notFound');
    place.section.items.splice(place.index, 1);
    saveDraft(deps, res, draft.surveyId, def, 'item.remove', place.item.id);
    res.redirect(303, `${base(draft.surveyId)}#del-${place.section.id}`);
  });

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
