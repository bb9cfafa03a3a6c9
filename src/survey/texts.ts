// Respondent-visible texts and their languages. Every text of a definition sits in one slot named by
// ids (never by position, so reordering or adding items keeps every translation in place); the
// loader reads each slot's per-language map, keeps bokmål in place and the rest in `translations`,
// and `localizeSurvey` writes a language back into the slots.
import type { Survey } from './model.js';

/** One text of a definition: `key` names it by ids (`item.q1.text`), `path` is its JSON path in the file. */
export interface TextSlot {
  key: string;
  path: string;
  get(): unknown;
  set(value: string): void;
}

// The parts of a definition that hold texts, as a file has them and as a resolved survey has them.
interface TextHolder {
  title: unknown;
  description?: unknown;
  scales: Record<string, { points: { value: number; label: unknown }[]; dontKnowLabel?: unknown }>;
  factors: { id: string; label: unknown; description?: unknown }[];
  sections: ({ include: string } | { id: string; title: unknown; intro?: unknown; items: Record<string, unknown>[] })[];
}

const ITEM_TEXTS = ['text', 'help', 'showIfHint', 'minLabel', 'maxLabel', 'unit'] as const;

/** textSlots lists every respondent-visible text of a definition (file or resolved), absent optional ones left out. */
export function textSlots(def: TextHolder): TextSlot[] {
  const slots: TextSlot[] = [];
  const add = (obj: Record<string, unknown>, field: string, key: string, path: string): void => {
    if (obj[field] === undefined) return;
    slots.push({ key, path, get: () => obj[field], set: (v) => (obj[field] = v) });
  };
  const root = def as unknown as Record<string, unknown>;
  add(root, 'title', 'survey.title', 'title');
  add(root, 'description', 'survey.description', 'description');
  for (const [id, scale] of Object.entries(def.scales ?? {})) {
    scale.points.forEach((p, i) => add(p, 'label', `scale.${id}.${p.value}`, `scales.${id}.points[${i}].label`));
    add(scale, 'dontKnowLabel', `scale.${id}.dontKnow`, `scales.${id}.dontKnowLabel`);
  }
  (def.factors ?? []).forEach((f, i) => {
    add(f, 'label', `factor.${f.id}.label`, `factors[${i}].label`);
    add(f, 'description', `factor.${f.id}.description`, `factors[${i}].description`);
  });
  def.sections.forEach((s, i) => {
    if ('include' in s) return;
    add(s, 'title', `section.${s.id}.title`, `sections[${i}].title`);
    add(s, 'intro', `section.${s.id}.intro`, `sections[${i}].intro`);
    s.items.forEach((item, j) => {
      const at = `sections[${i}].items[${j}]`;
      const id = String(item.id);
      for (const field of ITEM_TEXTS) add(item, field, `item.${id}.${field}`, `${at}.${field}`);
      const options = item.options as Record<string, unknown>[] | undefined;
      options?.forEach((o, k) => add(o, 'label', `item.${id}.option.${String(o.id)}`, `${at}.options[${k}].label`));
    });
  });
  return slots;
}

const RTL_LANGUAGES = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'ks', 'ku', 'ps', 'sd', 'syr', 'ug', 'ur', 'yi']);
const RTL_SCRIPTS = new Set(['Arab', 'Hebr', 'Syrc', 'Thaa', 'Nkoo', 'Adlm', 'Rohg']);

/** textDirection gives "rtl" for a tag written right to left (by its script, else its language), else "ltr". */
export function textDirection(tag: string): 'ltr' | 'rtl' {
  // Asked for several times per respondent request; Intl.Locale is slow to build. Tags come from
  // survey definitions and the catalogues, so the memo stays small (and stops growing at 256).
  const known = directions.get(tag);
  if (known) return known;
  let dir: 'ltr' | 'rtl';
  try {
    const locale = new Intl.Locale(tag);
    dir = locale.script ? (RTL_SCRIPTS.has(locale.script) ? 'rtl' : 'ltr') : RTL_LANGUAGES.has(locale.language) ? 'rtl' : 'ltr';
  } catch {
    dir = 'ltr';
  }
  if (directions.size < 256) directions.set(tag, dir);
  return dir;
}

const directions = new Map<string, 'ltr' | 'rtl'>();

const names = new Map<string, string>();

/** languageName is a language's own name for itself ("polski", "lietuvių"), capitalised. */
export function languageName(tag: string): string {
  let name = names.get(tag);
  if (name === undefined) {
    const raw = new Intl.DisplayNames([tag], { type: 'language' }).of(tag) ?? tag;
    name = raw.charAt(0).toLocaleUpperCase(tag) + raw.slice(1);
    names.set(tag, name);
  }
  return name;
}

const localized = new WeakMap<Survey, Map<string, Survey>>();

/** localizeSurvey returns the survey with its texts in `lang` (a language it does not declare gives
 *  bokmål); same ids, scales and structure, so answers validate and store exactly as in bokmål. */
export function localizeSurvey(survey: Survey, lang: string): Survey {
  const translations = survey.translations?.[lang];
  if (lang === 'nb' || !translations) return survey;
  let byLang = localized.get(survey);
  if (!byLang) localized.set(survey, (byLang = new Map()));
  const hit = byLang.get(lang);
  if (hit) return hit;
  const copy = structuredClone(survey);
  for (const slot of textSlots(copy)) {
    const text = translations[slot.key];
    if (text !== undefined) slot.set(text);
  }
  copy.items = copy.sections.flatMap((s) => s.items);
  byLang.set(lang, copy);
  return copy;
}

/** surveyLanguage picks the language a survey's texts are shown in for `wanted`: itself when the
 *  survey declares it, else bokmål (staff pages fall back this way; a wave offers only declared ones). */
export function surveyLanguage(survey: Survey, wanted: string): string {
  return (survey.languages ?? ['nb']).includes(wanted) ? wanted : 'nb';
}

/** meaningOf is what answers are tied to: the structure and the bokmål wording, without translations.
 *  A change here needs a new survey version (and makes changed items incomparable); a change in
 *  translations alone does neither (store/survey-versions.ts). */
export function meaningOf(survey: Survey): string {
  const { languages: _languages, translations: _translations, ...rest } = survey;
  return JSON.stringify({ ...rest, sections: rest.sections.map((s) => ({ ...s, items: s.items.map(withoutOriginal) })), items: rest.items.map(withoutOriginal) });
}

function withoutOriginal<T extends { originalLanguage?: string }>(item: T): Omit<T, 'originalLanguage'> {
  const { originalLanguage: _o, ...rest } = item;
  return rest;
}
