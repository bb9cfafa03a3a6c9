// The message catalogues and the staff outputs in the user's language (issue 15, item 9): the same
// keys and placeholders in nb, nn and en, real plurals, no bokmål "til" on English comparison
// pages, and CSV headers and notes in the language the staff user reads.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { en } from '../../src/web/i18n/en.js';
import { translator } from '../../src/web/i18n/index.js';
import { nb } from '../../src/web/i18n/nb.js';
import { nn } from '../../src/web/i18n/nn.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { signIn, type SignedIn } from '../helpers/staff.js';

const catalogues = { nb, nn, en } as const;
const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)(\|[^{}]*)?\}/g)].map((m) => m[1] ?? '').sort();

describe('catalogues', () => {
  test('nn and en have exactly the keys of nb, each with the same placeholders', () => {
    for (const [lang, catalogue] of Object.entries(catalogues)) {
      expect(Object.keys(catalogue).sort(), lang).toEqual(Object.keys(nb).sort());
      for (const [key, text] of Object.entries(catalogue)) {
        expect(new Set(placeholders(text)), `${lang} ${key}`).toEqual(new Set(placeholders(nb[key as keyof typeof nb])));
      }
    }
  });

  test('no message fakes a plural ("problem(er)", "problem(s)") or puts the count after a colon ("responses: 26")', () => {
    for (const [lang, catalogue] of Object.entries(catalogues)) {
      for (const [key, text] of Object.entries(catalogue)) {
        expect(text, `${lang} ${key}`).not.toMatch(/\w\((er|s|e|ar)\)/);
        expect(text, `${lang} ${key}`).not.toMatch(/\b(responses|svar): \{n\}/i);
      }
    }
  });

  test.each([
    ['en', 'results.nShort', { n: 1 }, '1 response'],
    ['en', 'results.nShort', { n: 26 }, '26 responses'],
    ['en', 'results.nShort', { n: 0 }, '0 responses'],
    ['en', 'rates.summary', { responses: 1, headcount: 7, rate: 14 }, '1 response out of 7 (14%)'],
    ['en', 'import.problemsTitle', { n: 1 }, '1 problem must be fixed in the file'],
    ['en', 'import.problemsTitle', { n: 2 }, '2 problems must be fixed in the file'],
    ['en', 'compare.flagged', { n: 1 }, '1 statement has changed between the versions and is not compared.'],
    ['en', 'results.withheldComplementary', { n: 3 }, '3 figures are hidden because otherwise they could be used to work out answers from a smaller group.'],
    ['nb', 'import.problemsTitle', { n: 1 }, '1 problem må rettes i filen'],
    ['nb', 'import.problemsTitle', { n: 2 }, '2 problemer må rettes i filen'],
    ['nb', 'import.summary', { create: 1, update: 0, unchanged: 2 }, '1 ny enhet, 0 endres, 2 uendret.'],
    ['nb', 'compare.flagged', { n: 2 }, '2 påstander er endret mellom versjonene og sammenlignes ikke.'],
    ['nn', 'import.summary', { create: 3, update: 1, unchanged: 0 }, '3 nye einingar, 1 blir endra, 0 uendra.'],
    ['nn', 'compare.flagged', { n: 1 }, '1 påstand er endra mellom versjonane og blir ikkje samanlikna.'],
    ['nb', 'login.waitMinutes', { n: 1 }, '1 minutt'],
    ['nb', 'login.waitSeconds', { n: 30 }, '30 sekunder'],
    ['en', 'login.waitSeconds', { n: 1 }, '1 second'],
    ['nb', 'error.decimals', { decimals: 1 }, 'Skriv tallet med høyst 1 desimal, for eksempel 62,5.'],
    ['en', 'review.answered', { answered: 0, total: 1 }, '0 of 1 question answered'],
  ] as const)('%s %s %j reads "%s"', (lang, key, params, expected) => {
    expect(translator(lang)(key, params)).toBe(expected);
  });

  test('a plural selector without its number is left as it is, so a missing parameter shows', () => {
    expect(translator('en')('results.nShort')).toBe('{n} {n|response|responses}');
    expect(translator('en')('results.nShort', {})).toBe('{n} {n|response|responses}');
  });
});

describe('staff outputs in the staff user’s language', () => {
  let t: HistoryApp;
  let admin: SignedIn;
  beforeAll(async () => {
    t = makeHistoryApp();
    admin = await signIn(t, 'admin');
  });
  afterAll(() => t.close());

  const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ');
  const header = (csv: string): string => csv.replace(/^\uFEFF/, '').split('\r\n')[0] ?? '';
  const lang = async (l: 'nb' | 'nn' | 'en'): Promise<void> => {
    expect((await admin.agent.get(`/oversikt?lang=${l}`)).status).toBe(200);
  };

  test('English comparison pages give intervals as "a to b", never the bokmål "til"', async () => {
    await lang('en');
    for (const path of [`/sammenligning/${t.projectId}/enhet/demo`, `/sammenligning/${t.projectId}/enhet/solbakken`, `/sammenligning/${t.projectId}/endringer`]) {
      const res = await admin.agent.get(path);
      expect(res.status, path).toBe(200);
      expect(text(res.text), path).not.toMatch(/\d til [−-]?\d/);
    }
    const unit = text((await admin.agent.get(`/sammenligning/${t.projectId}/enhet/demo`)).text);
    expect(unit).toMatch(/[−-]?\d+\.\d\d to [−-]?\d+\.\d\d/);
    await lang('nb');
    const nbUnit = text((await admin.agent.get(`/sammenligning/${t.projectId}/enhet/demo`)).text);
    expect(nbUnit).toMatch(/[−-]?\d+,\d\d til [−-]?\d+,\d\d/);
  });

  test('English results pages count responses in words ("26 responses"), never "responses: 26"', async () => {
    await lang('en');
    const res = await admin.agent.get(`/resultater/${t.closedWaveId}/enhet/demo`);
    expect(res.status).toBe(200);
    expect(text(res.text)).not.toMatch(/responses: \d/i);
    expect(text(res.text)).toMatch(/\b\d+ responses\b/);
    await lang('nb');
  });

  test('the results CSV has headers and notes in nb, nn or en, with the same rows', async () => {
    const path = `/resultater/${t.closedWaveId}/enhet/demo/csv`;
    const small = `/resultater/${t.closedWaveId}/enhet/solbakken_natt/csv`;
    await lang('nb');
    const nbCsv = (await admin.agent.get(path)).text;
    expect(header(nbCsv)).toBe('"del";"id";"tekst";"n";"snitt";"standardavvik_utvalg";"antall";"andel_prosent";"merknad"');
    expect((await admin.agent.get(small)).text).toContain('færre enn 5 svar');
    await lang('nn');
    const nnCsv = (await admin.agent.get(path)).text;
    expect(header(nnCsv)).toBe('"del";"id";"tekst";"n";"snitt";"standardavvik_utval";"tal";"andel_prosent";"merknad"');
    expect(nnCsv).toContain('"Eining";"demo"');
    await lang('en');
    const enCsv = (await admin.agent.get(path)).text;
    expect(header(enCsv)).toBe('"section";"id";"text";"n";"mean";"sd_sample";"count";"share_percent";"note"');
    expect(enCsv).toContain('"Unit";"demo"');
    expect(enCsv).toContain('"Factor";');
    expect(enCsv).toContain('"share = response rate"');
    expect(enCsv).toMatch(/"Position size";"heltid";"Full time \(100%\)"/);
    expect((await admin.agent.get(small)).text).toContain('fewer than 5 responses');
    for (const word of ['Faktor', 'Enhet', 'Påstand', 'færre enn', 'andel av']) expect(enCsv, word).not.toContain(word);
    // Only the words change: the same rows, ids and figures.
    const ids = (csv: string): string[] => csv.split('\r\n').slice(1).map((l) => l.split(';').slice(1, 2).concat(l.split(';').slice(3, 8)).join(';'));
    expect(ids(enCsv)).toEqual(ids(nbCsv));
    await lang('nb');
  });

  test('the comparison CSV has headers, readings and notes in the staff user’s language', async () => {
    const path = `/sammenligning/${t.projectId}/enhet/demo/csv`;
    await lang('en');
    const csv = (await admin.agent.get(path)).text;
    expect(header(csv)).toMatch(/^"section";"id";"text";.*;"change";"ci_95_low";"ci_95_high";"reading";.*;"smallest_detectable_change"$/);
    expect(csv).toMatch(/"(no clear change|clear increase|clear decrease|possible change, but may be due to chance|too few responses to say anything about change)"/);
    expect(csv).toContain('"Position size (share % of all; change in percentage points)"');
    for (const word of ['Faktor', 'Enhet', 'endring i prosentpoeng', 'ingen tydelig endring', 'tydelig']) expect(csv, word).not.toContain(word);
    await lang('nb');
    expect(header((await admin.agent.get(path)).text)).toMatch(/^"del";"id";"tekst";.*;"endring";"ki_95_lav";"ki_95_hoy";"vurdering";/);
  });

  test('respondent links and actions: headers in nb, nn and en; an action status in words', async () => {
    const headers: Record<string, string[]> = {};
    for (const lang of ['nb', 'nn', 'en'] as const) {
      await admin.agent.get(`/oversikt?lang=${lang}`);
      const links = await admin.agent.get(`/admin/malinger/${t.closedWaveId}/lenker.csv`);
      const actions = await admin.agent.get(`/oppfolging/${t.closedWaveId}/tiltak.csv`);
      expect([links.status, actions.status]).toEqual([200, 200]);
      headers[lang] = [links.text, actions.text].map((csv) => csv.replace(/^\uFEFF/, '').split('\r\n')[0] ?? '');
      const words = (['planned', 'in_progress', 'done', 'dropped'] as const).map((s) => `"${translator(lang)(`followup.status.${s}`)}"`);
      expect(words.some((w) => actions.text.includes(w)), `${lang}: a status in words`).toBe(true);
      expect(actions.text).not.toMatch(/"in_progress"|"planned"/);
    }
    expect(headers.nb).toEqual(['"enhet_id";"enhet";"lenke"', '"enhet_id";"enhet";"tiltak";"faktor";"ansvarlig";"frist";"status";"notat";"sist_endret"']);
    expect(headers.en).toEqual(['"unit_id";"unit";"link"', '"unit_id";"unit";"action";"factor";"responsible";"due";"status";"note";"last_changed"']);
    expect(headers.nn?.[0]).toBe('"eining_id";"eining";"lenkje"');
  });
});
