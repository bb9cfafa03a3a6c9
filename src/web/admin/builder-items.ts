// The builder's edits of a survey's sections (add, rename, move, remove) and items (add, edit every
// field of every type, move, remove); scales, factors and translations are in builder-parts.ts.
// Each handler reads its form leniently, checks it (an item with the loader's own rules, through
// builder-problems.ts), re-renders with the messages at the fields and everything typed kept (422),
// or saves the working copy with an audit entry and redirects (303).
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../errors.js';
import {
  allItemIds,
  asMaps,
  blankRuleRows,
  buildItem,
  conditionChoices,
  conditionRules,
  encodeCondition,
  findItem,
  freeId,
  ITEM_TYPES,
  moveEntry,
  RULE_OPS,
  RULE_ROWS,
  ruleNeedsAnswers,
  ruleNeedsNumber,
  sectionsOf,
  textOf,
  withText,
  type FileItem,
  type FileSection,
  type ItemFields,
} from '../../survey/edit.js';
import type { ItemType, SurveyFile } from '../../survey/schema.js';
import type { AppDeps } from '../deps.js';
import { formErrors, formList, formText } from '../forms.js';
import type { Translate } from '../i18n/index.js';
import { itemProblems } from './builder-problems.js';
import { builderBase as base, formBody as body, draftOf, saveDraft } from './builder-target.js';

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
    showIfHint: formText(b.showIfHint, 500),
    ruleJoin: formText(b.ruleJoin, 5),
    rules: Array.from({ length: RULE_ROWS }, (_, i) => ({
      item: formText(b[`ruleItem${i + 1}`], 64),
      op: formText(b[`ruleOp${i + 1}`], 12),
      answers: formList(b[`ruleAnswer${i + 1}`]).slice(0, 100).map((a) => a.slice(0, 200)),
      number: formText(b[`ruleNumber${i + 1}`], 12),
    })),
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

/** ruleErrors checks what the loader cannot place: each row naming an item needs an operator, its
 *  answers or a typed number; at least one row must name an item. Keys are the inputs' ids. */
function ruleErrors(form: ItemFields): Record<string, string> {
  const errors: Record<string, string> = {};
  form.rules.forEach((r, i) => {
    if (r.item === '') return;
    const n = i + 1;
    if (!(RULE_OPS as readonly string[]).includes(r.op)) errors[`ruleOp${n}`] = 'builder.rule.opMissing';
    else if (ruleNeedsAnswers(r.op) && r.answers.length === 0) errors[`ruleAnswer${n}`] = 'builder.rule.answersMissing';
    else if (ruleNeedsNumber(r.op) && !/^-?\d{1,9}([.,]\d{1,4})?$/.test(r.number)) errors[`ruleNumber${n}`] = 'builder.rule.numberMissing';
  });
  if (form.rules.every((r) => r.item === '')) errors.ruleItem1 = 'builder.rule.none';
  return errors;
}

/** itemFormOf is the form an existing item shows (its bokmål texts). */
function itemFormOf(def: SurveyFile, item: FileItem): ItemFields {
  const i = item as FileItem & Record<string, unknown>;
  const s = (v: unknown): string => (v === undefined ? '' : String(v));
  const cond = item.showIf ? encodeCondition(item.showIf) : '';
  const rules = item.showIf && !cond ? conditionRules(item.showIf) : undefined;
  return {
    id: item.id,
    type: item.type,
    text: textOf(item.text, 'nb'),
    help: textOf(item.help, 'nb'),
    required: item.required,
    factor: item.factor ?? '',
    showIf: item.showIf ? cond || (rules ? 'rules' : 'keep') : '',
    showIfHint: textOf(item.showIfHint, 'nb'),
    ruleJoin: rules?.join ?? 'all',
    rules: rules?.rows ?? blankRuleRows(),
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

/** ruleItemsOf groups the condition choices by earlier item: its id, text and answers (JSON-encoded
 *  values, as the rule rows post them). */
function ruleItemsOf(choices: ReturnType<typeof conditionChoices>): { id: string; text: string; answers: { value: string; label: string }[] }[] {
  const byId = new Map<string, { id: string; text: string; answers: { value: string; label: string }[] }>();
  for (const c of choices) {
    const entry = byId.get(c.itemId) ?? { id: c.itemId, text: textOf(c.itemText, 'nb'), answers: [] };
    byId.set(c.itemId, entry);
    if (c.answer) entry.answers.push({ value: JSON.stringify(c.answer.value), label: textOf(c.answer.label, 'nb') || String(c.answer.value) });
  }
  return [...byId.values()];
}

/** builderItemRoutes mounts the section and item pages. */
export function builderItemRoutes(admin: Router, deps: AppDeps): void {
  const renderItem = (res: Response, status: number, def: SurveyFile, sectionId: string, form: ItemFields, errors: Record<string, string>, isNew: boolean): void => {
    const surveyId = draftOf(res).surveyId;
    const choices = conditionChoices(def, isNew ? undefined : form.id, sectionId);
    // A simple condition the list does not offer (e.g. equals on a number) would be lost on the next
    // save, since the browser selects "always" instead: it is kept as it is.
    const offered = ['', 'keep', 'rules', ...choices.map((c) => c.value)].includes(form.showIf);
    res.status(status).render('admin/builder-item', {
      surveyId,
      sectionId,
      form: offered ? form : { ...form, showIf: 'keep' },
      errors,
      isNew,
      scales: Object.keys(def.scales),
      factors: def.factors.map((f) => ({ id: f.id, label: textOf(f.label, 'nb') })),
      conditions: choices.map((c) => ({ value: c.value, label: c.answer ? `${textOf(c.itemText, 'nb')} = ${textOf(c.answer.label, 'nb') || String(c.answer.value)}` : `${textOf(c.itemText, 'nb')}: ${(res.locals.t as Translate)('builder.condition.answered')}` })),
      ruleItems: ruleItemsOf(choices),
      ruleOps: RULE_OPS,
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
    if (form.showIf === 'rules') Object.assign(errors, ruleErrors(form));
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
}
