// The invitation page through the real app (supertest): import with a problem report, XLSX upload,
// templates with preview, test sends with Norwegian messages for wrong SMTP credentials and a
// refused gateway, queueing a send, letters with QR codes, deleting contacts; admins only.
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, test } from 'vitest';
import { createApp } from '../../src/app.js';
import { contactCounts } from '../../src/store/contacts.js';
import { hashToken } from '../../src/store/ids.js';
import { setWaveLanguages } from '../../src/store/waves.js';
import { waveJobs } from '../../src/store/jobs.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { signIn } from '../helpers/staff.js';
import { inviteConfig, tokenWave } from './harness.js';
import { useMailServers } from './servers.js';

const servers = useMailServers();
let t: TestApp | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

function setup(config = inviteConfig(servers.mailbox, servers.gateway)) {
  t = makeTestApp();
  const app = { ...t, app: createApp({ db: t.db, config }) };
  const waveId = tokenWave(t, []);
  return { app, waveId, page: `/admin/malinger/${waveId}/invitasjoner` };
}

describe('the invitation page', () => {
  test('is for project leaders only, and the wave page links to it', async () => {
    const { app, waveId, page } = setup();
    const admin = await signIn(app, 'admin');
    expect((await admin.agent.get(`/admin/malinger/${waveId}`)).text).toContain(`href="${page}"`);
    expect((await admin.agent.get(page)).status).toBe(200);
    const leader = await signIn(app, 'leader', ['solbakken_avd1']);
    expect((await leader.agent.get(page)).status).toBe(403);
  });

  test('an import with problems lists them by line and writes nothing; a clean one is previewed, then added', async () => {
    const { app, waveId, page } = setup();
    const { agent, csrf } = await signIn(app, 'admin');
    const bad = 'enhet;e-post;mobil\nukjent;a@kommune.no;\nsolbakken_avd1;ikke-adresse;\nsolbakken_avd1;b@kommune.no;\nnordby_skole;b@kommune.no;';
    const res = await agent.post(`${page}/import`).field('_csrf', csrf).field('csv', bad);
    expect(res.status).toBe(422);
    expect(res.text).toContain('Linje 2: enheten «ukjent» er ikke med i målingen');
    expect(res.text).toContain('Linje 3: «ikke-adresse» er ikke en gyldig e-postadresse');
    expect(res.text).toContain('Linje 5: «b@kommune.no» står flere ganger (også linje 4)');
    expect(contactCounts(app.db, waveId).total).toBe(0);

    const good = 'enhet;e-post;mobil\nsolbakken_avd1;a@kommune.no;\nnordby_skole;;91234567\nnordby_skole;;';
    const preview = await agent.post(`${page}/import`).field('_csrf', csrf).field('csv', good);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('3 kontakter kan legges til.');
    expect(contactCounts(app.db, waveId).total).toBe(0);
    const csv = /name="csv" value="([^"]*)"/.exec(preview.text)?.[1]?.replace(/&#10;/g, '\n') ?? '';
    const apply = await agent.post(`${page}/import/bekreft`).type('form').send({ _csrf: csrf, csv: csv.replace(/&#39;/g, "'") });
    expect(apply.status).toBe(303);
    expect(contactCounts(app.db, waveId)).toEqual({ total: 3, email: 1, sms: 1, letter: 1 });
    // The same file again: every address is a duplicate of one the wave has.
    expect((await agent.post(`${page}/import`).field('_csrf', csrf).field('csv', good)).text).toContain('«a@kommune.no» står flere ganger (også linje –)');
    const audit = app.db.prepare("SELECT detail FROM audit_log WHERE action = 'invite.import'").all();
    expect(audit).toEqual([{ detail: `${waveId}: 3 contacts` }]);
  });

  test('an XLSX file is read and confirmed the same way', async () => {
    const { app, waveId, page } = setup();
    const { agent, csrf } = await signIn(app, 'admin');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Ark1');
    sheet.addRow(['enhet', 'e-post']);
    sheet.addRow(['solbakken_avd1', 'x@kommune.no']);
    const file = Buffer.from(await book.xlsx.writeBuffer());
    const preview = await agent.post(`${page}/import`).field('_csrf', csrf).attach('file', file, 'ansatte.xlsx');
    expect(preview.status).toBe(200);
    const csv = /name="csv" value="([^"]*)"/.exec(preview.text)?.[1]?.replace(/&#10;/g, '\n') ?? '';
    expect((await agent.post(`${page}/import/bekreft`).type('form').send({ _csrf: csrf, csv })).status).toBe(303);
    expect(contactCounts(app.db, waveId).email).toBe(1);
    expect((await agent.post(`${page}/import`).field('_csrf', csrf).attach('file', Buffer.from('PK\u0003\u0004broken'), 'x.xlsx')).text).toContain('Excel-filen kan ikke leses');
  });

  test('a CSV file is read by its encoding (Windows-1252 from Norwegian Excel, UTF-16) and confirmed', async () => {
    const { app, waveId, page } = setup();
    const { agent, csrf } = await signIn(app, 'admin');
    const text = 'enhet;e-post\nsolbakken_avd1;åse@kommune.no\n';
    const cp1252 = await agent.post(`${page}/import`).field('_csrf', csrf).attach('file', Buffer.from(text, 'latin1'), 'ansatte.csv');
    expect(cp1252.status).toBe(200);
    expect(cp1252.text).toContain('åse@kommune.no');
    const utf16 = await agent.post(`${page}/import`).field('_csrf', csrf).attach('file', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'ansatte.txt');
    expect(utf16.status).toBe(200);
    const csv = /name="csv" value="([^"]*)"/.exec(utf16.text)?.[1]?.replace(/&#10;/g, '\n') ?? '';
    expect((await agent.post(`${page}/import/bekreft`).type('form').send({ _csrf: csrf, csv })).status).toBe(303);
    expect(contactCounts(app.db, waveId).email).toBe(1);
    const binary = await agent.post(`${page}/import`).field('_csrf', csrf).attach('file', Buffer.from([0x00, 0x01, 0x02, 0x81, 0x8d]), 'x.csv');
    expect(binary.status).toBe(422);
    expect(binary.text).toContain('tegnkoding');
  });

  test('templates: the link is required, a preview fills in link and deadline, saved texts are used', async () => {
    const { app, page } = setup();
    const { agent, csrf } = await signIn(app, 'admin');
    const form = { _csrf: csrf, inviteSubject: 'Svar på {maling}', inviteBody: 'Hei! Frist {frist}.', reminderSubject: 'Husk {maling}', reminderBody: 'Lenke: {lenke}' };
    const missing = await agent.post(`${page}/maler`).type('form').send(form);
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('Teksten må inneholde {lenke}');
    expect(missing.text).toContain('Hei! Frist {frist}.');
    const preview = await agent.post(`${page}/maler`).type('form').send({ ...form, inviteBody: 'Hei! Frist {frist}. {lenke}', preview: 'invite' });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Hei! Frist 14.03.2027. http://127.0.0.1');
    expect((await agent.post(`${page}/maler`).type('form').send({ ...form, inviteBody: 'Hei! {lenke}' })).status).toBe(303);
    expect((await agent.post(`${page}/test`).type('form').send({ _csrf: csrf, testTo: 'meg@kommune.test', testKind: 'invite' })).status).toBe(303);
    expect(servers.mailbox.mails[0]).toMatchObject({ to: 'meg@kommune.test', subject: '[PRØVE] Svar på Kartlegging 2027' });
    expect(servers.mailbox.mails[0]?.text).toMatch(/^Hei! https?:\/\/\S+\/s\/eksempellenke/);
  });

  test('templates in each language of the wave: a missing link is reported at that language field, the others kept; a preview shows all', async () => {
    const { app, waveId, page } = setup();
    setWaveLanguages(app.db, waveId, ['nb', 'pl'], 'nb');
    const { agent, csrf } = await signIn(app, 'admin');
    const form = await agent.get(page);
    expect(form.text).toContain('Zaproszenie: {maling}');
    expect(form.text).toMatch(/<label for="inviteBody-pl">[^<]*\(Polski\)<\/label>/);
    expect(form.text).toMatch(/<textarea id="inviteBody-pl" name="inviteBody-pl" lang="pl" dir="ltr"/);
    const body = { _csrf: csrf, inviteSubject: 'Svar på {maling}', inviteBody: 'Hei! {lenke}', 'inviteSubject-pl': 'Ankieta {maling}', 'inviteBody-pl': 'Cześć!', reminderSubject: 'Husk {maling}', reminderBody: 'Lenke: {lenke}', 'reminderSubject-pl': 'Przypomnienie', 'reminderBody-pl': 'Link: {lenke}' };
    const missing = await agent.post(`${page}/maler`).type('form').send(body);
    expect(missing.status).toBe(422);
    expect(missing.text).toMatch(/<p class="error-message" id="e-inviteBody-pl">.*Teksten må inneholde \{lenke\}/);
    expect(missing.text).not.toContain('id="e-inviteBody"');
    expect(missing.text).toContain('Ankieta {maling}');
    expect(missing.text).toContain('Hei! {lenke}');
    const preview = await agent.post(`${page}/maler`).type('form').send({ ...body, 'inviteBody-pl': 'Cześć! {lenke}', preview: 'invite' });
    expect(preview.status).toBe(200);
    expect(preview.text).toMatch(/Hei! http\S+\/s\/eksempellenke\s+――――――――――\s+Cześć! http\S+\/s\/eksempellenke/);
    expect((await agent.post(`${page}/maler`).type('form').send({ ...body, 'inviteBody-pl': 'Cześć! {lenke}' })).status).toBe(303);
    expect(app.db.prepare("SELECT lang, subject FROM invite_template WHERE wave_id = ? AND kind = 'invite' ORDER BY lang").all(waveId)).toEqual([
      { lang: 'nb', subject: 'Svar på {maling}' },
      { lang: 'pl', subject: 'Ankieta {maling}' },
    ]);
  });

  test('a test send says in Norwegian when the SMTP login or the SMS gateway is refused', async () => {
    const { app, page } = setup(inviteConfig({ ...servers.mailbox, url: servers.mailbox.url.replace('secret', 'feil') }, servers.gateway));
    const { agent, csrf } = await signIn(app, 'admin');
    const mail = await agent.post(`${page}/test`).type('form').send({ _csrf: csrf, testTo: 'meg@kommune.test' });
    expect(mail.status).toBe(502);
    expect(mail.text).toContain('E-posttjeneren avviste innloggingen. Sjekk brukernavn og passord i SMTP_URL.');
    expect(mail.text).toContain('value="meg@kommune.test"');
    servers.gateway.status = 403;
    const sms = await agent.post(`${page}/test`).type('form').send({ _csrf: csrf, testTo: '912 34 567' });
    expect(sms.status).toBe(502);
    expect(sms.text).toContain('SMS-tjenesten avviste forespørselen');
    servers.gateway.status = 200;
    expect((await agent.post(`${page}/test`).type('form').send({ _csrf: csrf, testTo: '912 34 567' })).status).toBe(303);
    expect(servers.gateway.messages[0]?.to).toBe('+4791234567');
    expect((await agent.post(`${page}/test`).type('form').send({ _csrf: csrf, testTo: 'hei' })).status).toBe(422);
  });

  test('send queues a job shown as counts; letters carry a link and QR code; delete removes the contacts', async () => {
    const { app, waveId, page } = setup();
    const { agent, csrf } = await signIn(app, 'admin');
    app.db.prepare("INSERT INTO contact (wave_id, unit_id, email) VALUES (?, 'solbakken_avd1', 'a@kommune.no')").run(waveId);
    app.db.prepare("INSERT INTO contact (wave_id, unit_id) VALUES (?, 'nordby_skole'), (?, 'nordby_skole')").run(waveId, waveId);
    expect((await agent.post(`${page}/send`).type('form').send({ _csrf: csrf })).status).toBe(303);
    expect(waveJobs(app.db, waveId)).toMatchObject([{ kind: 'invite', total: 1, status: 'running' }]);
    const shown = await agent.get(`${page}?ok=queued`);
    expect(shown.text).toContain('Utsendingen er startet');
    expect(shown.text).toContain('Skriv ut brev (2)');
    expect(shown.text).not.toContain('a@kommune.no');
    const letters = await agent.post(`${page}/brev`).type('form').send({ _csrf: csrf });
    expect(letters.status).toBe(200);
    expect(letters.text.match(/<svg/g)).toHaveLength(2);
    expect(letters.text.match(/\/s\/[a-z0-9]{16}/g)).toHaveLength(2);
    expect(app.db.prepare('SELECT count(*) AS n FROM token WHERE wave_id = ? AND ref IS NOT NULL').get(waveId)).toEqual({ n: 2 });
    expect((await agent.post(`${page}/slett`).type('form').send({ _csrf: csrf })).status).toBe(303);
    expect(contactCounts(app.db, waveId).total).toBe(0);
    expect(app.db.prepare('SELECT count(*) AS n FROM token WHERE wave_id = ? AND ref IS NOT NULL').get(waveId)).toEqual({ n: 0 });
    const audit = app.db.prepare("SELECT action, detail FROM audit_log WHERE action LIKE 'invite.%' ORDER BY id").all();
    expect(audit).toEqual([
      { action: 'invite.send', detail: `${waveId}: 1 invitations` },
      { action: 'invite.letters', detail: `${waveId}: 2 letters` },
      { action: 'invite.contactsDeleted', detail: `${waveId}: 3 contacts` },
    ]);
  });

  test('nothing on the page or in the letters tells whether a contact without an address, or one of a few reminded, has answered', async () => {
    const { app, waveId, page } = setup();
    const { agent, csrf } = await signIn(app, 'admin');
    app.db.prepare("INSERT INTO contact (wave_id, unit_id) VALUES (?, 'nordby_skole'), (?, 'nordby_skole')").run(waveId, waveId);
    app.db.prepare("INSERT INTO contact (wave_id, unit_id, email) VALUES (?, 'solbakken_avd1', 'a@kommune.no'), (?, 'solbakken_avd1', 'b@kommune.no')").run(waveId, waveId);
    const first = await agent.post(`${page}/brev`).type('form').send({ _csrf: csrf });
    const code = /\/s\/([a-z0-9]{16})/.exec(first.text)?.[1] ?? '';
    // One of the two answers on the letter's link, exactly as a submit consumes it.
    expect(app.db.prepare('UPDATE token SET used = 1 WHERE hash = ? AND used = 0').run(hashToken(code)).changes).toBe(1);
    const after = await agent.get(page);
    expect(after.text).toContain('Skriv ut brev (2)');
    const again = await agent.post(`${page}/brev`).type('form').send({ _csrf: csrf });
    expect(again.text.match(/<svg/g)).toHaveLength(2);
    expect(again.text).toContain('Har du allerede svart, trenger du ikke gjøre noe mer.');
    // A reminder to fewer than k (here 2 < 5) shows no count at all.
    expect((await agent.post(`${page}/paminnelse`).type('form').send({ _csrf: csrf })).status).toBe(303);
    expect(waveJobs(app.db, waveId)[0]).toMatchObject({ kind: 'reminder', total: 2 });
    const row = /<tr>\s*<td>Påminnelse<\/td>[\s\S]*?<\/tr>/.exec((await agent.get(page)).text)?.[0] ?? '';
    expect(row).toContain('færre enn 5 påminnelser');
    expect(row.replace(/<[^>]+>/g, ' ').replace(/\d{2}\.\d{2}\.\d{4}( \d{2}:\d{2})?/g, '').replace('færre enn 5', '')).not.toMatch(/\d/);
  });

  test('a job stopped by wrong SMTP credentials says so on the page and can be resumed', async () => {
    const { app, waveId, page } = setup();
    const { agent, csrf } = await signIn(app, 'admin');
    app.db.prepare("INSERT INTO contact (wave_id, unit_id, email) VALUES (?, 'solbakken_avd1', 'a@kommune.no')").run(waveId);
    expect((await agent.post(`${page}/send`).type('form').send({ _csrf: csrf })).status).toBe(303);
    const [job] = waveJobs(app.db, waveId);
    app.db.prepare("UPDATE send_job SET status = 'stopped', error = 'invite.error.mail.auth' WHERE id = ?").run(job?.id);
    const shown = await agent.get(page);
    expect(shown.text).toContain('E-posttjeneren avviste innloggingen. Sjekk brukernavn og passord i SMTP_URL.');
    expect((await agent.post(`${page}/jobber/${job?.id}/fortsett`).type('form').send({ _csrf: csrf })).status).toBe(303);
    expect(waveJobs(app.db, waveId)[0]).toMatchObject({ status: 'running', error: null });
    expect((await agent.post(`${page}/jobber/999/fortsett`).type('form').send({ _csrf: csrf })).status).toBe(404);
  });

  test('a draft wave sends nothing by hand (it invites when it opens); an open-link wave sends nothing at all', async () => {
    const { app, waveId, page } = setup();
    const { agent, csrf } = await signIn(app, 'admin');
    app.db.prepare("INSERT INTO contact (wave_id, unit_id, email) VALUES (?, 'solbakken_avd1', 'a@kommune.no')").run(waveId);
    app.db.prepare("UPDATE wave SET status = 'draft' WHERE id = ?").run(waveId);
    const shown = await agent.get(page);
    expect(shown.text).toContain('Målingen er ikke åpnet ennå.');
    expect(shown.text).not.toContain('Send invitasjoner');
    expect((await agent.post(`${page}/send`).type('form').send({ _csrf: csrf })).status).toBe(409);
    expect((await agent.post(`${page}/paminnelse`).type('form').send({ _csrf: csrf })).status).toBe(409);
    const openWave = `/admin/malinger/${app.demo.waveId}/invitasjoner`;
    expect((await agent.get(openWave)).text).toContain('Målingen bruker felles lenker per enhet.');
    expect((await agent.post(`${openWave}/import/bekreft`).type('form').send({ _csrf: csrf, csv: 'enhet;e-post\nsolbakken_avd1;a@b.no' })).status).toBe(409);
    expect(waveJobs(app.db, waveId)).toEqual([]);
  });
});
