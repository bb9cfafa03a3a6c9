// Answer validation at the boundary: a page's form fields become typed answers or field errors.
// Failures are values (error codes the UI translates), never exceptions.
import { pruneHiddenFrozen, visibleItemIds } from './conditions.js';
import { DONT_KNOW, offersDontKnow, type Answers, type AnswerValue, type NowDesiredValue, type Survey } from './model.js';
import type { Item, Section } from './schema.js';

export type ErrorCode =
  | 'required'
  | 'invalid_option'
  | 'not_a_number'
  | 'out_of_range'
  | 'step'
  | 'decimals'
  | 'whole_number'
  | 'larger_at_full_time'
  | 'desired_not_larger'
  | 'desired_not_smaller'
  | 'too_long'
  | 'too_many_choices'
  | 'unknown_field';

export interface FieldError {
  /** The item the error belongs to ('' for the form as a whole). */
  itemId: string;
  /** The input to link to from the error summary. */
  field: string;
  code: ErrorCode;
  params?: Record<string, string | number>;
}

export type FormBody = Record<string, unknown>;

export interface PageResult {
  /** Valid answers to this page's items; an item absent here is unanswered. */
  answers: Answers;
  /** What was typed or chosen, per field, to show again next to an error. */
  raw: Record<string, string | string[]>;
  errors: FieldError[];
}

/** fieldNames lists the form field names an item uses. */
export function fieldNames(item: Item): string[] {
  return item.type === 'nowDesired' ? [`${item.id}.now`, `${item.id}.desired`] : [item.id];
}

function one(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return undefined;
}

// Norwegian keyboards give "62,5", others "62.5"; people also type "80 %" or ",5".
function parseNumber(text: string): number | undefined {
  const t = text.replace(/\s|%/g, '').replace(',', '.');
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(t)) return undefined;
  return Number(t);
}

/** The decimals a step of 1, 0.1, 0.01 ... allows; undefined for other steps (such as 5 or 0.25). */
function stepDecimals(step: number): number | undefined {
  for (let d = 0; d <= 6; d++) if (Math.abs(step - 10 ** -d) < 1e-12) return d;
  return undefined;
}

/** A number as a Norwegian writes it in a message: 62,5. */
const shown = (x: number): string => String(x).replace('.', ',');

function scalePoint(survey: Survey, item: Item, text: string): number | 'dk' | undefined {
  if (text === DONT_KNOW && offersDontKnow(survey, item)) return DONT_KNOW;
  if (item.type !== 'likert' && item.type !== 'nowDesired') return undefined;
  const points = survey.scales[item.scale]?.points ?? [];
  const n = /^-?\d+$/.test(text) ? Number(text) : NaN;
  return points.some((p) => p.value === n) ? n : undefined;
}

type Parsed = { value?: AnswerValue; error?: Omit<FieldError, 'itemId'> };

function parseItem(survey: Survey, item: Item, body: FormBody, raw: Record<string, string | string[]>): Parsed {
  const field = item.id;
  const rawValue = body[field];
  if (item.type === 'multi') {
    const posted = rawValue === undefined ? [] : Array.isArray(rawValue) ? rawValue : [rawValue];
    if (!posted.every((c): c is string => typeof c === 'string')) return { error: { field, code: 'invalid_option' } };
    // The form posts an empty value beside the checkboxes (views/respond/items/multi.ejs): it says
    // the question was shown, so nothing ticked is told apart from a question never shown.
    const shownMarker = posted.includes('');
    const chosen = posted.filter((c) => c !== '');
    raw[field] = chosen;
    const ids = item.options.map((o) => o.id);
    if (chosen.some((c) => !ids.includes(c))) return { error: { field, code: 'invalid_option' } };
    const unique = ids.filter((id) => chosen.includes(id));
    if (item.maxChoices !== undefined && unique.length > item.maxChoices) {
      return { error: { field, code: 'too_many_choices', params: { max: item.maxChoices } } };
    }
    // Shown and nothing ticked is an answer too ([]): it keeps the respondent in the denominator
    // of every option's share (store/responses.ts stores it as one empty row).
    return unique.length > 0 || shownMarker ? { value: unique } : {};
  }
  if (item.type === 'nowDesired') {
    const pair: NowDesiredValue = {};
    for (const part of ['now', 'desired'] as const) {
      const name = `${item.id}.${part}`;
      const text = one(body[name]);
      if (body[name] !== undefined && text === undefined) return { error: { field: name, code: 'invalid_option' } };
      if (text === undefined || text === '') continue;
      raw[name] = text;
      const v = scalePoint(survey, item, text);
      if (v === undefined) return { error: { field: name, code: 'invalid_option' } };
      pair[part] = v;
    }
    return pair.now !== undefined || pair.desired !== undefined ? { value: pair } : {};
  }
  const text = one(rawValue);
  if (rawValue !== undefined && text === undefined) return { error: { field, code: 'invalid_option' } };
  if (text === undefined) return {};
  raw[field] = text;
  const trimmed = text.trim();
  if (trimmed === '') return {};
  switch (item.type) {
    case 'likert': {
      const v = scalePoint(survey, item, trimmed);
      return v === undefined ? { error: { field, code: 'invalid_option' } } : { value: v };
    }
    case 'single':
      return item.options.some((o) => o.id === trimmed) ? { value: trimmed } : { error: { field, code: 'invalid_option' } };
    case 'scale':
    case 'number': {
      const n = parseNumber(trimmed);
      if (n === undefined) return { error: { field, code: 'not_a_number' } };
      if (n < item.min || n > item.max) return { error: { field, code: 'out_of_range', params: { min: item.min, max: item.max } } };
      const step = item.type === 'number' ? item.step : 1;
      const offset = (n - item.min) / step;
      if (Math.abs(offset - Math.round(offset)) > 1e-9) {
        // "Høyst 2 desimaler" says what to do; "steg på 0,01" would not.
        const decimals = stepDecimals(step);
        if (decimals === 0) return { error: { field, code: 'whole_number' } };
        return decimals !== undefined ? { error: { field, code: 'decimals', params: { decimals } } } : { error: { field, code: 'step', params: { step: shown(step) } } };
      }
      // Stored as the decimal typed: 62.5, not 62.500000000000004.
      return { value: Number(n.toFixed(stepDecimals(step) ?? 6)) };
    }
    case 'text': {
      const length = [...trimmed].length;
      if (length > item.maxLength) return { error: { field, code: 'too_long', params: { max: item.maxLength, length } } };
      return { value: trimmed };
    }
  }
}

/** parsePage turns a section's posted form into answers and errors. Fields for items not on the
 *  page are reported once as `unknown_field`; control fields start with "_" and are ignored. */
export function parsePage(survey: Survey, section: Section, body: FormBody): PageResult {
  const result: PageResult = { answers: {}, raw: {}, errors: [] };
  const known = new Set(section.items.flatMap(fieldNames));
  const unknown = Object.keys(body).filter((k) => !k.startsWith('_') && !known.has(k));
  if (unknown.length > 0) result.errors.push({ itemId: '', field: '', code: 'unknown_field', params: { fields: unknown.slice(0, 5).join(', ') } });
  for (const item of section.items) {
    const parsed = parseItem(survey, item, body, result.raw);
    if (parsed.error) result.errors.push({ itemId: item.id, ...parsed.error });
    else if (parsed.value !== undefined) result.answers[item.id] = parsed.value;
  }
  for (const e of positionContradictions(result.answers)) {
    result.errors.push(e);
    delete result.answers[e.itemId];
  }
  return result;
}

/** The bundled position-size items (surveys/stillingsstorrelse.json), as report/position.ts reads them. */
const POSITION = { current: 'stilling_naa', change: 'onsket_endring', desired: 'onsket_stilling', larger: 'storre', smaller: 'mindre', fullTime: 100 } as const;

/** positionContradictions finds answers on one page that contradict each other: a larger position
 *  wished at full time, or a desired % that is not larger (smaller) than today's. They come back as
 *  errors on the item to change, so the page is shown again with every answer kept. */
export function positionContradictions(answers: Answers): FieldError[] {
  const current = answers[POSITION.current];
  const change = answers[POSITION.change];
  const desired = answers[POSITION.desired];
  if (typeof current !== 'number' || typeof change !== 'string') return [];
  const params = { current: shown(current), ...(typeof desired === 'number' ? { desired: shown(desired) } : {}) };
  if (change === POSITION.larger && current >= POSITION.fullTime) return [{ itemId: POSITION.change, field: POSITION.change, code: 'larger_at_full_time', params }];
  if (typeof desired !== 'number') return [];
  if (change === POSITION.larger && desired <= current) return [{ itemId: POSITION.desired, field: POSITION.desired, code: 'desired_not_larger', params }];
  if (change === POSITION.smaller && desired >= current) return [{ itemId: POSITION.desired, field: POSITION.desired, code: 'desired_not_smaller', params }];
  return [];
}

/** mergePage replaces the page's items in the saved answers and drops answers to hidden items; the
 *  result is frozen (survey/conditions.ts remembers the visibility of frozen answers). */
export function mergePage(survey: Survey, section: Section, saved: Answers, page: Answers, keepOnError: Set<string>): Readonly<Answers> {
  const merged: Answers = { ...saved };
  for (const item of section.items) {
    if (keepOnError.has(item.id)) continue;
    if (page[item.id] === undefined) delete merged[item.id];
    else merged[item.id] = page[item.id] as AnswerValue;
  }
  return pruneHiddenFrozen(survey, merged);
}

/** isComplete tells whether an answer counts as given for a required item. */
export function isComplete(item: Item, value: AnswerValue | undefined): boolean {
  if (value === undefined) return false;
  // Nothing ticked is an answer for the tallies, not for a required question.
  if (Array.isArray(value)) return value.length > 0;
  if (item.type === 'nowDesired') return typeof value === 'object' && !Array.isArray(value) && value.now !== undefined && value.desired !== undefined;
  return true;
}

/** missingRequired lists the visible required items without a complete answer, in order. */
export function missingRequired(survey: Survey, answers: Answers): Item[] {
  const visible = visibleItemIds(survey, answers);
  return survey.items.filter((item) => item.required && visible.has(item.id) && !isComplete(item, answers[item.id]));
}

// Key order does not matter ({desired, now} is the same pair as {now, desired}).
function sameValue(a: AnswerValue | undefined, b: AnswerValue): boolean {
  if (a === undefined) return false;
  if (Array.isArray(a) || Array.isArray(b) || typeof a !== 'object' || typeof b !== 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a.now === b.now && a.desired === b.desired && Object.keys(b).every((k) => k === 'now' || k === 'desired');
}

/** revalidate checks stored draft answers against the survey again before they become a response,
 *  returning the ids of answers that no longer fit (the draft is never trusted blindly). */
export function revalidate(survey: Survey, answers: Answers): string[] {
  const bad: string[] = [];
  const items = new Map(survey.items.map((i) => [i.id, i]));
  for (const [id, value] of Object.entries(answers)) {
    const item = items.get(id);
    if (!item) {
      bad.push(id);
      continue;
    }
    const body: FormBody = {};
    if (item.type === 'nowDesired' && typeof value === 'object' && !Array.isArray(value)) {
      if (value.now !== undefined) body[`${id}.now`] = String(value.now);
      if (value.desired !== undefined) body[`${id}.desired`] = String(value.desired);
    } else body[id] = Array.isArray(value) ? ['', ...value] : String(value); // '' as the form's "shown" marker
    const parsed = parseItem(survey, item, body, {});
    if (parsed.error || !sameValue(parsed.value, value)) bad.push(id);
  }
  return bad;
}

/** visibleSections lists the sections with at least one visible item. */
export function visibleSections(survey: Survey, answers: Answers): Section[] {
  const visible = visibleItemIds(survey, answers);
  return survey.sections.filter((s) => s.items.some((i) => visible.has(i.id)));
}
