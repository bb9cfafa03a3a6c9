// The survey definition format: the zod schema is the single source of truth; the JSON Schema in
// surveys/schema.json is generated from it (npm run schema) and a test fails when it is stale.
import { z } from 'zod';

export const Id = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'must start with a lower-case letter and contain only a-z, 0-9 and _');

const Text = z.string().trim().min(1, 'must not be empty');

export const ScalePoint = z.strictObject({
  value: z.number().int(),
  label: Text,
});
export type ScalePoint = z.infer<typeof ScalePoint>;

export const Scale = z.strictObject({
  points: z.array(ScalePoint).min(2, 'a scale needs at least 2 points'),
  /** Label of the "vet ikke / ikke relevant" choice; items on this scale offer it unless they opt out. */
  dontKnowLabel: Text.optional(),
  /** Point values counted as favourable; defaults to the top two. */
  favourable: z.array(z.number().int()).min(1).optional(),
});
export type Scale = z.infer<typeof Scale>;

export const Factor = z.strictObject({
  id: Id,
  label: Text,
  description: Text.optional(),
});
export type Factor = z.infer<typeof Factor>;

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

const ItemBase = {
  id: Id,
  text: Text,
  /** Short help text shown under the question. */
  help: Text.optional(),
  required: z.boolean().default(false),
  factor: Id.optional(),
  showIf: Condition.optional(),
  /** Shown when the page is used without JavaScript, e.g. "Svar bare hvis du ønsker større stilling". */
  showIfHint: Text.optional(),
};

export const Option = z.strictObject({ id: Id, label: Text });
export type Option = z.infer<typeof Option>;

export const LikertItem = z.strictObject({
  ...ItemBase,
  type: z.literal('likert'),
  scale: Id,
  /** Offer the scale's "vet ikke" choice (default: when the scale defines one). */
  dontKnow: z.boolean().optional(),
});

export const ScaleItem = z.strictObject({
  ...ItemBase,
  type: z.literal('scale'),
  min: z.number().int().default(0),
  max: z.number().int().default(10),
  minLabel: Text,
  maxLabel: Text,
});

export const SingleItem = z.strictObject({
  ...ItemBase,
  type: z.literal('single'),
  options: z.array(Option).min(2, 'a choice needs at least 2 options'),
});

export const MultiItem = z.strictObject({
  ...ItemBase,
  type: z.literal('multi'),
  options: z.array(Option).min(2, 'a choice needs at least 2 options'),
  maxChoices: z.number().int().min(1).optional(),
});

export const NumberItem = z.strictObject({
  ...ItemBase,
  type: z.literal('number'),
  min: z.number(),
  max: z.number(),
  step: z.number().positive().default(1),
  unit: Text.optional(),
});

export const TextItem = z.strictObject({
  ...ItemBase,
  type: z.literal('text'),
  maxLength: z.number().int().min(1).max(5000).default(1000),
});

/** The same statement answered twice: "slik er det nå" and "slik ønsker jeg det". */
export const NowDesiredItem = z.strictObject({
  ...ItemBase,
  type: z.literal('nowDesired'),
  scale: Id,
  dontKnow: z.boolean().optional(),
});

export const Item = z.discriminatedUnion('type', [
  LikertItem,
  ScaleItem,
  SingleItem,
  MultiItem,
  NumberItem,
  TextItem,
  NowDesiredItem,
]);
export type Item = z.infer<typeof Item>;
export type ItemType = Item['type'];

export const Section = z.strictObject({
  id: Id,
  title: Text,
  intro: Text.optional(),
  items: z.array(Item).min(1, 'a section needs at least one item'),
});
export type Section = z.infer<typeof Section>;

/** Pulls in every section (with its scales and factors) of another survey definition. */
export const SectionInclude = z.strictObject({
  include: Id,
});
export type SectionInclude = z.infer<typeof SectionInclude>;

export const SurveyFile = z.strictObject({
  $schema: z.string().optional(),
  id: Id,
  version: z.number().int().min(1),
  title: Text,
  description: Text.optional(),
  estimatedMinutes: z.number().int().min(1).max(120).optional(),
  scales: z.record(Id, Scale).default({}),
  factors: z.array(Factor).default([]),
  sections: z.array(z.union([SectionInclude, Section])).min(1, 'a survey needs at least one section'),
});
export type SurveyFile = z.infer<typeof SurveyFile>;
