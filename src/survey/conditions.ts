// Conditional display: which items a respondent sees given the answers so far.
import type { Answers, AnswerValue, Survey } from './model.js';
import type { Condition } from './schema.js';

function isAnswered(value: AnswerValue | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return value.now !== undefined || value.desired !== undefined;
  return true;
}

function matchesScalar(value: AnswerValue | undefined, expected: string | number): boolean {
  if (Array.isArray(value)) return value.includes(String(expected));
  return value === expected;
}

function asNumber(value: AnswerValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** evaluate tells whether a condition holds for the given (visible) answers; unanswered items
 *  satisfy only `answered: false` and `notEquals`. */
export function evaluate(condition: Condition, answers: Answers): boolean {
  if (condition.all) return condition.all.every((c) => evaluate(c, answers));
  if (condition.any) return condition.any.some((c) => evaluate(c, answers));
  if (condition.not) return !evaluate(condition.not, answers);
  const value = answers[condition.item ?? ''];
  if (condition.answered !== undefined) return isAnswered(value) === condition.answered;
  if (condition.equals !== undefined) return matchesScalar(value, condition.equals);
  if (condition.notEquals !== undefined) return !matchesScalar(value, condition.notEquals);
  if (condition.in !== undefined) return condition.in.some((v) => matchesScalar(value, v));
  const n = asNumber(value);
  if (n === undefined) return false;
  if (condition.lt !== undefined) return n < condition.lt;
  if (condition.lte !== undefined) return n <= condition.lte;
  if (condition.gt !== undefined) return n > condition.gt;
  if (condition.gte !== undefined) return n >= condition.gte;
  return false;
}

// A respondent request asks for the visible items of the same answers two to four times (the page
// lookup, the view, the review's counts), and the next request asks again for the answers the last
// one saved. Answers that can no longer change (frozen, as drafts are kept: store/drafts.ts) have
// their result remembered per survey object (a survey per language: same items, same conditions) in
// memory, for as long as the answers object itself lives; nothing else is kept.
const remembered = new WeakMap<Answers, { survey: Survey; visible: ReadonlySet<string> }>();

/** visibleItemIds walks the items in order; an item is visible when its condition holds on the
 *  answers of earlier visible items, so answers to hidden items never influence anything. The set
 *  is shared between calls for frozen answers: never change it. */
export function visibleItemIds(survey: Survey, answers: Answers): ReadonlySet<string> {
  if (!Object.isFrozen(answers)) return computeVisible(survey, answers);
  const hit = remembered.get(answers);
  if (hit && hit.survey === survey) return hit.visible;
  const visible = computeVisible(survey, answers);
  remembered.set(answers, { survey, visible });
  return visible;
}

/** freezeAnswers freezes answers and their values (arrays, now/desired pairs) in place and returns
 *  them: frozen answers can be shared between requests, and their visibility is remembered. */
export function freezeAnswers(answers: Answers): Readonly<Answers> {
  for (const value of Object.values(answers)) if (typeof value === 'object' && value !== null) Object.freeze(value);
  return Object.freeze(answers);
}

function computeVisible(survey: Survey, answers: Answers): ReadonlySet<string> {
  const visible = new Set<string>();
  const seen: Answers = {};
  for (const item of survey.items) {
    if (!item.showIf || evaluate(item.showIf, seen)) {
      visible.add(item.id);
      const value = answers[item.id];
      if (value !== undefined) seen[item.id] = value;
    }
  }
  return visible;
}

/** pruneHidden drops answers to items that are not visible, so they are never stored. */
export function pruneHidden(survey: Survey, answers: Answers): Answers {
  return keepVisible(answers, visibleItemIds(survey, answers));
}

/** pruneHiddenFrozen is pruneHidden with the answers kept frozen (freezeAnswers), their visibility
 *  already remembered: the same as the given answers', which hidden answers never influence. */
export function pruneHiddenFrozen(survey: Survey, answers: Answers): Readonly<Answers> {
  const visible = visibleItemIds(survey, answers);
  const kept = freezeAnswers(keepVisible(answers, visible));
  remembered.set(kept, { survey, visible });
  return kept;
}

function keepVisible(answers: Answers, visible: ReadonlySet<string>): Answers {
  const kept: Answers = {};
  for (const [id, value] of Object.entries(answers)) if (visible.has(id)) kept[id] = value;
  return kept;
}

/** conditionItemIds lists every item id a condition refers to. */
export function conditionItemIds(condition: Condition): string[] {
  const ids: string[] = [];
  if (condition.item !== undefined) ids.push(condition.item);
  for (const c of condition.all ?? []) ids.push(...conditionItemIds(c));
  for (const c of condition.any ?? []) ids.push(...conditionItemIds(c));
  if (condition.not) ids.push(...conditionItemIds(condition.not));
  return ids;
}
