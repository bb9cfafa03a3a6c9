import { describe, expect, test } from 'vitest';
import { conditionItemIds, evaluate, freezeAnswers, pruneHidden, pruneHiddenFrozen, visibleItemIds } from '../../src/survey/conditions.js';
import { parseSurveyFiles } from '../../src/survey/load.js';
import type { Answers, Survey } from '../../src/survey/model.js';
import type { Condition } from '../../src/survey/schema.js';

const answers: Answers = {
  num: 5,
  zero: 0,
  choice: 'x',
  multi: ['x', 'y'],
  noneChosen: [],
  text: 'hei',
  blank: '',
  dk: 'dk',
  nd: { now: 3 },
  ndEmpty: {},
};

const T = { item: 'num', equals: 5 } satisfies Condition;
const F = { item: 'num', equals: 4 } satisfies Condition;

describe('evaluate', () => {
  test.each<[string, Condition, boolean]>([
    ['equals number, same', { item: 'num', equals: 5 }, true],
    ['equals number, different', { item: 'num', equals: 4 }, false],
    ['equals number given as string', { item: 'num', equals: '5' }, false],
    ['equals 0', { item: 'zero', equals: 0 }, true],
    ['equals choice, same', { item: 'choice', equals: 'x' }, true],
    ['equals choice, different', { item: 'choice', equals: 'y' }, false],
    ['equals on multi, chosen option', { item: 'multi', equals: 'y' }, true],
    ['equals on multi, option not chosen', { item: 'multi', equals: 'z' }, false],
    ['equals on multi with nothing chosen', { item: 'noneChosen', equals: 'x' }, false],
    ['equals dk', { item: 'dk', equals: 'dk' }, true],
    ['equals on unanswered', { item: 'missing', equals: 'x' }, false],
    ['notEquals number, different', { item: 'num', notEquals: 4 }, true],
    ['notEquals number, same', { item: 'num', notEquals: 5 }, false],
    ['notEquals choice, same', { item: 'choice', notEquals: 'x' }, false],
    ['notEquals on multi, chosen option', { item: 'multi', notEquals: 'x' }, false],
    ['notEquals on multi, option not chosen', { item: 'multi', notEquals: 'z' }, true],
    ['notEquals on unanswered', { item: 'missing', notEquals: 'x' }, true],
    ['in, choice listed', { item: 'choice', in: ['y', 'x'] }, true],
    ['in, choice not listed', { item: 'choice', in: ['y', 'z'] }, false],
    ['in, number listed', { item: 'num', in: [4, 5] }, true],
    ['in, number not listed', { item: 'num', in: [4, 6] }, false],
    ['in on multi, one chosen option listed', { item: 'multi', in: ['z', 'y'] }, true],
    ['in on multi, no chosen option listed', { item: 'multi', in: ['z', 'w'] }, false],
    ['in on unanswered', { item: 'missing', in: ['x'] }, false],
    ['lt, below', { item: 'num', lt: 6 }, true],
    ['lt, equal', { item: 'num', lt: 5 }, false],
    ['lte, equal', { item: 'num', lte: 5 }, true],
    ['lte, above', { item: 'num', lte: 4 }, false],
    ['gt, above', { item: 'num', gt: 4 }, true],
    ['gt, equal', { item: 'num', gt: 5 }, false],
    ['gte, equal', { item: 'num', gte: 5 }, true],
    ['gte, below', { item: 'num', gte: 6 }, false],
    ['gt on 0', { item: 'zero', gt: -1 }, true],
    ['lt on unanswered', { item: 'missing', lt: 100 }, false],
    ['gte on unanswered', { item: 'missing', gte: 0 }, false],
    ['lt on dk', { item: 'dk', lt: 100 }, false],
    ['gt on a choice', { item: 'choice', gt: 0 }, false],
    ['answered true, number', { item: 'num', answered: true }, true],
    ['answered true, 0', { item: 'zero', answered: true }, true],
    ['answered true, dk', { item: 'dk', answered: true }, true],
    ['answered true, multi', { item: 'multi', answered: true }, true],
    ['answered true, nowDesired with one part', { item: 'nd', answered: true }, true],
    ['answered true, unanswered', { item: 'missing', answered: true }, false],
    ['answered true, empty text', { item: 'blank', answered: true }, false],
    ['answered true, empty multi', { item: 'noneChosen', answered: true }, false],
    ['answered true, empty nowDesired', { item: 'ndEmpty', answered: true }, false],
    ['answered false, unanswered', { item: 'missing', answered: false }, true],
    ['answered false, answered', { item: 'text', answered: false }, false],
    ['all, every part holds', { all: [T, { item: 'choice', equals: 'x' }] }, true],
    ['all, one part fails', { all: [T, F] }, false],
    ['any, one part holds', { any: [F, T] }, true],
    ['any, no part holds', { any: [F, { item: 'missing', answered: true }] }, false],
    ['not, of true', { not: T }, false],
    ['not, of false', { not: F }, true],
    ['not, of a condition on an unanswered item', { not: { item: 'missing', equals: 'x' } }, true],
    ['nested all/any/not', { all: [{ any: [F, { item: 'multi', in: ['y'] }] }, { not: { item: 'num', gt: 5 } }] }, true],
    ['nested all/any/not, failing', { all: [{ any: [F, { item: 'multi', in: ['w'] }] }, { not: { item: 'num', gt: 5 } }] }, false],
  ])('%s', (_name, condition, expected) => {
    expect(evaluate(condition, answers)).toBe(expected);
  });
});

describe('conditionItemIds', () => {
  test.each<[Condition, string[]]>([
    [{ item: 'a', answered: true }, ['a']],
    [{ all: [{ item: 'a', equals: 1 }, { any: [{ item: 'b', lt: 2 }, { not: { item: 'c', equals: 'x' } }] }] }, ['a', 'b', 'c']],
  ])('%j', (condition, expected) => {
    expect(conditionItemIds(condition)).toEqual(expected);
  });
});

function surveyFrom(def: object): Survey {
  const survey = parseSurveyFiles([{ file: 'test.json', text: JSON.stringify(def) }]).get('chain');
  if (!survey) throw new Error('test survey did not load');
  return survey;
}

const yesNo = [
  { id: 'ja', label: 'Ja' },
  { id: 'nei', label: 'Nei' },
];

// a -> b -> c: b is shown when a is "ja", c when b is "ja"; d asks only when b is not answered.
const chain = surveyFrom({
  id: 'chain',
  version: 1,
  title: 'Chain',
  sections: [
    {
      id: 'one',
      title: 'One',
      items: [
        { id: 'a', type: 'single', text: 'A', options: yesNo },
        { id: 'b', type: 'single', text: 'B', options: yesNo, showIf: { item: 'a', equals: 'ja' } },
        { id: 'c', type: 'text', text: 'C', showIf: { item: 'b', equals: 'ja' } },
        { id: 'd', type: 'text', text: 'D', showIf: { item: 'b', answered: false } },
        { id: 'e', type: 'number', text: 'E', min: 0, max: 100 },
      ],
    },
  ],
});

describe('visibleItemIds and pruneHidden', () => {
  test.each<[string, Answers, string[], Answers]>([
    ['nothing answered', {}, ['a', 'd', 'e'], {}],
    ['a = ja shows b', { a: 'ja' }, ['a', 'b', 'd', 'e'], { a: 'ja' }],
    ['a = ja, b = ja shows c', { a: 'ja', b: 'ja', c: 'mer' }, ['a', 'b', 'c', 'e'], { a: 'ja', b: 'ja', c: 'mer' }],
    ['a = ja, b = nei hides c', { a: 'ja', b: 'nei', c: 'mer' }, ['a', 'b', 'e'], { a: 'ja', b: 'nei' }],
    // b is hidden, so its stored "ja" must neither show c nor hide d.
    ['a = nei hides b, and the hidden b = ja does not show c', { a: 'nei', b: 'ja', c: 'mer', d: 'tekst', e: 7 }, ['a', 'd', 'e'], { a: 'nei', d: 'tekst', e: 7 }],
    ['a unanswered hides b and so c', { b: 'ja', c: 'mer' }, ['a', 'd', 'e'], {}],
  ])('%s', (_name, given, visible, kept) => {
    expect([...visibleItemIds(chain, given)]).toEqual(visible);
    expect(pruneHidden(chain, given)).toEqual(kept);
  });

  test('pruneHidden drops answers to items the survey does not have', () => {
    expect(pruneHidden(chain, { a: 'nei', ghost: 'boo' })).toEqual({ a: 'nei' });
  });
});

describe('visibleItemIds remembered for frozen answers', () => {
  test('answers that can still change are walked again on every call', () => {
    const given: Answers = { a: 'nei' };
    expect([...visibleItemIds(chain, given)]).toEqual(['a', 'd', 'e']);
    given.a = 'ja';
    expect([...visibleItemIds(chain, given)]).toEqual(['a', 'b', 'd', 'e']);
  });

  test('frozen answers give the same result as unfrozen ones, from one walk per survey', () => {
    for (const given of [{}, { a: 'ja' }, { a: 'ja', b: 'ja', c: 'mer' }, { a: 'nei', b: 'ja', c: 'mer', d: 'tekst', e: 7 }] as Answers[]) {
      const expected = [...visibleItemIds(chain, given)];
      const frozen = freezeAnswers({ ...given });
      const first = visibleItemIds(chain, frozen);
      expect([...first]).toEqual(expected);
      expect(visibleItemIds(chain, frozen)).toBe(first);
      // Another survey object (another language's copy) is not given the first one's result.
      const other = { ...chain, items: chain.items.map((i) => (i.id === 'e' ? { ...i, showIf: { item: 'a', equals: 'nei' } } : i)) } as Survey;
      expect(visibleItemIds(other, frozen)).not.toBe(first);
      expect([...visibleItemIds(other, frozen)]).toEqual(expected.filter((id) => id !== 'e' || frozen.a === 'nei'));
    }
  });

  test('pruneHiddenFrozen keeps what pruneHidden keeps, frozen, with the visibility of the answers it was given', () => {
    for (const given of [{}, { a: 'ja', b: 'nei', c: 'mer' }, { a: 'nei', b: 'ja', c: 'mer', d: 'tekst', e: 7 }, { b: 'ja', c: 'mer' }] as Answers[]) {
      const kept = pruneHiddenFrozen(chain, given);
      expect(kept).toEqual(pruneHidden(chain, given));
      expect(Object.isFrozen(kept)).toBe(true);
      expect(visibleItemIds(chain, kept)).toBe(visibleItemIds(chain, kept));
      expect([...visibleItemIds(chain, kept)]).toEqual([...visibleItemIds(chain, { ...kept })]);
      expect([...visibleItemIds(chain, kept)]).toEqual([...visibleItemIds(chain, given)]);
    }
  });

  test('freezeAnswers freezes the values too, so a remembered result cannot go stale', () => {
    const frozen = freezeAnswers({ m: ['x'], nd: { now: 1 }, n: 3 });
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(Object.isFrozen(frozen.m)).toBe(true);
    expect(Object.isFrozen(frozen.nd)).toBe(true);
  });
});
