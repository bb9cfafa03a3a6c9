// Staff sessions in SQLite: the cookie holds a random id, the table only its hash. A session ends
// after a while without use (it slides) and at the latest a fixed time after login (it never
// slides past that).
import crypto from 'node:crypto';
import { prepared, type Db } from './db.js';
import { hashToken, randomCode } from './ids.js';

export interface Session {
  accountId: number;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

/** createSession starts a session at `now` (ms) ending at `expiresAt` unless touched; returns the cookie value. */
export function createSession(db: Db, accountId: number, now: number, expiresAt: number): string {
  const id = randomCode(40);
  prepared(db, 'INSERT INTO session (id_hash, account_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(
    hashToken(id),
    accountId,
    crypto.randomBytes(24).toString('base64url'),
    now,
    expiresAt,
  );
  return id;
}

/** getSession returns a live session for a cookie value, or undefined. */
export function getSession(db: Db, id: string, now: number): Session | undefined {
  const row = prepared(db, 'SELECT account_id, csrf_token, created_at, expires_at FROM session WHERE id_hash = ? AND expires_at > ?').get(hashToken(id), now) as
    | { account_id: number; csrf_token: string; created_at: number; expires_at: number }
    | undefined;
  return row && { accountId: row.account_id, csrfToken: row.csrf_token, createdAt: row.created_at, expiresAt: row.expires_at };
}

/** touchSession slides a session's expiry to `expiresAt` (the caller caps it at the absolute lifetime). */
export function touchSession(db: Db, id: string, expiresAt: number): void {
  prepared(db, 'UPDATE session SET expires_at = ? WHERE id_hash = ?').run(expiresAt, hashToken(id));
}

/** deleteSession ends a session (logout). */
export function deleteSession(db: Db, id: string): void {
  prepared(db, 'DELETE FROM session WHERE id_hash = ?').run(hashToken(id));
}

/** deleteExpiredSessions removes sessions and set-password links past their expiry. */
export function deleteExpiredSessions(db: Db, now: number): void {
  db.transaction(() => {
    prepared(db, 'DELETE FROM session WHERE expires_at <= ?').run(now);
    prepared(db, 'DELETE FROM password_link WHERE expires_at <= ?').run(now);
  }).immediate();
}
