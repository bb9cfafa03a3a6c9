// Staff see the survey's texts (items, options, scale labels, factors) in their interface language
// where the definition has it, else in bokmål. Only texts change: every figure is the released
// tables' own, and comparability is decided on the bokmål definitions before this runs.
import type { Distribution, ReleasedGroup, ReleasedPart, Withheld } from '../../report/released.js';
import { LazyMap } from '../../report/lazy-map.js';
import type { WaveResults } from '../../report/wave-results.js';
import type { Survey } from '../../survey/model.js';
import type { Item } from '../../survey/schema.js';
import { assertNever } from '../../errors.js';
import { localizeSurvey, surveyLanguage } from '../../survey/texts.js';
import { TABLES_KEPT } from '../../report/results-transfer.js';

const cache = new WeakMap<WaveResults, Map<string, WaveResults>>();

/** inStaffLanguage returns the results with their survey and table texts in `lang` where the survey
 *  has it (the same object when it does not); `textLang` tells which language that turned out to be. */
export function inStaffLanguage(results: WaveResults, lang: string): WaveResults & { textLang: string } {
  const textLang = surveyLanguage(results.survey, lang);
  if (textLang === 'nb') return { ...results, textLang };
  let byLang = cache.get(results);
  if (!byLang) cache.set(results, (byLang = new Map()));
  const hit = byLang.get(textLang);
  if (hit) return hit as WaveResults & { textLang: string };
  const survey = localizeSurvey(results.survey, textLang);
  // Each table translated when a page reads it: translating them all here would read back every
  // unit's table for one page (results-transfer.ts).
  const source = results.tables;
  const tables = new LazyMap(source.keys(), (id) => groupIn(source.get(id) as ReleasedGroup, survey), TABLES_KEPT);
  const out = { ...results, survey, tables, textLang };
  byLang.set(textLang, out);
  return out;
}

function groupIn(group: ReleasedGroup, survey: Survey): ReleasedGroup {
  if (!group.released) return group;
  const items = new Map(survey.items.map((i) => [i.id, i]));
  const factors = new Map(survey.factors.map((f) => [f.id, f.label]));
  const textOf = (id: string, fallback: string): string => items.get(id)?.text ?? fallback;
  const part = (item: Item | undefined, p: ReleasedPart): ReleasedPart => ({ ...p, distribution: relabel(item, survey, p.distribution) });
  return {
    ...group,
    items: group.items.map((i) => ({ ...part(items.get(i.id), i), id: i.id, type: i.type, text: textOf(i.id, i.text), ...(i.factor === undefined ? {} : { factor: i.factor }) })),
    nowDesired: group.nowDesired.map((i) => ({ ...i, text: textOf(i.id, i.text), now: part(items.get(i.id), i.now), desired: part(items.get(i.id), i.desired) })),
    factors: group.factors.map((f) => ({ ...f, label: factors.get(f.id) ?? f.label })),
    texts: group.texts.map((x) => ({ ...x, text: textOf(x.id, x.text) })),
  };
}

function relabel(item: Item | undefined, survey: Survey, d: Distribution | Withheld): Distribution | Withheld {
  if (!d.released || !item) return d;
  const labels = answerLabels(item, survey);
  return labels ? { ...d, counts: d.counts.map((c) => ({ ...c, label: labels.get(c.key) ?? c.label })) } : d;
}

// The labels of a distribution's keys in the survey's texts, or undefined where the keys are
// numbers shown as they are. Exhaustive: a new item type must say what its counts are labelled by.
function answerLabels(item: Item, survey: Survey): Map<string, string> | undefined {
  switch (item.type) {
    case 'likert':
    case 'nowDesired':
      return new Map((survey.scales[item.scale]?.points ?? []).map((p) => [String(p.value), p.label]));
    case 'single':
    case 'multi':
      return new Map(item.options.map((o) => [o.id, o.label]));
    case 'scale':
    case 'number':
    case 'text':
      return undefined;
    default:
      return assertNever(item);
  }
}
