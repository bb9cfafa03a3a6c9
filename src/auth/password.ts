// Password hashing with node:crypto scrypt. Stored form: scrypt$N$r$p$salt$hash (base64), so older
// parameters keep verifying and are replaced at the next successful login (needsRehash).
import crypto from 'node:crypto';

// N = 2^17, r = 8, p = 1: current guidance for scrypt (OWASP password storage cheat sheet).
// It needs 128 * N * r = 128 MiB per hash; maxmem leaves room above that.
const N = 2 ** 17;
const R = 8;
const P = 1;
const KEYLEN = 32;
const MAX_N = 2 ** 20;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(password.normalize('NFC'), salt, KEYLEN, { N: n, r, p, maxmem: 256 * n * r }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** hashPassword returns a self-describing scrypt hash with a random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** verifyPassword checks a password against a stored hash in constant time; malformed hashes fail. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || n > MAX_N || r > 32 || p > 16) return false;
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  const key = await scrypt(password, Buffer.from(parts[4] ?? '', 'base64'), n, r, p);
  return expected.length === key.length && crypto.timingSafeEqual(expected, key);
}

/** needsRehash tells whether a stored hash uses other parameters than hashPassword does now. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(`scrypt$${N}$${R}$${P}$`);
}

/** passwordProblem returns a message key when a new password is too weak, else undefined. */
export function passwordProblem(password: string): 'password.tooShort' | 'password.tooLong' | undefined {
  if ([...password].length < 12) return 'password.tooShort';
  if (password.length > 200) return 'password.tooLong';
  return undefined;
}
