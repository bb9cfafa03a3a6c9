import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { surveyJsonSchema } from '../../src/survey/json-schema.js';

const surveysDir = fileURLToPath(new URL('../../surveys/', import.meta.url));
const definitionFiles = fs
  .readdirSync(surveysDir)
  .filter((n) => n.endsWith('.json') && n !== 'schema.json')
  .sort();

describe('surveys/schema.json', () => {
  test('is exactly what the zod schema generates', () => {
    const stored = fs.readFileSync(path.join(surveysDir, 'schema.json'), 'utf8');
    expect(stored, 'surveys/schema.json is stale: run npm run schema').toBe(surveyJsonSchema());
  });

  test('describes a survey file', () => {
    const schema = JSON.parse(surveyJsonSchema()) as { title: string; type: string; required: string[]; properties: Record<string, unknown>; additionalProperties: unknown };
    expect(schema.title).toBe('Kartlegg survey definition');
    expect(schema.type).toBe('object');
    expect([...schema.required].sort()).toEqual(['id', 'sections', 'title', 'version']);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['$schema', 'id', 'version', 'title', 'scales', 'factors', 'sections']));
    expect(schema.additionalProperties).toBe(false);
  });

  test('every bundled definition points editors at it', () => {
    expect(definitionFiles).toEqual(expect.arrayContaining(['hefa.json', 'kartlegging.json', 'raus.json', 'stillingsstorrelse.json']));
    for (const name of definitionFiles) {
      const def = JSON.parse(fs.readFileSync(path.join(surveysDir, name), 'utf8')) as { $schema?: unknown };
      expect(def.$schema, name).toBe('./schema.json');
    }
  });
});
