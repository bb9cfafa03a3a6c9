// Login and logout. Each attempt is counted by the throttle before the password is verified (see
// rate-limit.ts); failures and refusals go to the audit log and the process log.
import type { Request, Response } from 'express';
import { z } from 'zod';
import { hashPassword, needsRehash, verifyPassword } from '../../auth/password.js';
import { findLogin, rehashPassword } from '../../store/accounts.js';
import { audit } from '../../store/audit.js';
import { deleteSession } from '../../store/sessions.js';
import { readCookie } from '../cookies.js';
import { nowOf, type AppDeps } from '../deps.js';
import { formErrors, formText } from '../forms.js';
import { addressKey } from '../respond/rate-limit.js';
import { LOGIN_LIMITS, LoginThrottle, type LoginAttempt, type LoginLimits } from './rate-limit.js';
import { SESSION_COOKIE, startSession, staffOf } from './session.js';

const DEVICE_COOKIE = 'kartlegg_enhet';
const DEVICE_MS = 365 * 24 * 3600 * 1000;

const LoginForm = z.object({
  username: z.string().min(1, 'login.missing').max(200, 'login.failed'),
  password: z.string().min(1, 'login.missing').max(1000, 'login.failed'),
});

/** safeNext keeps a login's redirect on this site: only local paths. */
export function safeNext(value: unknown): string {
  const next = formText(value, 2000);
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/oversikt';
}

// A hash of a random password with the current parameters: unknown users cost as much as known ones.
let dummyHash: Promise<string> | undefined;

/** loginHandlers returns the login form, the login action (throttled) and logout; `limits` is for tests. */
export function loginHandlers(deps: AppDeps, limits: LoginLimits = LOGIN_LIMITS) {
  const throttle = new LoginThrottle(limits);
  const log = deps.logger?.child({ event: 'login' });
  const record = (accountId: number | null, actor: string, action: string, detail: string): void => {
    audit(deps.db, { accountId, actor, action, detail }, new Date(nowOf(deps)));
  };
  const render = (res: Response, status: number, error: string, username: string, next: string, wait?: string): void => {
    res.status(status).render('staff/login', { error, username, next, wait });
  };

  return {
    form(req: Request, res: Response): void {
      if (res.locals.staff) return res.redirect(303, safeNext(req.query.neste));
      res.render('staff/login', { error: undefined, username: '', next: safeNext(req.query.neste) });
    },
    async login(req: Request, res: Response): Promise<void> {
      const body = req.body as Record<string, unknown> | undefined;
      const form = { username: formText(body?.username, 200), password: typeof body?.password === 'string' ? body.password : '' };
      const next = safeNext(body?.next);
      const errors = formErrors(LoginForm, form);
      if (errors.username || errors.password) return render(res, 422, errors.username ?? errors.password ?? 'login.failed', form.username, next);

      const now = nowOf(deps);
      const attempt: LoginAttempt = { username: form.username, address: addressKey(req.ip), device: readCookie(req, DEVICE_COOKIE) };
      const login = findLogin(deps.db, form.username);
      // Unknown names are not written to the audit log: people type their password there by mistake.
      const actor = login?.username ?? '(ukjent brukernavn)';
      const verdict = throttle.attempt(attempt, now);
      if (verdict.waitMs > 0) {
        const seconds = Math.ceil(verdict.waitMs / 1000);
        log?.warn({ account: login?.id, limit: verdict.limit, retryAfter: seconds }, 'login throttled');
        if (verdict.firstRefusal) record(login?.id ?? null, actor, 'login.throttled', `${verdict.limit}, ${seconds} s, ${attempt.address}`);
        res.set('Retry-After', String(seconds));
        const t = res.locals.t as (k: string, p?: Record<string, number>) => string;
        const wait = seconds < 120 ? t('login.waitSeconds', { n: seconds }) : t('login.waitMinutes', { n: Math.ceil(seconds / 60) });
        return render(res, 429, 'login.tooMany', form.username, next, wait);
      }
      if (verdict.startedMs && verdict.startedMs > 0) {
        log?.warn({ account: login?.id, limit: verdict.limit, waitMs: verdict.startedMs }, 'login back-off');
        record(login?.id ?? null, actor, 'login.backoff', `${verdict.limit}, ${Math.ceil(verdict.startedMs / 1000)} s, ${attempt.address}`);
      }

      dummyHash ??= hashPassword(String(Math.random()));
      const ok = await verifyPassword(form.password, login?.passwordHash ?? (await dummyHash));
      if (!login || !ok || login.disabled || login.passwordHash === null) {
        log?.info({ account: login?.id }, 'login failed');
        record(login?.id ?? null, actor, 'login.failed', attempt.address);
        return render(res, 401, 'login.failed', form.username, next);
      }
      throttle.succeeded(attempt);
      if (needsRehash(login.passwordHash)) rehashPassword(deps.db, login.id, login.passwordHash, await hashPassword(form.password));
      startSession(deps, res, login.id);
      res.cookie(DEVICE_COOKIE, throttle.deviceCookie(login.username), { httpOnly: true, sameSite: 'strict', secure: deps.config.COOKIE_SECURE, path: '/innlogging', maxAge: DEVICE_MS });
      record(login.id, login.username, 'login', '');
      res.redirect(303, next);
    },
    logout(req: Request, res: Response): void {
      const id = readCookie(req, SESSION_COOKIE);
      const staff = staffOf(res);
      if (id) deleteSession(deps.db, id);
      record(staff.account.id, staff.account.username, 'logout', '');
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, '/innlogging?utlogget=1');
    },
  };
}
