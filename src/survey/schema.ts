// The survey definition format: the zod schema is the single source of truth; the JSON Schema in
// surveys/schema.json is generated from it (npm run schema) and a test fails when it is stale.
import { z } from 'zod';

export const Id = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'must start with a lower-case letter and contain only a-z, 0-9 and _');

const Text = z.string().trim().min(1, 'must not be empty');

/** A BCP 47 language tag in canonical form that names a known language (nb, nn, en, pl, lt, ar, ...). */
export const LanguageTag = z.string().refine(isKnownLanguageTag, {
  error: (issue) => `"${String(issue.input)}" is not a known BCP 47 language tag in canonical form (e.g. nb, nn, en, pl, lt)`,
});

/** Respondent-visible text: a plain string is bokmål; a map gives it per language and must hold nb. */
export const LocalizedText = z
  .union([
  Text,
  z
    .record(z.string(), Text)
    .superRefine((map, ctx) => {
      for (const tag of Object.keys(map)) {
        if (!isKnownLanguageTag(tag)) ctx.addIssue({ code: 'custom', path: [tag], message: `"${tag}" is not a known BCP 47 language tag in canonical form (e.g. nb, nn, en, pl, lt)` });
      }
      if (map.nb === undefined) ctx.addIssue({ code: 'custom', message: 'a text given per language needs its bokmål wording under "nb"' });
    })
    .meta({ description: 'The text per BCP 47 language tag; "nb" (bokmål) is required and is the wording answers are tied to.' }),
  ])
  .meta({ id: 'LocalizedText', description: 'A respondent-visible text: a string (bokmål), or the text per language.' });
export type LocalizedText = z.infer<typeof LocalizedText>;

const displayNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** isKnownLanguageTag accepts a tag only in its canonical spelling and only for a language ICU knows. */
export function isKnownLanguageTag(tag: string): boolean {
  try {
    if (Intl.getCanonicalLocales(tag)[0] !== tag) return false;
    const language = new Intl.Locale(tag).language;
    return displayNames.of(language) !== undefined;
  } catch {
    return false;
  }
}

const Scalar = z.union([z.string(), z.number()]);

export interface Condition {
  item?: string;
  equals?: string | number;
  notEquals?: string | number;
  in?: (string | number)[];
  lt?: number;
  lte?: number;
  gt?: number;
  gte?: number;
  answered?: boolean;
  all?: Condition[];
  any?: Condition[];
  not?: Condition;
}

const LEAF_OPS = ['equals', 'notEquals', 'in', 'lt', 'lte', 'gt', 'gte', 'answered'] as const;
const GROUP_OPS = ['all', 'any', 'not'] as const;

// One object shape with a refinement (rather than a union) keeps error messages precise.
export const Condition: z.ZodType<Condition> = z
  .strictObject({
    item: Id.optional(),
    equals: Scalar.optional(),
    notEquals: Scalar.optional(),
    in: z.array(Scalar).min(1).optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    answered: z.boolean().optional(),
    get all() {
      return z.array(Condition).min(1).optional();
    },
    get any() {
      return z.array(Condition).min(1).optional();
    },
    get not() {
      return Condition.optional();
    },
  })
  .superRefine((c, ctx) => {
    const leafOps = LEAF_OPS.filter((op) => c[op] !== undefined);
    const groupOps = GROUP_OPS.filter((op) => c[op] !== undefined);
    if (c.item !== undefined) {
      if (leafOps.length !== 1 || groupOps.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `a condition on "item" needs exactly one of ${LEAF_OPS.join(', ')}`,
        });
      }
    } else if (groupOps.length !== 1 || leafOps.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'a condition is either {"item": ..., "<operator>": ...} or exactly one of all, any, not',
      });
    }
  });

// The definition's shapes are built twice from one description: with LocalizedText for the files
// (and the JSON Schema), and with plain strings for the resolved survey, whose texts are bokmål and
// whose translations are kept aside (model.ts `translations`), so code that does not care about
// languages keeps reading strings.
function shapes<T extends z.ZodType<string | Record<string, string>>>(text: T) {
  const ScalePoint = z.strictObject({
    value: z.number().int(),
    label: text,
  });

  const Scale = z.strictObject({
    points: z.array(ScalePoint).min(2, 'a scale needs at least 2 points'),
    /** Label of the "vet ikke / ikke relevant" choice; items on this scale offer it unless they opt out. */
    dontKnowLabel: text.optional(),
    /** Point values counted as favourable; defaults to the top two. */
    favourable: z.array(z.number().int()).min(1).optional(),
  });

  const Factor = z.strictObject({
    id: Id,
    label: text,
    description: text.optional(),
  });

  const ItemBase = {
    id: Id,
    text,
    /** Short help text shown under the question. */
    help: text.optional(),
    required: z.boolean().default(false),
    factor: Id.optional(),
    showIf: Condition.optional(),
    /** Shown when the page is used without JavaScript, e.g. "Svar bare hvis du ønsker større stilling". */
    showIfHint: text.optional(),
    /** The language whose wording is the instrument's own (RAUS: nb); the others are translations of it. */
    originalLanguage: LanguageTag.optional(),
  };

  const Option = z.strictObject({ id: Id, label: text });

  const LikertItem = z.strictObject({
    ...ItemBase,
    type: z.literal('likert'),
    scale: Id,
    /** Offer the scale's "vet ikke" choice (default: when the scale defines one). */
    dontKnow: z.boolean().optional(),
  });

  const ScaleItem = z.strictObject({
    ...ItemBase,
    type: z.literal('scale'),
    min: z.number().int().default(0),
    max: z.number().int().default(10),
    minLabel: text,
    maxLabel: text,
  });

  const SingleItem = z.strictObject({
    ...ItemBase,
    type: z.literal('single'),
    options: z.array(Option).min(2, 'a choice needs at least 2 options'),
    /** A background variable (occupation group, shift type, age band): the whole organisation's
     *  results are broken down by its options where disclosure control allows. At most one per survey. */
    background: z.boolean().optional(),
  });

  const MultiItem = z.strictObject({
    ...ItemBase,
    type: z.literal('multi'),
    options: z.array(Option).min(2, 'a choice needs at least 2 options'),
    maxChoices: z.number().int().min(1).optional(),
  });

  const NumberItem = z.strictObject({
    ...ItemBase,
    type: z.literal('number'),
    min: z.number(),
    max: z.number(),
    step: z.number().positive().default(1),
    unit: text.optional(),
  });

  const TextItem = z.strictObject({
    ...ItemBase,
    type: z.literal('text'),
    maxLength: z.number().int().min(1).max(5000).default(1000),
  });

  /** The same statement answered twice: "slik er det nå" and "slik ønsker jeg det". */
  const NowDesiredItem = z.strictObject({
    ...ItemBase,
    type: z.literal('nowDesired'),
    scale: Id,
    dontKnow: z.boolean().optional(),
  });

  const Item = z.discriminatedUnion('type', [LikertItem, ScaleItem, SingleItem, MultiItem, NumberItem, TextItem, NowDesiredItem]);

  const Section = z.strictObject({
    id: Id,
    title: text,
    intro: text.optional(),
    items: z.array(Item).min(1, 'a section needs at least one item'),
  });

  const SurveyFile = z.strictObject({
    $schema: z.string().optional(),
    id: Id,
    version: z.number().int().min(1),
    /** The languages every respondent-visible text is given in; nb is always one of them. */
    languages: z
      .array(LanguageTag)
      .min(1)
      .refine((tags) => tags.includes('nb'), 'must include "nb" (bokmål, the wording answers are tied to)')
      .refine((tags) => new Set(tags).size === tags.length, 'must not repeat a language')
      .optional(),
    title: text,
    description: text.optional(),
    estimatedMinutes: z.number().int().min(1).max(120).optional(),
    scales: z.record(Id, Scale).default({}),
    factors: z.array(Factor).default([]),
    sections: z.array(z.union([SectionInclude, Section])).min(1, 'a survey needs at least one section'),
  });
  return { ScalePoint, Scale, Factor, Option, Item, Section, SurveyFile };
}

/** Pulls in every section (with its scales and factors) of another survey definition. */
export const SectionInclude = z.strictObject({
  include: Id,
});
export type SectionInclude = z.infer<typeof SectionInclude>;

const file = shapes(LocalizedText);
const plain = shapes(Text);

/** A survey file as written: texts are bokmål strings or per-language maps. */
export const SurveyFile = file.SurveyFile;
export type SurveyFile = z.infer<typeof SurveyFile>;

// The resolved shapes (texts in one language); the loader produces them, nothing parses with them.
export type ScalePoint = z.infer<typeof plain.ScalePoint>;
export type Scale = z.infer<typeof plain.Scale>;
export type Factor = z.infer<typeof plain.Factor>;
export type Option = z.infer<typeof plain.Option>;
export type Item = z.infer<typeof plain.Item>;
export type ItemType = Item['type'];
export type Section = z.infer<typeof plain.Section>;
