// Login throttling: every attempt is counted before the password is checked, so a burst of
// concurrent guesses cannot all pass a check made before any failure was recorded (F2). Limits are
// a growing back-off (429 with Retry-After), never a lock-out that anyone could keep up against
// the right password (F6):
// - per account and address (IPv6 by /64): a guesser slows only their own pair;
// - per address: one address spraying many accounts;
// - per account from anywhere, without a device cookie: a distributed guesser; kept short;
// - per device cookie: a browser that has signed in to the account before gets its own budget and
//   skips the three above, so nobody elsewhere can keep the project leader out.
// Counting and deciding are synchronous (no await in between), hence atomic per process. In
// memory on purpose: one process, and a restart forgetting the counts is harmless.
import crypto from 'node:crypto';

export interface BackoffRule {
  /** Attempts allowed before waiting starts. */
  free: number;
  /** The first wait; each further attempt doubles it. */
  baseMs: number;
  /** The longest wait. */
  maxMs: number;
  /** A key without attempts for this long starts afresh. */
  forgetMs: number;
}

export interface LoginLimits {
  pair: BackoffRule;
  address: BackoffRule;
  account: BackoffRule;
  device: BackoffRule;
}

const MINUTE = 60_000;
/** LOGIN_LIMITS are the limits the app runs with (README, "Production"). */
export const LOGIN_LIMITS: Readonly<LoginLimits> = Object.freeze({
  pair: { free: 5, baseMs: 1000, maxMs: 15 * MINUTE, forgetMs: 24 * 60 * MINUTE },
  address: { free: 30, baseMs: 1000, maxMs: 15 * MINUTE, forgetMs: 24 * 60 * MINUTE },
  account: { free: 20, baseMs: 1000, maxMs: MINUTE, forgetMs: 60 * MINUTE },
  device: { free: 5, baseMs: 1000, maxMs: 15 * MINUTE, forgetMs: 24 * 60 * MINUTE },
});

interface State {
  count: number;
  lastAt: number;
  until: number;
  /** Whether a refusal within the current wait has been reported (audited) already. */
  reported: boolean;
}

const MAX_KEYS = 100_000;

/** Backoff counts attempts per key; after `free` of them each attempt starts a doubling wait. */
export class Backoff {
  private readonly states = new Map<string, State>();

  constructor(readonly rule: BackoffRule) {}

  /** waitMs is how long a key must wait before its next attempt (0: it may go ahead). */
  waitMs(key: string, now: number): number {
    const s = this.live(key, now);
    return s && now < s.until ? s.until - now : 0;
  }

  /** firstRefusal marks a waiting key as reported and tells whether it had not been yet. */
  firstRefusal(key: string, now: number): boolean {
    const s = this.live(key, now);
    if (!s || s.reported) return false;
    s.reported = true;
    return true;
  }

  /** count records an attempt; it returns the wait it starts (0 while attempts are still free). */
  count(key: string, now: number): number {
    const s = this.live(key, now) ?? { count: 0, lastAt: now, until: 0, reported: false };
    s.count += 1;
    s.lastAt = now;
    const over = s.count - this.rule.free;
    const wait = over < 0 ? 0 : Math.min(this.rule.baseMs * 2 ** Math.min(over, 40), this.rule.maxMs);
    if (wait > 0) {
      s.until = now + wait;
      s.reported = false;
    }
    this.states.delete(key);
    this.states.set(key, s);
    if (this.states.size > MAX_KEYS) this.prune(now);
    return wait;
  }

  /** forget drops a key's attempts (after a successful login). */
  forget(key: string): void {
    this.states.delete(key);
  }

  /** refund takes back one counted attempt that turned out to be a successful login, so people
   *  who sign in often from one address are never slowed by their own successes. */
  refund(key: string): void {
    const s = this.states.get(key);
    if (!s) return;
    s.count = Math.max(0, s.count - 1);
    if (s.count < this.rule.free) s.until = 0;
  }

  private live(key: string, now: number): State | undefined {
    const s = this.states.get(key);
    if (s && now - s.lastAt > this.rule.forgetMs && now >= s.until) {
      this.states.delete(key);
      return undefined;
    }
    return s;
  }

  // Keys are kept in order of last attempt, so the oldest go first when memory must be bounded.
  private prune(now: number): void {
    for (const [key, s] of this.states) if (now - s.lastAt > this.rule.forgetMs && now >= s.until) this.states.delete(key);
    for (const key of this.states.keys()) {
      if (this.states.size <= MAX_KEYS / 2) break;
      this.states.delete(key);
    }
  }
}

export interface LoginAttempt {
  /** The user name as typed (compared case-insensitively). */
  username: string;
  /** The client address key (addressKey: IPv6 by /64). */
  address: string;
  /** The device cookie's value, if any. */
  device: string | undefined;
}

export interface Verdict {
  /** 0: verify the password now; else refuse with 429 and this wait. */
  waitMs: number;
  /** Which limit refused or started a wait. */
  limit?: keyof LoginLimits;
  /** A refusal that is the first within its wait (audit it; later ones are only logged). */
  firstRefusal?: boolean;
  /** The wait this attempt started for its limit (0 when none): a back-off began or grew. */
  startedMs?: number;
}

/** LoginThrottle decides each login attempt before the password is verified. */
export class LoginThrottle {
  private readonly backoffs: Record<keyof LoginLimits, Backoff>;
  private readonly secret = crypto.randomBytes(32);

  constructor(limits: LoginLimits = LOGIN_LIMITS) {
    this.backoffs = { pair: new Backoff(limits.pair), address: new Backoff(limits.address), account: new Backoff(limits.account), device: new Backoff(limits.device) };
  }

  /** attempt counts a login attempt and says whether it may be verified now; refused attempts are not counted. */
  attempt(a: LoginAttempt, now: number): Verdict {
    const keys = this.keys(a);
    let refusal: Verdict | undefined;
    for (const [limit, key] of keys) {
      const waitMs = this.backoffs[limit].waitMs(key, now);
      if (waitMs > (refusal?.waitMs ?? 0)) refusal = { waitMs, limit, firstRefusal: false };
    }
    if (refusal?.limit) {
      const refusedKey = keys.find(([limit]) => limit === refusal.limit)?.[1] ?? '';
      refusal.firstRefusal = this.backoffs[refusal.limit].firstRefusal(refusedKey, now);
      return refusal;
    }
    const verdict: Verdict = { waitMs: 0 };
    for (const [limit, key] of keys) {
      const started = this.backoffs[limit].count(key, now);
      if (started > (verdict.startedMs ?? 0)) Object.assign(verdict, { limit, startedMs: started });
    }
    return verdict;
  }

  /** succeeded forgets the signing-in browser's own failures and takes back its attempt from the
   *  address and account counts (their other failures stay counted). */
  succeeded(a: LoginAttempt): void {
    for (const [limit, key] of this.keys(a)) {
      if (limit === 'pair' || limit === 'device') this.backoffs[limit].forget(key);
      else this.backoffs[limit].refund(key);
    }
  }

  /** deviceCookie returns a value that marks this browser as one that signed in to the account. */
  deviceCookie(username: string): string {
    const nonce = crypto.randomBytes(12).toString('base64url');
    return `${nonce}.${this.mac(username, nonce)}`;
  }

  private keys(a: LoginAttempt): [keyof LoginLimits, string][] {
    const user = normalise(a.username);
    const nonce = this.trustedNonce(user, a.device);
    if (nonce) return [['device', `${user}\n${nonce}`]];
    return [
      ['pair', `${user}\n${a.address}`],
      ['address', a.address],
      ['account', user],
    ];
  }

  private trustedNonce(user: string, cookie: string | undefined): string | undefined {
    const [nonce, mac] = (cookie ?? '').split('.');
    if (!nonce || !mac) return undefined;
    const want = Buffer.from(this.mac(user, nonce));
    const given = Buffer.from(mac);
    return want.length === given.length && crypto.timingSafeEqual(want, given) ? nonce : undefined;
  }

  private mac(username: string, nonce: string): string {
    return crypto.createHmac('sha256', this.secret).update(`${normalise(username)}\n${nonce}`).digest('base64url');
  }
}

/** normalise is the form of a user name that limits count by: case-insensitive, bounded. */
export function normalise(username: string): string {
  return username.normalize('NFC').trim().toLowerCase().slice(0, 200);
}
