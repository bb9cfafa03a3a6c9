// Versions of surveys built in the browser: a wave keeps the version it froze, a change of meaning in
// use makes a new version, and the diff marks a changed scale as not comparable the way the
// before/after comparison does.
import { afterEach, describe, expect, test } from 'vitest';
import { diffVersions } from '../../src/report/version-diff.js';
import { openDb, type Db } from '../../src/store/db.js';
import { getSurveyVersion, listSurveyVersions, storeSurveyVersion } from '../../src/store/survey-versions.js';
import { createSurveyDraft, getSurveyDraft, saveSurveyDraft, templateIds } from '../../src/store/surveys.js';
import { addUnit } from '../../src/store/units.js';
import { createWave, getWave } from '../../src/store/waves.js';
import { parseDefinition } from '../../src/survey/file-form.js';
import type { SurveyFile } from '../../src/survey/schema.js';
import { syncSurveyVersions } from '../../src/store/survey-versions.js';
import { bundledSurveys } from '../helpers/app.js';

const definition = (scaleLabels: string[], english = 'How are you?'): SurveyFile =>
  ({
    id: 'lokal',
    version: 1,
    languages: ['nb', 'en'],
    title: { nb: 'Lokal', en: 'Local' },
    scales: { s: { points: scaleLabels.map((l, i) => ({ value: i + 1, label: { nb: l, en: l } })) } },
    factors: [],
    sections: [{ id: 'd', title: { nb: 'Del', en: 'Part' }, items: [
      { id: 'trivsel', type: 'likert', scale: 's', required: false, text: { nb: 'Hvordan har du det?', en: english } },
      { id: 'fritekst', type: 'text', maxLength: 100, required: false, text: { nb: 'Noe mer?', en: 'More?' } },
    ] }],
  }) as SurveyFile;

function parsed(def: SurveyFile) {
  const r = parseDefinition(JSON.stringify(def), 'lokal');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.survey;
}

let db: Db;
afterEach(() => db.close());

describe('builder survey versions', () => {
  test('a wave keeps its version; a new scale in use makes version 2, and the diff says the item is not comparable', () => {
    db = openDb(':memory:');
    addUnit(db, { id: 'a', name: 'A', parentId: null, headcount: 5 });
    expect(storeSurveyVersion(db, parsed(definition(['Dårlig', 'Bra'])))).toEqual({ version: 1, outcome: 'created' });
    // Not yet in use: saving again replaces version 1.
    expect(storeSurveyVersion(db, parsed(definition(['Dårlig', 'Middels', 'Bra'])))).toEqual({ version: 1, outcome: 'replaced' });
    const waveId = createWave(db, { name: 'T0', surveyId: 'lokal', surveyVersion: 1, unitIds: ['a'], linkMode: 'open' });
    // In use: a translation alone is corrected in place; a changed scale is a new version.
    expect(storeSurveyVersion(db, parsed(definition(['Dårlig', 'Middels', 'Bra'], 'How do you do?')))).toEqual({ version: 1, outcome: 'replaced' });
    expect(storeSurveyVersion(db, parsed(definition(['Dårlig', 'Middels', 'Bra'], 'How do you do?')))).toEqual({ version: 1, outcome: 'unchanged' });
    expect(storeSurveyVersion(db, parsed(definition(['Svært dårlig', 'Dårlig', 'Middels', 'Bra'])))).toEqual({ version: 2, outcome: 'created' });
    expect(listSurveyVersions(db, 'lokal')).toEqual([1, 2]);
    const wave = getWave(db, waveId)!;
    expect(wave.surveyVersion).toBe(1);
    const frozen = getSurveyVersion(db, 'lokal', 1)!;
    expect(frozen.scales.s?.points.map((p) => p.label)).toEqual(['Dårlig', 'Middels', 'Bra']);
    expect(frozen.translations?.en?.['item.trivsel.text']).toBe('How do you do?');

    const diff = diffVersions(frozen, getSurveyVersion(db, 'lokal', 2)!);
    expect(diff.items).toEqual([expect.objectContaining({ id: 'trivsel', kinds: expect.arrayContaining(['answers']), comparability: 'scale_changed' })]);
    expect(diff.parts).toEqual(expect.arrayContaining([{ part: 'scale', id: 's', kind: 'changed' }]));
  });

  test('a changed wording is flagged as not comparable; an unchanged item is not listed', () => {
    const a = parsed(definition(['Dårlig', 'Bra']));
    const def = definition(['Dårlig', 'Bra']);
    ((def.sections[0] as { items: { text: Record<string, string> }[] }).items[0]!).text.nb = 'Hvordan trives du?';
    const diff = diffVersions(a, { ...parsed(def), version: 2 });
    expect(diff.items.map((i) => [i.id, i.comparability, i.kinds])).toEqual([['trivsel', 'text_changed', ['text']]]);
  });

  test('templates are the stored surveys without a working copy', () => {
    db = openDb(':memory:');
    syncSurveyVersions(db, bundledSurveys().values());
    expect(templateIds(db)).toEqual(['hefa', 'kartlegging', 'raus', 'stillingsstorrelse']);
    createSurveyDraft(db, definition(['a', 'b']), 'mal:raus', new Date('2026-12-01T08:00:00Z'));
    storeSurveyVersion(db, parsed(definition(['a', 'b'])));
    expect(templateIds(db)).not.toContain('lokal');
    saveSurveyDraft(db, 'lokal', { ...definition(['a', 'b']), id: 'annen' }, new Date('2026-12-01T09:00:00Z'));
    expect(getSurveyDraft(db, 'lokal')).toMatchObject({ basedOn: 'mal:raus', updatedAt: '2026-12-01T09:00:00.000Z', definition: { id: 'lokal' } });
  });
});
