// A survey for a test, from a definition written in the test (the same check as a file in surveys/).
import { parseSurveyFiles } from '../../src/survey/load.js';
import type { Survey } from '../../src/survey/model.js';

/** surveyFromDefinition parses one survey definition (an object with its `id`) as the loader parses a
 *  file; a definition that does not load throws the loader's error. */
export function surveyFromDefinition(def: { id: string } & Record<string, unknown>): Survey {
  const survey = parseSurveyFiles([{ file: `${def.id}.json`, text: JSON.stringify(def) }]).get(def.id);
  if (!survey) throw new Error(`test survey ${def.id} did not load`);
  return survey;
}

/** The five-point agreement scale with "vet ikke" that the report tests' surveys answer on. */
export const ENIG5 = { points: [1, 2, 3, 4, 5].map((value) => ({ value, label: `p${value}` })), dontKnowLabel: 'Vet ikke' };

/** onePageSurvey is a test survey of one page (section 'p') of `items`, on the scale `enig5`
 *  (ENIG5), with the factors given (one, 'f', unless told). */
export function onePageSurvey(id: string, title: string, items: Record<string, unknown>[], factors: { id: string; label: string }[] = [{ id: 'f', label: 'F' }]): Survey {
  return surveyFromDefinition({ id, version: 1, title, scales: { enig5: ENIG5 }, factors, sections: [{ id: 'p', title: 'P', items }] });
}
