// Contacts of a wave: a unit, an e-mail address and/or a mobile number, and a random reference
// shared with the tokens sent to them. Never a name, never a token or its hash: the only fact a
// contact shares with the answers is the tokens' used flag (docs/ARCHITECTURE.md).
import { prepared, type Db } from './db.js';
import { hashToken, randomCode } from './ids.js';

export interface Contact {
  id: number;
  unitId: string;
  email: string | null;
  mobile: string | null;
}

export interface NewContact {
  unitId: string;
  email: string | null;
  mobile: string | null;
}

/** addContacts inserts a wave's contacts in one transaction (after a previewed import). */
export function addContacts(db: Db, waveId: number, contacts: NewContact[]): void {
  const insert = prepared(db, 'INSERT INTO contact (wave_id, unit_id, email, mobile) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const c of contacts) insert.run(waveId, c.unitId, c.email, c.mobile);
  }).immediate();
}

/** getContact returns one contact, or undefined. */
export function getContact(db: Db, id: number): Contact | undefined {
  const r = prepared(db, 'SELECT id, unit_id, email, mobile FROM contact WHERE id = ?').get(id) as ContactRow | undefined;
  return r && toContact(r);
}

interface ContactRow {
  id: number;
  unit_id: string;
  email: string | null;
  mobile: string | null;
}
const toContact = (r: ContactRow): Contact => ({ id: r.id, unitId: r.unit_id, email: r.email, mobile: r.mobile });

/** waveContacts lists a wave's contacts (for a send or the letters), or only those whose links are
 *  all unused (a reminder). A contact never sent anything has no used link either. */
export function waveContacts(db: Db, waveId: number, opts: { unusedOnly?: boolean; reachable?: boolean; unreachable?: boolean } = {}): Contact[] {
  const where = [
    'c.wave_id = ?',
    opts.unusedOnly ? 'NOT EXISTS (SELECT 1 FROM token t WHERE t.ref = c.token_ref AND t.used = 1)' : '1',
    opts.reachable ? '(c.email IS NOT NULL OR c.mobile IS NOT NULL)' : '1',
    opts.unreachable ? '(c.email IS NULL AND c.mobile IS NULL)' : '1',
  ];
  return (prepared(db, `SELECT c.id, c.unit_id, c.email, c.mobile FROM contact c WHERE ${where.join(' AND ')} ORDER BY c.id`).all(waveId) as ContactRow[]).map(toContact);
}

export interface ContactCounts {
  total: number;
  email: number;
  sms: number;
  letter: number;
}

/** contactCounts counts a wave's contacts by channel (what staff may see: counts only). */
export function contactCounts(db: Db, waveId: number): ContactCounts {
  const r = prepared(
    db,
    `SELECT count(*) AS total, count(email) AS email, sum(email IS NULL AND mobile IS NOT NULL) AS sms, sum(email IS NULL AND mobile IS NULL) AS letter
     FROM contact WHERE wave_id = ?`,
  ).get(waveId) as { total: number; email: number; sms: number | null; letter: number | null };
  return { total: r.total, email: r.email, sms: r.sms ?? 0, letter: r.letter ?? 0 };
}

/** issueToken makes a fresh one-time token for the contact and returns it (the only time it exists
 *  in clear). Its row carries the contact's random reference, created on first use; earlier tokens
 *  stay valid, and the trigger token_ref_used consumes them all at the first submit. Run it inside
 *  the transaction that records the send. */
export function issueToken(db: Db, waveId: number, contact: Contact): string {
  let ref = (prepared(db, 'SELECT token_ref FROM contact WHERE id = ?').get(contact.id) as { token_ref: string | null } | undefined)?.token_ref ?? null;
  if (ref === null) {
    ref = randomCode(24);
    prepared(db, 'UPDATE contact SET token_ref = ? WHERE id = ?').run(ref, contact.id);
  }
  const token = randomCode(16);
  prepared(db, 'INSERT INTO token (hash, wave_id, unit_id, ref) VALUES (?, ?, ?, ?)').run(hashToken(token), waveId, contact.unitId, ref);
  return token;
}

/** deleteContacts removes a wave's contacts (all, or one unit's) and cuts their tokens' reference,
 *  so nothing is left that ties a token to a person; returns how many were deleted. */
export function deleteContacts(db: Db, waveId: number): number {
  return db.transaction(() => {
    prepared(db, 'UPDATE token SET ref = NULL WHERE wave_id = ? AND ref IS NOT NULL').run(waveId);
    return prepared(db, 'DELETE FROM contact WHERE wave_id = ?').run(waveId).changes;
  }).immediate();
}

/** hasAnswered tells whether any link sent to the contact has been used (the one shared fact). */
export function hasAnswered(db: Db, contactId: number): boolean {
  return prepared(db, 'SELECT 1 FROM contact c JOIN token t ON t.ref = c.token_ref WHERE c.id = ? AND t.used = 1 LIMIT 1').get(contactId) !== undefined;
}

/** hasContactTraces tells whether a wave still has contacts, or tokens carrying a contact reference. */
export function hasContactTraces(db: Db, waveId: number): boolean {
  return (
    prepared(db, 'SELECT 1 FROM contact WHERE wave_id = ? LIMIT 1').get(waveId) !== undefined ||
    prepared(db, 'SELECT 1 FROM token WHERE wave_id = ? AND ref IS NOT NULL LIMIT 1').get(waveId) !== undefined
  );
}
