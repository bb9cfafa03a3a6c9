// Staff sessions in SQLite: the cookie holds a random id, the table only its hash.
import crypto from 'node:crypto';
import { prepared, type Db } from './db.js';
import { hashToken, randomCode } from './ids.js';

export interface Session {
  accountId: number;
  csrfToken: string;
  expiresAt: number;
}

/** createSession starts a session and returns the cookie value. */
export function createSession(db: Db, accountId: number, expiresAt: number): string {
  const id = randomCode(40);
  prepared(db, 'INSERT INTO session (id_hash, account_id, csrf_token, expires_at) VALUES (?, ?, ?, ?)').run(hashToken(id), accountId, crypto.randomBytes(24).toString('base64url'), expiresAt);
  return id;
}

/** getSession returns a live session for a cookie value, or undefined. */
export function getSession(db: Db, id: string, now: number): Session | undefined {
  const row = prepared(db, 'SELECT account_id, csrf_token, expires_at FROM session WHERE id_hash = ? AND expires_at > ?').get(hashToken(id), now) as
    | { account_id: number; csrf_token: string; expires_at: number }
    | undefined;
  return row && { accountId: row.account_id, csrfToken: row.csrf_token, expiresAt: row.expires_at };
}

/** touchSession slides a session's expiry forward. */
export function touchSession(db: Db, id: string, expiresAt: number): void {
  prepared(db, 'UPDATE session SET expires_at = ? WHERE id_hash = ?').run(expiresAt, hashToken(id));
}

/** deleteSession ends a session (logout). */
export function deleteSession(db: Db, id: string): void {
  prepared(db, 'DELETE FROM session WHERE id_hash = ?').run(hashToken(id));
}

/** deleteExpiredSessions removes sessions and set-password links past their expiry. */
export function deleteExpiredSessions(db: Db, now: number): void {
  prepared(db, 'DELETE FROM session WHERE expires_at <= ?').run(now);
  prepared(db, 'DELETE FROM password_link WHERE expires_at <= ?').run(now);
}
