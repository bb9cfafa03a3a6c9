// Large results pages (the organisation overview is a row per unit, hundreds of rows of nearly the
// same markup) are sent gzip-compressed to clients that accept it: about a tenth of the bytes. The
// compression runs in libuv's thread pool, not on the server thread.
import zlib from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';

// Below this a page is sent as it is: compressing it would save less than it costs.
const MIN_BYTES = 8 * 1024;

/** renderCompressed renders a view and sends it gzip-compressed where the client accepts gzip and
 *  the page is large; otherwise as res.render would. */
export function renderCompressed(req: Request, res: Response, next: NextFunction, view: string, locals: Record<string, unknown>): void {
  res.render(view, locals, (err: Error | null, html: string) => {
    if (err) return next(err);
    res.vary('Accept-Encoding');
    if (Buffer.byteLength(html) < MIN_BYTES || req.acceptsEncodings('gzip', 'identity') !== 'gzip') {
      res.send(html);
      return;
    }
    zlib.gzip(html, (zipErr, body) => {
      if (zipErr) {
        res.send(html);
        return;
      }
      res.set('Content-Encoding', 'gzip').type('html').send(body);
    });
  });
}
