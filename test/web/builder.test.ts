// The questionnaire builder through the real app: only project leaders, every change audited, bad
// input reported at its field with 422 and everything typed kept, and versions that waves keep.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { recentAudit } from '../../src/store/audit.js';
import { getSurveyVersion, listSurveyVersions } from '../../src/store/survey-versions.js';
import { getSurveyDraft } from '../../src/store/surveys.js';
import { createWave } from '../../src/store/waves.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { postForm, signIn, type SignedIn } from '../helpers/staff.js';

let t: TestApp;
let admin: SignedIn;
beforeEach(async () => {
  t = makeTestApp();
  admin = await signIn(t, 'admin');
});
afterEach(() => t.close());

const post = (url: string, body: Record<string, string | string[]>) => postForm(admin, url, body);
const B = '/admin/skjema/lokal';
const AGREE = { pointValue: ['1', '2', '3', '4', '5'], pointLabel: ['Helt uenig', 'Litt uenig', 'Verken eller', 'Litt enig', 'Helt enig'], dontKnowLabel: 'Vet ikke' };

async function buildSmallSurvey(): Promise<void> {
  expect((await post('/admin/skjema', { id: 'lokal', title: 'Lokal kartlegging', from: 'blank' })).headers.location).toBe(B);
  expect((await post(`${B}/skalaer`, { scaleId: 'enig5', ...AGREE })).status).toBe(303);
  expect((await post(`${B}/faktorer`, { factorId: ['trivsel', ''], factorLabel: ['Trivsel', ''], factorDescription: ['', ''] })).status).toBe(303);
  expect((await post(`${B}/del/del_1/sporsmal`, { type: 'likert', id: 'trives', text: 'Jeg trives på jobb', scale: 'enig5', factor: 'trivsel', required: 'on' })).status).toBe(303);
  expect((await post(`${B}/del/del_1/sporsmal`, { type: 'single', id: 'turnus', text: 'Jobber du turnus?', optionId: ['ja', 'nei', ''], optionLabel: ['Ja', 'Nei', ''] })).status).toBe(303);
  expect((await post(`${B}/del/del_1/sporsmal`, { type: 'text', id: 'natt', text: 'Hva er vanskelig med nattevakter?', maxLength: '300', showIf: 'turnus|equals|"ja"' })).status).toBe(303);
}

describe('who may build', () => {
  test.each(['leader', 'representative'] as const)('a %s gets 403 on every builder route', async (role) => {
    const other = await signIn(t, role, ['solbakken']);
    expect((await other.agent.get('/admin/skjema')).status).toBe(403);
    expect((await postForm(other, '/admin/skjema', { id: 'x', title: 'X', from: 'blank' })).status).toBe(403);
    expect((await other.agent.get('/admin/skjema/hefa/eksport.json')).status).toBe(403);
    expect(getSurveyDraft(t.db, 'x')).toBeUndefined();
  });

  test('a post without the CSRF token is refused', async () => {
    const res = await admin.agent.post('/admin/skjema').type('form').send('id=x&title=X&from=blank');
    expect(res.status).toBe(403);
    expect(getSurveyDraft(t.db, 'x')).toBeUndefined();
    await buildSmallSurvey();
    expect((await admin.agent.post(`${B}/sporsmal/natt/slett`).type('form').send('')).status).toBe(403);
    expect((await admin.agent.post('/admin/skjema/import').field('json', '{}')).status).toBe(403);
    expect(getSurveyDraft(t.db, 'lokal')?.definition.sections[0]).toMatchObject({ items: [{ id: 'trives' }, { id: 'turnus' }, { id: 'natt' }] });
  });

  test('an id a file in surveys/ uses is refused for a new survey', async () => {
    const res = await post('/admin/skjema', { id: 'hefa', title: 'Min HEFA', from: 'blank' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="e-id"/);
    expect(getSurveyDraft(t.db, 'hefa')).toBeUndefined();
  });

  test('templates are read-only: 409, and listed with preview and export', async () => {
    const list = await admin.agent.get('/admin/skjema');
    expect(list.text).toContain('/admin/skjema/hefa/forhandsvis');
    expect((await post('/admin/skjema/hefa/del', { title: 'Ny del' })).status).toBe(409);
  });
});

/** The working copy's third item (natt, in the first section). */
const nattOf = () => {
  const section = getSurveyDraft(t.db, 'lokal')?.definition.sections[0];
  return section && 'items' in section ? section.items[2] : undefined;
};

describe('building a survey', () => {
  test('a small survey is built, checked, published and audited', async () => {
    await buildSmallSurvey();
    const page = await admin.agent.get(B);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Skjemaet er gyldig');
    expect(page.text).toContain('Jeg trives på jobb');
    expect((await post(`${B}/publiser`, {})).headers.location).toBe(`${B}?lagret=1`);
    const survey = getSurveyVersion(t.db, 'lokal', 1)!;
    expect(survey.items.map((i) => i.id)).toEqual(['trives', 'turnus', 'natt']);
    expect(survey.items[2]?.showIf).toEqual({ item: 'turnus', equals: 'ja' });
    expect(survey.factors.map((f) => f.id)).toEqual(['trivsel']);
    const actions = recentAudit(t.db).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['builder.create', 'builder.scale.save', 'builder.factors.save', 'builder.item.add', 'builder.publish']));
    // The new version is offered for waves.
    expect((await admin.agent.get('/admin/malinger/ny')).text).toContain('value="lokal@1"');
  });

  test('a condition is offered only on earlier items, from a list', async () => {
    await buildSmallSurvey();
    const form = await admin.agent.get(`${B}/sporsmal/turnus`);
    expect(form.text).toContain('value="trives|equals|5"');
    expect(form.text).not.toContain('value="natt|answered"');
    expect(form.text).not.toContain('value="turnus|answered"');
  });

  test('the condition hint is edited per item, translated on the translation page, and goes with its condition', async () => {
    await buildSmallSurvey();
    const natt = { type: 'text', id: 'natt', text: 'Hva er vanskelig med nattevakter?', maxLength: '300', showIf: 'turnus|equals|"ja"' };
    expect((await post(`${B}/sporsmal/natt`, { ...natt, showIfHint: 'Fordi du jobber turnus' })).status).toBe(303);
    expect(nattOf()).toMatchObject({ showIfHint: { nb: 'Fordi du jobber turnus' } });
    expect((await admin.agent.get(`${B}/sporsmal/natt`)).text).toContain('name="showIfHint" value="Fordi du jobber turnus"');
    await post(`${B}/innstillinger`, { title: 'Lokal kartlegging', languages: ['en'] });
    const form = await admin.agent.get(`${B}/oversett/en`);
    expect(form.text).toContain('value="item.natt.showIfHint"');
    const keys = [...form.text.matchAll(/name="key" value="([^"]+)"/g)].map((m) => m[1]!);
    await post(`${B}/oversett/en`, { key: keys, text: keys.map((k) => (k === 'item.natt.showIfHint' ? 'Because you work shifts' : `EN ${k}`)) });
    expect((await post(`${B}/publiser`, {})).status).toBe(303);
    const survey = getSurveyVersion(t.db, 'lokal', 1)!;
    expect(survey.items[2]?.showIfHint).toBe('Fordi du jobber turnus');
    expect(survey.translations?.en?.['item.natt.showIfHint']).toBe('Because you work shifts');
    // Editing the bokmål hint keeps its translation; dropping the condition drops the hint.
    await post(`${B}/sporsmal/natt`, { ...natt, showIfHint: 'Fordi du har turnus' });
    expect(nattOf()).toMatchObject({ showIfHint: { nb: 'Fordi du har turnus', en: 'Because you work shifts' } });
    await post(`${B}/sporsmal/natt`, { ...natt, showIf: '', showIfHint: 'Fordi du har turnus' });
    expect(nattOf()).not.toHaveProperty('showIfHint');
  });

  test('conditions by rules: any-of answers, not-equals, numeric comparisons, all/any/none; round-trip in the form', async () => {
    await buildSmallSurvey();
    const natt = { type: 'text', id: 'natt', text: 'Hva er vanskelig med nattevakter?', maxLength: '300', showIf: 'rules' };
    const form = await admin.agent.get(`${B}/sporsmal/natt`);
    expect(form.text).toContain('<option value="rules"');
    expect(form.text).toContain('<option value="&#34;ja&#34;">Ja</option>');
    expect(form.text).toMatch(/<select id="ruleItem1" name="ruleItem1">\s*<option value="">\(ingen regel\)<\/option>\s*<option value="trives">[^<]*<\/option>\s*<option value="turnus">/);
    expect(form.text).not.toMatch(/<select id="ruleItem1"[\s\S]*?value="natt"[\s\S]*?<\/select>/);

    const save = async (fields: Record<string, string | string[]>) => post(`${B}/sporsmal/natt`, { ...natt, ...fields });
    const condition = () => nattOf()?.showIf;
    expect((await save({ ruleJoin: 'any', ruleItem1: 'turnus', ruleOp1: 'in', ruleAnswer1: ['"ja"', '"nei"'], ruleItem2: 'trives', ruleOp2: 'gte', ruleNumber2: '4' })).status).toBe(303);
    expect(condition()).toEqual({ any: [{ item: 'turnus', in: ['ja', 'nei'] }, { item: 'trives', gte: 4 }] });
    const again = await admin.agent.get(`${B}/sporsmal/natt`);
    expect(again.text).toContain('<option value="rules" selected>');
    expect(again.text).toMatch(/<select id="ruleJoin" name="ruleJoin">[\s\S]*<option value="any" selected>/);
    expect(again.text).toContain('name="ruleNumber2" size="8" value="4"');

    expect((await save({ ruleJoin: 'all', ruleItem1: 'turnus', ruleOp1: 'notIn', ruleAnswer1: '"nei"', ruleItem2: 'trives', ruleOp2: 'lt', ruleNumber2: '2,5' })).status).toBe(303);
    expect(condition()).toEqual({ all: [{ item: 'turnus', notEquals: 'nei' }, { item: 'trives', lt: 2.5 }] });
    expect((await save({ ruleJoin: 'none', ruleItem1: 'trives', ruleOp1: 'notAnswered', ruleItem3: 'turnus', ruleOp3: 'notIn', ruleAnswer3: ['"ja"', '"nei"'] })).status).toBe(303);
    expect(condition()).toEqual({ not: { any: [{ item: 'trives', answered: false }, { not: { item: 'turnus', in: ['ja', 'nei'] } }] } });
    expect((await post(`${B}/publiser`, {})).status).toBe(303);
    expect(getSurveyVersion(t.db, 'lokal', 1)?.items[2]?.showIf).toEqual(condition());

    // Form errors at their inputs, everything typed kept.
    const noNumber = await save({ ruleJoin: 'all', ruleItem1: 'trives', ruleOp1: 'gt', ruleNumber1: 'fire' });
    expect(noNumber.status).toBe(422);
    expect(noNumber.text).toMatch(/id="e-ruleNumber1"[^>]*>.*Skriv et tall/);
    expect(noNumber.text).toContain('name="ruleNumber1" size="8" value="fire" aria-invalid="true"');
    const noAnswer = await save({ ruleItem1: 'turnus', ruleOp1: 'in' });
    expect(noAnswer.text).toMatch(/id="e-ruleAnswer1"[^>]*>.*Velg minst ett svar/);
    expect((await save({})).text).toMatch(/id="e-ruleItem1"[^>]*>.*Velg et tidligere spørsmål i minst én regel/);
    // The loader's own rules: no numeric comparison on a choice, no answer another item has.
    const numericChoice = await save({ ruleItem1: 'turnus', ruleOp1: 'gt', ruleNumber1: '1' });
    expect(numericChoice.status).toBe(422);
    expect(numericChoice.text).toMatch(/id="e-showIf"[^>]*>.*turnus/);
    const foreign = await save({ ruleItem1: 'turnus', ruleOp1: 'in', ruleAnswer1: '5' });
    expect(foreign.status).toBe(422);
    expect(foreign.text).toMatch(/id="e-showIf"[^>]*>.*5/);
    expect(condition()).toEqual({ not: { any: [{ item: 'trives', answered: false }, { not: { item: 'turnus', in: ['ja', 'nei'] } }] } });
  });

  test('a simple condition the list does not offer is kept as it is, not dropped by the next save', async () => {
    await buildSmallSurvey();
    expect((await post(`${B}/del/del_1/sporsmal`, { type: 'number', id: 'alder', text: 'Alder?', min: '18', max: '70', step: '1' })).status).toBe(303);
    expect((await post(`${B}/del/del_1/sporsmal`, { type: 'text', id: 'eldre', text: 'Noe mer?', maxLength: '300', showIf: 'alder|equals|30' })).status).toBe(303);
    const form = await admin.agent.get(`${B}/sporsmal/eldre`);
    expect(form.text).toContain('<option value="keep" selected>');
    expect((await post(`${B}/sporsmal/eldre`, { type: 'text', id: 'eldre', text: 'Noe mer nå?', maxLength: '300', showIf: 'keep' })).status).toBe(303);
    const section = getSurveyDraft(t.db, 'lokal')?.definition.sections[0];
    expect(section && 'items' in section ? section.items[4] : undefined).toMatchObject({ text: { nb: 'Noe mer nå?' }, showIf: { item: 'alder', equals: 30 } });
  });

  test('an unknown scale is reported at the field in words, with 422 and the rest kept', async () => {
    await post('/admin/skjema', { id: 'lokal', title: 'Lokal', from: 'blank' });
    const res = await post(`${B}/del/del_1/sporsmal`, { type: 'likert', id: 'q1', text: 'Min egen tekst', scale: 'finnes_ikke', help: 'Hjelp her' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="e-scale"[^>]*>.*ukjent skala «finnes_ikke»/s);
    expect(res.text).toContain('Min egen tekst');
    expect(res.text).toContain('value="Hjelp her"');
    expect(getSurveyDraft(t.db, 'lokal')?.definition.sections[0]).toMatchObject({ items: [] });
  });

  test.each([
    [{ id: 'Q 1' }, 'id', 'Bruk små bokstaver'],
    [{ text: '' }, 'text', 'Skriv spørsmålsteksten'],
    [{ min: 'ti' }, 'min', 'Skriv et tall'],
    [{ min: '10', max: '5' }, 'max', 'største verdi (5) må være større enn minste (10)'],
  ])('bad number item field %j: 422 at %s', async (over, field, message) => {
    await post('/admin/skjema', { id: 'lokal', title: 'Lokal', from: 'blank' });
    const res = await post(`${B}/del/del_1/sporsmal`, { type: 'number', id: 'q1', text: 'Hvor mange?', min: '0', max: '100', unit: 'timer', ...over });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`id="e-${field}"[^>]*>[^<]*<span[^>]*>[^<]*</span>[^<]*${message.replace(/[()]/g, '\\$&')}`));
    expect(res.text).toContain('value="timer"');
  });

  test('a scale in use cannot be removed; an unused one can', async () => {
    await buildSmallSurvey();
    const refused = await post(`${B}/skalaer/enig5/slett`, {});
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Skalaen brukes av 1 spørsmål');
    await post(`${B}/sporsmal/trives/slett`, {});
    expect((await post(`${B}/skalaer/enig5/slett`, {})).status).toBe(303);
    expect(getSurveyDraft(t.db, 'lokal')?.definition.scales).toEqual({});
    expect(recentAudit(t.db)[0]?.action).toBe('builder.scale.remove');
  });

  test('sections and items move with buttons, are renamed and removed', async () => {
    await buildSmallSurvey();
    await post(`${B}/del`, { title: 'Arbeidstid' });
    await post(`${B}/sporsmal/natt/flytt`, { retning: 'ned' });
    let def = getSurveyDraft(t.db, 'lokal')!.definition;
    expect(def.sections.map((s) => ('items' in s ? s.items.map((i) => i.id) : []))).toEqual([['trives', 'turnus'], ['natt']]);
    await post(`${B}/del/del_2/flytt`, { retning: 'opp' });
    await post(`${B}/del/del_1`, { title: 'Trivsel', intro: 'Om trivsel' });
    def = getSurveyDraft(t.db, 'lokal')!.definition;
    expect(def.sections.map((s) => ('id' in s ? s.id : ''))).toEqual(['del_2', 'del_1']);
    expect(def.sections[1]).toMatchObject({ title: { nb: 'Trivsel' }, intro: { nb: 'Om trivsel' } });
    // "natt" now comes before "turnus", which its condition uses: the check says so in words.
    expect((await admin.agent.get(B)).text).toContain('Del 1, spørsmål 1');
    await post(`${B}/sporsmal/natt/slett`, {});
    await post(`${B}/del/del_2/slett`, {});
    def = getSurveyDraft(t.db, 'lokal')!.definition;
    expect(def.sections.map((s) => ('id' in s ? s.id : ''))).toEqual(['del_1']);
  });

  test('translations side by side are saved into the texts and published without a new version', async () => {
    await buildSmallSurvey();
    await post(`${B}/innstillinger`, { title: 'Lokal kartlegging', languages: ['en'] });
    const page = await admin.agent.get(B);
    expect(page.text).toContain('mangler tekst på «en»');
    const form = await admin.agent.get(`${B}/oversett/en`);
    // The page is in the staff user's language; only the fields being written are English.
    expect(form.text).toContain('<html lang="nb">');
    expect(form.text).toContain('name="text" lang="en"');
    const keys = [...form.text.matchAll(/name="key" value="([^"]+)"/g)].map((m) => m[1]!);
    expect(keys).toContain('item.trives.text');
    await post(`${B}/oversett/en`, { key: keys, text: keys.map((k) => (k === 'item.trives.text' ? 'I like my job' : `EN ${k}`)) });
    expect((await post(`${B}/publiser`, {})).status).toBe(303);
    expect(getSurveyVersion(t.db, 'lokal', 1)?.translations?.en?.['item.trives.text']).toBe('I like my job');
    // Dropping the language drops its texts with it, so the survey stays valid.
    await post(`${B}/innstillinger`, { title: 'Lokal kartlegging' });
    expect((await admin.agent.get(B)).text).toContain('Skjemaet er gyldig');
    expect(JSON.stringify(getSurveyDraft(t.db, 'lokal')?.definition)).not.toContain('I like my job');
  });
});

describe('versions', () => {
  test('a wave keeps version 1; a changed scale becomes version 2 and the diff says not comparable', async () => {
    await buildSmallSurvey();
    await post(`${B}/publiser`, {});
    createWave(t.db, { name: 'T0 lokal', surveyId: 'lokal', surveyVersion: 1, unitIds: ['solbakken'], linkMode: 'open' });
    await post(`${B}/skalaer`, { original: 'enig5', pointValue: ['1', '2', '3', '4'], pointLabel: ['Uenig', 'Litt uenig', 'Litt enig', 'Enig'], dontKnowLabel: 'Vet ikke' });
    expect((await post(`${B}/publiser`, {})).headers.location).toBe(`${B}?lagret=2`);
    expect(listSurveyVersions(t.db, 'lokal')).toEqual([1, 2]);
    expect(getSurveyVersion(t.db, 'lokal', 1)?.scales.enig5?.points).toHaveLength(5);
    const diff = await admin.agent.get(`${B}/versjoner?fra=1&til=2`);
    expect(diff.text).toContain('T0 lokal');
    expect(diff.text).toMatch(/<code>trives<\/code>.*Kan ikke sammenlignes: svaralternativene er endret/s);
    expect(diff.text).not.toMatch(/<code>turnus<\/code>/);
  });
});

describe('deleting a survey', () => {
  test('asks first, is refused while a wave uses any version, then deletes copy and versions with an audit entry', async () => {
    await buildSmallSurvey();
    await post(`${B}/publiser`, {});
    expect((await admin.agent.get(B)).text).toContain(`href="${B}/slett"`);
    const ask = await admin.agent.get(`${B}/slett`);
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('Slette «Lokal kartlegging»?');
    expect(ask.text).toContain('1 lagret versjon slettes.');
    // Without the confirmation the post only leads back to the question.
    expect((await post(`${B}/slett`, {})).headers.location).toBe(`${B}/slett`);
    expect(getSurveyDraft(t.db, 'lokal')).toBeDefined();
    // Without the CSRF token nothing happens.
    expect((await admin.agent.post(`${B}/slett`).type('form').send('confirm=yes')).status).toBe(403);
    expect(getSurveyDraft(t.db, 'lokal')).toBeDefined();

    // A wave on version 1, then a version 2: the wave on the old version still blocks it.
    const waveId = createWave(t.db, { name: 'T0 lokal', surveyId: 'lokal', surveyVersion: 1, unitIds: ['solbakken'], linkMode: 'open' });
    await post(`${B}/skalaer`, { original: 'enig5', pointValue: ['1', '2', '3', '4'], pointLabel: ['Uenig', 'Litt uenig', 'Litt enig', 'Enig'], dontKnowLabel: 'Vet ikke' });
    await post(`${B}/publiser`, {});
    expect(listSurveyVersions(t.db, 'lokal')).toEqual([1, 2]);
    const blocked = await admin.agent.get(`${B}/slett`);
    expect(blocked.text).toContain('Skjemaet kan ikke slettes: 1 måling bruker det');
    expect(blocked.text).toContain(`href="/admin/malinger/${waveId}">T0 lokal</a>`);
    expect(blocked.text).not.toContain('name="confirm"');
    const refused = await post(`${B}/slett`, { confirm: 'yes' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Skjemaet kan ikke slettes');
    expect(listSurveyVersions(t.db, 'lokal')).toEqual([1, 2]);
    expect(recentAudit(t.db)[0]?.action).not.toBe('builder.delete');

    // The wave gone (its rows cascade), nothing holds the survey.
    t.db.prepare('DELETE FROM wave WHERE id = ?').run(waveId);
    expect((await admin.agent.get(`${B}/slett`)).text).toContain('2 lagrede versjoner slettes.');
    expect((await post(`${B}/slett`, { confirm: 'yes' })).headers.location).toBe('/admin/skjema');
    expect(getSurveyDraft(t.db, 'lokal')).toBeUndefined();
    expect(listSurveyVersions(t.db, 'lokal')).toEqual([]);
    expect(recentAudit(t.db)[0]).toMatchObject({ action: 'builder.delete', detail: 'lokal: 2 versions' });
    expect((await admin.agent.get('/admin/skjema')).text).not.toContain('/admin/skjema/lokal"');
    // The id is free again.
    expect((await post('/admin/skjema', { id: 'lokal', title: 'Ny', from: 'blank' })).status).toBe(303);
  });

  test('a template cannot be deleted', async () => {
    expect((await admin.agent.get('/admin/skjema/hefa/slett')).status).toBe(409);
    expect((await post('/admin/skjema/hefa/slett', { confirm: 'yes' })).status).toBe(409);
    expect(listSurveyVersions(t.db, 'hefa').length).toBeGreaterThan(0);
  });
});

describe('JSON export and import', () => {
  test('export, then import under a new id gives the same survey', async () => {
    await buildSmallSurvey();
    const exported = await admin.agent.get(`${B}/eksport.json`);
    expect(exported.headers['content-disposition']).toContain('lokal.json');
    const json = JSON.parse(exported.text) as Record<string, unknown>;
    expect(json.$schema).toBe('./schema.json');
    const res = await admin.agent.post('/admin/skjema/import').field('_csrf', admin.csrf).attach('file', Buffer.from(JSON.stringify({ ...json, id: 'kopi' })), 'kopi.json');
    expect(res.headers.location).toBe('/admin/skjema/kopi');
    const { id: _a, ...a } = getSurveyDraft(t.db, 'lokal')!.definition;
    const { id: _b, ...b } = getSurveyDraft(t.db, 'kopi')!.definition;
    expect(b).toEqual(a);
  });

  test('a broken definition is refused with places in words, the pasted text kept', async () => {
    const bad = JSON.stringify({ id: 'ny', version: 1, title: 'Ny', scales: {}, sections: [{ id: 's', title: 'S', items: [{ id: 'q', type: 'likert', scale: 'enig9', text: 'Q' }] }] });
    const res = await admin.agent.post('/admin/skjema/import').field('_csrf', admin.csrf).field('json', bad);
    expect(res.status).toBe(422);
    expect(res.text).toContain('Del 1, spørsmål 1: ukjent skala «enig9»');
    expect(res.text).toContain('&#34;enig9&#34;');
    expect(getSurveyDraft(t.db, 'ny')).toBeUndefined();
    const syntax = await admin.agent.post('/admin/skjema/import').field('_csrf', admin.csrf).field('json', '{"id": ');
    expect(syntax.status).toBe(422);
  });

  test('a template exports as a file that imports as a new survey of the same meaning', async () => {
    const exported = await admin.agent.get('/admin/skjema/raus/eksport.json');
    const res = await admin.agent.post('/admin/skjema/import').field('_csrf', admin.csrf).field('json', JSON.stringify({ ...JSON.parse(exported.text), id: 'raus_lokal' }));
    expect(res.status).toBe(303);
    await post('/admin/skjema/raus_lokal/publiser', {});
    expect(getSurveyVersion(t.db, 'raus_lokal', 1)?.items.map((i) => i.text)).toEqual(getSurveyVersion(t.db, 'raus', 1)?.items.map((i) => i.text));
  });
});

describe('preview', () => {
  test('shows the respondent page with its condition script, and carries answers across pages', async () => {
    await buildSmallSurvey();
    const start = await admin.agent.get(`${B}/forhandsvis`);
    expect(start.headers.location).toBe(`${B}/forhandsvis/nb/del/del_1`);
    const page = await admin.agent.get(start.headers.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('/js/respond.js');
    expect(page.text).toContain('data-show-if');
    expect(page.text).toContain('Forhåndsvisning');
    const invalid = await post(`${B}/forhandsvis/nb/del/del_1`, { trives: '9', _answers: '{}' });
    expect(invalid.status).toBe(422);
    const end = await post(`${B}/forhandsvis/nb/del/del_1`, { trives: '4', turnus: 'ja', natt: 'tungt', _answers: '{}', _nav: 'next' });
    expect(end.text).toContain('Slutten av forhåndsvisningen');
    expect(recentAudit(t.db).some((e) => e.action.startsWith('builder.preview'))).toBe(false);
  });

  test('answers carried back from the browser are checked again: garbage is dropped, never shown', async () => {
    await buildSmallSurvey();
    await post(`${B}/del`, { title: 'Del 2' });
    expect((await post(`${B}/del/del_2/sporsmal`, { type: 'number', id: 'kveld', text: 'Hvor mange kvelder?', min: '0', max: '31' })).status).toBe(303);
    const next = await post(`${B}/forhandsvis/nb/del/del_1`, { trives: '4', turnus: 'nei', _answers: '{"kveld":{"x":1},"ukjent":3}', _nav: 'next' });
    expect(next.status).toBe(200);
    expect(next.text).toContain('Hvor mange kvelder?');
    expect(next.text).not.toContain('object Object');
    expect(next.text).toContain('name="_answers" value="{&#34;trives&#34;:4,&#34;turnus&#34;:&#34;nei&#34;}"');
  });

  test('the welcome page, with the background-question notice, in each language, linked from the first page', async () => {
    await buildSmallSurvey();
    await post(`${B}/sporsmal/turnus`, { type: 'single', id: 'turnus', text: 'Jobber du turnus?', optionId: ['ja', 'nei'], optionLabel: ['Ja', 'Nei'], background: 'on' });
    const first = await admin.agent.get(`${B}/forhandsvis/nb/del/del_1`);
    expect(first.text).toContain(`href="${B}/forhandsvis/nb/velkommen"`);
    const welcome = await admin.agent.get(`${B}/forhandsvis/nb/velkommen`);
    expect(welcome.status).toBe(200);
    expect(welcome.text).toContain('<h1 lang="nb">Lokal kartlegging</h1>');
    expect(welcome.text).toContain('id="background-title"');
    expect(welcome.text).toMatch(/<li lang="nb">Jobber du turnus\?<\/li>/);
    // Start leads to the first page's preview; nothing posts to a respondent route, nothing is stored.
    expect(welcome.text).toContain(`<a class="button primary" href="${B}/forhandsvis/nb/del/del_1">`);
    expect(welcome.text).not.toContain('action="/s/');
    const drafts = t.db.prepare('SELECT count(*) AS n FROM draft').get() as { n: number };
    expect(drafts.n).toBe(0);

    // In English once the survey declares it and its texts are there.
    await post(`${B}/innstillinger`, { title: 'Lokal kartlegging', languages: ['en'] });
    const form = await admin.agent.get(`${B}/oversett/en`);
    const keys = [...form.text.matchAll(/name="key" value="([^"]+)"/g)].map((m) => m[1]!);
    await post(`${B}/oversett/en`, { key: keys, text: keys.map((k) => (k === 'item.turnus.text' ? 'Do you work shifts?' : `EN ${k}`)) });
    const english = await admin.agent.get(`${B}/forhandsvis/en/velkommen`);
    expect(english.status).toBe(200);
    expect(english.text).toContain('<html lang="en"');
    expect(english.text).toMatch(/<li lang="en">Do you work shifts\?<\/li>/);
    expect(english.text).toContain(`href="${B}/forhandsvis/nb/velkommen" lang="nb"`);
    expect((await admin.agent.get(`${B}/forhandsvis/pl/velkommen`)).status).toBe(404);
  });

  test('previews a template in each of its languages', async () => {
    const start = await admin.agent.get('/admin/skjema/raus/forhandsvis');
    const page = await admin.agent.get(start.headers.location!.replace('/nb/', '/pl/'));
    expect(page.status).toBe(200);
    expect(page.text).toContain('lang="pl"');
  });
});
