// Invitations for project leaders: contacts (import with a previewed problem report), message
// templates (preview, a test send to oneself), sending and reminders as jobs (counts only), the
// reminder days, "results ready" addresses, deleting contacts, and letters for those without an
// address. Routes are mounted by mountInvitations before the admin router's blanket CSRF check,
// so each carries its own (the import reads its multipart body first).
import type { Request, Response, Router } from 'express';
import QRCode from 'qrcode';
import { today } from '../../clock.js';
import { normaliseEmail, normaliseMobile, planContacts, type ContactPlan } from '../../invite/contacts.js';
import { invitePlan, queueInvitations, queueReminders, removeContacts, setReminderDays } from '../../invite/schedule.js';
import { messageLanguages, renderMessage, saveTemplate, templateProblem, waveTemplates, type LangTemplate, type TemplateKind } from '../../invite/templates.js';
import { createTransports, SendError } from '../../invite/transport.js';
import { decodeUpload } from '../../org/upload.js';
import { languageName, textDirection } from '../../survey/texts.js';
import { listAccounts } from '../../store/accounts.js';
import { addContacts, contactCounts, issueToken, waveContacts } from '../../store/contacts.js';
import { prepared } from '../../store/db.js';
import { getJob, resumeJob, waveJobs } from '../../store/jobs.js';
import { getUnit } from '../../store/units.js';
import { waveUnitIds, type Wave } from '../../store/waves.js';
import { HttpError } from '../../errors.js';
import { auditAction } from '../audit.js';
import { nowOf, type AppDeps } from '../deps.js';
import { formText } from '../forms.js';
import { csvUpload } from '../multipart.js';
import { waveOf } from '../staff/loaders.js';
import { checkCsrf, staffOf } from '../staff/session.js';

const KINDS: readonly TemplateKind[] = ['invite', 'reminder'];
const MAX_LETTERS = 2000;
const NOTICES = new Set(['imported', 'templates', 'tested', 'queued', 'plan', 'emails', 'resumed', 'deleted']);

interface PageState {
  status?: number;
  csv?: string;
  plan?: ContactPlan;
  missing?: boolean;
  templates?: Partial<Record<TemplateKind, LangTemplate[]>>;
  errors?: Record<string, string>;
  preview?: { kind: TemplateKind; subject: string; text: string; sms: string };
  notice?: string;
  daysText?: string;
  testTo?: string;
}

// A template field's name: bokmål's carries no suffix (the form's names from before languages).
const fieldOf = (kind: TemplateKind, part: 'Subject' | 'Body', lang: string): string => `${kind}${part}${lang === 'nb' ? '' : `-${lang}`}`;

// The plan's contacts as CSV, so an XLSX preview can be confirmed from a hidden field.
const planCsv = (plan: ContactPlan): string => ['enhet;e-post;mobil', ...plan.contacts.map((c) => `${c.unitId};${c.email ?? ''};${c.mobile ?? ''}`)].join('\n');

/** invitationHandlers returns the invitation page's handlers. */
export function invitationHandlers(deps: AppDeps) {
  const transports = createTransports(deps.config);
  const baseUrl = (req: Request): string => deps.config.PUBLIC_URL?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const existingAddresses = (waveId: number): string[] => waveContacts(deps.db, waveId).flatMap((c) => [c.email, c.mobile].filter((v): v is string => v !== null));
  const actor = (res: Response) => ({ accountId: staffOf(res).account.id, actor: staffOf(res).account.username });
  const emails = (): Map<number, string> => new Map((prepared(deps.db, 'SELECT account_id, email FROM account_email').all() as { account_id: number; email: string }[]).map((r) => [r.account_id, r.email]));

  const render = (req: Request, res: Response, wave: Wave, s: PageState = {}): void => {
    const plan = invitePlan(deps.db, wave.id);
    const unitIds = waveUnitIds(deps.db, wave.id);
    const accountEmails = emails();
    res.status(s.status ?? 200).render('admin/invitations', {
      wave,
      counts: contactCounts(deps.db, wave.id),
      jobs: waveJobs(deps.db, wave.id),
      csv: s.csv ?? '',
      plan: s.plan,
      missing: s.missing ?? false,
      templates: Object.fromEntries(KINDS.map((k) => [k, s.templates?.[k] ?? waveTemplates(deps.db, wave, k)])),
      fieldOf,
      languageName,
      textDirection,
      errors: s.errors ?? {},
      preview: s.preview,
      notice: s.notice ?? (typeof req.query.ok === 'string' && NOTICES.has(req.query.ok) ? `invite.notice.${req.query.ok}` : undefined),
      daysText: s.daysText ?? plan.reminderDays.join(', '),
      testTo: s.testTo ?? '',
      invitedOn: plan.invitedOn,
      reminded: plan.reminded,
      unitNames: new Map(unitIds.map((id) => [id, getUnit(deps.db, id)?.name ?? id])),
      notifyStaff: listAccounts(deps.db).filter((a) => a.role !== 'admin' && !a.disabled).map((a) => ({ id: a.id, name: a.displayName, email: accountEmails.get(a.id) ?? '' })),
      configured: { mail: deps.config.SMTP_URL !== undefined, sms: deps.config.SMS_GATEWAY !== undefined },
    });
  };
  // Personal links only: an open-link wave has nothing to send (its links are per unit). Mail goes
  // out only while the wave is open (a draft wave's invitations go when it opens by itself).
  const sendable = (wave: Wave, whileOpen = false): void => {
    if (wave.linkMode !== 'token' || wave.status === 'closed' || (whileOpen && wave.status !== 'open')) throw new HttpError(409, 'badRequest');
  };
  const back = (res: Response, wave: Wave, ok: string): void => res.redirect(303, `/admin/malinger/${wave.id}/invitasjoner?ok=${ok}`);
  const readTemplates = (body: Record<string, unknown> | undefined, wave: Wave, kind: TemplateKind): LangTemplate[] =>
    messageLanguages(wave).map((lang) => ({ lang, subject: formText(body?.[fieldOf(kind, 'Subject', lang)], 300), body: formText(body?.[fieldOf(kind, 'Body', lang)], 6000) }));

  return {
    page(req: Request, res: Response): void {
      render(req, res, waveOf(res));
    },
    async importPreview(req: Request, res: Response): Promise<void> {
      const wave = waveOf(res);
      const body = req.body as Record<string, unknown> | undefined;
      const unitIds = waveUnitIds(deps.db, wave.id);
      // A file wins over pasted text; its bytes are read as the organisation import reads them
      // (org/upload.ts: the text encoding detected, or an XLSX workbook's first sheet).
      const read = Buffer.isBuffer(body?.file) && body.file.length > 0 ? await decodeUpload(body.file) : undefined;
      if (read && !read.ok) return render(req, res, wave, { status: 422, errors: { file: read.reason === 'xlsx' ? 'invite.import.xlsxUnreadable' : 'import.unreadable.encoding' } });
      const csv = read?.ok ? read.text : typeof body?.csv === 'string' ? body.csv : '';
      if (csv.trim() === '') return render(req, res, wave, { status: 422, missing: true });
      const plan = planContacts(csv, unitIds, existingAddresses(wave.id));
      render(req, res, wave, { status: plan.problems.length > 0 ? 422 : 200, plan, csv });
    },
    importApply(req: Request, res: Response): void {
      const wave = waveOf(res);
      sendable(wave);
      const csv = formText((req.body as Record<string, unknown> | undefined)?.csv, 2 * 1024 * 1024);
      const plan = planContacts(csv, waveUnitIds(deps.db, wave.id), existingAddresses(wave.id));
      if (plan.problems.length > 0 || plan.contacts.length === 0) return render(req, res, wave, { status: 422, plan, csv });
      deps.db.transaction(() => {
        addContacts(deps.db, wave.id, plan.contacts);
        auditAction(deps, res, 'invite.import', `${wave.id}: ${plan.contacts.length} contacts`);
      }).immediate();
      back(res, wave, 'imported');
    },
    saveTemplates(req: Request, res: Response): void {
      const wave = waveOf(res);
      const body = req.body as Record<string, unknown> | undefined;
      const templates = Object.fromEntries(KINDS.map((k) => [k, readTemplates(body, wave, k)])) as Record<TemplateKind, LangTemplate[]>;
      const errors: Record<string, string> = {};
      for (const k of KINDS) {
        for (const tpl of templates[k]) {
          const problem = templateProblem(tpl);
          if (problem) errors[fieldOf(k, 'Body', tpl.lang)] = problem;
        }
      }
      if (Object.keys(errors).length > 0) return render(req, res, wave, { status: 422, templates, errors });
      const previewKind = KINDS.find((k) => formText(body?.preview) === k);
      if (previewKind) {
        const m = renderMessage(templates[previewKind], wave, `${baseUrl(req)}/s/eksempellenke`);
        return render(req, res, wave, { templates, preview: { kind: previewKind, ...m } });
      }
      deps.db.transaction(() => {
        for (const k of KINDS) for (const tpl of templates[k]) saveTemplate(deps.db, wave.id, k, tpl.lang, tpl);
        auditAction(deps, res, 'invite.templates', String(wave.id));
      }).immediate();
      back(res, wave, 'templates');
    },
    async testSend(req: Request, res: Response): Promise<void> {
      const wave = waveOf(res);
      const body = req.body as Record<string, unknown> | undefined;
      const to = formText(body?.testTo, 254);
      const kind: TemplateKind = formText(body?.testKind) === 'reminder' ? 'reminder' : 'invite';
      const isMail = to.includes('@');
      const address = isMail ? normaliseEmail(to) : normaliseMobile(to);
      if (!address) return render(req, res, wave, { status: 422, testTo: to, errors: { testTo: 'invite.test.addressInvalid' } });
      // A sample link, never a real token: a test message must not be a way to answer.
      const m = renderMessage(waveTemplates(deps.db, wave, kind), wave, `${baseUrl(req)}/s/eksempellenke`);
      try {
        if (isMail) await transports.mail({ to: address, subject: `[${res.locals.t('invite.test.tag')}] ${m.subject}`, text: m.text });
        else await transports.sms(address, m.sms);
      } catch (err) {
        const kindOf = err instanceof SendError ? err.kind : 'transient';
        return render(req, res, wave, { status: 502, testTo: to, errors: { testTo: `invite.error.${isMail ? 'mail' : 'sms'}.${kindOf}` } });
      }
      auditAction(deps, res, 'invite.test', `${wave.id}: 1 test ${isMail ? 'mail' : 'sms'}`);
      back(res, wave, 'tested');
    },
    send(req: Request, res: Response): void {
      const wave = waveOf(res);
      sendable(wave, true);
      const now = nowOf(deps);
      queueInvitations(deps.db, wave.id, now, today(deps.config.TIME_ZONE, new Date(now)), actor(res));
      back(res, wave, 'queued');
    },
    remind(req: Request, res: Response): void {
      const wave = waveOf(res);
      sendable(wave, true);
      queueReminders(deps.db, wave.id, nowOf(deps), actor(res));
      back(res, wave, 'queued');
    },
    savePlan(req: Request, res: Response): void {
      const wave = waveOf(res);
      const text = formText((req.body as Record<string, unknown> | undefined)?.days, 100);
      const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
      if (parts.some((p) => !/^\d{1,2}$/.test(p) || Number(p) < 1 || Number(p) > 60) || parts.length > 5) return render(req, res, wave, { status: 422, daysText: text, errors: { days: 'invite.plan.daysInvalid' } });
      deps.db.transaction(() => {
        setReminderDays(deps.db, wave.id, [...new Set(parts.map(Number))].sort((a, b) => a - b));
        auditAction(deps, res, 'invite.plan', `${wave.id}: ${parts.join(',')}`);
      }).immediate();
      back(res, wave, 'plan');
    },
    saveEmails(req: Request, res: Response): void {
      const wave = waveOf(res);
      const body = req.body as Record<string, unknown> | undefined;
      const accounts = listAccounts(deps.db).filter((a) => a.role !== 'admin');
      const errors: Record<string, string> = {};
      const values = new Map<number, string | null>();
      for (const a of accounts) {
        const text = formText(body?.[`email-${a.id}`], 254);
        const email = text === '' ? null : text.toLowerCase();
        if (email !== null && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(email)) errors[`email-${a.id}`] = 'invite.emails.invalid';
        values.set(a.id, email);
      }
      if (Object.keys(errors).length > 0) return render(req, res, wave, { status: 422, errors });
      deps.db.transaction(() => {
        for (const [id, email] of values) {
          if (email === null) prepared(deps.db, 'DELETE FROM account_email WHERE account_id = ?').run(id);
          else prepared(deps.db, 'INSERT INTO account_email (account_id, email) VALUES (?, ?) ON CONFLICT (account_id) DO UPDATE SET email = excluded.email').run(id, email);
        }
        auditAction(deps, res, 'invite.staffEmails', `${[...values.values()].filter((v) => v !== null).length} addresses`);
      }).immediate();
      back(res, wave, 'emails');
    },
    resume(req: Request, res: Response): void {
      const wave = waveOf(res);
      const job = getJob(deps.db, Number(req.params.jobId));
      if (!job || job.waveId !== wave.id) throw new HttpError(404, 'notFound');
      resumeJob(deps.db, job.id);
      back(res, wave, 'resumed');
    },
    deleteAll(req: Request, res: Response): void {
      const wave = waveOf(res);
      removeContacts(deps.db, wave.id, nowOf(deps), actor(res));
      back(res, wave, 'deleted');
    },
    async letters(req: Request, res: Response): Promise<void> {
      const wave = waveOf(res);
      sendable(wave);
      // A letter for everyone without an address, answered or not (see the page's count); fresh
      // tokens share each person's reference, so a reprint never gives two votes.
      const people = waveContacts(deps.db, wave.id, { unreachable: true }).slice(0, MAX_LETTERS);
      const tokens = deps.db.transaction(() => {
        const issued = people.map((c) => ({ unitId: c.unitId, token: issueToken(deps.db, wave.id, c) }));
        auditAction(deps, res, 'invite.letters', `${wave.id}: ${issued.length} letters`);
        return issued;
      }).immediate();
      const letters = [];
      for (const { unitId, token } of tokens) {
        const url = `${baseUrl(req)}/s/${token}`;
        letters.push({ unit: getUnit(deps.db, unitId)?.name ?? unitId, url, qr: await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) });
      }
      res.render('admin/invitation-letters', { wave, letters });
    },
  };
}

/** mountInvitations adds the invitation routes to the admin router (session and admin role are
 *  already required); call it before the router's blanket CSRF check. */
export function mountInvitations(admin: Router, deps: AppDeps): void {
  const h = invitationHandlers(deps);
  const base = '/malinger/:waveId/invitasjoner';
  admin.post(`${base}/import`, csvUpload, checkCsrf, h.importPreview);
  admin.get(base, checkCsrf, h.page);
  admin.post(`${base}/import/bekreft`, checkCsrf, h.importApply);
  admin.post(`${base}/maler`, checkCsrf, h.saveTemplates);
  admin.post(`${base}/test`, checkCsrf, h.testSend);
  admin.post(`${base}/send`, checkCsrf, h.send);
  admin.post(`${base}/paminnelse`, checkCsrf, h.remind);
  admin.post(`${base}/plan`, checkCsrf, h.savePlan);
  admin.post(`${base}/varsling`, checkCsrf, h.saveEmails);
  admin.post(`${base}/jobber/:jobId/fortsett`, checkCsrf, h.resume);
  admin.post(`${base}/slett`, checkCsrf, h.deleteAll);
  admin.post(`${base}/brev`, checkCsrf, h.letters);
}
