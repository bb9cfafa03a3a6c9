// Edits of a definition in file form (what the builder keeps as a survey's working copy): pure
// functions from one definition to the next. Validity is the loader's business (file-form.ts
// parseDefinition); these only keep the shape (every text a per-language map, ids stable, so a
// translation stays with its text when items move).
import { assertNever } from '../errors.js';
import type { Condition, ItemType, LocalizedText, SurveyFile } from './schema.js';
import { textSlots } from './texts.js';
import type { Texts } from './file-form.js';

export type FileSection = Exclude<SurveyFile['sections'][number], { include: string }>;
export type FileItem = FileSection['items'][number];
export type FileOption = { id: string; label: LocalizedText };

/** ITEM_TYPES lists every item type, in the order the builder offers them. */
export const ITEM_TYPES = ['likert', 'scale', 'single', 'multi', 'number', 'text', 'nowDesired'] as const satisfies readonly ItemType[];

/** textOf reads a text in one language ('' when absent). */
export function textOf(text: LocalizedText | undefined, lang: string): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return lang === 'nb' ? text : '';
  return text[lang] ?? '';
}

/** withText sets one language of a text, keeping the others; an emptied bokmål text stays '' (the
 *  loader then reports it at its place). */
export function withText(text: LocalizedText | undefined, lang: string, value: string): Texts {
  const map: Texts = typeof text === 'string' ? { nb: text } : { ...(text ?? {}) };
  if (value === '' && lang !== 'nb') delete map[lang];
  else map[lang] = value;
  return map;
}

/** asMaps gives every text of a definition as a per-language map, and declares nb when no
 *  language is declared, so every edit works on one shape. */
export function asMaps(def: SurveyFile): SurveyFile {
  const copy = structuredClone(def);
  copy.languages ??= ['nb'];
  for (const slot of textSlots(copy)) {
    const v = slot.get();
    if (typeof v === 'string') (slot.set as (x: unknown) => void)({ nb: v });
  }
  return copy;
}

/** blankDefinition is a new survey with one empty section (the loader asks for its first question). */
export function blankDefinition(id: string, title: string, sectionTitle: string): SurveyFile {
  return { id, version: 1, languages: ['nb'], title: { nb: title }, scales: {}, factors: [], sections: [{ id: 'del_1', title: { nb: sectionTitle }, items: [] }] };
}

/** sectionsOf lists the definition's own sections (the builder flattens includes on import). */
export function sectionsOf(def: SurveyFile): FileSection[] {
  return def.sections.filter((s): s is FileSection => !('include' in s));
}

/** findItem locates an item by id: its section and both indexes, or undefined. */
export function findItem(def: SurveyFile, itemId: string): { section: FileSection; sectionIndex: number; index: number; item: FileItem } | undefined {
  for (const [sectionIndex, section] of def.sections.entries()) {
    if ('include' in section) continue;
    const index = section.items.findIndex((i) => i.id === itemId);
    if (index >= 0) return { section, sectionIndex, index, item: section.items[index] as FileItem };
  }
  return undefined;
}

/** freeId returns `base`, or base_2, base_3 ... when taken. */
export function freeId(taken: Iterable<string>, base: string): string {
  const set = new Set(taken);
  if (!set.has(base)) return base;
  let n = 2;
  while (set.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}

/** allItemIds lists every item id of the definition. */
export function allItemIds(def: SurveyFile): string[] {
  return sectionsOf(def).flatMap((s) => s.items.map((i) => i.id));
}

/** moveEntry returns the list with entry `index` moved one place up (-1) or down (+1); unchanged at an end. */
export function moveEntry<T>(list: readonly T[], index: number, by: -1 | 1): T[] {
  const to = index + by;
  const out = [...list];
  if (index < 0 || to < 0 || to >= list.length) return out;
  [out[index], out[to]] = [out[to] as T, out[index] as T];
  return out;
}

/** The fields of an item as the builder's form posts them (texts in the language being edited). */
export interface ItemFields {
  id: string;
  type: ItemType;
  text: string;
  help: string;
  required: boolean;
  factor: string;
  /** An encoded condition (encodeCondition), '' for none, 'rules' for the rows in `rules`, or
   *  'keep' to keep the item's own. */
  showIf: string;
  /** The "vises bare når ..." hint respondents see under a conditional item ('' for none). */
  showIfHint: string;
  /** How the rule rows combine: 'all', 'any' or 'none' (none of them holds). */
  ruleJoin: string;
  rules: RuleRow[];
  scale: string;
  /** '' = the scale decides, 'yes' or 'no'. */
  dontKnow: string;
  min: string;
  max: string;
  minLabel: string;
  maxLabel: string;
  step: string;
  unit: string;
  maxLength: string;
  maxChoices: string;
  options: { id: string; label: string }[];
  /** A single choice marked as the survey's background question (results broken down by it). */
  background: boolean;
}

const num = (s: string, fallback: number): number => (s.trim() === '' ? fallback : Number(s.replace(',', '.')));
const optionalText = (previous: LocalizedText | undefined, value: string): { [k: string]: Texts } | Record<string, never> => (value === '' ? {} : { v: withText(previous, 'nb', value) });

/** buildItem makes the item the form describes, in the strict shape of its type, keeping the
 *  previous version's translations and any field the form does not edit (originalLanguage). */
export function buildItem(f: ItemFields, previous: FileItem | undefined): FileItem {
  const old = previous as (FileItem & Record<string, unknown>) | undefined;
  const oldText = (k: string): LocalizedText | undefined => old?.[k] as LocalizedText | undefined;
  const help = optionalText(oldText('help'), f.help).v;
  const showIf: Condition | undefined = f.showIf === 'keep' ? old?.showIf : f.showIf === 'rules' ? rulesCondition(f.ruleJoin, f.rules) : decodeCondition(f.showIf);
  const showIfHint = showIf ? optionalText(oldText('showIfHint'), f.showIfHint).v : undefined;
  const base = {
    id: f.id,
    text: withText(oldText('text'), 'nb', f.text),
    ...(help ? { help } : {}),
    required: f.required,
    ...(f.factor ? { factor: f.factor } : {}),
    ...(showIf ? { showIf } : {}),
    ...(showIfHint ? { showIfHint } : {}),
    ...(old?.originalLanguage ? { originalLanguage: old.originalLanguage } : {}),
  };
  const dontKnow = f.dontKnow === 'yes' ? { dontKnow: true } : f.dontKnow === 'no' ? { dontKnow: false } : {};
  const oldOptions = new Map(((old?.options as FileOption[] | undefined) ?? []).map((o) => [o.id, o.label]));
  const options = f.options.filter((o) => o.id !== '' || o.label !== '').map((o) => ({ id: o.id, label: withText(oldOptions.get(o.id), 'nb', o.label) }));
  const type = f.type;
  switch (type) {
    case 'likert':
      return { ...base, type, scale: f.scale, ...dontKnow };
    case 'nowDesired':
      return { ...base, type, scale: f.scale, ...dontKnow };
    case 'scale':
      return { ...base, type, min: num(f.min, 0), max: num(f.max, 10), minLabel: withText(oldText('minLabel'), 'nb', f.minLabel), maxLabel: withText(oldText('maxLabel'), 'nb', f.maxLabel) };
    case 'single':
      return { ...base, type, options, ...(f.background ? { background: true } : {}) };
    case 'multi':
      return { ...base, type, options, ...(f.maxChoices === '' ? {} : { maxChoices: num(f.maxChoices, 1) }) };
    case 'number': {
      const unit = optionalText(oldText('unit'), f.unit).v;
      return { ...base, type, min: num(f.min, 0), max: num(f.max, 100), step: num(f.step, 1), ...(unit ? { unit } : {}) };
    }
    case 'text':
      return { ...base, type, maxLength: num(f.maxLength, 1000) };
    default:
      return assertNever(type);
  }
}

/** A condition the builder offers: on an earlier item, "is answered" or "equals" one of its answers. */
export interface ConditionChoice {
  value: string;
  itemId: string;
  itemText: LocalizedText;
  /** The answer it must equal; absent for "is answered". */
  answer?: { value: string | number; label: LocalizedText };
}

/** encodeCondition writes a simple condition as the value of a select option. */
export function encodeCondition(c: Condition): string {
  if (c.item === undefined) return '';
  if (c.answered === true) return `${c.item}|answered`;
  if (c.equals !== undefined) return `${c.item}|equals|${JSON.stringify(c.equals)}`;
  return '';
}

/** decodeCondition reads a select option's value back; '' or anything malformed is no condition. */
export function decodeCondition(value: string): Condition | undefined {
  const [item, op, ...rest] = value.split('|');
  if (!item || !op) return undefined;
  if (op === 'answered' && rest.length === 0) return { item, answered: true };
  if (op !== 'equals') return undefined;
  try {
    const v = JSON.parse(rest.join('|')) as unknown;
    return typeof v === 'string' || typeof v === 'number' ? { item, equals: v } : undefined;
  } catch {
    return undefined;
  }
}

/** conditionChoices lists the conditions an item may have: on items before it (all items when it is
 *  new and goes to the end of `sectionId`), "is answered" for each and "equals" each choice or point. */
export function conditionChoices(def: SurveyFile, itemId: string | undefined, sectionId: string): ConditionChoice[] {
  const earlier: FileItem[] = [];
  for (const s of sectionsOf(def)) {
    for (const i of s.items) {
      if (i.id === itemId) return choicesFor(def, earlier);
      earlier.push(i);
    }
    if (itemId === undefined && s.id === sectionId) return choicesFor(def, earlier);
  }
  return choicesFor(def, earlier);
}

function choicesFor(def: SurveyFile, items: FileItem[]): ConditionChoice[] {
  const out: ConditionChoice[] = [];
  for (const item of items) {
    const on = (answer?: ConditionChoice['answer']): ConditionChoice => {
      const c: Condition = answer ? { item: item.id, equals: answer.value } : { item: item.id, answered: true };
      return { value: encodeCondition(c), itemId: item.id, itemText: item.text, ...(answer ? { answer } : {}) };
    };
    out.push(on());
    const type = item.type;
    switch (type) {
      case 'single':
      case 'multi':
        for (const o of item.options) out.push(on({ value: o.id, label: o.label }));
        break;
      case 'likert':
        for (const p of def.scales[item.scale]?.points ?? []) out.push(on({ value: p.value, label: p.label }));
        break;
      case 'scale':
        for (let v = item.min; v <= item.max && v - item.min <= 20; v++) out.push(on({ value: v, label: String(v) }));
        break;
      case 'number':
      case 'text':
      case 'nowDesired':
        break;
      default:
        assertNever(type);
    }
  }
  return out;
}

/** The operators a rule row offers: answers chosen from a list, or a number typed for comparisons. */
export const RULE_OPS = ['in', 'notIn', 'answered', 'notAnswered', 'lt', 'lte', 'gt', 'gte'] as const;
export type RuleOp = (typeof RULE_OPS)[number];
/** RULE_ROWS is how many rule rows the item form shows. */
export const RULE_ROWS = 3;
const NUMERIC_OPS = ['lt', 'lte', 'gt', 'gte'] as const;

/** ruleNeedsAnswers and ruleNeedsNumber tell which inputs a rule operator reads. */
export const ruleNeedsAnswers = (op: string): boolean => op === 'in' || op === 'notIn';
export const ruleNeedsNumber = (op: string): boolean => (NUMERIC_OPS as readonly string[]).includes(op);

/** One row of the item form's condition rules: an earlier item, an operator, and the answers
 *  (JSON-encoded values, for in/notIn) or the number (for lt/lte/gt/gte) it compares with. */
export interface RuleRow {
  item: string;
  op: string;
  answers: string[];
  number: string;
}

const answerValue = (encoded: string): string | number | undefined => {
  try {
    const v = JSON.parse(encoded) as unknown;
    return typeof v === 'string' || typeof v === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
};

function ruleCondition(row: RuleRow): Condition | undefined {
  const item = row.item;
  const values = row.answers.map(answerValue).filter((v): v is string | number => v !== undefined);
  const [first] = values;
  switch (row.op) {
    case 'answered':
      return { item, answered: true };
    case 'notAnswered':
      return { item, answered: false };
    case 'in':
      return values.length === 1 ? { item, equals: first as string | number } : { item, in: values };
    case 'notIn':
      return values.length === 1 ? { item, notEquals: first as string | number } : { not: { item, in: values } };
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return { item, [row.op]: Number(row.number.replace(',', '.')) };
    default:
      return undefined;
  }
}

/** rulesCondition combines the rows that name an item into one condition (undefined when none do):
 *  one row is its own condition; several are all/any of them; 'none' negates any of them. */
export function rulesCondition(join: string, rows: readonly RuleRow[]): Condition | undefined {
  const leaves = rows.filter((r) => r.item !== '').flatMap((r) => ruleCondition(r) ?? []);
  const [only] = leaves;
  if (!only) return undefined;
  const any = leaves.length === 1 ? only : { any: leaves };
  if (join === 'none') return { not: any };
  if (join === 'any') return any;
  return leaves.length === 1 ? only : { all: leaves };
}

function ruleRowOf(c: Condition): RuleRow | undefined {
  const enc = (v: string | number): string => JSON.stringify(v);
  if (c.not?.item !== undefined && c.not.in) return { item: c.not.item, op: 'notIn', answers: c.not.in.map(enc), number: '' };
  if (c.item === undefined) return undefined;
  const row = { item: c.item, answers: [] as string[], number: '' };
  if (c.answered !== undefined) return { ...row, op: c.answered ? 'answered' : 'notAnswered' };
  if (c.equals !== undefined) return { ...row, op: 'in', answers: [enc(c.equals)] };
  if (c.in !== undefined) return { ...row, op: 'in', answers: c.in.map(enc) };
  if (c.notEquals !== undefined) return { ...row, op: 'notIn', answers: [enc(c.notEquals)] };
  for (const op of NUMERIC_OPS) if (c[op] !== undefined) return { ...row, op, number: String(c[op]) };
  return undefined;
}

/** blankRuleRows is the form's empty rule rows. */
export const blankRuleRows = (): RuleRow[] => Array.from({ length: RULE_ROWS }, () => ({ item: '', op: 'in', answers: [], number: '' }));

/** conditionRules gives a condition as rule rows (padded to RULE_ROWS), or undefined when the
 *  rows cannot express it (deeper nesting, more rows); the form then keeps it as it is. */
export function conditionRules(c: Condition): { join: string; rows: RuleRow[] } | undefined {
  const pad = (rows: RuleRow[]): RuleRow[] => [...rows, ...blankRuleRows().slice(rows.length)];
  const rowsOf = (list: Condition[]): RuleRow[] | undefined => {
    const rows = list.map(ruleRowOf);
    return rows.length <= RULE_ROWS && rows.every((r) => r !== undefined) ? (rows as RuleRow[]) : undefined;
  };
  const single = ruleRowOf(c);
  if (single) return { join: 'all', rows: pad([single]) };
  const group = c.all ? { join: 'all', list: c.all } : c.any ? { join: 'any', list: c.any } : c.not ? { join: 'none', list: c.not.any ?? [c.not] } : undefined;
  const rows = group && rowsOf(group.list);
  return group && rows ? { join: group.join, rows: pad(rows) } : undefined;
}
