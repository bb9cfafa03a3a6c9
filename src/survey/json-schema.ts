// The JSON Schema published for survey authors, generated from the zod schema.
import { z } from 'zod';
import { SurveyFile } from './schema.js';

/** surveyJsonSchema returns the JSON Schema text for survey files (input side: defaults optional). */
export function surveyJsonSchema(): string {
  const schema = z.toJSONSchema(SurveyFile, { io: 'input', cycles: 'ref', reused: 'inline' });
  return `${JSON.stringify({ ...schema, title: 'Kartlegg survey definition' }, null, 2)}\n`;
}
