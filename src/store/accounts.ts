// Staff accounts: a role, and for leaders and representatives the units they may see.
import { prepared, type Db } from './db.js';
import { hashToken, randomCode } from './ids.js';

export type Role = 'admin' | 'leader' | 'representative';
export const ROLES: readonly Role[] = ['admin', 'leader', 'representative'];

export interface Account {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  hasPassword: boolean;
  disabled: boolean;
  unitIds: string[];
}

interface AccountRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string | null;
  disabled: number;
}

function toAccount(db: Db, r: AccountRow): Account {
  const units = prepared(db, 'SELECT unit_id FROM account_unit WHERE account_id = ? ORDER BY unit_id').all(r.id) as { unit_id: string }[];
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    hasPassword: r.password_hash !== null,
    disabled: r.disabled === 1,
    unitIds: units.map((u) => u.unit_id),
  };
}

/** countAccounts returns how many staff accounts exist (0 means first run). */
export function countAccounts(db: Db): number {
  return (prepared(db, 'SELECT count(*) AS n FROM account').get() as { n: number }).n;
}

/** createAccount inserts an account with its units and returns its id. */
export function createAccount(db: Db, a: { username: string; displayName: string; role: Role; unitIds?: string[]; passwordHash?: string | null }): number {
  return db.transaction(() => {
    const id = Number(
      prepared(db, 'INSERT INTO account (username, display_name, role, password_hash) VALUES (?, ?, ?, ?)').run(a.username, a.displayName, a.role, a.passwordHash ?? null).lastInsertRowid,
    );
    const add = prepared(db, 'INSERT INTO account_unit (account_id, unit_id) VALUES (?, ?)');
    for (const u of a.unitIds ?? []) add.run(id, u);
    return id;
  }).immediate();
}

/** getAccount returns an account by id. */
export function getAccount(db: Db, id: number): Account | undefined {
  const row = prepared(db, 'SELECT * FROM account WHERE id = ?').get(id) as AccountRow | undefined;
  return row && toAccount(db, row);
}

/** findLogin returns the account id, stored user name and password hash for a username (case-insensitive). */
export function findLogin(db: Db, username: string): { id: number; username: string; passwordHash: string | null; disabled: boolean } | undefined {
  const row = prepared(db, 'SELECT id, username, password_hash, disabled FROM account WHERE username = ?').get(username) as
    | { id: number; username: string; password_hash: string | null; disabled: number }
    | undefined;
  return row && { id: row.id, username: row.username, passwordHash: row.password_hash, disabled: row.disabled === 1 };
}

/** listAccounts returns all accounts ordered by name. */
export function listAccounts(db: Db): Account[] {
  return (prepared(db, 'SELECT * FROM account ORDER BY display_name').all() as AccountRow[]).map((r) => toAccount(db, r));
}

/** setPasswordHash stores a new password hash and ends the account's sessions and set-password links. */
export function setPasswordHash(db: Db, accountId: number, hash: string): void {
  db.transaction(() => {
    prepared(db, 'UPDATE account SET password_hash = ? WHERE id = ?').run(hash, accountId);
    prepared(db, 'DELETE FROM session WHERE account_id = ?').run(accountId);
    prepared(db, 'DELETE FROM password_link WHERE account_id = ?').run(accountId);
  }).immediate();
}

/** setDisabled disables or enables an account; disabling ends its sessions. */
export function setDisabled(db: Db, accountId: number, disabled: boolean): void {
  db.transaction(() => {
    prepared(db, 'UPDATE account SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, accountId);
    if (disabled) prepared(db, 'DELETE FROM session WHERE account_id = ?').run(accountId);
  }).immediate();
}

/** createPasswordLink makes a one-time set-password token valid until expiresAt (ms) and returns
 *  it; the account's older links stop working, so only the link handed over last can be used. */
export function createPasswordLink(db: Db, accountId: number, expiresAt: number): string {
  const token = randomCode(32);
  db.transaction(() => {
    prepared(db, 'DELETE FROM password_link WHERE account_id = ?').run(accountId);
    prepared(db, 'INSERT INTO password_link (token_hash, account_id, expires_at) VALUES (?, ?, ?)').run(hashToken(token), accountId, expiresAt);
  }).immediate();
  return token;
}

/** rehashPassword replaces a password hash made with older parameters by one of the same password,
 *  unless the password changed meanwhile; sessions and links stay (the password did not change). */
export function rehashPassword(db: Db, accountId: number, oldHash: string, newHash: string): void {
  prepared(db, 'UPDATE account SET password_hash = ? WHERE id = ? AND password_hash = ?').run(newHash, accountId, oldHash);
}

/** findPasswordLink returns the account id a valid set-password token belongs to. */
export function findPasswordLink(db: Db, token: string, now: number): number | undefined {
  const row = prepared(db, 'SELECT account_id FROM password_link WHERE token_hash = ? AND expires_at > ?').get(hashToken(token), now) as { account_id: number } | undefined;
  return row?.account_id;
}
