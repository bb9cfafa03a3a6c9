// The resolved survey: includes expanded, scales and factors merged, items indexed in answer order.
import type { Factor, Item, Scale, Section } from './schema.js';

export interface Survey {
  id: string;
  version: number;
  title: string;
  description?: string;
  estimatedMinutes?: number;
  scales: Record<string, Scale>;
  factors: Factor[];
  sections: Section[];
  /** Every item in the order a respondent meets it. */
  items: Item[];
  /** The languages every text is given in (nb first); absent in versions stored before languages existed. */
  languages?: string[];
  /** Per language other than nb, each text by its slot key (texts.ts); the texts above are bokmål. */
  translations?: Record<string, Record<string, string>>;
}

/** A single answer: number for likert/scale/number, option id for single, ids for multi,
 *  'dk' for "vet ikke", a string for text, and now/desired pairs for nowDesired. */
export type AnswerValue = number | string | string[] | NowDesiredValue;
export interface NowDesiredValue {
  now?: number | 'dk';
  desired?: number | 'dk';
}
export type Answers = Record<string, AnswerValue>;

export const DONT_KNOW = 'dk';

/** itemById indexes a survey's items by id. */
export function itemById(survey: Survey): Map<string, Item> {
  return new Map(survey.items.map((item) => [item.id, item]));
}

/** offersDontKnow tells whether a likert or nowDesired item shows the scale's "vet ikke" choice. */
export function offersDontKnow(survey: Survey, item: Item): boolean {
  if (item.type !== 'likert' && item.type !== 'nowDesired') return false;
  const scale = survey.scales[item.scale];
  return item.dontKnow ?? scale?.dontKnowLabel !== undefined;
}
