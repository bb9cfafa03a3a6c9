// Position size (DOMAIN.md 2.3): current and desired position %, full-time, and involuntary
// part-time under three named definitions computed side by side, never mixed (DOMAIN.md 1 lists
// a changed definition between waves as a known source of false change).
import type { Answers } from '../survey/model.js';
import { addMoments, addValue, emptyMoments, type Moments } from './stats.js';

/** Item ids of the bundled stillingsstorrelse instrument that the figures read. */
export const POSITION_ITEM = {
  current: 'stilling_naa',
  employment: 'ansettelse',
  change: 'onsket_endring',
  desired: 'onsket_stilling',
  wantsPermanent: 'onske_fast',
  inWriting: 'skriftlig',
  qualified: 'kvalifisert',
  start: 'oppstart',
  /** Asked when the start is later than 4 weeks: is a kindergarten place the only obstacle? (v2;
   *  v1 asked only whether one was waiting for a place, which does not establish the exception.) */
  onlyKindergarten: 'barnehage_eneste_hinder',
  acceptsOffer: 'takker_ja',
  willing: 'villig_til',
} as const;

/** One respondent's answers to the position items (option ids as stored). */
export interface PositionAnswers {
  current?: number;
  desired?: number;
  employment?: string;
  change?: string;
  wantsPermanent?: string;
  inWriting?: string;
  qualified?: string;
  start?: string;
  onlyKindergarten?: string;
  acceptsOffer?: string;
  willing: string[];
}

/** emptyPositionAnswers returns answers with nothing answered. */
export function emptyPositionAnswers(): PositionAnswers {
  return { willing: [] };
}

/** clearPositionAnswers resets answers in place, so one object serves a whole streaming pass. */
export function clearPositionAnswers(p: PositionAnswers): void {
  p.current = p.desired = undefined;
  p.employment = p.change = p.wantsPermanent = p.inWriting = p.qualified = undefined;
  p.start = p.onlyKindergarten = p.acceptsOffer = undefined;
  p.willing.length = 0;
}

const SINGLE_FIELD: Record<string, 'employment' | 'change' | 'wantsPermanent' | 'inWriting' | 'qualified' | 'start' | 'onlyKindergarten' | 'acceptsOffer'> = {
  [POSITION_ITEM.employment]: 'employment',
  [POSITION_ITEM.change]: 'change',
  [POSITION_ITEM.wantsPermanent]: 'wantsPermanent',
  [POSITION_ITEM.inWriting]: 'inWriting',
  [POSITION_ITEM.qualified]: 'qualified',
  [POSITION_ITEM.start]: 'start',
  [POSITION_ITEM.onlyKindergarten]: 'onlyKindergarten',
  [POSITION_ITEM.acceptsOffer]: 'acceptsOffer',
};

/** isPositionItem tells whether an item id feeds the position figures. */
export function isPositionItem(itemId: string): boolean {
  return itemId === POSITION_ITEM.current || itemId === POSITION_ITEM.desired || itemId === POSITION_ITEM.willing || Object.hasOwn(SINGLE_FIELD, itemId);
}

/** recordPositionAnswer stores one stored answer row (as in the answer table) into p; other items are ignored. */
export function recordPositionAnswer(p: PositionAnswers, itemId: string, part: string, num: number | null, txt: string | null): void {
  if (itemId === POSITION_ITEM.current) p.current = num ?? undefined;
  else if (itemId === POSITION_ITEM.desired) p.desired = num ?? undefined;
  else if (itemId === POSITION_ITEM.willing) {
    if (part !== '') p.willing.push(part);
  }
  else {
    const field = Object.hasOwn(SINGLE_FIELD, itemId) ? SINGLE_FIELD[itemId] : undefined;
    if (field && txt !== null) p[field] = txt;
  }
}

/** positionAnswersFrom reads position answers from a respondent's typed answers. */
export function positionAnswersFrom(answers: Answers): PositionAnswers {
  const p = emptyPositionAnswers();
  for (const [itemId, v] of Object.entries(answers)) {
    if (typeof v === 'number') recordPositionAnswer(p, itemId, '', v, null);
    else if (typeof v === 'string') recordPositionAnswer(p, itemId, '', null, v);
    else if (Array.isArray(v)) for (const opt of v) recordPositionAnswer(p, itemId, opt, null, opt);
  }
  return p;
}

/** isPartTime: a current position below 100 %. */
export function isPartTime(p: PositionAnswers): boolean {
  return p.current !== undefined && p.current < 100;
}

/** desiredPercent is the stated desired %, else the current % for "samme", else undefined. */
export function desiredPercent(p: PositionAnswers): number | undefined {
  if (p.desired !== undefined) return p.desired;
  return p.change === 'samme' ? p.current : undefined;
}

/** selfReported: part-time now and wants a larger position. */
export function selfReported(p: PositionAnswers): boolean {
  return isPartTime(p) && p.change === 'storre';
}

/** drammen (strict): self-reported, qualified, can start within 3 months and accepts an offer elsewhere or on other hours. */
export function drammen(p: PositionAnswers): boolean {
  return selfReported(p) && p.qualified === 'ja' && (p.start === 'innen_4_uker' || p.start === 'innen_3_mnd') && p.acceptsOffer === 'ja';
}

/** surnadal (stricter): permanent, part-time, wants a larger permanent position, in writing, can start within 4 weeks
 *  (or could, were a kindergarten place not the only obstacle), and willing to change workplace or work across units. */
export function surnadal(p: PositionAnswers): boolean {
  return (
    p.employment === 'fast' &&
    selfReported(p) &&
    p.wantsPermanent === 'ja' &&
    p.inWriting === 'ja' &&
    // Waiting for a kindergarten place must not count against the respondent (DOMAIN.md 2.3), but it
    // excuses only the start time, and only when it is the one obstacle: otherwise someone who could
    // not start for other reasons would count here while the strict definition leaves them out.
    (p.start === 'innen_4_uker' || p.onlyKindergarten === 'ja') &&
    (p.willing.includes('annen_arbeidsplass') || p.willing.includes('flere_enheter'))
  );
}

export type InvoluntaryDefinitionId = 'selfReported' | 'drammen' | 'surnadal';

/** A named definition of involuntary part-time, with the words the UI shows next to its figure. */
export interface InvoluntaryDefinition {
  id: InvoluntaryDefinitionId;
  name: string;
  description: string;
  test: (p: PositionAnswers) => boolean;
}

/** The three definitions, always reported side by side under their own names. */
export const INVOLUNTARY_DEFINITIONS: readonly InvoluntaryDefinition[] = [
  {
    id: 'selfReported',
    name: 'Ufrivillig deltid, selvrapportert',
    description: 'Jobber deltid og ønsker større stilling.',
    test: selfReported,
  },
  {
    id: 'drammen',
    name: 'Ufrivillig deltid, streng definisjon (Drammen)',
    description:
      'Jobber deltid, ønsker større stilling, er kvalifisert, kan begynne innen 3 måneder og takker ja selv om det betyr en annen arbeidsplass eller andre arbeidstidsordninger.',
    test: drammen,
  },
  {
    id: 'surnadal',
    name: 'Ufrivillig deltid, strengere definisjon (Surnadal)',
    description:
      'Fast ansatt i deltid som ønsker større fast stilling, har meldt ønsket skriftlig, kan begynne innen 4 uker (unntak: når ventetid på barnehageplass er det eneste som hindrer det) og vil bytte arbeidssted eller jobbe på tvers av enheter.',
    test: surnadal,
  },
];

/** Position figures for a group: respondents who stated their current position %. */
export interface PositionTally {
  n: number;
  /** Respondents below 100 %: the denominator of the shares "of part-time employees". */
  partTime: number;
  current: Moments;
  /** Respondents whose desired % is known (stated, or current when "samme"). */
  desired: Moments;
  fullTime: number;
  more: number;
  same: number;
  less: number;
  involuntary: Record<InvoluntaryDefinitionId, number>;
}

/** emptyPositionTally returns a tally of no respondents. */
export function emptyPositionTally(): PositionTally {
  return {
    n: 0,
    partTime: 0,
    current: emptyMoments(),
    desired: emptyMoments(),
    fullTime: 0,
    more: 0,
    same: 0,
    less: 0,
    involuntary: { selfReported: 0, drammen: 0, surnadal: 0 },
  };
}

/** addPositionRespondent counts one respondent; those who did not state a current % are left out. */
export function addPositionRespondent(t: PositionTally, p: PositionAnswers): void {
  if (p.current === undefined) return;
  t.n += 1;
  addValue(t.current, p.current);
  const desired = desiredPercent(p);
  if (desired !== undefined) addValue(t.desired, desired);
  if (p.current >= 100) t.fullTime += 1;
  if (isPartTime(p)) t.partTime += 1;
  if (p.change === 'storre') t.more += 1;
  else if (p.change === 'samme') t.same += 1;
  else if (p.change === 'mindre') t.less += 1;
  for (const d of INVOLUNTARY_DEFINITIONS) if (d.test(p)) t.involuntary[d.id] += 1;
}

/** addPositionTally adds `from` into `into` in place. */
export function addPositionTally(into: PositionTally, from: PositionTally): void {
  into.n += from.n;
  into.partTime += from.partTime;
  addMoments(into.current, from.current);
  addMoments(into.desired, from.desired);
  into.fullTime += from.fullTime;
  into.more += from.more;
  into.same += from.same;
  into.less += from.less;
  for (const d of INVOLUNTARY_DEFINITIONS) into.involuntary[d.id] += from.involuntary[d.id];
}
