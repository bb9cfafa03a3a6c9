// Sick leave through the real app: the project leader's import (preview, problems, confirm,
// re-import, audit), the settings, and the figures on the unit, comparison, dialogue and overview
// pages and in the CSV.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../../src/app.js';
import { recentAudit } from '../../src/store/audit.js';
import { sickLeaveSettings, sickLeaveVersions, storedPeriods } from '../../src/store/sickleave.js';
import { listUnits } from '../../src/store/units.js';
import { makeHistoryApp, makeTestApp, type HistoryApp, type TestApp } from '../helpers/app.js';
import { postForm, signIn, type SignedIn } from '../helpers/staff.js';

const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const HEAD = 'enhet;periode;ansatte;avtalte_dagsverk;egenmeldt;legemeldt;kort;lang';

describe('import', () => {
  let t: TestApp;
  let admin: SignedIn;
  beforeAll(async () => {
    const base = makeTestApp();
    // The app's clock says 15 June 2026: June has not ended.
    t = { ...base, app: createApp({ db: base.db, config: base.config, clock: () => Date.parse('2026-06-15T10:00:00Z') }) };
    admin = await signIn(t, 'admin');
  });
  afterAll(() => t.close());

  const good = [HEAD, 'solbakken_avd1;2026-03;18;320;6;14;8;12', 'solbakken_avd2;2026-03;14;250;4;20;6;18', 'hjemmetjenesten;2026-03;25;450;10;30;15;25'].join('\n');

  test('a file is previewed, nothing written; confirming stores it and audits it', async () => {
    const preview = await admin.agent.post('/admin/sykefravaer').field('_csrf', admin.csrf).attach('file', Buffer.from(`\uFEFF${good}`, 'utf8'), 'fravaer.csv');
    expect(preview.status).toBe(200);
    expect(text(preview.text)).toContain('2026-03 3 ny');
    expect(storedPeriods(t.db).size).toBe(0);
    const apply = await postForm(admin, '/admin/sykefravaer/bekreft', { csv: good });
    expect(apply.status).toBe(303);
    expect(storedPeriods(t.db).get('2026-03')).toBe(3);
    expect(recentAudit(t.db, 5).find((e) => e.action === 'sickleave.import')?.detail).toBe('2026-03: 3 rows');
  });

  test('every bad row is reported in Norwegian, and confirming is refused', async () => {
    const bad = [
      HEAD,
      'ukjent;2026-03;8;160;2;0;;',
      'solbakken_avd1;2026-04;8;160;100;61;;',
      'solbakken_avd2;2026-04;8;160;-2;0;;',
      'hjemmetjenesten;2026-04;8;160;2;0;;',
      'hjemmetjenesten;04.2026;8;160;2;0;;',
      'nordby_skole;2026-06;30;600;2;0;;',
      'administrasjon;2027-01;12;240;2;0;;',
    ].join('\n');
    const preview = await postForm(admin, '/admin/sykefravaer', { csv: bad });
    expect(preview.status).toBe(422);
    const body = text(preview.text);
    for (const message of [
      'Linje 2: enheten «ukjent» finnes ikke',
      'Linje 3: enheten «solbakken_avd1» har flere tapte enn avtalte dagsverk',
      'Linje 4: «-2» er negativt',
      'Linje 6: hjemmetjenesten 2026-04 står også på linje 5',
      'Linje 7: perioden 2026-06 er ikke avsluttet ennå',
      'Linje 8: perioden 2027-01 er ikke avsluttet ennå',
      'Ingenting er lagret',
    ]) {
      expect(body).toContain(message);
    }
    expect(preview.text).toContain(bad.split('\n')[1]);
    expect((await postForm(admin, '/admin/sykefravaer/bekreft', { csv: bad })).status).toBe(422);
    expect(storedPeriods(t.db).has('2026-04')).toBe(false);
  });

  test('re-importing a period replaces it, and the preview says what will be held back', async () => {
    const fewer = good.replace('solbakken_avd1;2026-03;18;320;6;14;8;12', 'solbakken_avd1;2026-03;17;300;6;14;8;12');
    const preview = await postForm(admin, '/admin/sykefravaer', { csv: fewer });
    expect(preview.status).toBe(200);
    const body = text(preview.text);
    expect(body).toContain('erstatter 3 linjer');
    expect(body).toMatch(/2026-03: \d+ enheter får tallene holdt tilbake/);
    expect((await postForm(admin, '/admin/sykefravaer/bekreft', { csv: fewer })).status).toBe(303);
    const versions = sickLeaveVersions(t.db).get('2026-03') ?? [];
    expect(versions).toHaveLength(2);
    expect(versions[1]?.rows.find((r) => r.unitId === 'solbakken_avd1')?.employees).toBe(17);
    expect(storedPeriods(t.db).get('2026-03')).toBe(3);
  });

  test('a file of twenty years is confirmed in one go (the confirm form is multipart, above the urlencoded limit)', async () => {
    const units = listUnits(t.db).map((u) => u.id);
    const lines = [HEAD];
    for (let year = 2005; year <= 2025; year++) {
      for (let m = 1; m <= 12; m++) for (const u of units) lines.push(`${u};${year}-${String(m).padStart(2, '0')};12;240,25;3,5;10;4,5;9`);
    }
    const big = lines.join('\n');
    expect(Buffer.byteLength(big)).toBeGreaterThan(100 * 1024);
    const preview = await admin.agent.post('/admin/sykefravaer').field('_csrf', admin.csrf).attach('file', Buffer.from(big), 'fravaer.csv');
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('action="/admin/sykefravaer/bekreft" enctype="multipart/form-data"');
    const apply = await admin.agent.post('/admin/sykefravaer/bekreft').field('_csrf', admin.csrf).field('csv', big);
    expect(apply.status).toBe(303);
    expect(storedPeriods(t.db).get('2005-01')).toBe(units.length);
    expect(storedPeriods(t.db).get('2025-12')).toBe(units.length);
  });

  test('an empty upload and an unreadable file are 422', async () => {
    expect((await postForm(admin, '/admin/sykefravaer', { csv: '' })).status).toBe(422);
    const res = await admin.agent.post('/admin/sykefravaer').field('_csrf', admin.csrf).attach('file', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'fravaer.xlsx');
    expect(res.status).toBe(422);
    expect(text(res.text)).toContain('Filen kunne ikke leses');
  });

  test.each([
    [{ k: '4', kSplit: '10', presence: '0' }, 'Skriv et helt tall som er minst 5.'],
    [{ k: 'fem', kSplit: '10', presence: '0' }, 'Skriv et helt tall som er minst 5.'],
    [{ k: '12', kSplit: '11', presence: '0' }, 'minst like høyt som terskelen'],
  ])('settings %o are refused with 422 and the input kept', async (form, message) => {
    const res = await postForm(admin, '/admin/sykefravaer/innstillinger', form);
    expect(res.status).toBe(422);
    expect(text(res.text)).toContain(message);
    expect(res.text).toContain(`value="${form.k}"`);
  });

  test('thresholds can be raised, never lowered; presence is a setting', async () => {
    expect((await postForm(admin, '/admin/sykefravaer/innstillinger', { k: '6', kSplit: '12', presence: '1' })).status).toBe(303);
    expect(sickLeaveSettings(t.db)).toEqual({ k: 6, kSplit: 12, presence: true });
    const lower = await postForm(admin, '/admin/sykefravaer/innstillinger', { k: '5', kSplit: '12', presence: '1' });
    expect(lower.status).toBe(422);
    expect(text(lower.text)).toContain('Tersklene kan bare økes.');
    expect(recentAudit(t.db, 5).some((e) => e.action === 'sickleave.settings')).toBe(true);
  });

  test('posts without the CSRF token are refused, and leaders cannot reach the page', async () => {
    expect((await admin.agent.post('/admin/sykefravaer/bekreft').type('form').send({ csv: good })).status).toBe(403);
    expect((await admin.agent.post('/admin/sykefravaer').attach('file', Buffer.from(good), 'f.csv')).status).toBe(403);
    const leader = await signIn(t, 'leader', ['solbakken']);
    expect((await leader.agent.get('/admin/sykefravaer')).status).toBe(403);
    expect((await leader.agent.get('/admin/sykefravaer.csv')).status).toBe(403);
  });
});

describe('pages', () => {
  let t: HistoryApp;
  let admin: SignedIn;
  beforeAll(async () => {
    t = makeHistoryApp({ sickLeave: true });
    admin = await signIn(t, 'admin');
  });
  afterAll(() => t.close());

  test('a unit results page shows eight quarters as a chart and its table, saying these are counts', async () => {
    const res = await admin.agent.get(`/resultater/${t.closedWaveId}/enhet/solbakken_avd1`);
    expect(res.status).toBe(200);
    const table = /<table class="data" id="sick-table">([\s\S]*?)<\/table>/.exec(res.text)?.[1] ?? '';
    expect(table.match(/<tr><th scope="row">/g)).toHaveLength(8);
    expect(text(table)).toMatch(/3\. kv\. 2026 \d+,\d %/);
    expect(res.text).toContain('id="sick-chart" data-chart="{&#34;kind&#34;:&#34;line&#34;');
    expect(text(res.text)).toContain('Det er ikke et utvalg og har ingen feilmargin');
  });

  test('a unit below k shows why, and the sibling that would give it away is withheld too', async () => {
    const natt = text((await admin.agent.get(`/resultater/${t.closedWaveId}/enhet/solbakken_natt`)).text);
    expect(natt).toContain('3. kv. 2026 Holdt tilbake: færre enn 5 ansatte');
    // Solbakken minus avdeling 1 minus avdeling 2 would be the night shift: the smaller sibling goes.
    const avd2 = text((await admin.agent.get(`/resultater/${t.closedWaveId}/enhet/solbakken_avd2`)).text);
    expect(avd2).toContain('3. kv. 2026 Holdt tilbake for å verne tallene til en annen enhet');
    const solbakken = text((await admin.agent.get(`/resultater/${t.closedWaveId}/enhet/solbakken`)).text);
    expect(solbakken).toMatch(/3\. kv\. 2026 \d+,\d %/);
  });

  test('the comparison shows the twelve months before each wave with the change', async () => {
    const res = await admin.agent.get(`/sammenligning/${t.projectId}/enhet/solbakken_avd1`);
    expect(res.status).toBe(200);
    const table = text(/<table class="data" id="sick-before">([\s\S]*?)<\/table>/.exec(res.text)?.[1] ?? '');
    expect(table).toContain('Relativ endring');
    expect(table).toMatch(/[+−±]\d+,\d [+−±]\d+ %/);
  });

  test('the dialogue page and the overview show sick leave; the CSV has every unit and quarter', async () => {
    const dialogue = await admin.agent.get(`/oppfolging/${t.closedWaveId}/enhet/solbakken_avd1/dialog`);
    expect(dialogue.status).toBe(200);
    expect(dialogue.text).toContain('id="sick-table"');
    const overview = text((await admin.agent.get('/oversikt')).text);
    expect(overview).toMatch(/Sykefravær siste kvartal .*Demo kommune: sykefravær \d+,\d %/);
    const csv = await admin.agent.get('/admin/sykefravaer.csv');
    expect(csv.status).toBe(200);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toContain('"Enhets-id";"Enhet";"Kvartal";"Sykefravær";"Egenmeldt";"Legemeldt"');
    expect(lines.some((l) => l.startsWith('"solbakken_natt";') && l.includes('færre enn 5 ansatte'))).toBe(true);
  });

  test('without sick-leave figures no page has the section', async () => {
    const plain = makeHistoryApp();
    try {
      const who = await signIn(plain, 'admin');
      const res = await who.agent.get(`/resultater/${plain.closedWaveId}/enhet/solbakken_avd1`);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('sick-');
    } finally {
      plain.close();
    }
  });
});
