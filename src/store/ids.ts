// Random codes for links, tokens, drafts and resume codes, from an alphabet without look-alikes.
import crypto from 'node:crypto';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** randomCode returns n characters drawn uniformly from a 31-letter alphabet without 0/o, 1/l/i. */
export function randomCode(n: number): string {
  let out = '';
  while (out.length < n) {
    for (const byte of crypto.randomBytes(n * 2)) {
      // 248 = 8 * 31: rejecting higher bytes keeps the draw uniform.
      if (byte < 248 && out.length < n) out += ALPHABET[byte % 31];
    }
  }
  return out;
}

/** resumeCode returns a code such as "KD7MQ-2XPR4": ten characters (49 bits), easy to read aloud and
 *  type on a phone, and (being the only key to a draft on another device) too many to try offline. */
export function resumeCode(): string {
  const c = randomCode(10).toUpperCase();
  return `${c.slice(0, 5)}-${c.slice(5)}`;
}

/** normaliseResumeCode accepts what people type: any case, spaces or no dash. */
export function normaliseResumeCode(input: string): string {
  const c = input.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return c.length === 10 ? `${c.slice(0, 5)}-${c.slice(5)}` : c;
}

/** isResumeCode tells whether a normalised code has the shape resumeCode gives. */
export function isResumeCode(code: string): boolean {
  return /^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$/.test(code);
}

/** hashToken is how one-time tokens are stored: the token itself is never kept. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** randomResponseId is a random positive 53-bit integer, so row order reveals no submission order. */
export function randomResponseId(): number {
  return crypto.randomInt(1, 2 ** 48) * 32 + crypto.randomInt(0, 32);
}
