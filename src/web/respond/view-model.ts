// View models for the respondent pages: what each template needs, computed once per request.
import { fieldNames, isComplete, type FieldError } from '../../survey/answers.js';
import { conditionItemIds, visibleItemIds } from '../../survey/conditions.js';
import { offersDontKnow, type Answers, type AnswerValue } from '../../survey/model.js';
import type { Item, ScalePoint, Section } from '../../survey/schema.js';
import type { Draft } from '../../store/drafts.js';
import type { RespondContext } from './handlers.js';

export interface ItemView {
  item: Item;
  value: AnswerValue | undefined;
  raw: Record<string, string | string[]>;
  errors: Record<string, FieldError>;
  /** Shown or hidden in the browser as answers on the same page change. */
  condition?: string;
  points: ScalePoint[];
  dontKnowLabel?: string;
}

export interface SummaryError {
  href: string;
  error: FieldError;
  itemText?: string;
}

/** inputId is the DOM id of an input; radio and checkbox groups add the option value. */
export function inputId(field: string, option?: string | number): string {
  const id = `f-${field.replace(/\./g, '-')}`;
  return option === undefined ? id : `${id}-${option}`;
}

function firstInputId(item: Item, field: string, points: ScalePoint[], dk: boolean): string {
  switch (item.type) {
    case 'likert':
    case 'nowDesired':
      return inputId(field, points[0]?.value ?? (dk ? 'dk' : undefined));
    case 'scale':
      return inputId(field, item.min);
    case 'single':
    case 'multi':
      return inputId(field, item.options[0]?.id);
    default:
      return inputId(field);
  }
}

/** progressOf is the share of the survey's pages that come before this one, in whole percent (rounded
 *  down), counted over every section the definition has, shown or not. Counting only the pages shown
 *  so far made the total grow when an answer added a page ("Del 9 av 10", then "Del 10 av 11"); this
 *  count depends on the definition alone, so it never moves backwards: a skipped page only makes it
 *  jump ahead, and an answer changed on an earlier page changes nothing. */
export function progressOf(sections: readonly Section[], section: Section): { percent: number } {
  const index = sections.findIndex((s) => s.id === section.id);
  return { percent: sections.length === 0 || index < 0 ? 0 : Math.floor((100 * index) / sections.length) };
}

/** pageView prepares a section page: items with values, typed input kept on error, and the error summary. */
export function pageView(ctx: RespondContext, draft: Draft, section: Section, visible: Section[], answers: Answers, raw: Record<string, string | string[]>, errors: FieldError[]) {
  const { survey } = ctx;
  const pageItemIds = new Set(section.items.map((i) => i.id));
  const visibleIds = visibleItemIds(survey, answers);
  const known: Answers = {};
  const items: ItemView[] = [];
  const summary: SummaryError[] = [];
  for (const item of section.items) {
    const refs = item.showIf ? conditionItemIds(item.showIf) : [];
    const dynamic = refs.some((id) => pageItemIds.has(id));
    if (!dynamic && !visibleIds.has(item.id)) continue;
    if (dynamic) for (const id of refs) if (!pageItemIds.has(id) && answers[id] !== undefined) known[id] = answers[id] as AnswerValue;
    const scale = item.type === 'likert' || item.type === 'nowDesired' ? survey.scales[item.scale] : undefined;
    const dk = offersDontKnow(survey, item);
    const view: ItemView = {
      item,
      value: answers[item.id],
      raw: {},
      errors: {},
      condition: dynamic && item.showIf ? JSON.stringify(item.showIf) : undefined,
      points: scale?.points ?? [],
      dontKnowLabel: dk ? scale?.dontKnowLabel : undefined,
    };
    for (const field of fieldNames(item)) {
      if (raw[field] !== undefined) view.raw[field] = raw[field];
      const error = errors.find((e) => e.field === field);
      if (error) {
        view.errors[field] = error;
        summary.push({ href: `#${firstInputId(item, field, view.points, dk)}`, error, itemText: item.text });
      }
    }
    items.push(view);
  }
  for (const e of errors) if (e.itemId === '') summary.unshift({ href: '#main', error: e });
  const index = visible.findIndex((s) => s.id === section.id);
  return {
    progress: progressOf(survey.sections, section),
    isLast: index === visible.length - 1,
    ctx,
    section,
    items,
    summary,
    known: JSON.stringify(known),
    isFirst: index === 0,
    resumeCode: draft.resumeCode,
    saved: false,
    fromReview: false,
    inputId,
  };
}

/** reviewView prepares the review page: answered counts per section and the missing required items. */
export function reviewView(ctx: RespondContext, draft: Draft, missing: Item[], submitted: boolean) {
  const { survey } = ctx;
  const visibleIds = visibleItemIds(survey, draft.answers);
  const sections = survey.sections
    .map((section) => {
      const items = section.items.filter((i) => visibleIds.has(i.id));
      return {
        section,
        total: items.length,
        answered: items.filter((i) => isComplete(i, draft.answers[i.id])).length,
        href: `/s/${ctx.code}/del/${section.id}?fra=oppsummering`,
      };
    })
    .filter((s) => s.total > 0);
  const missingLinks = missing.map((item) => {
    const section = survey.sections.find((s) => s.items.includes(item) || s.items.some((i) => i.id === item.id));
    return { item, href: `/s/${ctx.code}/del/${section?.id ?? ''}?fra=oppsummering#q-${item.id}`, sectionTitle: section?.title ?? '' };
  });
  return { ctx, sections, missing: missingLinks, submitted, resumeCode: draft.resumeCode };
}
