// The loader's problems in the builder's words: a JSON path becomes a place ("Del 3, spørsmål 4"),
// and the loader's commonest messages are given in the staff user's language (anything else is shown
// as the loader wrote it, so no problem is ever hidden). Also the validation of one item's form
// against the loader, so an item is checked with exactly the rules and messages a file is.
import { locate, parseDefinition } from '../../survey/file-form.js';
import type { DefinitionProblem } from '../../survey/load.js';
import { asMaps, findItem, sectionsOf } from '../../survey/edit.js';
import type { SurveyFile } from '../../survey/schema.js';
import { textSlots } from '../../survey/texts.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { builderBase } from './builder-target.js';

const MESSAGES: [RegExp, MessageKey][] = [
  [/^unknown scale "([^"]*)"/, 'builder.problem.unknownScale'],
  [/^unknown factor "([^"]*)"/, 'builder.problem.unknownFactor'],
  [/^must not be empty$/, 'builder.problem.empty'],
  [/^missing the "([^"]*)" text/, 'builder.problem.missingText'],
  [/^a choice needs at least 2 options$/, 'builder.problem.twoOptions'],
  [/^a section needs at least one item$/, 'builder.problem.noItems'],
  [/^a survey needs at least one section$/, 'builder.problem.noSections'],
  [/^a scale needs at least 2 points$/, 'builder.problem.twoPoints'],
  [/^duplicate (?:item|section|option) id "([^"]*)"/, 'builder.problem.duplicateId'],
  [/^max \(([^)]*)\) must be greater than min \(([^)]*)\)/, 'builder.problem.maxMin'],
  [/^must start with a lower-case letter/, 'builder.problem.id'],
  [/^scale point values must be unique$/, 'builder.problem.pointsUnique'],
  [/^maxChoices (\d+) exceeds/, 'builder.problem.maxChoices'],
  [/^Invalid input: expected number/, 'builder.problem.number'],
  [/^only one background question per survey \("([^"]*)"/, 'builder.problem.oneBackground'],
  [/^a background question cannot be required/, 'builder.problem.backgroundRequired'],
  [/^a background question has at most 12 options/, 'builder.problem.backgroundOptions'],
];

/** problemMessage words one loader message in the staff user's language where it is a known one. */
export function problemMessage(t: Translate, message: string): string {
  for (const [pattern, key] of MESSAGES) {
    const m = pattern.exec(message);
    if (m) return t(key, { a: m[1] ?? '', b: m[2] ?? '' });
  }
  return message;
}

// Fields whose problem message already names them; others are named in words, or as in the file.
const SELF_EXPLAINED = new Set(['', 'items', 'scale', 'factor', 'sections', 'maxChoices', 'background', 'required']);
const FIELD_WORDS: Record<string, MessageKey> = {
  text: 'builder.field.text',
  help: 'builder.field.help',
  title: 'builder.field.title',
  intro: 'builder.field.intro',
  id: 'builder.field.id',
  showIf: 'builder.field.showIf',
  showIfHint: 'builder.field.showIfHint',
  minLabel: 'builder.field.minLabel',
  maxLabel: 'builder.field.maxLabel',
  min: 'builder.field.min',
  max: 'builder.field.max',
  unit: 'builder.field.unit',
};

/** fieldWords names the field of a problem inside an item or section ('' when the message says it). */
function fieldWords(t: Translate, field: string): string {
  const option = /^options\[(\d+)\]/.exec(field);
  if (option) return t('builder.field.option', { n: Number(option[1]) + 1 });
  const head = /^[A-Za-z]+/.exec(field)?.[0] ?? '';
  if (SELF_EXPLAINED.has(head)) return '';
  const key = FIELD_WORDS[head];
  return key && field === head ? t(key) : field;
}

/** placeOf names any text's or problem's place in words: "Del 2, spørsmål 3: svaralternativ 1",
 *  "Skala enig5, punkt 2", "Faktor 1: beskrivelse", "Tittel". */
export function placeOf(t: Translate, path: string): string {
  const at = locate(path);
  if (at.section !== undefined) {
    const where = at.item !== undefined ? t('builder.where.item', { section: at.section, item: at.item }) : t('builder.where.section', { section: at.section });
    const named = fieldWords(t, at.field);
    return named ? `${where}: ${named}` : where;
  }
  const point = /^scales\.([a-z0-9_]+)\.points\[(\d+)\]/.exec(path);
  if (point) return t('builder.where.scalePoint', { id: point[1] ?? '', n: Number(point[2]) + 1 });
  const dontKnow = /^scales\.([a-z0-9_]+)\.dontKnowLabel$/.exec(path);
  if (dontKnow) return t('builder.where.scaleDontKnow', { id: dontKnow[1] ?? '' });
  const factor = /^factors\[(\d+)\]\.(label|description)$/.exec(path);
  if (factor) return `${t('builder.where.factor', { n: Number(factor[1]) + 1 })}: ${t(factor[2] === 'label' ? 'builder.factorLabel' : 'builder.factorDescription').toLocaleLowerCase()}`;
  if (path === 'title') return t('builder.surveyTitle');
  if (path === 'description') return t('builder.factorDescription');
  return path;
}

/** A problem for the page: where (in words), what, and the address of the place to fix it. */
export interface ShownProblem {
  where: string;
  message: string;
  href: string;
}

/** describeProblems turns the loader's problems with a working copy into places and messages. */
export function describeProblems(t: Translate, surveyId: string, def: SurveyFile, problems: readonly DefinitionProblem[]): ShownProblem[] {
  const base = builderBase(surveyId);
  return problems.map((p) => {
    const at = locate(p.path);
    const section = at.section === undefined ? undefined : def.sections[at.section - 1];
    const item = section && !('include' in section) && at.item !== undefined ? section.items[at.item - 1] : undefined;
    const href = item ? `${base}/sporsmal/${encodeURIComponent(item.id)}` : section && !('include' in section) ? `${base}#del-${section.id}` : /^(scales|factors)/.test(p.path) ? `${base}/skalaer` : base;
    return { where: placeOf(t, p.path), message: problemMessage(t, p.message), href };
  });
}

/** itemProblems checks a working copy with one item changed and returns the problems inside that
 *  item, by form field (the first segment of the path within it). Unfinished parts elsewhere (an
 *  empty new section, missing translations) do not count: they are the overview's to report. */
export function itemProblems(t: Translate, def: SurveyFile, itemId: string): Record<string, string> {
  const probe = asMaps(def);
  probe.sections = sectionsOf(probe).filter((s) => s.items.length > 0);
  probe.languages = ['nb'];
  for (const slot of textSlots(probe)) (slot.set as (v: unknown) => void)({ nb: (slot.get() as Record<string, string>).nb ?? '' });
  const place = findItem(probe, itemId);
  const result = parseDefinition(JSON.stringify(probe), 'probe');
  const errors: Record<string, string> = {};
  if (result.ok || !place) return errors;
  const prefix = `sections[${place.sectionIndex}].items[${place.index}]`;
  for (const p of result.problems) {
    if (p.path !== prefix && !p.path.startsWith(`${prefix}.`)) continue;
    const field = /^[A-Za-z]+/.exec(p.path.slice(prefix.length + 1))?.[0] ?? 'text';
    errors[field] ??= problemMessage(t, p.message);
  }
  return errors;
}
