// Drafts: answers in progress, so a respondent can stop and continue later (same device by cookie,
// another device by resume code). They live in their own file (attached as `drafts`, see db.ts),
// sealed so that only the respondent's device can read them or tie them to a personal link:
// - the device key (32 random bytes) is the draft cookie and is never stored. HKDF of it gives the
//   row id, the AES-256-GCM key sealing everything else, the submit mark and the token-reference key;
// - the resume code gives, through scrypt, a second row id and a key sealing the device key, so the
//   code alone finds and opens the draft on another device; only that id and the sealed key are kept.
//   The scrypt is paid once per draft at most, and only for a draft that may be continued elsewhere:
//   an empty draft has nothing to continue, and a draft being answered waits in memory (its code
//   opens it from there) until its respondent pauses, says "continue later", or the server stops;
//   most respondents submit before either, and never pay for it (see `waiting` below);
// - the personal link is referenced only as an HMAC of its token hash under the device key;
// - the language the respondent chose is sealed with the answers and exists nowhere else: a response
//   never records it (in a small unit it would name the one person who answered in Lithuanian).
// So the files, even with every personal link at hand, say nothing about whose draft is whose or
// what it holds (see docs/ARCHITECTURE.md, "Where anonymity is enforced"). A draft is deleted when
// submitted or when it expires.
import crypto from 'node:crypto';
import { freezeAnswers } from '../survey/conditions.js';
import type { Answers } from '../survey/model.js';
import { prepared, type Db } from './db.js';
import { isResumeCode, resumeCode } from './ids.js';
import { truncateWals } from './wal.js';

/** The link a draft was started on: a wave, a unit and, for a personal link, its token hash. */
export interface DraftLink {
  waveId: number;
  unitId: string;
  tokenHash: string | null;
}

export interface Draft {
  /** The device key (base64url): the draft cookie's value. It finds and opens the draft; never stored. */
  id: string;
  resumeCode: string;
  waveId: number;
  unitId: string;
  /** HMAC of the personal link's token hash under the device key, null for an open link. */
  tokenRef: string | null;
  answers: Answers;
  /** The page the respondent last saved, to continue there. */
  lastSection: string | null;
  expiresOn: string;
  /** Whether the file holds its resume id, so that the code opens it on another device after a
   *  restart too: from its first save with `resumable: 'now'`, or from when its respondent paused
   *  (makeWaitingDraftsResumable). Until then the process's memory opens it by its code. */
  resumable: boolean;
  /** The language the respondent chose on the welcome page (a tag the wave offers). */
  language: string;
}

interface Sealed {
  c: string;
  w: number;
  u: string;
  t: string | null;
  a: Answers;
  s: string | null;
  /** Absent in drafts sealed before languages existed: bokmål. */
  l?: string;
}

interface Keys {
  rowId: string;
  seal: Buffer;
  mark: string;
  ref: Buffer;
}

// scrypt makes each guess at a resume code cost about 2 ms: with 31^10 codes, trying them against
// a copied file takes tens of thousands of CPU-years, while a respondent pays it once.
const SCRYPT = { N: 1024, r: 8, p: 1 };
// Every this many draft writes (a few hundred log frames: each write changes the row and its
// indexes) the drafts file is emptied into its database file in the background, well before
// SQLite's own checkpoint would run (1000 frames, two syncs on the server thread).
const WRITES_PER_CHECKPOINT = 64;
const writes = new WeakMap<Db, number>();

// A respondent's requests each open the draft (and a save seals it again), so the HKDF would run
// two or three times per request. The keys derived from recently used device keys are kept in
// memory only (never written anywhere), looked up by the whole device key, at most
// KEY_CACHE_SIZE of them, the least recently used dropped first: a few MB at most.
export const KEY_CACHE_SIZE = 2048;
const derived = new Map<string, Keys>();

function keysOf(id: string): Keys | undefined {
  const hit = derived.get(id);
  if (hit) {
    derived.delete(id);
    derived.set(id, hit);
    return hit;
  }
  const key = Buffer.from(id, 'base64url');
  if (key.length !== 32 || key.toString('base64url') !== id) return undefined;
  const out = Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), 'kartlegg draft v1', 128));
  const keys = { rowId: out.subarray(0, 32).toString('hex'), seal: out.subarray(32, 64), mark: out.subarray(64, 96).toString('hex'), ref: out.subarray(96) };
  if (derived.size >= KEY_CACHE_SIZE) derived.delete(derived.keys().next().value as string);
  derived.set(id, keys);
  return keys;
}

/** cachedDraftKeys tells how many device keys have their derived keys in memory (for tests). */
export function cachedDraftKeys(): number {
  return derived.size;
}

// Each respondent request opens the draft, and most follow a save of it (post, redirect, get). The
// drafts last opened or saved are kept in memory with the sealed bytes they were read from or
// written as, looked up per database by the whole device key (never written anywhere; the derived
// keys above open them anyway), at most OPEN_CACHE_SIZE per database, the least recently used
// dropped first: a few MB at most. The row is still read on every open (so an expired, deleted or
// altered draft is never served from memory); only when its sealed bytes are the kept ones are the
// decryption and JSON parsing skipped. Kept drafts are frozen: a caller's change cannot reach the
// next request.
export const OPEN_CACHE_SIZE = 512;
const openedIn = new WeakMap<Db, Map<string, { draft: Draft; sealed: Buffer }>>();

function openedOf(db: Db): Map<string, { draft: Draft; sealed: Buffer }> {
  let opened = openedIn.get(db);
  if (!opened) openedIn.set(db, (opened = new Map()));
  return opened;
}

function keep(db: Db, draft: Draft, sealed: Buffer): Draft {
  freezeAnswers(draft.answers);
  const kept = Object.freeze({ ...draft });
  const opened = openedOf(db);
  opened.delete(draft.id);
  if (opened.size >= OPEN_CACHE_SIZE) opened.delete(opened.keys().next().value as string);
  opened.set(draft.id, { draft: kept, sealed });
  return kept;
}

// Saved drafts whose resume ids are not in the file yet, by device key (the device keys are in
// memory anyway: see `derived`), least recently saved first, at most WAITING_MAX per database.
// findDraftByResumeCode looks here when the file has no row for a code. Nothing of it is written
// anywhere: a crash forgets it, and then such a draft continues on its own device (the cookie) and
// waits again from its next save; a stop makes them all resumable first (src/main.ts).
export const WAITING_MAX = 1024;
/** How long a waiting draft's respondent may pause before the draft is made resumable in the file. */
export const RESUMABLE_AFTER_IDLE_MS = 5 * 60_000;
interface Waiting {
  code: string;
  waveId: number;
  unitId: string;
  savedAt: number;
}
const waitingIn = new WeakMap<Db, Map<string, Waiting>>();

function waitingOf(db: Db): Map<string, Waiting> {
  let waiting = waitingIn.get(db);
  if (!waiting) waitingIn.set(db, (waiting = new Map()));
  return waiting;
}

/** waitingDrafts tells how many saved drafts of a database wait to be made resumable (for tests). */
export function waitingDrafts(db: Db): number {
  return waitingOf(db).size;
}

/** openDraftsKept tells how many drafts of a database are kept in memory (for tests). */
export function openDraftsKept(db: Db): number {
  return openedOf(db).size;
}

function keysOrThrow(id: string): Keys {
  const keys = keysOf(id);
  if (!keys) throw new Error('not a draft key');
  return keys;
}

// Salted with the wave and unit (a draft also knows them), so one computation covers one link's drafts only.
function resumeKeys(code: string, link: { waveId: number; unitId: string }): { resumeId: string; wrap: Buffer } {
  const out = crypto.scryptSync(code, `kartlegg resume v1|${link.waveId}|${link.unitId}`, 64, SCRYPT);
  return { resumeId: out.subarray(0, 32).toString('hex'), wrap: out.subarray(32) };
}

const tokenRef = (keys: Keys, tokenHash: string | null): string | null => (tokenHash === null ? null : crypto.createHmac('sha256', keys.ref).update(tokenHash).digest('hex'));

// AES-256-GCM with a fresh 12-byte nonce per write, bound to the row it belongs to: nonce | tag | ciphertext.
function seal(key: Buffer, plain: Buffer, rowId: string): Buffer {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(rowId));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function unseal(key: Buffer, blob: Buffer, rowId: string): Buffer | undefined {
  if (blob.length < 28) return undefined;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12)).setAAD(Buffer.from(rowId));
    decipher.setAuthTag(blob.subarray(12, 28));
    return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
  } catch {
    return undefined;
  }
}

function sealDraft(keys: Keys, d: Draft): Buffer {
  const body: Sealed = { c: d.resumeCode, w: d.waveId, u: d.unitId, t: d.tokenRef, a: d.answers, s: d.lastSection, l: d.language };
  return seal(keys.seal, Buffer.from(JSON.stringify(body)), keys.rowId);
}

function wrote(db: Db): void {
  const n = (writes.get(db) ?? 0) + 1;
  writes.set(db, n % WRITES_PER_CHECKPOINT);
  if (n === WRITES_PER_CHECKPOINT) void truncateWals(db, ['drafts']);
}

/** createDraft starts an empty draft in a language on a link that expires on the given day. */
export function createDraft(db: Db, d: DraftLink & { expiresOn: string; language?: string }): Draft {
  const id = crypto.randomBytes(32).toString('base64url');
  const keys = keysOrThrow(id);
  const draft: Draft = { id, resumeCode: resumeCode(), waveId: d.waveId, unitId: d.unitId, tokenRef: tokenRef(keys, d.tokenHash), answers: {}, lastSection: null, expiresOn: d.expiresOn, resumable: false, language: d.language ?? 'nb' };
  const sealed = sealDraft(keys, draft);
  prepared(db, 'INSERT INTO drafts.draft (id, sealed, expires_on) VALUES (?, ?, ?)').run(keys.rowId, sealed, d.expiresOn);
  wrote(db);
  return keep(db, draft, sealed);
}

/** getDraft opens the draft a device key names if it has not expired by `today`, or gives undefined. */
export function getDraft(db: Db, id: string, today: string): Draft | undefined {
  const keys = keysOf(id);
  if (!keys) return undefined;
  const row = prepared(db, 'SELECT sealed, expires_on, resume_id IS NOT NULL AS resumable FROM drafts.draft WHERE id = ? AND expires_on >= ?').get(keys.rowId, today) as
    | { sealed: Buffer; expires_on: string; resumable: number }
    | undefined;
  if (!row) return undefined;
  const opened = openedOf(db);
  const hit = opened.get(id);
  if (hit && Buffer.isBuffer(row.sealed) && hit.sealed.equals(row.sealed) && hit.draft.expiresOn === row.expires_on && hit.draft.resumable === (row.resumable === 1)) {
    opened.delete(id);
    opened.set(id, hit);
    return hit.draft;
  }
  const plain = unseal(keys.seal, row.sealed, keys.rowId);
  if (!plain) return undefined;
  const s = JSON.parse(plain.toString()) as Sealed;
  return keep(db, { id, resumeCode: s.c, waveId: s.w, unitId: s.u, tokenRef: s.t, answers: s.a, lastSection: s.s, expiresOn: row.expires_on, resumable: row.resumable === 1, language: s.l ?? 'nb' }, row.sealed);
}

/** draftFits tells whether a draft was started on this link (same wave, unit and personal link). */
export function draftFits(draft: Draft, link: DraftLink): boolean {
  return draft.waveId === link.waveId && draft.unitId === link.unitId && draft.tokenRef === tokenRef(keysOrThrow(draft.id), link.tokenHash);
}

/** findDraftByResumeCode opens the draft a (normalised) resume code gives on this link, until it expires. */
export function findDraftByResumeCode(db: Db, code: string, link: DraftLink, today: string): Draft | undefined {
  if (!isResumeCode(code)) return undefined;
  const resume = resumeKeys(code, link);
  const row = prepared(db, 'SELECT resume_key FROM drafts.draft WHERE resume_id = ? AND expires_on >= ?').get(resume.resumeId, today) as { resume_key: Buffer } | undefined;
  const key = row && unseal(resume.wrap, row.resume_key, resume.resumeId);
  // Not in the file: a draft saved by this process may still wait for its resume id.
  const id = key ? key.toString('base64url') : [...waitingOf(db)].find(([, w]) => w.code === code && w.waveId === link.waveId && w.unitId === link.unitId)?.[0];
  const draft = id && getDraft(db, id, today);
  return draft && draftFits(draft, link) ? draft : undefined;
}

/** How a save treats a draft whose resume id is not in the file yet: 'now' stores it (a scrypt);
 *  `{ at }` (the caller's clock, ms) lets the draft wait in memory until its respondent pauses. */
export type Resumable = 'now' | { at: number };

/** saveDraftAnswers replaces a draft's answers, remembers the page, pushes its expiry forward, makes it
 *  resumable by its code (first save; see Resumable) and returns the draft as saved. */
export function saveDraftAnswers(db: Db, draft: Draft, answers: Answers, lastSection: string | null, expiresOn: string, resumable: Resumable = 'now'): Draft {
  const keys = keysOrThrow(draft.id);
  const next: Draft = { ...draft, answers, lastSection, expiresOn };
  if (!draft.resumable && resumable === 'now') return storeResumable(db, keys, next);
  const sealed = sealDraft(keys, next);
  const stored = prepared(db, 'UPDATE drafts.draft SET sealed = ?, expires_on = ? WHERE id = ?').run(sealed, expiresOn, keys.rowId).changes === 1;
  wrote(db);
  if (!stored) {
    forget(db, draft.id);
    return next;
  }
  if (!draft.resumable && resumable !== 'now') wait(db, next, resumable.at);
  return keep(db, next, sealed);
}

function wait(db: Db, draft: Draft, at: number): void {
  const waiting = waitingOf(db);
  waiting.delete(draft.id);
  waiting.set(draft.id, { code: draft.resumeCode, waveId: draft.waveId, unitId: draft.unitId, savedAt: at });
  // Bounded: past WAITING_MAX, the longest waiting is made resumable now (read whatever its
  // expiry: the hourly purge deletes an expired one anyway).
  const [oldest] = waiting.keys();
  if (waiting.size > WAITING_MAX && oldest !== undefined) {
    waiting.delete(oldest);
    const longest = getDraft(db, oldest, '0000-00-00');
    if (longest) makeResumable(db, longest);
  }
}

function forget(db: Db, id: string): void {
  openedOf(db).delete(id);
  waitingOf(db).delete(id);
}

// Stores the draft with its resume id and the device key sealed under the code's key (one scrypt),
// drawing a new code if another draft on the link holds it.
function storeResumable(db: Db, keys: Keys, draft: Draft): Draft {
  const set = prepared(db, 'UPDATE OR IGNORE drafts.draft SET sealed = ?, expires_on = ?, resume_id = ?, resume_key = ? WHERE id = ?');
  let next: Draft = { ...draft, resumable: true };
  let sealed: Buffer | undefined;
  for (let code = draft.resumeCode; ; code = resumeCode()) {
    next = { ...next, resumeCode: code };
    const resume = resumeKeys(code, draft);
    const key = seal(resume.wrap, Buffer.from(draft.id, 'base64url'), resume.resumeId);
    sealed = sealDraft(keys, next);
    if (set.run(sealed, draft.expiresOn, resume.resumeId, key, keys.rowId).changes === 1) break;
    sealed = undefined;
    // Nothing changed: the draft is gone (submitted elsewhere, expired), or another draft on this
    // link holds the same resume code (about 1 in 2^49), and then a new code is drawn.
    if (!prepared(db, 'SELECT 1 FROM drafts.draft WHERE id = ?').get(keys.rowId)) break;
  }
  wrote(db);
  waitingOf(db).delete(draft.id);
  if (sealed) return keep(db, next, sealed);
  forget(db, draft.id);
  return next;
}

// Makes a draft as stored (its answers, page and expiry unchanged) resumable in the file.
function makeResumable(db: Db, draft: Draft): Draft {
  if (draft.resumable) {
    waitingOf(db).delete(draft.id);
    return draft;
  }
  return storeResumable(db, keysOrThrow(draft.id), draft);
}

/** makeWaitingDraftsResumable stores the resume ids of waiting drafts whose respondents saved
 *  nothing for `idleMs` by `now` (Infinity: all of them, as at a stop), the longest waiting first, at
 *  most `max` of them (a scrypt each, about 2 ms), and returns how many such drafts still wait.
 *  Drafts expired by `today` or gone are forgotten. */
export function makeWaitingDraftsResumable(db: Db, opts: { now: number; today: string; idleMs?: number; max?: number }): number {
  const idle = opts.idleMs ?? RESUMABLE_AFTER_IDLE_MS;
  const waiting = waitingOf(db);
  let made = 0;
  for (const [id, w] of waiting) {
    if (w.savedAt + idle > opts.now) break;
    if (made >= (opts.max ?? Infinity)) break;
    waiting.delete(id);
    const draft = getDraft(db, id, opts.today);
    if (!draft) continue;
    makeResumable(db, draft);
    made += 1;
  }
  let due = 0;
  for (const w of waiting.values()) {
    if (w.savedAt + idle > opts.now) break;
    due += 1;
  }
  return due;
}

/** resumeWaitingDrafts makes waiting drafts resumable as their respondents pause: every `everyMs`
 *  (and at once again while more are due) it takes at most `batch` of them, a scrypt each, so that no
 *  request waits long behind it. A failure (a busy or closed database) is given to `onError` and tried
 *  again at the next turn; nothing is thrown from the timer. Returns a function that stops it. */
export function resumeWaitingDrafts(db: Db, opts: { clock: () => number; today: () => string; onError: (err: unknown) => void; everyMs?: number; batch?: number }): () => void {
  let pending: NodeJS.Immediate | undefined;
  const turn = (): void => {
    pending = undefined;
    try {
      if (makeWaitingDraftsResumable(db, { now: opts.clock(), today: opts.today(), max: opts.batch ?? 8 }) > 0) pending = setImmediate(turn);
    } catch (err) {
      opts.onError(err);
    }
  };
  const timer = setInterval(turn, opts.everyMs ?? 30_000).unref();
  return () => {
    clearInterval(timer);
    if (pending) clearImmediate(pending);
  };
}

/** setDraftLanguage changes the language a draft is answered in (sealed like the rest) and returns it as saved. */
export function setDraftLanguage(db: Db, draft: Draft, language: string): Draft {
  const next: Draft = { ...draft, language };
  const keys = keysOrThrow(draft.id);
  const sealed = sealDraft(keys, next);
  const stored = prepared(db, 'UPDATE drafts.draft SET sealed = ? WHERE id = ?').run(sealed, keys.rowId).changes === 1;
  wrote(db);
  if (stored) return keep(db, next, sealed);
  openedOf(db).delete(draft.id);
  return next;
}

/** deleteDraft removes the draft a device key names (secure_delete overwrites it in the file). */
export function deleteDraft(db: Db, id: string): void {
  const keys = keysOf(id);
  forget(db, id);
  // A delete (with secure_delete) writes as many log frames as a save: it counts toward emptying the log.
  if (keys && prepared(db, 'DELETE FROM drafts.draft WHERE id = ?').run(keys.rowId).changes > 0) wrote(db);
  derived.delete(id);
}

/** submitMark is what the submit transaction records for a draft (a hash under its device key, never its
 *  row id), so a draft that outlives its response cannot be submitted again; undefined for a non-key. */
export function submitMark(id: string): string | undefined {
  return keysOf(id)?.mark;
}

/** deleteExpiredDrafts removes drafts that expired before `today`, and the submit marks of drafts
 *  that can no longer exist, and returns how many drafts it removed. */
export function deleteExpiredDrafts(db: Db, today: string): number {
  prepared(db, 'DELETE FROM submitted_draft WHERE until < ?').run(today);
  return prepared(db, 'DELETE FROM drafts.draft WHERE expires_on < ?').run(today).changes;
}
