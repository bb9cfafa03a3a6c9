// Export and import of definitions: a resolved survey written as a file and read back by the loader
// is the same survey (meaning and translations), and the file is valid against the schema.
import { describe, expect, test } from 'vitest';
import { locate, parseDefinition, toSurveyFile } from '../../src/survey/file-form.js';
import { blankDefinition, buildItem, conditionChoices, decodeCondition, encodeCondition, moveEntry, type ItemFields } from '../../src/survey/edit.js';
import { SurveyFile } from '../../src/survey/schema.js';
import { meaningOf } from '../../src/survey/texts.js';
import { bundledSurveys } from '../helpers/app.js';

describe('JSON export and import', () => {
  test.each([...bundledSurveys().keys()])('%s round-trips through its file form', (id) => {
    const survey = bundledSurveys().get(id)!;
    const file = toSurveyFile(survey);
    expect(SurveyFile.safeParse(file).success).toBe(true);
    const back = parseDefinition(JSON.stringify(file, null, 2), 'eksport.json');
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(meaningOf(back.survey)).toBe(meaningOf(survey));
    expect(back.survey.translations).toEqual(survey.translations);
    expect(back.survey.languages).toEqual(survey.languages);
  });

  test('a broken definition comes back with the loader\'s paths and messages, never an exception', () => {
    const file = toSurveyFile(bundledSurveys().get('hefa')!) as unknown as { sections: { items: Record<string, unknown>[] }[] };
    (file.sections[2]!.items[3]!).scale = 'enig7';
    const result = parseDefinition(JSON.stringify(file), 'import.json');
    expect(result).toMatchObject({ ok: false, problems: [{ file: 'import.json', path: 'sections[2].items[3].scale', message: expect.stringContaining('unknown scale "enig7"') }] });
    expect(parseDefinition('{"id": ', 'x.json')).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining('invalid JSON') }] });
    expect(parseDefinition('[]', 'x.json').ok).toBe(false);
  });

  test('an include of a template resolves against the templates given', () => {
    const text = JSON.stringify({ id: 'lokal', version: 1, languages: ['nb', 'nn', 'en', 'pl', 'lt'], title: { nb: 'L', nn: 'L', en: 'L', pl: 'L', lt: 'L' }, sections: [{ include: 'raus' }] });
    const result = parseDefinition(text, 'lokal.json', [...bundledSurveys().values()]);
    expect(result.ok && result.survey.items.map((i) => i.id)).toEqual(bundledSurveys().get('raus')!.items.map((i) => i.id));
  });

  test.each([
    ['sections[2].items[3].scale', { section: 3, item: 4, field: 'scale' }],
    ['sections[0].title', { section: 1, field: 'title' }],
    ['sections[1].items[0]', { section: 2, item: 1, field: '' }],
    ['scales.enig5.points[0].label', { field: 'scales.enig5.points[0].label' }],
  ])('locate(%s)', (path, expected) => {
    expect(locate(path)).toEqual(expected);
  });
});

describe('editing a definition', () => {
  const fields = (over: Partial<ItemFields>): ItemFields => ({ id: 'q', type: 'single', text: 'Spørsmål', help: '', required: false, factor: '', showIf: '', scale: '', dontKnow: '', min: '', max: '', minLabel: '', maxLabel: '', step: '', unit: '', maxLength: '', maxChoices: '', options: [], background: false, showIfHint: '', ruleJoin: 'all', rules: [], ...over });

  test('every item type the form builds is one the loader accepts', () => {
    const def = blankDefinition('ny', 'Ny', 'Del 1');
    def.scales = { enig5: { points: [1, 2, 3, 4, 5].map((v) => ({ value: v, label: { nb: `p${v}` } })) } };
    const section = def.sections[0] as { items: unknown[] };
    const opts = [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }];
    section.items = [
      buildItem(fields({ id: 'l', type: 'likert', scale: 'enig5' }), undefined),
      buildItem(fields({ id: 's', type: 'scale', minLabel: 'Lite', maxLabel: 'Mye' }), undefined),
      buildItem(fields({ id: 'c', type: 'single', options: opts }), undefined),
      buildItem(fields({ id: 'm', type: 'multi', options: opts, maxChoices: '2', showIf: encodeCondition({ item: 'c', equals: 'a' }) }), undefined),
      buildItem(fields({ id: 'n', type: 'number', min: '0', max: '100', step: '0,5', unit: '%' }), undefined),
      buildItem(fields({ id: 't', type: 'text', maxLength: '200' }), undefined),
      buildItem(fields({ id: 'd', type: 'nowDesired', scale: 'enig5' }), undefined),
    ];
    const result = parseDefinition(JSON.stringify(def), 'ny.json');
    expect(result.ok ? result.survey.items.map((i) => i.type) : result.problems).toEqual(['likert', 'scale', 'single', 'multi', 'number', 'text', 'nowDesired']);
    expect(result.ok && result.survey.items[3]?.showIf).toEqual({ item: 'c', equals: 'a' });
    // Conditions are offered from earlier items only, with their answers.
    const choices = conditionChoices(def, 'm', 'del_1').map((c) => c.value);
    expect(choices).toContain('c|equals|"a"');
    expect(choices).toContain('l|equals|5');
    expect(choices.some((v) => v.startsWith('m|') || v.startsWith('t|'))).toBe(false);
  });

  test('editing the bokmål text keeps the translations', () => {
    const before = { id: 'q', type: 'single' as const, required: false, text: { nb: 'Gammel', en: 'Old' }, options: [{ id: 'a', label: { nb: 'A', en: 'A-en' } }, { id: 'b', label: { nb: 'B', en: 'B-en' } }] };
    const after = buildItem(fields({ text: 'Ny', options: [{ id: 'b', label: 'B2' }, { id: 'a', label: 'A' }] }), before);
    expect(after).toMatchObject({ text: { nb: 'Ny', en: 'Old' }, options: [{ id: 'b', label: { nb: 'B2', en: 'B-en' } }, { id: 'a', label: { nb: 'A', en: 'A-en' } }] });
  });

  test.each([
    ['', undefined],
    ['q|answered', { item: 'q', answered: true }],
    ['q|equals|"ja"', { item: 'q', equals: 'ja' }],
    ['q|equals|3', { item: 'q', equals: 3 }],
    ['q|equals|{', undefined],
    ['q|lt|3', undefined],
  ])('decodeCondition(%s)', (value, expected) => {
    expect(decodeCondition(value)).toEqual(expected);
  });

  test('moveEntry moves one place and stops at the ends', () => {
    expect(moveEntry(['a', 'b', 'c'], 1, -1)).toEqual(['b', 'a', 'c']);
    expect(moveEntry(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });
});
