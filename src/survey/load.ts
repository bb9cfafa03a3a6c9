// Loading survey definitions: JSON syntax, schema and cross-reference checks, include expansion.
// Every problem names the file, the JSON path and what is wrong, and all are reported at once.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';
import { conditionItemIds } from './conditions.js';
import { DONT_KNOW, offersDontKnow, type Survey } from './model.js';
import { SurveyFile, type Condition, type Factor, type Item, type Scale, type Section } from './schema.js';
import { textSlots } from './texts.js';

export interface DefinitionProblem {
  file: string;
  path: string;
  message: string;
}

/** SurveyDefinitionError carries every problem found; its message lists them one per line. */
export class SurveyDefinitionError extends Error {
  constructor(readonly problems: DefinitionProblem[]) {
    super(
      `Invalid survey definition${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  ${p.file}: ${p.path}: ${p.message}`).join('\n'),
    );
    this.name = 'SurveyDefinitionError';
  }
}

/** formatPath renders a zod path as `sections[2].items[4].scale`; the root is `$`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? String(s) : `.${String(s)}`;
  }
  return out === '' ? '$' : out;
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

type Issue = z.core.$ZodIssue;

// A union reports every branch; the branch with the fewest issues is what the author meant.
function flattenIssues(issues: readonly Issue[], prefix: readonly PropertyKey[] = []): { path: PropertyKey[]; message: string }[] {
  const out: { path: PropertyKey[]; message: string }[] = [];
  for (const issue of issues) {
    const at = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // On a tie, a branch that got past the value's type (a text map with a bad tag) beats "expected string".
      const typeOnly = (e: readonly Issue[]): number => (e.length === 1 && e[0]?.code === 'invalid_type' && e[0].path.length === 0 ? 1 : 0);
      const best = [...issue.errors].sort((a, b) => a.length - b.length || typeOnly(a) - typeOnly(b))[0] ?? [];
      out.push(...flattenIssues(best, at));
    } else if (issue.code === 'unrecognized_keys') {
      out.push({ path: at, message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` });
    } else {
      out.push({ path: at, message: issue.message });
    }
  }
  return out;
}

// A parsed file whose texts are bokmål strings; the other languages are in `translations`.
interface Parsed {
  file: string;
  def: Plain;
  languages: string[];
  translations: Record<string, Record<string, string>>;
}

type Plain = Omit<SurveyFile, 'title' | 'description' | 'scales' | 'factors' | 'sections'> & {
  title: string;
  description?: string;
  scales: Record<string, Scale>;
  factors: Factor[];
  sections: (Section | { include: string })[];
};

/** splitLanguages checks that every text is given in each declared language and no other, then
 *  leaves bokmål in place and returns the rest by language and slot key. */
function splitLanguages(file: string, def: SurveyFile, problems: DefinitionProblem[]): Parsed {
  const languages = def.languages ?? ['nb'];
  const others = languages.filter((l) => l !== 'nb');
  const translations: Record<string, Record<string, string>> = Object.fromEntries(others.map((l) => [l, {}]));
  for (const slot of textSlots(def)) {
    const value = slot.get() as string | Record<string, string>;
    const map = typeof value === 'string' ? { nb: value } : value;
    for (const lang of others) {
      const text = map[lang];
      if (text === undefined) problems.push({ file, path: slot.path, message: `missing the "${lang}" text (the definition declares ${languages.join(', ')})` });
      else (translations[lang] as Record<string, string>)[slot.key] = text.trim();
    }
    for (const lang of Object.keys(map)) {
      if (!languages.includes(lang)) problems.push({ file, path: `${slot.path}.${lang}`, message: `"${lang}" is not among the languages the definition declares (${languages.join(', ')}); add it to "languages" or remove the text` });
    }
    if (map.nb !== undefined) slot.set(map.nb.trim());
  }
  return { file, def: def as unknown as Plain, languages, translations };
}

interface Origin {
  file: string;
  path: string;
}

const sourceFiles = new WeakMap<Survey, string>();

/** sourceFileOf returns the file a survey loaded by parseSurveyFiles came from, or undefined. */
export function sourceFileOf(survey: Survey): string | undefined {
  return sourceFiles.get(survey);
}

/** parseSurveyFiles validates and resolves definitions given as (file name, JSON text) pairs. */
export function parseSurveyFiles(files: { file: string; text: string }[]): Map<string, Survey> {
  const problems: DefinitionProblem[] = [];
  const parsed: Parsed[] = [];
  const failedIds = new Set<string>();
  for (const { file, text } of files) {
    // jsonc-parser (strict settings) locates every syntax error; JSON.parse often gives no position.
    const syntax: ParseError[] = [];
    const json: unknown = parseJsonc(text, syntax, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = syntax[0];
    if (first) {
      // Later syntax errors are mostly echoes of the first.
      problems.push({ file, path: `(${lineColumn(text, first.offset)})`, message: `invalid JSON: ${printParseErrorCode(first.error)}` });
      continue;
    }
    const result = SurveyFile.safeParse(json);
    if (!result.success) {
      const id = (json as { id?: unknown } | null)?.id;
      if (typeof id === 'string') failedIds.add(id);
      for (const i of flattenIssues(result.error.issues)) problems.push({ file, path: formatPath(i.path), message: i.message });
      continue;
    }
    const before = problems.length;
    const split = splitLanguages(file, result.data, problems);
    if (problems.length > before) failedIds.add(result.data.id);
    else parsed.push(split);
  }

  const byId = new Map<string, Parsed>();
  for (const p of parsed) {
    const other = byId.get(p.def.id);
    if (other) problems.push({ file: p.file, path: 'id', message: `survey id "${p.def.id}" is also used by ${other.file}` });
    else byId.set(p.def.id, p);
  }

  const surveys = new Map<string, Survey>();
  for (const p of byId.values()) {
    const before = problems.length;
    const survey = resolve(p, byId, failedIds, problems);
    if (problems.length === before) {
      surveys.set(survey.id, survey);
      sourceFiles.set(survey, p.file);
    }
  }
  // A module's own problems are found again through every survey that includes it.
  const unique = [...new Map(problems.map((p) => [`${p.file}\u0000${p.path}\u0000${p.message}`, p])).values()];
  if (unique.length > 0) throw new SurveyDefinitionError(unique);
  return surveys;
}

function resolve(root: Parsed, byId: Map<string, Parsed>, failedIds: Set<string>, problems: DefinitionProblem[]): Survey {
  const scales: Record<string, Scale> = {};
  const scaleOrigin = new Map<string, Origin>();
  const factors: Factor[] = [];
  const factorOrigin = new Map<string, Origin>();
  const sections: Section[] = [];
  const origins = new Map<object, Origin>();
  const languages = root.languages;
  const translations: Record<string, Record<string, string>> = Object.fromEntries(languages.filter((l) => l !== 'nb').map((l) => [l, {}]));
  const translationOrigin = new Map<string, string>();

  // A combined survey offers its own languages, so every part must have them; a shared scale must
  // read the same in each of them wherever it is defined.
  const mergeTranslations = (p: Parsed, includedAt: string | undefined, parent: Parsed): void => {
    for (const lang of languages) {
      if (lang === 'nb') continue;
      const own = p.translations[lang];
      if (!own) {
        if (includedAt) problems.push({ file: parent.file, path: includedAt, message: `"${p.def.id}" (${p.file}) has no "${lang}" texts, but this survey declares ${languages.join(', ')}` });
        continue;
      }
      const into = translations[lang] as Record<string, string>;
      for (const [key, text] of Object.entries(own)) {
        if (includedAt && key.startsWith('survey.')) continue;
        const known = into[key];
        if (known === undefined) {
          into[key] = text;
          translationOrigin.set(`${lang}\u0000${key}`, p.file);
        } else if (known !== text) {
          problems.push({ file: p.file, path: key, message: `the "${lang}" text differs from the one in ${translationOrigin.get(`${lang}\u0000${key}`) ?? '?'}; a combined survey needs identical scales` });
        }
      }
    }
  };

  const expand = (p: Parsed, chain: string[], includedAt?: string, parent?: Parsed): void => {
    mergeTranslations(p, includedAt, parent ?? p);
    for (const [id, scale] of Object.entries(p.def.scales)) {
      const known = scales[id];
      if (known === undefined) {
        scales[id] = scale;
        scaleOrigin.set(id, { file: p.file, path: `scales.${id}` });
      } else if (JSON.stringify(known) !== JSON.stringify(scale)) {
        const o = scaleOrigin.get(id);
        problems.push({ file: p.file, path: `scales.${id}`, message: `scale "${id}" differs from the one in ${o?.file}; a combined survey needs identical scales` });
      }
    }
    p.def.factors.forEach((factor, i) => {
      const o = factorOrigin.get(factor.id);
      if (o) problems.push({ file: p.file, path: `factors[${i}].id`, message: `factor "${factor.id}" is already defined in ${o.file}` });
      else {
        factors.push(factor);
        factorOrigin.set(factor.id, { file: p.file, path: `factors[${i}]` });
      }
    });
    p.def.sections.forEach((entry, i) => {
      if ('include' in entry) {
        const target = byId.get(entry.include);
        if (!target && failedIds.has(entry.include)) problems.push({ file: p.file, path: `sections[${i}].include`, message: `"${entry.include}" has errors of its own (listed with its file)` });
        else if (!target) problems.push({ file: p.file, path: `sections[${i}].include`, message: `unknown survey "${entry.include}" (known: ${[...byId.keys()].join(', ')})` });
        else if (chain.includes(entry.include)) problems.push({ file: p.file, path: `sections[${i}].include`, message: `including "${entry.include}" makes a cycle (${[...chain, entry.include].join(' -> ')})` });
        else expand(target, [...chain, entry.include], `sections[${i}].include`, p);
        return;
      }
      sections.push(entry);
      origins.set(entry, { file: p.file, path: `sections[${i}]` });
      entry.items.forEach((item, j) => origins.set(item, { file: p.file, path: `sections[${i}].items[${j}]` }));
    });
  };
  expand(root, [root.def.id]);

  const survey: Survey = {
    id: root.def.id,
    version: root.def.version,
    title: root.def.title,
    description: root.def.description,
    estimatedMinutes: root.def.estimatedMinutes,
    scales,
    factors,
    sections,
    items: sections.flatMap((s) => s.items),
    languages,
    translations,
  };
  checkReferences(survey, origins, scaleOrigin, problems);
  return survey;
}

function checkReferences(survey: Survey, origins: Map<object, Origin>, scaleOrigin: Map<string, Origin>, problems: DefinitionProblem[]): void {
  const at = (node: object, sub: string, message: string): void => {
    const o = origins.get(node) ?? { file: '?', path: '$' };
    problems.push({ file: o.file, path: sub ? `${o.path}.${sub}` : o.path, message });
  };

  for (const [id, scale] of Object.entries(survey.scales)) {
    const o = scaleOrigin.get(id) ?? { file: '?', path: `scales.${id}` };
    const values = scale.points.map((pt) => pt.value);
    if (new Set(values).size !== values.length) problems.push({ ...o, message: 'scale point values must be unique' });
    for (const f of scale.favourable ?? []) {
      if (!values.includes(f)) problems.push({ ...o, path: `${o.path}.favourable`, message: `${f} is not a point on the scale` });
    }
  }

  const factorIds = new Set(survey.factors.map((f) => f.id));
  const sectionIds = new Set<string>();
  for (const section of survey.sections) {
    if (sectionIds.has(section.id)) at(section, 'id', `duplicate section id "${section.id}"`);
    sectionIds.add(section.id);
  }

  const background = survey.items.filter((i) => i.type === 'single' && i.background === true);
  // One breakdown only: two over the same answers could isolate people by subtraction (report/breakdown.ts).
  for (const extra of background.slice(1)) at(extra, 'background', `only one background question per survey ("${background[0]?.id}" is one already)`);
  for (const item of background) {
    if (item.required) at(item, 'required', 'a background question cannot be required: respondents may always leave it out');
    if (item.type === 'single' && item.options.length > 12) at(item, 'options', 'a background question has at most 12 options');
  }

  const earlier = new Map<string, Item>();
  for (const item of survey.items) {
    if (earlier.has(item.id)) at(item, 'id', `duplicate item id "${item.id}"`);
    if (item.factor !== undefined && !factorIds.has(item.factor)) {
      at(item, 'factor', `unknown factor "${item.factor}" (known: ${[...factorIds].join(', ') || 'none'})`);
    }
    if ((item.type === 'likert' || item.type === 'nowDesired') && survey.scales[item.scale] === undefined) {
      at(item, 'scale', `unknown scale "${item.scale}" (known: ${Object.keys(survey.scales).join(', ') || 'none'})`);
    } else if ((item.type === 'likert' || item.type === 'nowDesired') && item.dontKnow === true && survey.scales[item.scale]?.dontKnowLabel === undefined) {
      at(item, 'dontKnow', `scale "${item.scale}" has no dontKnowLabel to show`);
    }
    if (item.type === 'single' || item.type === 'multi') {
      const ids = item.options.map((o) => o.id);
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup) at(item, 'options', `duplicate option id "${dup}"`);
      if (item.type === 'multi' && item.maxChoices !== undefined && item.maxChoices > ids.length) {
        at(item, 'maxChoices', `maxChoices ${item.maxChoices} exceeds the ${ids.length} options`);
      }
    }
    if ((item.type === 'number' || item.type === 'scale') && item.min >= item.max) {
      at(item, 'max', `max (${item.max}) must be greater than min (${item.min})`);
    }
    if (item.showIf) checkCondition(item, item.showIf, earlier, survey, (msg) => at(item, 'showIf', msg));
    earlier.set(item.id, item);
  }
}

function checkCondition(item: Item, condition: Condition, earlier: Map<string, Item>, survey: Survey, report: (msg: string) => void): void {
  for (const id of conditionItemIds(condition)) {
    if (id === item.id) report(`the condition refers to the item itself ("${id}")`);
    else if (!earlier.has(id)) {
      const later = survey.items.some((i) => i.id === id);
      report(later ? `the condition refers to "${id}", which comes later; conditions may only use earlier answers` : `the condition refers to unknown item "${id}"`);
    }
  }
  const checkLeaf = (c: Condition): void => {
    c.all?.forEach(checkLeaf);
    c.any?.forEach(checkLeaf);
    if (c.not) checkLeaf(c.not);
    const target = c.item === undefined ? undefined : earlier.get(c.item);
    if (!target) return;
    const values = [c.equals, c.notEquals, ...(c.in ?? [])].filter((v) => v !== undefined);
    const numericOps = [c.lt, c.lte, c.gt, c.gte].some((v) => v !== undefined);
    if (target.type === 'single' || target.type === 'multi') {
      const ids = target.options.map((o) => o.id);
      for (const v of values) if (!ids.includes(String(v))) report(`"${String(v)}" is not an option of "${target.id}" (options: ${ids.join(', ')})`);
      if (numericOps) report(`"${target.id}" is a choice; compare it with equals, notEquals or in`);
    } else if (target.type === 'text' || target.type === 'nowDesired') {
      if (values.length > 0 || numericOps) report(`"${target.id}" is a ${target.type} item; only "answered" can be used on it`);
    } else {
      const dkAllowed = target.type === 'likert' && offersDontKnow(survey, target);
      for (const v of values) {
        if (typeof v !== 'number' && !(v === DONT_KNOW && dkAllowed)) report(`"${target.id}" has numeric answers; compare with a number${dkAllowed ? ' or "dk"' : ''}, not "${String(v)}"`);
      }
    }
  };
  checkLeaf(condition);
}

/** loadSurveyDir reads every *.json file in dir except schema.json. */
export function loadSurveyDir(dir: string): Map<string, Survey> {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json') && n !== 'schema.json').sort();
  } catch (err) {
    throw new SurveyDefinitionError([{ file: dir, path: '$', message: `cannot read the surveys folder: ${(err as Error).message}` }]);
  }
  if (names.length === 0) {
    throw new SurveyDefinitionError([{ file: dir, path: '$', message: 'no survey definitions (*.json) found' }]);
  }
  return parseSurveyFiles(names.map((n) => ({ file: path.join(dir, n), text: fs.readFileSync(path.join(dir, n), 'utf8') })));
}
