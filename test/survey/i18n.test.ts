// Survey texts per language: what the loader refuses (with file, JSON path and language), what it
// keeps, and the versioning rule: a translation is not a change of meaning, bokmål wording is.
import { afterEach, describe, expect, test } from 'vitest';
import { itemComparability } from '../../src/report/compare.js';
import { openDb, type Db } from '../../src/store/db.js';
import { getSurveyVersion, syncSurveyVersions } from '../../src/store/survey-versions.js';
import { parseSurveyFiles, SurveyDefinitionError, type DefinitionProblem } from '../../src/survey/load.js';
import type { Survey } from '../../src/survey/model.js';
import { isKnownLanguageTag } from '../../src/survey/schema.js';
import { localizeSurvey, meaningOf, textDirection } from '../../src/survey/texts.js';
import { bundledSurveys } from '../helpers/app.js';

// Broken definitions are deliberately outside the schema's types, so they are built as plain JSON.
type Json = any;

/** A valid definition in nb and en: scale "five", factor f, items a (likert), b (single x/y). */
function definition(over: Json = {}): Json {
  return {
    id: 's',
    version: 1,
    languages: ['nb', 'en'],
    title: { nb: 'Tittel', en: 'Title' },
    scales: { five: { points: [{ value: 1, label: { nb: 'Uenig', en: 'Disagree' } }, { value: 2, label: { nb: 'Enig', en: 'Agree' } }] } },
    factors: [{ id: 'f', label: { nb: 'Faktor', en: 'Factor' } }],
    sections: [
      {
        id: 'sec',
        title: { nb: 'Del', en: 'Part' },
        items: [
          { id: 'a', type: 'likert', scale: 'five', factor: 'f', text: { nb: 'Jeg trives', en: 'I thrive' } },
          { id: 'b', type: 'single', text: { nb: 'Velg', en: 'Choose' }, options: [{ id: 'x', label: { nb: 'Ja', en: 'Yes' } }, { id: 'y', label: { nb: 'Nei', en: 'No' } }] },
        ],
      },
    ],
    ...over,
  };
}

const load = (...defs: Json[]): Map<string, Survey> => parseSurveyFiles(defs.map((d) => ({ file: `${d.id}.json`, text: JSON.stringify(d) })));

function problemsOf(...defs: Json[]): DefinitionProblem[] {
  try {
    load(...defs);
  } catch (err) {
    if (err instanceof SurveyDefinitionError) return err.problems;
    throw err;
  }
  return [];
}

const edited = (change: (def: Json) => void): Json => {
  const def = definition();
  change(def);
  return def;
};

describe('the loader refuses incomplete or unknown languages', () => {
  test.each<[string, Json, DefinitionProblem]>([
    ['a plain string in a definition that declares en', edited((d) => (d.sections[0].items[0].text = 'Jeg trives')), { file: 's.json', path: 'sections[0].items[0].text', message: 'missing the "en" text (the definition declares nb, en)' }],
    ['a scale label without en', edited((d) => delete d.scales.five.points[1].label.en), { file: 's.json', path: 'scales.five.points[1].label', message: 'missing the "en" text (the definition declares nb, en)' }],
    ['an option without en', edited((d) => delete d.sections[0].items[1].options[0].label.en), { file: 's.json', path: 'sections[0].items[1].options[0].label', message: 'missing the "en" text (the definition declares nb, en)' }],
    ['a new language declared but not written', edited((d) => d.languages.push('pl')), { file: 's.json', path: 'title', message: 'missing the "pl" text (the definition declares nb, en, pl)' }],
    ['a text in an undeclared language', edited((d) => (d.factors[0].label.pl = 'Czynnik')), { file: 's.json', path: 'factors[0].label.pl', message: '"pl" is not among the languages the definition declares (nb, en); add it to "languages" or remove the text' }],
    ['an unknown tag in a text', edited((d) => (d.sections[0].title.xx = 'X')), { file: 's.json', path: 'sections[0].title.xx', message: '"xx" is not a known BCP 47 language tag in canonical form (e.g. nb, nn, en, pl, lt)' }],
    ['a tag not in canonical form', edited((d) => (d.sections[0].title = { nb: 'Del', EN: 'Part' })), { file: 's.json', path: 'sections[0].title.EN', message: '"EN" is not a known BCP 47 language tag in canonical form (e.g. nb, nn, en, pl, lt)' }],
    ['an unknown declared language', edited((d) => (d.languages = ['nb', 'zz'])), { file: 's.json', path: 'languages[1]', message: '"zz" is not a known BCP 47 language tag in canonical form (e.g. nb, nn, en, pl, lt)' }],
    ['languages without nb', edited((d) => (d.languages = ['en'])), { file: 's.json', path: 'languages', message: 'must include "nb" (bokmål, the wording answers are tied to)' }],
    ['a text map without nb', edited((d) => (d.sections[0].items[0].text = { en: 'I thrive' })), { file: 's.json', path: 'sections[0].items[0].text', message: 'a text given per language needs its bokmål wording under "nb"' }],
  ])('%s', (_name, def, problem) => {
    expect(problemsOf(def)).toContainEqual(problem);
  });

  test('a combined survey needs every part in its languages, and shared scales worded alike', () => {
    const part = edited((d) => {
      d.id = 'part';
      d.languages = ['nb'];
      d.title = 'Del';
      d.scales.five.points.forEach((p: Json) => (p.label = p.label.nb));
      d.factors = [];
      d.sections[0] = { id: 'p', title: 'P', items: [{ id: 'q', type: 'likert', scale: 'five', text: 'Q' }] };
    });
    const whole = definition({ id: 'whole', sections: [{ include: 'part' }, definition().sections[0]] });
    expect(problemsOf(whole, part)).toContainEqual({ file: 'whole.json', path: 'sections[0].include', message: '"part" (part.json) has no "en" texts, but this survey declares nb, en' });

    const other = edited((d) => {
      d.id = 'other';
      d.factors = [];
      d.scales.five.points[0].label.en = 'Do not agree';
      d.sections[0] = { id: 'o', title: { nb: 'O', en: 'O' }, items: [{ id: 'o1', type: 'likert', scale: 'five', text: { nb: 'O', en: 'O' } }] };
    });
    const both = definition({ id: 'both', sections: [definition().sections[0], { include: 'other' }] });
    expect(problemsOf(both, other).map((p) => `${p.file}: ${p.path}: ${p.message}`)).toContain('other.json: scale.five.1: the "en" text differs from the one in both.json; a combined survey needs identical scales');
  });

  test.each([
    ['nb', true],
    ['pl', true],
    ['sr-Latn', true],
    ['ar', true],
    ['nb_NO', false],
    ['EN', false],
    ['qq', false],
    ['', false],
  ])('isKnownLanguageTag(%j) is %s', (tag, known) => {
    expect(isKnownLanguageTag(tag)).toBe(known);
  });
});

describe('what the loader keeps', () => {
  test('bokmål stays in place and each other language is one text per slot, so localizing changes text only', () => {
    const survey = load(definition()).get('s') as Survey;
    expect(survey.languages).toEqual(['nb', 'en']);
    expect(survey.items[0]?.text).toBe('Jeg trives');
    expect(survey.translations?.en).toMatchObject({ 'item.a.text': 'I thrive', 'item.b.option.y': 'No', 'scale.five.1': 'Disagree', 'factor.f.label': 'Factor', 'survey.title': 'Title' });
    const english = localizeSurvey(survey, 'en');
    expect(english.title).toBe('Title');
    expect(english.items.map((i) => i.text)).toEqual(['I thrive', 'Choose']);
    expect(english.scales.five?.points.map((p) => p.label)).toEqual(['Disagree', 'Agree']);
    // Same ids, types, scales, factors and order: answers validate and store exactly as in bokmål.
    expect(english.items.map((i) => [i.id, i.type, i.factor])).toEqual(survey.items.map((i) => [i.id, i.type, i.factor]));
    expect(meaningOf(english)).not.toBe(meaningOf(survey));
    expect(localizeSurvey(survey, 'pl')).toBe(survey);
    expect(survey.items[0]?.text).toBe('Jeg trives');
  });

  test('a definition of plain strings is bokmål only', () => {
    const plain = edited((d) => {
      delete d.languages;
      d.title = 'Tittel';
      d.scales.five.points.forEach((p: Json) => (p.label = p.label.nb));
      d.factors[0].label = 'Faktor';
      d.sections[0].title = 'Del';
      d.sections[0].items[0].text = 'Jeg trives';
      d.sections[0].items[1].text = 'Velg';
      d.sections[0].items[1].options.forEach((o: Json) => (o.label = o.label.nb));
    });
    const survey = load(plain).get('s') as Survey;
    expect(survey.languages).toEqual(['nb']);
    expect(survey.translations).toEqual({});
    // The same meaning as the translated definition: translations are not part of it.
    expect(meaningOf(survey)).toBe(meaningOf(load(definition()).get('s') as Survey));
  });

  test('the bundled instruments are complete in nb, nn, en, pl and lt, and RAUS marks its wording as the original', () => {
    const surveys = bundledSurveys();
    for (const id of ['hefa', 'raus', 'stillingsstorrelse', 'kartlegging']) expect(surveys.get(id)?.languages).toEqual(['nb', 'nn', 'en', 'pl', 'lt']);
    const raus = surveys.get('raus') as Survey;
    expect(raus.items.map((i) => [i.text, i.originalLanguage])).toEqual([
      ['Jeg føler meg velkommen på jobb hver dag', 'nb'],
      ['Jeg kjenner meg verdsatt på jobben', 'nb'],
      ['Jeg utvikler meg ved å være på jobb', 'nb'],
      ['Jeg blir glad av å være på jobb', 'nb'],
    ]);
    const all = surveys.get('kartlegging') as Survey;
    for (const lang of ['nn', 'en', 'pl', 'lt']) {
      const texts = localizeSurvey(all, lang).items.map((i) => i.text);
      // Every item reads differently from bokmål except where the words coincide (nn shares a few).
      const same = texts.filter((text, i) => text === all.items[i]?.text);
      expect(same.length, lang).toBeLessThanOrEqual(lang === 'nn' ? 3 : 0);
    }
  });

  test.each([
    ['ar', 'rtl'],
    ['he', 'rtl'],
    ['fa', 'rtl'],
    ['ur', 'rtl'],
    ['az-Arab', 'rtl'],
    ['nb', 'ltr'],
    ['pl', 'ltr'],
    ['sr-Latn', 'ltr'],
  ])('textDirection(%s) is %s', (tag, dir) => {
    expect(textDirection(tag)).toBe(dir);
  });
});

describe('versioning: translations are not meaning', () => {
  let db: Db | undefined;
  afterEach(() => db?.close());

  const version = (def: Json): Survey => load(def).get('s') as Survey;

  test('a corrected or added translation refreshes the stored version; a bokmål, scale or option change needs a new one', () => {
    db = openDb(':memory:');
    expect(syncSurveyVersions(db, [version(definition())])).toEqual([]);

    const corrected = edited((d) => (d.sections[0].items[0].text.en = 'I enjoy my work'));
    expect(syncSurveyVersions(db, [version(corrected)])).toEqual([]);
    expect(localizeSurvey(getSurveyVersion(db, 's', 1) as Survey, 'en').items[0]?.text).toBe('I enjoy my work');

    const added = edited((d) => {
      d.languages.push('nn');
      for (const x of [d.title, d.scales.five.points[0].label, d.scales.five.points[1].label, d.factors[0].label, d.sections[0].title, d.sections[0].items[0].text, d.sections[0].items[1].text, ...d.sections[0].items[1].options.map((o: Json) => o.label)]) x.nn = `${x.nb} (nn)`;
    });
    expect(syncSurveyVersions(db, [version(added)])).toEqual([]);
    expect(getSurveyVersion(db, 's', 1)?.languages).toEqual(['nb', 'en', 'nn']);

    for (const change of [
      (d: Json) => (d.sections[0].items[0].text.nb = 'Jeg trives godt'),
      (d: Json) => (d.scales.five.points[0].label.nb = 'Helt uenig'),
      (d: Json) => (d.sections[0].items[1].options[1].id = 'z'),
      (d: Json) => d.sections[0].items.pop(),
    ]) {
      const problems = syncSurveyVersions(db, [version(edited(change))]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^survey "s" version 1 differs from the version 1 already stored; .*raise "version"/);
    }
    // Refused changes leave the stored version as it was.
    expect(getSurveyVersion(db, 's', 1)?.items[0]?.text).toBe('Jeg trives');
  });

  test('items stay comparable across versions that differ only in translations, not across a bokmål change', () => {
    const v1 = version(definition());
    const v2 = version(edited((d) => {
      d.version = 2;
      d.sections[0].items[0].text.en = 'I like it here';
      d.scales.five.points[0].label.en = 'No';
    }));
    expect([...itemComparability([v1, v2]).values()].map((c) => c.status)).toEqual(['same', 'same']);
    const v3 = version(edited((d) => {
      d.version = 3;
      d.sections[0].items[0].text.nb = 'Jeg trives godt';
    }));
    expect(itemComparability([v1, v3]).get('a')?.status).toBe('text_changed');
  });
});
