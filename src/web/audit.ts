// Staff actions into the audit log, at the app's clock (tests inject it), by the signed-in person.
import type { Response } from 'express';
import { audit } from '../store/audit.js';
import { nowOf, type AppDeps } from './deps.js';
import { staffOf } from './staff/session.js';

/** auditAction records that the signed-in staff member did `action` (with an optional detail). */
export function auditAction(deps: AppDeps, res: Response, action: string, detail?: string): void {
  const { account } = staffOf(res);
  audit(deps.db, { accountId: account.id, actor: account.username, action, detail }, new Date(nowOf(deps)));
}
