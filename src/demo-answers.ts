// Synthetic answers for the demo organisation: plausible, deterministic (seeded), never real people.
import { pruneHidden } from './survey/conditions.js';
import type { Answers, Survey } from './survey/model.js';
import type { Item } from './survey/schema.js';

/** seededRandom returns a deterministic PRNG (mulberry32) in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, options: readonly T[]): T => options[Math.floor(rand() * options.length)] as T;
const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));

// A unit's "climate" and each statement's own tendency shift the answers, so units and factors
// differ in the demo results the way real ones do (most Norwegian workplaces score 3.5-4.3).
function likert(rand: () => number, climate: number, points: number[], tendency = 0): number {
  const centre = 3.7 + climate + tendency + (rand() - 0.5) * 2.2;
  return points[clamp(Math.round(centre) - 1, 0, points.length - 1)] as number;
}

/** tendencyOf gives each item a stable offset in [-0.6, 0.4] from its id. */
function tendencyOf(id: string): number {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return (h % 100) / 100 - 0.6;
}

function positionAnswers(rand: () => number): Answers {
  const current = pick(rand, [100, 100, 100, 80, 80, 75, 60, 50, 40]);
  const change = current < 100 ? pick(rand, ['storre', 'storre', 'samme', 'samme', 'samme', 'mindre']) : pick(rand, ['samme', 'samme', 'samme', 'mindre']);
  const a: Answers = { stilling_naa: current, ansettelse: rand() < 0.85 ? 'fast' : 'midlertidig', onsket_endring: change };
  if (change === 'storre') a.onsket_stilling = pick(rand, [80, 90, 100, 100]);
  if (change === 'mindre') a.onsket_stilling = clamp(current - 20, 20, 100);
  const yesNo = (p: number): string => (rand() < p ? 'ja' : 'nei');
  Object.assign(a, {
    onske_fast: yesNo(0.9),
    skriftlig: yesNo(0.4),
    kvalifisert: pick(rand, ['ja', 'ja', 'ja', 'usikker', 'nei']),
    oppstart: pick(rand, ['innen_4_uker', 'innen_3_mnd', 'senere']),
    barnehage_eneste_hinder: yesNo(0.15),
    takker_ja: yesNo(0.6),
  });
  const willing = ['annen_arbeidsplass', 'flere_enheter', 'flere_helger', 'lange_vakter', 'ekstravakter'].filter(() => rand() < 0.4);
  if (willing.length > 0) a.villig_til = willing;
  a.arsak_deltid = [pick(rand, ['helse', 'familie_omsorg', 'studier', 'annen_jobb', 'annet'])];
  return a;
}

function answerFor(item: Item, survey: Survey, rand: () => number, climate: number): Answers[string] | undefined {
  switch (item.type) {
    case 'likert': {
      if (rand() < 0.04) return 'dk';
      return likert(rand, climate, (survey.scales[item.scale]?.points ?? []).map((p) => p.value), tendencyOf(item.id));
    }
    case 'nowDesired': {
      const points = (survey.scales[item.scale]?.points ?? []).map((p) => p.value);
      return { now: likert(rand, climate - 0.4, points, tendencyOf(item.id)), desired: likert(rand, 0.9, points) };
    }
    case 'scale':
      return clamp(Math.round(7.3 + climate * 1.5 + (rand() - 0.5) * 4), item.min, item.max);
    case 'single':
      return pick(rand, item.options).id;
    case 'multi':
      return [pick(rand, item.options).id];
    case 'number':
      return clamp(Math.round((item.min + item.max) / 2), item.min, item.max);
    case 'text':
      return undefined; // no invented free text
  }
}

/** syntheticAnswers returns one respondent's complete, valid answers for the survey. */
export function syntheticAnswers(survey: Survey, rand: () => number, climate: number): Answers {
  const answers: Answers = {};
  for (const item of survey.items) {
    const v = answerFor(item, survey, rand, climate);
    if (v !== undefined) answers[item.id] = v;
  }
  const position = positionAnswers(rand);
  for (const [id, v] of Object.entries(position)) if (survey.items.some((i) => i.id === id)) answers[id] = v;
  return pruneHidden(survey, answers);
}
