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
