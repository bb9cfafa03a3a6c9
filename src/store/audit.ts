// The audit log: staff actions only, never anything about respondents.
import { prepared, type Db } from './db.js';

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  detail: string;
}

/** audit records that an actor did something at `at` (stored as an ISO timestamp in UTC; pages
 *  show it in TIME_ZONE through web/dates.ts). */
export function audit(db: Db, entry: { accountId: number | null; actor: string; action: string; detail?: string }, at = new Date()): void {
  prepared(db, 'INSERT INTO audit_log (at, account_id, actor, action, detail) VALUES (?, ?, ?, ?, ?)').run(at.toISOString(), entry.accountId, entry.actor, entry.action, entry.detail ?? '');
}

/** recentAudit returns the newest entries first. */
export function recentAudit(db: Db, limit = 200): AuditEntry[] {
  return prepared(db, 'SELECT at, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as AuditEntry[];
}
