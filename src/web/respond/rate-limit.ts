// Rate limits for the respondent routes. Whole units answer from one workplace address (NAT), so
// nothing an ordinary respondent does is limited per address: page posts and submits are limited
// per draft, and only draft creation (a high ceiling) and failed resume codes are counted per
// address. In memory on purpose: one process, and a restart forgetting the counts is harmless.
import net from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { readCookie } from '../cookies.js';

export interface Limit {
  max: number;
  windowMs: number;
}

export interface RespondentLimits {
  /** Page posts and submits per draft: a person needs a few a minute, a script thousands. */
  postsPerDraft: Limit;
  /** New drafts per address: far above what a workplace behind one address starts in an hour. */
  draftsPerAddress: Limit;
  /** Wrong resume codes per address: enough for typos of a whole unit, far too few for guessing. */
  failedResumesPerAddress: Limit;
}

/** RESPONDENT_LIMITS are the limits the app runs with (see README, "Rate limiting"). */
export const RESPONDENT_LIMITS: Readonly<RespondentLimits> = Object.freeze({
  postsPerDraft: { max: 60, windowMs: 60_000 },
  draftsPerAddress: { max: 5000, windowMs: 3600_000 },
  failedResumesPerAddress: { max: 30, windowMs: 600_000 },
});

// The cookie handlers.ts sets on start: the draft's device key (32 bytes, base64url). Other values
// cannot name a draft, so the handler only redirects them; not counting them keeps junk cookies out of memory.
const DRAFT_COOKIE = 'kartlegg_draft';
const DRAFT_ID = /^[A-Za-z0-9_-]{43}$/;

interface Window {
  start: number;
  count: number;
  previous: number;
}

/** WindowCounter counts hits per key in a sliding window, estimated from two fixed windows (the
 *  current one plus the overlapping share of the previous one), so memory is constant per key. */
export class WindowCounter {
  private readonly windows = new Map<string, Window>();
  private pruneAt = 10_000;

  constructor(readonly limit: Limit) {}

  /** count estimates a key's hits within the last window. */
  count(key: string, now: number): number {
    const w = this.windows.get(key);
    if (!w) return 0;
    this.roll(w, now);
    return w.previous * (1 - (now - w.start) / this.limit.windowMs) + w.count;
  }

  /** blocked tells whether a key has reached its limit. */
  blocked(key: string, now: number): boolean {
    return this.count(key, now) >= this.limit.max;
  }

  /** add records a hit for a key. */
  add(key: string, now: number): void {
    let w = this.windows.get(key);
    if (!w) {
      w = { start: this.windowStart(now), count: 0, previous: 0 };
      this.windows.set(key, w);
      if (this.windows.size > this.pruneAt) this.prune(now);
    }
    this.roll(w, now);
    w.count += 1;
  }

  /** retryAfterSeconds is when the current fixed window ends: the earliest a blocked key may pass again. */
  retryAfterSeconds(now: number): number {
    return Math.max(1, Math.ceil((this.windowStart(now) + this.limit.windowMs - now) / 1000));
  }

  private windowStart(now: number): number {
    return Math.floor(now / this.limit.windowMs) * this.limit.windowMs;
  }

  private roll(w: Window, now: number): void {
    const start = this.windowStart(now);
    if (start === w.start) return;
    w.previous = start - w.start === this.limit.windowMs ? w.count : 0;
    w.count = 0;
    w.start = start;
  }

  // Dropping idle keys only when the map has doubled keeps the cost amortised constant.
  private prune(now: number): void {
    for (const [key, w] of this.windows) if (w.start + 2 * this.limit.windowMs <= now) this.windows.delete(key);
    this.pruneAt = Math.max(10_000, this.windows.size * 2);
  }
}

/** addressKey is the client address a limit counts: IPv4 as is, IPv6 by its /64 (one household or
 *  phone gets a whole /64, so counting single addresses would let one device rotate through them). */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!net.isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

function tooMany(res: Response, counter: WindowCounter, now: number): void {
  const seconds = counter.retryAfterSeconds(now);
  res.set('Retry-After', String(seconds));
  res.status(429).render('message', { titleKey: 'rateLimited.title', bodyKey: 'rateLimited.body', params: { minutes: Math.ceil(seconds / 60) } });
}

export interface RespondentLimiter {
  /** Before start: counts every draft started from an address. */
  draftCreation(req: Request, res: Response, next: NextFunction): void;
  /** Before a page post or submit: counts posts per draft cookie (none: the handler only redirects). */
  draftPosts(req: Request, res: Response, next: NextFunction): void;
  /** Before resume by code: refuses an address with too many wrong codes; counts a 422 as wrong. */
  resumeGuessing(req: Request, res: Response, next: NextFunction): void;
}

/** respondentLimiter builds the respondent routes' middleware; `clock` is for tests. */
export function respondentLimiter(limits: RespondentLimits = RESPONDENT_LIMITS, clock: () => number = Date.now): RespondentLimiter {
  const drafts = new WindowCounter(limits.draftsPerAddress);
  const posts = new WindowCounter(limits.postsPerDraft);
  const resumes = new WindowCounter(limits.failedResumesPerAddress);
  return {
    draftCreation(req, res, next) {
      const now = clock();
      const key = addressKey(req.ip);
      if (drafts.blocked(key, now)) return tooMany(res, drafts, now);
      drafts.add(key, now);
      next();
    },
    draftPosts(req, res, next) {
      const draftId = readCookie(req, DRAFT_COOKIE);
      if (!draftId || !DRAFT_ID.test(draftId)) return next();
      const now = clock();
      if (posts.blocked(draftId, now)) return tooMany(res, posts, now);
      posts.add(draftId, now);
      next();
    },
    resumeGuessing(req, res, next) {
      const now = clock();
      const key = addressKey(req.ip);
      if (resumes.blocked(key, now)) return tooMany(res, resumes, now);
      res.on('finish', () => {
        if (res.statusCode === 422) resumes.add(key, clock());
      });
      next();
    },
  };
}
