// Follow-up pages after the roll-out review (issue 15): choices survive a validation error, an
// empty choice is refused rather than stored, an action can be deleted after a confirmation (and
// the deletion is audited), and the audit log reads as Norwegian text.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cssString } from '../../src/web/results/print.js';
import { addAction, getFollowup, getAction } from '../../src/store/followups.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { postForm, signIn, type SignedIn } from '../helpers/staff.js';

let t: HistoryApp;
let wave: number;
let admin: SignedIn;
let rep: SignedIn;
let outsider: SignedIn;
const other = (): SignedIn => outsider;

beforeAll(async () => {
  t = makeHistoryApp();
  wave = t.closedWaveId;
  admin = await signIn(t, 'admin');
  rep = await signIn(t, 'representative', ['solbakken_avd1']);
  outsider = await signIn(t, 'leader', ['oppvekst']);
});
afterAll(() => t.close());

const url = (unit: string, tail = '') => `/oppfolging/${wave}/enhet/${unit}${tail}`;
const post = postForm;
const checked = (html: string, name: string): string[] => [...html.matchAll(new RegExp(`name="${name}" value="([^"]+)" checked`, 'g'))].map((m) => m[1] as string);

describe('follow-up choices (item 1)', () => {
  test('after "Velg høyst tre styrker." every tick and the own wording are kept', async () => {
    const unit = 'solbakken_avd1';
    const before = getFollowup(t.db, wave, unit);
    const res = await post(rep, url(unit, '/valg'), { strengths: ['medvirkning', 'balanse', 'mestring', 'trivsel'], ownStrength: 'Vi ler mye sammen', areas: ['anerkjennelse'], ownArea: 'Bedre overlapp' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Velg høyst tre styrker.');
    expect(checked(res.text, 'strengths').sort()).toEqual(['balanse', 'medvirkning', 'mestring', 'trivsel']);
    expect(checked(res.text, 'areas')).toEqual(['anerkjennelse']);
    expect(res.text).toContain('name="ownStrength" value="Vi ler mye sammen"');
    expect(res.text).toContain('name="ownArea" value="Bedre overlapp"');
    expect(getFollowup(t.db, wave, unit)).toEqual(before);
  });

  test('nothing ticked and no own wording is refused, not stored as an empty choice', async () => {
    const unit = 'solbakken_avd1';
    const before = getFollowup(t.db, wave, unit);
    const res = await post(rep, url(unit, '/valg'), { ownStrength: '  ', ownArea: '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Velg minst én styrke eller ett område, eller skriv med egne ord.');
    expect(getFollowup(t.db, wave, unit)).toEqual(before);
    const dialogue = await rep.agent.get(url(unit, '/dialog'));
    if (!before) expect(dialogue.text).not.toContain('Dette har vi valgt');
  });

  test('a valid choice is stored and shown ticked', async () => {
    const res = await post(rep, url('solbakken_avd1', '/valg'), { strengths: ['medvirkning'], ownStrength: 'Vi ler mye sammen' });
    expect(res.status).toBe(303);
    const page = await rep.agent.get(url('solbakken_avd1'));
    expect(checked(page.text, 'strengths')).toEqual(['medvirkning']);
    expect(page.text).toContain('name="ownStrength" value="Vi ler mye sammen"');
    expect(page.text).toContain('Sist lagret av');
  });
});

describe('deleting an action (item 15)', () => {
  test('the first post asks, naming the action; confirming deletes it and the audit log says so in words', async () => {
    const id = addAction(t.db, { waveId: wave, unitId: 'solbakken_avd1', what: 'Tavlemøte hver mandag', factorId: null, responsible: 'Leder', dueOn: '2027-03-01', status: 'planned', note: '' });
    const ask = await post(rep, url('solbakken_avd1', `/tiltak/${id}/slett`), {});
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('Slette tiltaket?');
    expect(ask.text).toContain('Tavlemøte hver mandag');
    expect(ask.text).toContain('01.03.2027');
    expect(getAction(t.db, id)).toBeDefined();
    const done = await post(rep, url('solbakken_avd1', `/tiltak/${id}/slett`), { confirm: 'yes' });
    expect(done.status).toBe(303);
    expect(getAction(t.db, id)).toBeUndefined();
    const log = await admin.agent.get('/admin/logg');
    expect(log.text).toContain('Tiltak slettet');
    expect(log.text).toContain(`#${id}: Tavlemøte hver mandag`);
    expect(log.text).toContain('Styrker og områder lagret');
    expect(log.text).not.toContain('<code>followup.choices</code>');
  });

  test('an action of another unit cannot be deleted through this unit, nor by someone outside it', async () => {
    const id = addAction(t.db, { waveId: wave, unitId: 'solbakken_avd2', what: 'Annet', factorId: null, responsible: 'Leder', dueOn: null, status: 'planned', note: '' });
    expect((await post(rep, url('solbakken_avd1', `/tiltak/${id}/slett`), { confirm: 'yes' })).status).toBe(404);
    expect((await post(rep, url('solbakken_avd2', `/tiltak/${id}/slett`), { confirm: 'yes' })).status).toBe(403);
    expect(getAction(t.db, id)).toBeDefined();
  });
});

describe('print header and heat-map downloads (items 6 and 16)', () => {
  test('the print stylesheet names unit, wave and day in escaped CSS strings, only for units in scope', async () => {
    const css = await rep.agent.get(`/resultater/${wave}/enhet/solbakken_avd1/utskrift.css`);
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.text).toContain('size: A4 portrait');
    expect(css.text).toMatch(/@top-left \{ content: "Solbakken, avdeling 1 \\b7 [^"]+"/);
    expect(css.text).toMatch(/@top-right \{ content: "Skrevet ut \d\d\.\d\d\.\d{4}"/);
    expect(css.text).toContain('counter(pages)');
    expect((await rep.agent.get(`/resultater/${wave}/enhet/solbakken_avd2/utskrift.css`)).status).toBe(403);
  });

  test('cssString cannot be broken out of', () => {
    expect(cssString('a"}b\\c\nd')).toBe('"a\\22 }b\\5c c\\a d"');
    expect(cssString('Bjørkly')).toBe('"Bj\\f8 rkly"');
  });

  test("the heat map's CSV and XLSX hold only the units the person may see", async () => {
    const leader = await signIn(t, 'leader', ['solbakken'], 'heat-leader');
    const csv = await leader.agent.get(`/resultater/${wave}/organisasjon.csv`);
    expect(csv.status).toBe(200);
    const ids = csv.text.split('\r\n').slice(1).filter(Boolean).map((l) => l.split(';')[0]?.replace(/"/g, ''));
    expect(ids).toEqual(['solbakken', 'solbakken_avd1', 'solbakken_avd2', 'solbakken_natt']);
    const xlsx = await leader.agent.get(`/resultater/${wave}/organisasjon.xlsx`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as ArrayBuffer);
    expect(book.worksheets[0]?.getColumn(1).values.slice(2)).toEqual(ids);
    const theirs = (await other().agent.get(`/resultater/${wave}/organisasjon.csv`)).text;
    expect(theirs).toContain('"oppvekst"');
    expect(theirs).not.toContain('solbakken');
  });
});
