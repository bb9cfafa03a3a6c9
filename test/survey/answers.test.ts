import { describe, expect, test } from 'vitest';
import { fieldNames, isComplete, mergePage, missingRequired, parsePage, revalidate, visibleSections, type FieldError, type FormBody } from '../../src/survey/answers.js';
import { loadSurveyDir, parseSurveyFiles } from '../../src/survey/load.js';
import type { Answers, Survey } from '../../src/survey/model.js';
import type { Section } from '../../src/survey/schema.js';
import { surveysDir } from '../helpers/app.js';

function surveyFrom(def: { id: string; [key: string]: unknown }): Survey {
  const survey = parseSurveyFiles([{ file: `${def.id}.json`, text: JSON.stringify(def) }]).get(def.id);
  if (!survey) throw new Error('test survey did not load');
  return survey;
}

function section(survey: Survey, id: string): Section {
  const s = survey.sections.find((x) => x.id === id);
  if (!s) throw new Error(`no section ${id}`);
  return s;
}

const points = (n: number) => Array.from({ length: n }, (_, i) => ({ value: i + 1, label: `p${i + 1}` }));
const options = (...ids: string[]) => ids.map((id) => ({ id, label: id.toUpperCase() }));

const survey = surveyFrom({
  id: 'types',
  version: 1,
  title: 'Every item type',
  scales: {
    enig5: { points: points(5), dontKnowLabel: 'Vet ikke' },
    plain3: { points: points(3) },
  },
  sections: [
    {
      id: 'page',
      title: 'Page',
      items: [
        { id: 'l', type: 'likert', scale: 'enig5', text: 'Likert with vet ikke' },
        { id: 'lnodk', type: 'likert', scale: 'enig5', dontKnow: false, text: 'Likert opting out of vet ikke' },
        { id: 'lplain', type: 'likert', scale: 'plain3', text: 'Likert on a scale without vet ikke' },
        { id: 'sc', type: 'scale', text: 'Scale 0-10', minLabel: 'Lite', maxLabel: 'Mye' },
        { id: 'si', type: 'single', text: 'Single', options: options('x', 'y') },
        { id: 'mu', type: 'multi', text: 'Multi', options: options('a', 'b', 'c'), maxChoices: 2 },
        { id: 'nu', type: 'number', text: 'Percent', min: 0, max: 100, step: 0.5, unit: '%' },
        { id: 'nw', type: 'number', text: 'Whole', min: 0, max: 100 },
        { id: 'tx', type: 'text', text: 'Text', maxLength: 5 },
        { id: 'nd', type: 'nowDesired', scale: 'enig5', text: 'Now and desired' },
        { id: 'ndplain', type: 'nowDesired', scale: 'plain3', text: 'Now and desired, no vet ikke' },
      ],
    },
    { id: 'other', title: 'Other', items: [{ id: 'o', type: 'text', text: 'Elsewhere' }] },
  ],
});
const page = section(survey, 'page');

const err = (itemId: string, code: FieldError['code'], params?: FieldError['params'], field = itemId): FieldError =>
  params === undefined ? { itemId, field, code } : { itemId, field, code, params };

describe('parsePage', () => {
  test.each<[string, FormBody, Answers, FieldError[]]>([
    ['nothing posted', {}, {}, []],
    // likert
    ['likert point', { l: '4' }, { l: 4 }, []],
    ['likert point with spaces', { l: ' 2 ' }, { l: 2 }, []],
    ['likert lowest point', { l: '1' }, { l: 1 }, []],
    ['likert vet ikke', { l: 'dk' }, { l: 'dk' }, []],
    ['likert empty is unanswered', { l: '' }, {}, []],
    ['likert off the scale', { l: '6' }, {}, [err('l', 'invalid_option')]],
    ['likert 0', { l: '0' }, {}, [err('l', 'invalid_option')]],
    ['likert decimal', { l: '4.0' }, {}, [err('l', 'invalid_option')]],
    ['likert label instead of value', { l: 'p4' }, {}, [err('l', 'invalid_option')]],
    ['likert vet ikke when the item opts out', { lnodk: 'dk' }, {}, [err('lnodk', 'invalid_option')]],
    ['likert vet ikke when the scale has none', { lplain: 'dk' }, {}, [err('lplain', 'invalid_option')]],
    ['likert on the short scale', { lplain: '3' }, { lplain: 3 }, []],
    ['likert on the short scale, above it', { lplain: '4' }, {}, [err('lplain', 'invalid_option')]],
    // scale 0-10
    ['scale 0', { sc: '0' }, { sc: 0 }, []],
    ['scale 10', { sc: '10' }, { sc: 10 }, []],
    ['scale 11', { sc: '11' }, {}, [err('sc', 'out_of_range', { min: 0, max: 10 })]],
    ['scale -1', { sc: '-1' }, {}, [err('sc', 'out_of_range', { min: 0, max: 10 })]],
    ['scale between points', { sc: '5,5' }, {}, [err('sc', 'whole_number')]],
    ['scale vet ikke', { sc: 'dk' }, {}, [err('sc', 'not_a_number')]],
    // single
    ['single option', { si: 'y' }, { si: 'y' }, []],
    ['single unknown option', { si: 'z' }, {}, [err('si', 'invalid_option')]],
    ['single option label', { si: 'Y' }, {}, [err('si', 'invalid_option')]],
    // multi
    ['multi one option as a plain string', { mu: 'b' }, { mu: ['b'] }, []],
    ['multi two options', { mu: ['a', 'c'] }, { mu: ['a', 'c'] }, []],
    ['multi in option order, not posting order', { mu: ['c', 'a'] }, { mu: ['a', 'c'] }, []],
    ['multi duplicates collapse', { mu: ['b', 'b', 'a', 'b'] }, { mu: ['a', 'b'] }, []],
    ['multi none', { mu: [] }, {}, []],
    ['multi above maxChoices', { mu: ['a', 'b', 'c'] }, {}, [err('mu', 'too_many_choices', { max: 2 })]],
    ['multi unknown option', { mu: ['a', 'z'] }, {}, [err('mu', 'invalid_option')]],
    // The form's empty marker value says the question was shown: nothing ticked is an answer, [].
    ['multi shown, nothing ticked (the marker alone)', { mu: '' }, { mu: [] }, []],
    ['multi empty string', { mu: [''] }, { mu: [] }, []],
    ['multi marker beside a choice', { mu: ['', 'b'] }, { mu: ['b'] }, []],
    ['multi marker beside an unknown option', { mu: ['', 'z'] }, {}, [err('mu', 'invalid_option')]],
    ['multi non-string', { mu: [1] }, {}, [err('mu', 'invalid_option')]],
    ['multi object', { mu: { a: 'a' } }, {}, [err('mu', 'invalid_option')]],
    // number
    ['number whole', { nu: '80' }, { nu: 80 }, []],
    ['number decimal comma', { nu: '62,5' }, { nu: 62.5 }, []],
    ['number decimal point', { nu: '62.5' }, { nu: 62.5 }, []],
    ['number with percent sign', { nu: '80 %' }, { nu: 80 }, []],
    ['number with percent sign, no space', { nu: '80%' }, { nu: 80 }, []],
    ['number 0', { nu: '0' }, { nu: 0 }, []],
    ['number max', { nu: '100' }, { nu: 100 }, []],
    ['number above max', { nu: '100,5' }, {}, [err('nu', 'out_of_range', { min: 0, max: 100 })]],
    ['number below min', { nu: '-1' }, {}, [err('nu', 'out_of_range', { min: 0, max: 100 })]],
    ['number off step', { nu: '62,3' }, {}, [err('nu', 'step', { step: '0,5' })]],
    ['number off the default step 1', { nw: '62,5' }, {}, [err('nw', 'whole_number')]],
    ['number with a leading comma', { nu: ',5' }, { nu: 0.5 }, []],
    ['number with a trailing comma', { nu: '80,' }, { nu: 80 }, []],
    ['number not a number', { nu: 'åtti' }, {}, [err('nu', 'not_a_number')]],
    ['number exponent', { nu: '1e2' }, {}, [err('nu', 'not_a_number')]],
    ['number two commas', { nu: '1,2,3' }, {}, [err('nu', 'not_a_number')]],
    ['number only spaces is unanswered', { nu: '   ' }, {}, []],
    // text
    ['text trimmed', { tx: '  hei \n' }, { tx: 'hei' }, []],
    ['text only spaces is unanswered', { tx: '   ' }, {}, []],
    ['text at maxLength with æøå', { tx: 'æøåÆØ' }, { tx: 'æøåÆØ' }, []],
    ['text above maxLength with æøå', { tx: 'æøåÆØÅ' }, {}, [err('tx', 'too_long', { max: 5, length: 6 })]],
    ['text of 5 emoji (10 UTF-16 units) fits', { tx: '😀😀😀😀😀' }, { tx: '😀😀😀😀😀' }, []],
    ['text of 6 emoji is too long', { tx: '😀😀😀😀😀😀' }, {}, [err('tx', 'too_long', { max: 5, length: 6 })]],
    ['text length counted after trimming', { tx: '   abcde   ' }, { tx: 'abcde' }, []],
    // nowDesired
    ['nowDesired complete', { 'nd.now': '2', 'nd.desired': '5' }, { nd: { now: 2, desired: 5 } }, []],
    ['nowDesired only now', { 'nd.now': '3' }, { nd: { now: 3 } }, []],
    ['nowDesired only desired, vet ikke', { 'nd.now': '', 'nd.desired': 'dk' }, { nd: { desired: 'dk' } }, []],
    ['nowDesired neither', { 'nd.now': '', 'nd.desired': '' }, {}, []],
    ['nowDesired off the scale', { 'nd.now': '2', 'nd.desired': '9' }, {}, [err('nd', 'invalid_option', undefined, 'nd.desired')]],
    ['nowDesired vet ikke on a scale without it', { 'ndplain.now': 'dk' }, {}, [err('ndplain', 'invalid_option', undefined, 'ndplain.now')]],
    // arrays where one value is expected (tampering)
    ['array for likert', { l: ['3', '4'] }, {}, [err('l', 'invalid_option')]],
    ['array for scale', { sc: ['3'] }, {}, [err('sc', 'invalid_option')]],
    ['array for single', { si: ['x', 'y'] }, {}, [err('si', 'invalid_option')]],
    ['array for number', { nu: ['50'] }, {}, [err('nu', 'invalid_option')]],
    ['array for text', { tx: ['a', 'b'] }, {}, [err('tx', 'invalid_option')]],
    ['array for a nowDesired part', { 'nd.now': ['1', '2'] }, {}, [err('nd', 'invalid_option', undefined, 'nd.now')]],
    ['object for text', { tx: { toString: 'x' } }, {}, [err('tx', 'invalid_option')]],
    // unknown and control fields
    ['unknown fields give one error', { l: '3', foo: '1', bar: '2' }, { l: 3 }, [err('', 'unknown_field', { fields: 'foo, bar' })]],
    ['a field of another page is unknown', { o: 'hei' }, {}, [err('', 'unknown_field', { fields: 'o' })]],
    ['the bare nowDesired id is unknown', { nd: '3' }, {}, [err('', 'unknown_field', { fields: 'nd' })]],
    ['at most five unknown fields are named', { f1: '', f2: '', f3: '', f4: '', f5: '', f6: '' }, {}, [err('', 'unknown_field', { fields: 'f1, f2, f3, f4, f5' })]],
    ['control fields are ignored', { _csrf: 'abc', _action: 'next', _whatever: ['x'], si: 'x' }, { si: 'x' }, []],
  ])('%s', (_name, body, answers, errors) => {
    const result = parsePage(survey, page, body);
    expect(result.answers).toEqual(answers);
    expect(result.errors).toEqual(errors);
  });

  test('several errors on one page are all reported, in item order, next to the valid answers', () => {
    const result = parsePage(survey, page, { tx: 'for lang', l: '9', si: 'x', nu: 'mye', 'nd.now': '4' });
    expect(result.answers).toEqual({ si: 'x', nd: { now: 4 } });
    expect(result.errors).toEqual([err('l', 'invalid_option'), err('nu', 'not_a_number'), err('tx', 'too_long', { max: 5, length: 8 })]);
  });

  test('raw keeps what was typed, untrimmed, to show it again', () => {
    const result = parsePage(survey, page, { tx: '  for lang  ', nu: '80 %', mu: ['c', 'a'], 'nd.desired': '5' });
    expect(result.raw).toEqual({ tx: '  for lang  ', nu: '80 %', mu: ['c', 'a'], 'nd.desired': '5' });
  });

  test('fieldNames gives nowDesired items two fields', () => {
    expect(page.items.flatMap(fieldNames)).toEqual(['l', 'lnodk', 'lplain', 'sc', 'si', 'mu', 'nu', 'nw', 'tx', 'nd.now', 'nd.desired', 'ndplain.now', 'ndplain.desired']);
  });
});

// q2 is shown when q1 is "ja"; q3 (on the next page) when q2 is "ja".
const flow = surveyFrom({
  id: 'flow',
  version: 1,
  title: 'Flow',
  scales: { enig5: { points: points(5), dontKnowLabel: 'Vet ikke' } },
  sections: [
    {
      id: 'first',
      title: 'First',
      items: [
        { id: 'q1', type: 'single', text: 'Q1', options: options('ja', 'nei'), required: true },
        { id: 'q2', type: 'single', text: 'Q2', options: options('ja', 'nei'), required: true, showIf: { item: 'q1', equals: 'ja' } },
        { id: 'n', type: 'number', text: 'N', min: 0, max: 10 },
      ],
    },
    {
      id: 'second',
      title: 'Second',
      items: [
        { id: 'q3', type: 'text', text: 'Q3', required: true, showIf: { item: 'q2', equals: 'ja' } },
        { id: 'nd', type: 'nowDesired', scale: 'enig5', text: 'ND', required: true },
        { id: 'free', type: 'text', text: 'Free' },
      ],
    },
  ],
});
const first = section(flow, 'first');

describe('mergePage', () => {
  test.each<[string, Answers, Answers, string[], Answers]>([
    ['adds the page answers to the saved ones', { nd: { now: 1 } }, { q1: 'nei', n: 3 }, [], { q1: 'nei', n: 3, nd: { now: 1 } }],
    ['replaces changed answers', { q1: 'nei', n: 3 }, { q1: 'nei', n: 4 }, [], { q1: 'nei', n: 4 }],
    ['removes answers cleared on the page', { q1: 'nei', n: 3, free: 'x' }, { q1: 'nei' }, [], { q1: 'nei', free: 'x' }],
    ['keeps the saved answer of an item with an error', { q1: 'nei', n: 3 }, { q1: 'nei' }, ['n'], { q1: 'nei', n: 3 }],
    ['keeps an item with an error unanswered when nothing was saved', {}, { q1: 'nei' }, ['n'], { q1: 'nei' }],
    ['prunes items hidden by the new answers, also on later pages', { q1: 'ja', q2: 'ja', q3: 'tekst', free: 'x' }, { q1: 'nei' }, [], { q1: 'nei', free: 'x' }],
    ['shows items made visible', { q3: 'tekst' }, { q1: 'ja', q2: 'ja' }, [], { q1: 'ja', q2: 'ja', q3: 'tekst' }],
  ])('%s', (_name, saved, pageAnswers, keepOnError, expected) => {
    expect(mergePage(flow, first, saved, pageAnswers, new Set(keepOnError))).toEqual(expected);
  });

  test('does not change the saved answers object', () => {
    const saved: Answers = { q1: 'ja', q2: 'ja' };
    mergePage(flow, first, saved, { q1: 'nei' }, new Set());
    expect(saved).toEqual({ q1: 'ja', q2: 'ja' });
  });
});

describe('missingRequired', () => {
  test.each<[string, Answers, string[]]>([
    ['nothing answered: hidden q2 and q3 are not missing', {}, ['q1', 'nd']],
    ['q1 = nei keeps q2 hidden', { q1: 'nei', nd: { now: 1, desired: 2 } }, []],
    ['q1 = ja makes q2 required', { q1: 'ja', nd: { now: 1, desired: 2 } }, ['q2']],
    ['q2 = ja makes q3 required', { q1: 'ja', q2: 'ja', nd: { now: 1, desired: 2 } }, ['q3']],
    ['answers to hidden items do not count', { q1: 'nei', q2: 'ja', nd: { now: 1, desired: 2 } }, []],
    ['nowDesired with only now is missing', { q1: 'nei', nd: { now: 3 } }, ['nd']],
    ['nowDesired with only desired is missing', { q1: 'nei', nd: { desired: 3 } }, ['nd']],
    ['nowDesired with vet ikke in both parts is complete', { q1: 'nei', nd: { now: 'dk', desired: 'dk' } }, []],
    ['vet ikke answers a required likert-like item', { q1: 'ja', q2: 'nei', nd: { now: 'dk', desired: 4 } }, []],
  ])('%s', (_name, answers, missing) => {
    expect(missingRequired(flow, answers).map((i) => i.id)).toEqual(missing);
  });

  test.each<[string, unknown, boolean]>([
    ['undefined', undefined, false],
    ['empty pair', {}, false],
    ['now only', { now: 1 }, false],
    ['both', { now: 1, desired: 'dk' }, true],
    ['a number instead of a pair', 3, false],
  ])('isComplete for nowDesired: %s', (_name, value, expected) => {
    const nd = flow.items.find((i) => i.id === 'nd');
    if (!nd) throw new Error('no nd');
    expect(isComplete(nd, value as Answers[string] | undefined)).toBe(expected);
  });
});

describe('revalidate', () => {
  test('a now/desired pair stored in the other key order is still valid', () => {
    expect(revalidate(survey, { nd: { desired: 5, now: 2 } })).toEqual([]);
    expect(revalidate(survey, { nd: { desired: 5, now: 2, extra: 1 } as unknown as Answers[string] })).toEqual(['nd']);
  });
  const valid: Answers = {
    l: 'dk',
    lnodk: 5,
    lplain: 3,
    sc: 0,
    si: 'x',
    mu: ['a', 'c'],
    nu: 62.5,
    nw: 100,
    tx: 'æøå😀',
    nd: { now: 1, desired: 'dk' },
    ndplain: { desired: 2 },
    o: 'elsewhere',
  };

  test('accepts answers as parsePage produced them', () => {
    expect(revalidate(survey, valid)).toEqual([]);
  });

  test.each<[string, Answers, string[]]>([
    ['likert off the scale', { l: 7 }, ['l']],
    ['likert as a string', { l: '3' }, ['l']],
    ['vet ikke where the item opts out', { lnodk: 'dk' }, ['lnodk']],
    ['vet ikke where the scale has none', { lplain: 'dk' }, ['lplain']],
    ['scale out of range', { sc: 11 }, ['sc']],
    ['single unknown option', { si: 'z' }, ['si']],
    ['single as an array', { si: ['x'] }, ['si']],
    ['multi unknown option', { mu: ['a', 'z'] }, ['mu']],
    ['multi with duplicates', { mu: ['a', 'a'] }, ['mu']],
    ['multi out of option order', { mu: ['c', 'a'] }, ['mu']],
    ['multi above maxChoices', { mu: ['a', 'b', 'c'] }, ['mu']],
    // Nothing ticked on a shown question is a stored answer ([]), kept for the denominators.
    ['multi empty', { mu: [] }, []],
    ['multi as a string', { mu: 'a' }, ['mu']],
    ['number off step', { nu: 62.3 }, ['nu']],
    ['number out of range', { nu: 150 }, ['nu']],
    ['number as a string', { nu: '80' }, ['nu']],
    ['text too long', { tx: 'sekser' }, ['tx']],
    ['text with surrounding spaces', { tx: ' hei ' }, ['tx']],
    ['text empty', { tx: '' }, ['tx']],
    ['nowDesired off the scale', { nd: { now: 9 } }, ['nd']],
    ['nowDesired as a plain number', { nd: 3 }, ['nd']],
    ['nowDesired with an extra part', { nd: { now: 1, later: 2 } as Answers[string] }, ['nd']],
    ['unknown item', { ghost: 'boo' }, ['ghost']],
    ['several at once, in answer order', { ...valid, l: 0, ghost: 1, tx: 'for lang' }, ['l', 'tx', 'ghost']],
  ])('%s', (_name, answers, bad) => {
    expect(revalidate(survey, answers)).toEqual(bad);
  });
});

describe('visibleSections', () => {
  test.each<[string, Answers, string[]]>([
    ['a section with a visible item is listed', {}, ['first', 'second']],
    ['a section is listed as long as one item is visible', { q1: 'nei' }, ['first', 'second']],
  ])('%s', (_name, answers, expected) => {
    expect(visibleSections(flow, answers).map((s) => s.id)).toEqual(expected);
  });

  test('a section whose items are all hidden is left out', () => {
    const gated = surveyFrom({
      id: 'gated',
      version: 1,
      title: 'Gated',
      sections: [
        { id: 'gate', title: 'Gate', items: [{ id: 'g', type: 'single', text: 'G', options: options('ja', 'nei') }] },
        { id: 'more', title: 'More', items: [{ id: 'm', type: 'text', text: 'M', showIf: { item: 'g', equals: 'ja' } }] },
        { id: 'end', title: 'End', items: [{ id: 'e', type: 'text', text: 'E' }] },
      ],
    });
    expect(visibleSections(gated, {}).map((s) => s.id)).toEqual(['gate', 'end']);
    expect(visibleSections(gated, { g: 'nei' }).map((s) => s.id)).toEqual(['gate', 'end']);
    expect(visibleSections(gated, { g: 'ja' }).map((s) => s.id)).toEqual(['gate', 'more', 'end']);
  });
});

describe('multi: shown and nothing ticked', () => {
  test('is stored as [], does not complete a required question, and survives revalidation', () => {
    const mu = survey.items.find((i) => i.id === 'mu');
    if (!mu) throw new Error('no mu');
    expect(isComplete(mu, [])).toBe(false);
    expect(isComplete(mu, ['a'])).toBe(true);
    expect(revalidate(survey, { mu: [] })).toEqual([]);
  });
});

describe('position size: decimals and contradictions (surveys/stillingsstorrelse.json)', () => {
  const bundled = loadSurveyDir(surveysDir).get('stillingsstorrelse') as Survey;
  const positionPage = section(bundled, 'stilling_naa');
  const body = (current: string, change: string, desired?: string): FormBody => ({
    stilling_naa: current,
    ansettelse: 'fast',
    onsket_endring: change,
    ...(desired === undefined ? {} : { onsket_stilling: desired }),
  });

  test.each<[string, FormBody, Answers, FieldError[]]>([
    ['62,5 % now, 80 % wanted', body('62,5', 'storre', '80'), { stilling_naa: 62.5, ansettelse: 'fast', onsket_endring: 'storre', onsket_stilling: 80 }, []],
    ['33,33 % (two decimals)', body('33,33', 'samme'), { stilling_naa: 33.33, ansettelse: 'fast', onsket_endring: 'samme' }, []],
    ['62.5 with a point', body('62.5', 'samme'), { stilling_naa: 62.5, ansettelse: 'fast', onsket_endring: 'samme' }, []],
    ['three decimals are too many', body('33,333', 'samme'), { ansettelse: 'fast', onsket_endring: 'samme' }, [err('stilling_naa', 'decimals', { decimals: 2 })]],
    [
      'larger at 100 %: the wish is the answer to change',
      body('100', 'storre', '100'),
      { stilling_naa: 100, ansettelse: 'fast', onsket_stilling: 100 },
      [err('onsket_endring', 'larger_at_full_time', { current: '100', desired: '100' })],
    ],
    [
      'larger but the same %',
      body('62,5', 'storre', '62,5'),
      { stilling_naa: 62.5, ansettelse: 'fast', onsket_endring: 'storre' },
      [err('onsket_stilling', 'desired_not_larger', { current: '62,5', desired: '62,5' })],
    ],
    ['larger but less', body('80', 'storre', '60'), { stilling_naa: 80, ansettelse: 'fast', onsket_endring: 'storre' }, [err('onsket_stilling', 'desired_not_larger', { current: '80', desired: '60' })]],
    ['smaller but more', body('60', 'mindre', '80'), { stilling_naa: 60, ansettelse: 'fast', onsket_endring: 'mindre' }, [err('onsket_stilling', 'desired_not_smaller', { current: '60', desired: '80' })]],
    ['smaller and less', body('80', 'mindre', '50'), { stilling_naa: 80, ansettelse: 'fast', onsket_endring: 'mindre', onsket_stilling: 50 }, []],
    ['larger, desired not given yet', body('80', 'storre'), { stilling_naa: 80, ansettelse: 'fast', onsket_endring: 'storre' }, []],
  ])('%s', (_name, posted, answers, errors) => {
    const result = parsePage(bundled, positionPage, posted);
    expect(result.answers).toEqual(answers);
    expect(result.errors).toEqual(errors);
  });
});
