import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { formatPath, loadSurveyDir, parseSurveyFiles, SurveyDefinitionError, type DefinitionProblem } from '../../src/survey/load.js';
import type { Survey } from '../../src/survey/model.js';

const surveysDir = fileURLToPath(new URL('../../surveys/', import.meta.url));

type SurveyText = { file: string; text: string };

// Broken definitions are deliberately outside the schema's types, so they are built as plain JSON.
type Json = any;

/** A small valid definition: items a (likert), b (single x/y), n (number 0-10). */
function definition(over: Json = {}): Json {
  return {
    id: 's',
    version: 1,
    title: 'T',
    scales: { five: { points: [{ value: 1, label: 'one' }, { value: 2, label: 'two' }] } },
    factors: [{ id: 'f', label: 'F' }],
    sections: [
      {
        id: 'sec',
        title: 'S',
        items: [
          { id: 'a', type: 'likert', scale: 'five', factor: 'f', text: 'A' },
          { id: 'b', type: 'single', text: 'B', options: [{ id: 'x', label: 'X' }, { id: 'y', label: 'Y' }] },
          { id: 'n', type: 'number', text: 'N', min: 0, max: 10 },
        ],
      },
    ],
    ...over,
  };
}

/** A module with one section holding one likert item on scale "five". */
function module(id: string, itemId: string, over: Json = {}): Json {
  return definition({
    id,
    factors: [],
    sections: [{ id: `${id}_sec`, title: id, items: [{ id: itemId, type: 'likert', scale: 'five', text: itemId }] }],
    ...over,
  });
}

const asFile = (file: string, def: Json): SurveyText => ({ file, text: JSON.stringify(def, null, 2) });

/** One file s.json made from the valid definition after `change`. */
function broken(change: (def: Json) => void): () => SurveyText[] {
  return () => {
    const def = definition();
    change(def);
    return [asFile('s.json', def)];
  };
}

function problemsOf(files: SurveyText[]): DefinitionProblem[] {
  try {
    parseSurveyFiles(files);
  } catch (err) {
    if (err instanceof SurveyDefinitionError) return err.problems;
    throw err;
  }
  throw new Error('expected a SurveyDefinitionError');
}

function text(dir: string, name: string): string {
  return fs.readFileSync(path.join(dir, name), 'utf8');
}

describe('bundled surveys', () => {
  const surveys = loadSurveyDir(surveysDir);
  const get = (id: string): Survey => {
    const s = surveys.get(id);
    if (!s) throw new Error(`survey ${id} did not load`);
    return s;
  };

  test('all four load, each under the id its file is named after', () => {
    expect([...surveys.keys()].sort()).toEqual(['hefa', 'kartlegging', 'raus', 'stillingsstorrelse']);
    for (const name of ['hefa', 'kartlegging', 'raus', 'stillingsstorrelse']) {
      expect((JSON.parse(text(surveysDir, `${name}.json`)) as { id: string }).id).toBe(name);
    }
  });

  test('each survey has items and item ids are unique', () => {
    for (const survey of surveys.values()) {
      const ids = survey.items.map((i) => i.id);
      expect(ids.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length);
      expect(survey.items).toEqual(survey.sections.flatMap((s) => s.items));
    }
  });

  test('kartlegging is hefa + raus + stillingsstorrelse + its own closing section, without drift', () => {
    // Each module parsed on its own, so the comparison is between independent objects.
    const alone = (name: string): Survey => {
      const s = parseSurveyFiles([{ file: `${name}.json`, text: text(surveysDir, `${name}.json`) }]).get(name);
      if (!s) throw new Error(name);
      return s;
    };
    const hefa = alone('hefa');
    const raus = alone('raus');
    const stilling = alone('stillingsstorrelse');
    const kartlegging = get('kartlegging');
    const own = kartlegging.sections.filter((s) => s.id === 'avslutning').flatMap((s) => s.items);

    expect(own.map((i) => i.id)).toEqual(['kommentar']);
    expect(kartlegging.items).toEqual([...hefa.items, ...raus.items, ...stilling.items, ...own]);
    expect(kartlegging.sections).toEqual([...hefa.sections, ...raus.sections, ...stilling.sections, ...kartlegging.sections.slice(-1)]);
    expect(kartlegging.items).toHaveLength(hefa.items.length + raus.items.length + stilling.items.length + 1);
    expect(kartlegging.factors).toEqual([...hefa.factors, ...raus.factors, ...stilling.factors]);
    expect(kartlegging.scales).toEqual({ ...hefa.scales, ...raus.scales, ...stilling.scales });
    expect(kartlegging.scales.enig5).toEqual(hefa.scales.enig5);
    expect(raus.scales.enig5).toEqual(hefa.scales.enig5);
  });

  test('parsing fills in schema defaults', () => {
    const kommentar = get('kartlegging').items.find((i) => i.id === 'kommentar');
    expect(kommentar).toMatchObject({ type: 'text', required: false, maxLength: 1000 });
    const trivsel = get('hefa').items.find((i) => i.id === 'hefa_trivsel_total');
    expect(trivsel).toMatchObject({ type: 'scale', min: 0, max: 10 });
  });
});

describe('formatPath', () => {
  test.each([
    { segments: [], expected: '$' },
    { segments: ['title'], expected: 'title' },
    { segments: ['sections', 2, 'items', 4, 'scale'], expected: 'sections[2].items[4].scale' },
    { segments: ['scales', 'enig5', 'points', 0, 'value'], expected: 'scales.enig5.points[0].value' },
    { segments: [0, 'id'], expected: '[0].id' },
  ])('$expected', ({ segments, expected }) => {
    expect(formatPath(segments)).toBe(expected);
  });
});

interface BrokenCase {
  name: string;
  files: () => SurveyText[];
  file: string;
  path: string;
  message: string;
  /** How many problems the files produce in all (default 1). */
  count?: number;
}

const brokenCases: BrokenCase[] = [
  {
    name: 'JSON syntax error (trailing comma)',
    files: () => [{ file: 's.json', text: '{\n  "id": "s",\n  "version": 1,\n}' }],
    file: 's.json',
    path: '(line 4, column 1)',
    message: 'invalid JSON',
  },
  {
    name: 'JSON syntax error (missing comma between items)',
    files: () => [{ file: 'list.json', text: '{\n  "sections": [\n    {} {}\n  ]\n}' }],
    file: 'list.json',
    path: '(line 3, column 8)',
    message: 'invalid JSON',
  },
  {
    name: 'missing title',
    files: broken((d) => delete d.title),
    file: 's.json',
    path: 'title',
    message: 'expected string',
  },
  {
    name: 'empty section title',
    files: broken((d) => (d.sections[0].title = '  ')),
    file: 's.json',
    path: 'sections[0].title',
    message: 'must not be empty',
  },
  {
    name: 'version below 1',
    files: broken((d) => (d.version = 0)),
    file: 's.json',
    path: 'version',
    message: '>=1',
  },
  {
    name: 'id not lower-case',
    files: broken((d) => (d.sections[0].items[1].id = 'Bad-Id')),
    file: 's.json',
    path: 'sections[0].items[1].id',
    message: 'must start with a lower-case letter',
  },
  {
    name: 'unknown item type',
    files: broken((d) => (d.sections[0].items[0].type = 'slider')),
    file: 's.json',
    path: 'sections[0].items[0].type',
    message: "'likert' | 'scale' | 'single' | 'multi' | 'number' | 'text' | 'nowDesired'",
  },
  {
    name: 'unknown key on an item',
    files: broken((d) => (d.sections[0].items[1].colour = 'red')),
    file: 's.json',
    path: 'sections[0].items[1]',
    message: 'unknown key "colour"',
  },
  {
    name: 'unknown key at the top level',
    files: broken((d) => (d.titel = 'typo')),
    file: 's.json',
    path: '$',
    message: 'unknown key "titel"',
  },
  {
    name: 'section without items',
    files: broken((d) => (d.sections[0].items = [])),
    file: 's.json',
    path: 'sections[0].items',
    message: 'a section needs at least one item',
  },
  {
    name: 'choice with one option',
    files: broken((d) => d.sections[0].items[1].options.pop()),
    file: 's.json',
    path: 'sections[0].items[1].options',
    message: 'at least 2 options',
  },
  {
    name: 'condition with two operators',
    files: broken((d) => (d.sections[0].items[2].showIf = { item: 'a', equals: 1, lt: 2 })),
    file: 's.json',
    path: 'sections[0].items[2].showIf',
    message: 'needs exactly one of',
  },
  {
    name: 'duplicate item id',
    files: broken((d) => (d.sections[0].items[2].id = 'a')),
    file: 's.json',
    path: 'sections[0].items[2].id',
    message: 'duplicate item id "a"',
  },
  {
    name: 'duplicate item id across included modules',
    files: () => [
      asFile('m1.json', module('m1', 'q')),
      asFile('m2.json', module('m2', 'q')),
      asFile('c.json', { id: 'c', version: 1, title: 'C', sections: [{ include: 'm1' }, { include: 'm2' }] }),
    ],
    file: 'm2.json',
    path: 'sections[0].items[0].id',
    message: 'duplicate item id "q"',
  },
  {
    name: 'duplicate section id',
    files: broken((d) => d.sections.push({ id: 'sec', title: 'Again', items: [{ id: 't', type: 'text', text: 'T' }] })),
    file: 's.json',
    path: 'sections[1].id',
    message: 'duplicate section id "sec"',
  },
  {
    name: 'duplicate option id',
    files: broken((d) => (d.sections[0].items[1].options[1].id = 'x')),
    file: 's.json',
    path: 'sections[0].items[1].options',
    message: 'duplicate option id "x"',
  },
  {
    name: 'maxChoices above the number of options',
    files: broken((d) =>
      d.sections[0].items.push({ id: 'm', type: 'multi', text: 'M', maxChoices: 3, options: [{ id: 'x', label: 'X' }, { id: 'y', label: 'Y' }] }),
    ),
    file: 's.json',
    path: 'sections[0].items[3].maxChoices',
    message: 'maxChoices 3 exceeds the 2 options',
  },
  {
    name: 'unknown factor',
    files: broken((d) => (d.sections[0].items[0].factor = 'g')),
    file: 's.json',
    path: 'sections[0].items[0].factor',
    message: 'unknown factor "g" (known: f)',
  },
  {
    name: 'unknown scale',
    files: broken((d) => (d.sections[0].items[0].scale = 'seven')),
    file: 's.json',
    path: 'sections[0].items[0].scale',
    message: 'unknown scale "seven" (known: five)',
  },
  {
    name: 'unknown scale on a nowDesired item',
    files: broken((d) => d.sections[0].items.push({ id: 'nd', type: 'nowDesired', scale: 'seven', text: 'ND' })),
    file: 's.json',
    path: 'sections[0].items[3].scale',
    message: 'unknown scale "seven"',
  },
  {
    name: 'showIf refers to an unknown item',
    files: broken((d) => (d.sections[0].items[2].showIf = { item: 'zz', answered: true })),
    file: 's.json',
    path: 'sections[0].items[2].showIf',
    message: 'unknown item "zz"',
  },
  {
    name: 'showIf refers to a later item',
    files: broken((d) => (d.sections[0].items[0].showIf = { item: 'b', equals: 'x' })),
    file: 's.json',
    path: 'sections[0].items[0].showIf',
    message: '"b", which comes later',
  },
  {
    name: 'showIf refers to the item itself',
    files: broken((d) => (d.sections[0].items[1].showIf = { item: 'b', equals: 'x' })),
    file: 's.json',
    path: 'sections[0].items[1].showIf',
    message: 'refers to the item itself ("b")',
  },
  {
    name: 'showIf compares a choice with a value that is not an option',
    files: broken((d) => (d.sections[0].items[2].showIf = { item: 'b', equals: 'z' })),
    file: 's.json',
    path: 'sections[0].items[2].showIf',
    message: '"z" is not an option of "b" (options: x, y)',
  },
  {
    name: 'showIf "in" with a non-option, nested in all/not',
    files: broken((d) => (d.sections[0].items[2].showIf = { all: [{ item: 'a', gte: 1 }, { not: { item: 'b', in: ['x', 'q'] } }] })),
    file: 's.json',
    path: 'sections[0].items[2].showIf',
    message: '"q" is not an option of "b"',
  },
  {
    name: 'showIf uses a numeric operator on a choice',
    files: broken((d) => (d.sections[0].items[2].showIf = { item: 'b', lt: 3 })),
    file: 's.json',
    path: 'sections[0].items[2].showIf',
    message: '"b" is a choice; compare it with equals, notEquals or in',
  },
  {
    name: 'showIf compares a numeric item with a string',
    files: broken((d) => (d.sections[0].items[2].showIf = { item: 'a', equals: '1' })),
    file: 's.json',
    path: 'sections[0].items[2].showIf',
    message: 'compare with a number, not "1"',
  },
  {
    name: 'showIf compares a text item with a value',
    files: broken((d) => {
      d.sections[0].items.splice(2, 0, { id: 't', type: 'text', text: 'T' });
      d.sections[0].items[3].showIf = { item: 't', equals: 'hei' };
    }),
    file: 's.json',
    path: 'sections[0].items[3].showIf',
    message: 'only "answered" can be used',
  },
  {
    name: 'number with min equal to max',
    files: broken((d) => (d.sections[0].items[2].min = 10)),
    file: 's.json',
    path: 'sections[0].items[2].max',
    message: 'max (10) must be greater than min (10)',
  },
  {
    name: 'number with min above max',
    files: broken((d) => (d.sections[0].items[2].min = 11)),
    file: 's.json',
    path: 'sections[0].items[2].max',
    message: 'max (10) must be greater than min (11)',
  },
  {
    name: 'scale item with min equal to max',
    files: broken((d) => d.sections[0].items.push({ id: 'sc', type: 'scale', text: 'S', min: 5, max: 5, minLabel: 'lo', maxLabel: 'hi' })),
    file: 's.json',
    path: 'sections[0].items[3].max',
    message: 'max (5) must be greater than min (5)',
  },
  {
    name: 'include of an unknown survey',
    files: broken((d) => d.sections.push({ include: 'nope' })),
    file: 's.json',
    path: 'sections[1].include',
    message: 'unknown survey "nope" (known: s)',
  },
  {
    name: 'include of itself',
    files: broken((d) => d.sections.push({ include: 's' })),
    file: 's.json',
    path: 'sections[1].include',
    message: 'makes a cycle (s -> s)',
  },
  {
    name: 'include cycle between two files',
    files: () => [asFile('a.json', module('a', 'qa', { sections: [{ id: 'sa', title: 'A', items: [{ id: 'qa', type: 'text', text: 'A' }] }, { include: 'b' }] })), asFile('b.json', module('b', 'qb', { sections: [{ include: 'a' }] }))],
    file: 'a.json',
    path: 'sections[1].include',
    message: 'makes a cycle (b -> a -> b)',
    // Resolving a and resolving b each meet the cycle.
    count: 2,
  },
  {
    name: 'two files with the same survey id',
    files: () => [asFile('a.json', definition()), asFile('b.json', definition())],
    file: 'b.json',
    path: 'id',
    message: 'survey id "s" is also used by a.json',
  },
  {
    name: 'scales with the same id differ across included modules',
    files: () => {
      const m2 = module('m2', 'q2');
      m2.scales.five.points[1].label = 'TWO';
      return [
        asFile('m1.json', module('m1', 'q1')),
        asFile('m2.json', m2),
        asFile('c.json', { id: 'c', version: 1, title: 'C', sections: [{ include: 'm1' }, { include: 'm2' }] }),
      ];
    },
    file: 'm2.json',
    path: 'scales.five',
    message: 'scale "five" differs from the one in m1.json',
  },
  {
    name: 'factor defined in two included modules',
    files: () => [
      asFile('m1.json', module('m1', 'q1', { factors: [{ id: 'f', label: 'F' }] })),
      asFile('m2.json', module('m2', 'q2', { factors: [{ id: 'f', label: 'F' }] })),
      asFile('c.json', { id: 'c', version: 1, title: 'C', sections: [{ include: 'm1' }, { include: 'm2' }] }),
    ],
    file: 'm2.json',
    path: 'factors[0].id',
    message: 'factor "f" is already defined in m1.json',
  },
  {
    name: 'favourable value not on the scale',
    files: broken((d) => (d.scales.five.favourable = [2, 3])),
    file: 's.json',
    path: 'scales.five.favourable',
    message: '3 is not a point on the scale',
  },
  {
    name: 'scale point values repeated',
    files: broken((d) => (d.scales.five.points[1].value = 1)),
    file: 's.json',
    path: 'scales.five',
    message: 'scale point values must be unique',
  },
  {
    name: '"vet ikke" asked for on a scale without a dontKnowLabel',
    files: broken((d) => (d.sections[0].items[0].dontKnow = true)),
    file: 's.json',
    path: 'sections[0].items[0].dontKnow',
    message: 'has no dontKnowLabel',
  },
  {
    name: 'showIf compares a likert item with "dk" where "vet ikke" is not offered',
    files: broken((d) => (d.sections[0].items[2].showIf = { item: 'a', equals: 'dk' })),
    file: 's.json',
    path: 'sections[0].items[2].showIf',
    message: 'compare with a number, not "dk"',
  },
  {
    name: 'include of a module that is itself broken names the module, once',
    files: () => [asFile('m.json', { ...module('m', 'q1'), title: '' }), asFile('c.json', definition({ id: 'c', sections: [{ include: 'm' }] }))],
    file: 'c.json',
    path: 'sections[0].include',
    message: '"m" has errors of its own',
    count: 2,
  },
];

describe('conditions on "vet ikke"', () => {
  test('a likert item that offers "vet ikke" can be compared with "dk"', () => {
    const def = definition();
    def.scales.five.dontKnowLabel = 'Vet ikke';
    def.sections[0].items[2].showIf = { item: 'a', notEquals: 'dk' };
    expect(parseSurveyFiles([asFile('s.json', def)]).get('s')?.items).toHaveLength(3);
  });
});

describe('broken definitions', () => {
  test('the valid base definition loads', () => {
    const surveys = parseSurveyFiles([asFile('s.json', definition())]);
    expect(surveys.get('s')?.items.map((i) => i.id)).toEqual(['a', 'b', 'n']);
    const modules = parseSurveyFiles([asFile('m1.json', module('m1', 'q1')), asFile('m2.json', module('m2', 'q2')), asFile('c.json', { id: 'c', version: 1, title: 'C', sections: [{ include: 'm1' }, { include: 'm2' }] })]);
    expect(modules.get('c')?.items.map((i) => i.id)).toEqual(['q1', 'q2']);
  });

  test.each(brokenCases)('$name', ({ files, file, path: at, message, count }) => {
    const problems = problemsOf(files());
    expect(problems).toContainEqual({ file, path: at, message: expect.stringContaining(message) });
    expect(problems).toHaveLength(count ?? 1);
  });

  // Node 20's JSON.parse says "Unexpected token ..." without a position for the most common
  // syntax errors (a missing value, an unquoted word); the author must still be told where.
  test.each([
    { name: 'missing value', text: '{\n  "id": "s",\n  "title": \n}' },
    { name: 'unquoted word', text: '{\n  "id": tru\n}' },
  ])('JSON syntax error with an unexpected token gives line and column ($name)', ({ text: json }) => {
    const problems = problemsOf([{ file: 's.json', text: json }]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('invalid JSON');
    expect(problems[0]?.path).toMatch(/^\(line \d+, column \d+\)$/);
  });

  test('several problems in several files are all reported at once', () => {
    const noTitle = definition({ id: 'one' });
    delete noTitle.title;
    const badType = definition({ id: 'two' });
    badType.sections[0].items[0].type = 'slider';
    const badRefs = definition({ id: 'three' });
    badRefs.sections[0].items[0].scale = 'seven';
    badRefs.sections[0].items[1].factor = 'g';
    badRefs.sections[0].items[2].showIf = { item: 'b', equals: 'z' };

    let error: unknown;
    try {
      parseSurveyFiles([asFile('one.json', noTitle), asFile('two.json', badType), asFile('three.json', badRefs), asFile('ok.json', definition({ id: 'ok' }))]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SurveyDefinitionError);
    const { problems, message } = error as SurveyDefinitionError;
    expect(problems.map((p) => `${p.file} ${p.path}`)).toEqual([
      'one.json title',
      'two.json sections[0].items[0].type',
      'three.json sections[0].items[0].scale',
      'three.json sections[0].items[1].factor',
      'three.json sections[0].items[2].showIf',
    ]);
    expect(message.split('\n')).toEqual(['Invalid survey definitions:', ...problems.map((p) => `  ${p.file}: ${p.path}: ${p.message}`)]);
  });

  test('one problem gives a singular heading', () => {
    const error = (() => {
      try {
        parseSurveyFiles([asFile('s.json', definition({ version: 0 }))]);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SurveyDefinitionError);
    expect((error as Error).message).toMatch(/^Invalid survey definition:\n {2}s\.json: version: /);
  });
});

describe('loadSurveyDir', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  const dirProblems = (dir: string): DefinitionProblem[] => {
    try {
      loadSurveyDir(dir);
    } catch (err) {
      if (err instanceof SurveyDefinitionError) return err.problems;
      throw err;
    }
    throw new Error('expected a SurveyDefinitionError');
  };

  test('an empty folder is reported', () => {
    const dir = tempDir();
    expect(dirProblems(dir)).toEqual([{ file: dir, path: '$', message: 'no survey definitions (*.json) found' }]);
  });

  test('a folder with only schema.json and other files is reported as empty', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'schema.json'), '{}');
    fs.writeFileSync(path.join(dir, 'README.md'), '# surveys');
    expect(dirProblems(dir)).toEqual([{ file: dir, path: '$', message: 'no survey definitions (*.json) found' }]);
  });

  test('a missing folder is reported', () => {
    const dir = path.join(tempDir(), 'missing');
    const problems = dirProblems(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toEqual({ file: dir, path: '$', message: expect.stringContaining('cannot read the surveys folder') });
  });

  test('loads the *.json files of a folder, skipping schema.json, and names problems by full path', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'schema.json'), 'not JSON at all');
    fs.writeFileSync(path.join(dir, 'good.json'), JSON.stringify(definition({ id: 'good' })));
    expect([...loadSurveyDir(dir).keys()]).toEqual(['good']);

    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(definition({ id: 'bad', version: 0 })));
    expect(dirProblems(dir)).toEqual([{ file: path.join(dir, 'bad.json'), path: 'version', message: expect.stringContaining('>=1') }]);
  });
});
