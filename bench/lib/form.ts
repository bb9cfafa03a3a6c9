// Form bodies a respondent's browser would post: valid, randomly chosen answers for a section.
import { offersDontKnow, type Survey } from '../../src/survey/model.js';
import type { Item, Section } from '../../src/survey/schema.js';

export type Body = Record<string, string | string[]>;

export { seededRandom } from '../../src/demo-answers.js';

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

function scaleValue(survey: Survey, item: Item, rand: () => number): string {
  if (item.type !== 'likert' && item.type !== 'nowDesired') return '';
  if (offersDontKnow(survey, item) && rand() < 0.05) return 'dk';
  const points = survey.scales[item.scale]?.points ?? [];
  return points.length > 0 ? String(pick(rand, points).value) : '';
}

/** itemFields gives valid form fields for an item; `text` is what a text item says. */
export function itemFields(survey: Survey, item: Item, rand: () => number, text = 'Godt arbeidsmiljø.'): Body {
  switch (item.type) {
    case 'likert':
      return { [item.id]: scaleValue(survey, item, rand) };
    case 'nowDesired':
      return { [`${item.id}.now`]: scaleValue(survey, item, rand), [`${item.id}.desired`]: scaleValue(survey, item, rand) };
    case 'scale':
      return { [item.id]: String(item.min + Math.floor(rand() * (item.max - item.min + 1))) };
    case 'number': {
      const steps = Math.floor((item.max - item.min) / item.step + 1e-9);
      const n = item.min + Math.floor(rand() * (steps + 1)) * item.step;
      // People on Norwegian keyboards type a decimal comma.
      return { [item.id]: String(Number(n.toFixed(6))).replace('.', ',') };
    }
    case 'single':
      return { [item.id]: pick(rand, item.options).id };
    case 'multi': {
      const max = Math.min(item.maxChoices ?? item.options.length, item.options.length);
      const chosen = item.options.filter(() => rand() < 0.4).slice(0, max);
      // The form posts an empty marker beside the checkboxes (views/respond/items/multi.ejs).
      return { [item.id]: ['', ...(chosen.length > 0 ? chosen.map((o) => o.id) : [pick(rand, item.options).id])] };
    }
    case 'text':
      return { [item.id]: [...text].slice(0, item.maxLength).join('') };
  }
}

/** sectionBody answers every item of a section (hidden ones too: the server prunes them) and moves on. */
export function sectionBody(survey: Survey, section: Section, rand: () => number, text?: string, nav = 'next'): Body {
  const body: Body = { _nav: nav };
  for (const item of section.items) Object.assign(body, itemFields(survey, item, rand, text));
  // A respondent's wish follows from the two percentages typed (the server re-asks contradictions).
  const [current, desired] = [body.stilling_naa, body.onsket_stilling].map((v) => (typeof v === 'string' ? Number(v.replace(',', '.')) : undefined));
  if (current !== undefined && desired !== undefined && 'onsket_endring' in body) body.onsket_endring = desired > current ? 'storre' : desired < current ? 'mindre' : 'samme';
  return body;
}

/** encode serialises a body as a browser does: repeated keys for several values. */
export function encode(body: Body): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
  return params.toString();
}

/** markerItem is the first text item every respondent sees: it carries a per-respondent marker in
 *  the crash test, so each response can be counted exactly. */
export function markerItem(survey: Survey): Item | undefined {
  return survey.items.find((i) => i.type === 'text' && !i.showIf);
}
