// The one multipart upload (the organisation CSV) through multer, mounted only on the import
// routes after the session and admin checks: nobody without a session makes the server read a
// multipart body. Limits stop reading before anything large is buffered, and every parser or
// stream error (a truncated body, a wrong boundary) becomes a 4xx for this request alone.
import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { HttpError } from '../errors.js';

/** MAX_UPLOAD is the largest CSV file or pasted text accepted (bytes). */
export const MAX_UPLOAD = 2 * 1024 * 1024;

const parse = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_UPLOAD, files: 1, fields: 8, fieldSize: MAX_UPLOAD, parts: 9, fieldNameSize: 100, headerPairs: 20 },
}).single('file');

const TOO_LARGE = new Set(['LIMIT_FILE_SIZE', 'LIMIT_FIELD_VALUE', 'LIMIT_PART_COUNT', 'LIMIT_FILE_COUNT', 'LIMIT_FIELD_COUNT']);

/** csvUpload parses a multipart body into req.body (fields) and req.body.file (the file's bytes,
 *  decoded by the handler: org/upload.ts); other bodies pass through. Answers 413 over a limit and 400 for a malformed body. */
export function csvUpload(req: Request, res: Response, next: NextFunction): void {
  if (!req.is('multipart/form-data')) return next();
  parse(req, res, (err: unknown) => {
    if (err) {
      const code = err instanceof multer.MulterError ? err.code : '';
      return next(TOO_LARGE.has(code) ? new HttpError(413, 'tooLarge') : new HttpError(400, 'badRequest'));
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (req.file) body.file = req.file.buffer;
    req.body = body;
    next();
  });
}
