// Writes surveys/schema.json from the zod schema, so editors validate and complete definitions.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { surveyJsonSchema } from './json-schema.js';

const target = fileURLToPath(new URL('../../surveys/schema.json', import.meta.url));
fs.writeFileSync(target, surveyJsonSchema());
console.log(`Wrote ${target}`);
