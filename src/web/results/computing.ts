// The answer to any page that needs a wave's results while they are being computed (closing a
// wave, start-up after an upgrade): 503 with Retry-After and a page that says so, refreshes itself
// with JS and has a link without. Mounted after the routes of every router that reads results.
import type { NextFunction, Request, Response } from 'express';
import { ResultsComputing } from '../../report/tally-jobs.js';

/** Seconds a client is asked to wait before asking again. */
export const RETRY_AFTER_SECONDS = 3;

/** computingPage answers ResultsComputing with 503 and the "being computed" page; passes other errors on. */
export function computingPage(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (!(err instanceof ResultsComputing)) return next(err);
  // A form post cannot be repeated by a link: offer the wave's results page instead.
  const url = req.method === 'GET' || req.method === 'HEAD' ? req.originalUrl : `/resultater/${err.waveId}`;
  res.set('Retry-After', String(RETRY_AFTER_SECONDS));
  res.status(503).render('results/computing', { retryAfter: RETRY_AFTER_SECONDS, url, scripts: ['/js/computing.js'] });
}
