// Multipart form parsing for the one upload (organisation CSV): fields into req.body, the file's
// text into req.body.file. Limits keep a wrong file from filling memory.
import busboy from 'busboy';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../errors.js';

const MAX_FILE = 2 * 1024 * 1024;

/** multipartText parses multipart/form-data bodies; other bodies pass through untouched. */
export function multipartText(req: Request, _res: Response, next: NextFunction): void {
  if (!req.is('multipart/form-data')) return next();
  const body: Record<string, string> = {};
  let tooLarge = false;
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { fileSize: MAX_FILE, files: 1, fields: 20, fieldSize: MAX_FILE } });
  } catch {
    return next(new HttpError(400, 'badRequest'));
  }
  parser.on('field', (name, value) => {
    body[name] = value;
  });
  parser.on('file', (name, stream) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('limit', () => {
      tooLarge = true;
    });
    stream.on('end', () => {
      body[name] = Buffer.concat(chunks).toString('utf8');
    });
  });
  parser.on('close', () => {
    if (tooLarge) return next(new HttpError(413, 'tooLarge'));
    req.body = body;
    next();
  });
  parser.on('error', () => next(new HttpError(400, 'badRequest')));
  req.pipe(parser);
}
