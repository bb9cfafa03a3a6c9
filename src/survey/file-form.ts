// A definition as a file has it (texts per language, the shape surveys/schema.json describes) from a
// resolved survey, and back: what the builder edits, exports and imports. The way back is the loader
// itself (parseSurveyFiles), so an imported or edited definition passes exactly the checks, with
// exactly the messages, that a file in surveys/ does.
import { parseSurveyFiles, SurveyDefinitionError, type DefinitionProblem } from './load.js';
import type { Survey } from './model.js';
import type { SurveyFile } from './schema.js';
import { textSlots } from './texts.js';

/** The text of one slot in every language it is given in; "nb" always present in a valid one. */
export type Texts = Record<string, string>;

/** toSurveyFile writes a resolved survey as a definition file: includes already expanded, every
 *  text as a per-language map when the survey declares more than bokmål, else as a string. */
export function toSurveyFile(survey: Survey): SurveyFile {
  const languages = survey.languages ?? ['nb'];
  const file = structuredClone({
    id: survey.id,
    version: survey.version,
    ...(survey.languages ? { languages } : {}),
    title: survey.title,
    ...(survey.description === undefined ? {} : { description: survey.description }),
    ...(survey.estimatedMinutes === undefined ? {} : { estimatedMinutes: survey.estimatedMinutes }),
    scales: survey.scales,
    factors: survey.factors,
    sections: survey.sections,
  });
  if (languages.length > 1) {
    for (const slot of textSlots(file)) {
      const map: Texts = { nb: String(slot.get()) };
      for (const lang of languages) {
        const text = survey.translations?.[lang]?.[slot.key];
        if (lang !== 'nb' && text !== undefined) map[lang] = text;
      }
      (slot.set as (v: unknown) => void)(map);
    }
  }
  return file as unknown as SurveyFile;
}

export type ParsedDefinition = { ok: true; survey: Survey } | { ok: false; problems: DefinitionProblem[] };

/** parseDefinition checks a definition's JSON text with the loader (syntax, schema, languages,
 *  references); `others` are definitions it may include (the templates). Never throws for bad input. */
export function parseDefinition(text: string, file: string, others: readonly Survey[] = []): ParsedDefinition {
  let id: unknown;
  try {
    id = (JSON.parse(text) as { id?: unknown } | null)?.id;
  } catch {
    id = undefined;
  }
  const companions = others.filter((s) => s.id !== id).map((s) => ({ file: `${s.id}.json`, text: JSON.stringify(toSurveyFile(s)) }));
  try {
    const surveys = parseSurveyFiles([{ file, text }, ...companions]);
    const survey = typeof id === 'string' ? surveys.get(id) : undefined;
    if (!survey) return { ok: false, problems: [{ file, path: 'id', message: 'the definition has no id' }] };
    return { ok: true, survey };
  } catch (err) {
    if (!(err instanceof SurveyDefinitionError)) throw err;
    // A companion's own problems (a template without the draft's languages) are reported where it is included.
    return { ok: false, problems: err.problems.filter((p) => p.file === file) };
  }
}

/** A place in a definition in words: which part (section), which question, which field. */
export interface Location {
  section?: number;
  item?: number;
  /** The rest of the path inside the item or section (e.g. "options[1].label"), or the top-level path. */
  field: string;
}

/** locate splits a loader path such as `sections[2].items[4].scale` into 1-based section and item
 *  numbers and the field within (`scale`); other paths keep their text as the field. */
export function locate(path: string): Location {
  const m = /^sections\[(\d+)\](?:\.items\[(\d+)\])?(?:\.(.*))?$/.exec(path);
  if (!m) return { field: path };
  return {
    section: Number(m[1]) + 1,
    ...(m[2] === undefined ? {} : { item: Number(m[2]) + 1 }),
    field: m[3] ?? '',
  };
}
