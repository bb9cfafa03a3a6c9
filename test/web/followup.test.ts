// Follow-up after the survey: access (own units only, representatives too), CSRF, validation,
// the parent's results for small units, the project leader's overview and the actions CSV.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listActions } from '../../src/store/followups.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { signIn, type SignedIn } from '../helpers/staff.js';

let t: HistoryApp;
let wave: number;
let baseline: number;
let project: number;
let admin: SignedIn;
let leader: SignedIn;
let rep: SignedIn;
let other: SignedIn;

beforeAll(async () => {
  t = makeHistoryApp();
  wave = t.closedWaveId;
  baseline = t.baselineWaveId;
  project = t.projectId;
  admin = await signIn(t, 'admin');
  leader = await signIn(t, 'leader', ['solbakken']);
  rep = await signIn(t, 'representative', ['solbakken_avd1']);
  other = await signIn(t, 'leader', ['oppvekst']);
});
afterAll(() => t.close());

const url = (unit: string, tail = '') => `/oppfolging/${wave}/enhet/${unit}${tail}`;
const post = (who: SignedIn, path: string, body: Record<string, string | string[]>, csrf = true) => {
  const params = new URLSearchParams(csrf ? { _csrf: who.csrf } : {});
  for (const [k, v] of Object.entries(body)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
  return who.agent.post(path).type('form').send(params.toString());
};
const action = { what: 'Ukentlig tavlemøte', factorId: 'medvirkning', responsible: 'Avdelingsleder', dueOn: '2027-03-01', status: 'planned', note: '' };

describe('access', () => {
  test.each([
    ['leader', 'solbakken_avd1', 200],
    ['rep', 'solbakken_avd1', 200],
    ['rep', 'solbakken_avd2', 403],
    ['other', 'solbakken_avd1', 403],
    ['admin', 'solbakken_avd1', 200],
  ] as const)('%s on %s: page and adding an action get %i', async (who, unit, status) => {
    const s = { leader, rep, other, admin }[who];
    expect((await s.agent.get(url(unit))).status).toBe(status);
    const before = listActions(t.db, wave, unit).length;
    const res = await post(s, url(unit, '/tiltak'), action);
    expect(res.status).toBe(status === 200 ? 303 : 403);
    expect(listActions(t.db, wave, unit).length).toBe(before + (status === 200 ? 1 : 0));
  });

  test('anonymous visitors go to login; posts without the CSRF token are refused', async () => {
    expect((await request(t.app).get(url('solbakken_avd1'))).status).toBe(303);
    const before = listActions(t.db, wave, 'solbakken_avd1').length;
    expect((await post(rep, url('solbakken_avd1', '/tiltak'), action, false)).status).toBe(403);
    expect(listActions(t.db, wave, 'solbakken_avd1').length).toBe(before);
  });

  test('the actions CSV is for the project leader', async () => {
    expect((await leader.agent.get(`/oppfolging/${wave}/tiltak.csv`)).status).toBe(403);
    const csv = await admin.agent.get(`/oppfolging/${wave}/tiltak.csv`);
    expect(csv.text.startsWith('\uFEFF"enhet_id";"enhet";"tiltak"')).toBe(true);
    expect(csv.text).toContain('Fem minutter «dagens gode ting» på personalmøtet');
  });
});

describe('validation', () => {
  test.each([
    [{ what: '' }, 'Skriv hva som skal gjøres'],
    [{ responsible: '' }, 'Skriv hvem som er ansvarlig'],
    [{ dueOn: '31.02.2027' }, 'Skriv fristen som 18.12.2026.'],
    [{ dueOn: '2027-02-31' }, 'Skriv fristen som 18.12.2026.'],
    [{ dueOn: '2027-02-31x' }, 'Skriv fristen som 18.12.2026.'],
    [{ status: 'forgotten' }, 'Velg en status.'],
    [{ factorId: 'nope' }, 'Velg en faktor fra listen.'],
    [{ notifyEmail: 'kari(at)kommune.no' }, 'Skriv en gyldig e-postadresse, eller la feltet stå tomt.'],
  ])('%j gets 422 with a message, keeps what was typed and stores nothing', async (change, message) => {
    const before = listActions(t.db, wave, 'solbakken_avd1').length;
    const res = await post(rep, url('solbakken_avd1', '/tiltak'), { ...action, what: 'Behold meg', ...change });
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    if (!('what' in change)) expect(res.text).toContain('value="Behold meg"');
    expect(listActions(t.db, wave, 'solbakken_avd1').length).toBe(before);
  });

  test('an action is updated by status and note; an action of another unit cannot be edited through this one', async () => {
    await post(rep, url('solbakken_avd1', '/tiltak'), { ...action, what: 'Oppdater meg' });
    const created = listActions(t.db, wave, 'solbakken_avd1').find((a) => a.what === 'Oppdater meg');
    if (!created) throw new Error('not created');
    expect((await post(rep, url('solbakken_avd1', `/tiltak/${created.id}`), { ...action, what: 'Oppdater meg', status: 'done', note: 'Ferdig i januar' })).status).toBe(303);
    expect(listActions(t.db, wave, 'solbakken_avd1').find((a) => a.id === created.id)).toMatchObject({ status: 'done', note: 'Ferdig i januar' });
    const foreign = listActions(t.db, wave, 'nordby_skole')[0];
    expect((await post(leader, url('solbakken_avd1', `/tiltak/${foreign?.id}`), action)).status).toBe(404);
  });

  test('an owner address is stored lower-cased; an invalid edit is reported on the action\'s own card with what was typed, and nothing changes', async () => {
    await post(rep, url('solbakken_avd1', '/tiltak'), { ...action, what: 'Med varsel', notifyEmail: ' Kari.Leder@Kommune.no ' });
    const created = listActions(t.db, wave, 'solbakken_avd1').find((a) => a.what === 'Med varsel');
    if (!created) throw new Error('not created');
    expect(created.notifyEmail).toBe('kari.leder@kommune.no');
    const res = await post(rep, url('solbakken_avd1', `/tiltak/${created.id}`), { ...action, what: 'Med varsel, endret', notifyEmail: 'ikke-en-adresse' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`<p class="error-message" id="e-notifyEmail-${created.id}">.*Skriv en gyldig e-postadresse`));
    expect(res.text).toContain(`id="notifyEmail-${created.id}" name="notifyEmail" value="ikke-en-adresse"`);
    expect(res.text).toContain('value="Med varsel, endret"');
    expect(res.text).toContain('Tiltaket er ikke lagret.');
    expect(listActions(t.db, wave, 'solbakken_avd1').find((a) => a.id === created.id)).toMatchObject({ what: 'Med varsel', notifyEmail: 'kari.leder@kommune.no' });
  });

  test('strengths and areas: at most three each, from the results or in own words', async () => {
    const tooMany = await post(rep, url('solbakken_avd1', '/valg'), { strengths: ['medvirkning', 'balanse', 'mestring', 'trivsel'] });
    expect(tooMany.status).toBe(422);
    expect(tooMany.text).toContain('Velg høyst tre styrker.');
    const ok = await post(rep, url('solbakken_avd1', '/valg'), { strengths: ['medvirkning'], ownStrength: 'Vi ler mye sammen', areas: ['anerkjennelse'] });
    expect(ok.status).toBe(303);
    const page = await rep.agent.get(url('solbakken_avd1', '/dialog'));
    expect(page.text).toContain('Vi ler mye sammen');
    expect(page.text).toContain('Hvordan er det hos oss når det er som best?');
    expect(page.text).toContain('Hva er det første lille tegnet på at vi er på rett vei?');
  });
});

describe('small units and the overview', () => {
  test('a unit below the threshold builds its dialogue on the parent, never its own figures', async () => {
    const res = await leader.agent.get(url('solbakken_natt'));
    expect(res.text).toContain('bygger på resultatene for Solbakken sykehjem');
    const results = await leader.agent.get(`/resultater/${wave}/enhet/solbakken`);
    const parentMean = /Medvirkning<\/th><td class="num">([\d,]+)/.exec(results.text)?.[1];
    expect(res.text).toContain(`Medvirkning</span> <span class="muted">(${parentMean})`);
  });

  test('the project leader sees which units have follow-up, overdue actions, and factors nobody acts on', async () => {
    const res = await admin.agent.get(`/oppfolging/${wave}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Faktorer uten tiltak');
    expect(res.text).toContain('Prøve 15 minutters overlapp mellom kveld og natt');
    const untargeted = /<section aria-labelledby="untargeted-title"[\s\S]*?<\/section>/.exec(res.text)?.[0] ?? '';
    expect(untargeted).not.toContain('Anerkjennelse');
    expect(untargeted).toContain('Mestring');
  });

  test('the next wave shows earlier actions beside the change in their factor', async () => {
    const res = await admin.agent.get(`/sammenligning/${project}/enhet/hjemmetjenesten`);
    expect(res.text).toContain('Tiltak fra tidligere målinger');
    expect(res.text).toContain('Hva er blitt bedre?');
    expect(res.text).toContain('Fast kjøreliste og luft mellom besøkene');
    expect(baseline).toBeGreaterThan(0);
  });
});
