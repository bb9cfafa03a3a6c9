// Exact numbers and the one rounding rule every displayed figure goes through (docs/METHODS.md,
// "Avrunding"). Answers are integers or short decimals, so means, shares and variances are
// fractions of integers: kept exact here, a tie such as 13/4 = 3.25 rounds up to 3.3 as a reader
// rounding by hand would, where the floating-point sum 32.49999999999999 / 10 rounds to 3.2.
//
// Rule: round half away from zero, on the exact value. A plain number (an interval bound computed
// through a t quantile) is rounded on its exact binary value, which toFixed does.

/** A fraction num/den in lowest terms, den > 0, both safe integers: plain JSON, like every table. */
export interface Ratio {
  num: number;
  den: number;
}

/** The square root of a fraction (a standard deviation), rounded exactly without taking the root. */
export interface SqrtOf {
  sqrtOf: Ratio;
}

/** Anything the rounding accepts: an exact fraction, the root of one, or a plain number. */
export type Num = number | Ratio | SqrtOf;

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

const big = (x: number | bigint): bigint => {
  if (typeof x === 'bigint') return x;
  if (!Number.isSafeInteger(x)) throw new RangeError(`not an exact integer: ${x}`);
  return BigInt(x);
};

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** ratio returns num/den in lowest terms with a positive denominator; throws a RangeError when den
 *  is 0 or the reduced fraction does not fit in safe integers (see exactly). */
export function ratio(num: number | bigint, den: number | bigint = 1): Ratio {
  // Safe integers as doubles: remainders and exact quotients are exact, so the common case (counts,
  // sums of scale points: about 3 % of building a wave's tables in BigInts) needs no BigInt.
  if (typeof num === 'number' && typeof den === 'number' && Number.isSafeInteger(num) && Number.isSafeInteger(den) && den !== 0) {
    let x = Math.abs(num);
    let y = Math.abs(den);
    while (y !== 0) [x, y] = [y, x % y];
    const n = (den < 0 ? -num : num) / x;
    // No negative zero: 0/-5 is {0, 1}, as the BigInt path gives.
    return { num: n === 0 ? 0 : n, den: Math.abs(den) / x };
  }
  let n = big(num);
  let d = big(den);
  if (d === 0n) throw new RangeError('a fraction needs a non-zero denominator');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  if (g > 1n) [n, d] = [n / g, d / g];
  if (n > SAFE || -n > SAFE || d > SAFE) throw new RangeError('fraction too large to keep exact');
  return { num: Number(n), den: Number(d) };
}

/** exactly runs an exact computation, or gives undefined when its fractions outgrow safe integers
 *  (then the figure is rounded from its floating-point value instead). */
export function exactly<T>(compute: () => T): T | undefined {
  try {
    return compute();
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/** isRatio tells an exact fraction from a plain number or a root. */
export function isRatio(x: unknown): x is Ratio {
  return typeof x === 'object' && x !== null && typeof (x as Ratio).num === 'number' && typeof (x as Ratio).den === 'number';
}

const parts = (r: Ratio): [bigint, bigint] => [BigInt(r.num), BigInt(r.den)];

/** add returns a + b exactly. */
export function add(a: Ratio, b: Ratio): Ratio {
  const [an, ad] = parts(a);
  const [bn, bd] = parts(b);
  return ratio(an * bd + bn * ad, ad * bd);
}

/** sub returns a - b exactly. */
export function sub(a: Ratio, b: Ratio): Ratio {
  const [bn, bd] = parts(b);
  return add(a, { num: Number(-bn), den: Number(bd) });
}

/** mul returns a × b exactly. */
export function mul(a: Ratio, b: Ratio): Ratio {
  const [an, ad] = parts(a);
  const [bn, bd] = parts(b);
  return ratio(an * bn, ad * bd);
}

/** div returns a / b exactly; b must not be 0. */
export function div(a: Ratio, b: Ratio): Ratio {
  const [an, ad] = parts(a);
  const [bn, bd] = parts(b);
  return ratio(an * bd, ad * bn);
}

/** toNumber returns the nearest double (for arithmetic that is not shown, such as t statistics). */
export function toNumber(x: Num): number {
  if (typeof x === 'number') return x;
  if (isRatio(x)) return ratioToNumber(x);
  return Math.sqrt(ratioToNumber(x.sqrtOf));
}

function ratioToNumber(r: Ratio): number {
  // Both parts are exact doubles: one correctly rounded division.
  return r.num / r.den;
}

/** isqrt returns floor(sqrt(n)) for n >= 0 (Newton's method from above, in integers). */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** roundScaled returns x × 10^decimals rounded half away from zero, as an integer. */
export function roundScaled(x: Num, decimals: number): bigint {
  const scale = 10n ** BigInt(decimals);
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new RangeError(`cannot round ${x}`);
    // toFixed rounds the double's exact value and takes the larger candidate on a tie: away from zero for |x|.
    const text = Math.abs(x).toFixed(decimals).replace('.', '');
    const k = BigInt(text);
    return x < 0 ? -k : k;
  }
  if (isRatio(x)) {
    const [num, den] = parts(x);
    const n = num < 0n ? -num : num;
    // floor(|v|·s + 1/2): a tie (exactly half) goes up, that is away from zero.
    const k = (2n * n * scale + den) / (2n * den);
    return num < 0n ? -k : k;
  }
  // sqrt(P/Q)·s rounds to k where (k - 1/2)² <= W < (k + 1/2)², W = P·s²/Q: no root taken.
  const [p, q] = parts(x.sqrtOf);
  if (p < 0n) throw new RangeError('the square root of a negative fraction');
  const m = isqrt((4n * p * scale * scale) / q);
  return (m + 1n) / 2n;
}

/** fixed formats x with the given number of decimals (rounded half away from zero) and decimal mark. */
export function fixed(x: Num, decimals: number, mark: ',' | '.' = ','): string {
  const k = roundScaled(x, decimals);
  const negative = k < 0n;
  const digits = (negative ? -k : k).toString().padStart(decimals + 1, '0');
  const whole = decimals === 0 ? digits : digits.slice(0, -decimals);
  const text = decimals === 0 ? whole : `${whole}${mark}${digits.slice(-decimals)}`;
  return negative ? `-${text}` : text;
}

/** rounded returns x rounded half away from zero as a number (for chart data and colour bands). */
export function rounded(x: Num, decimals: number): number {
  return Number(fixed(x, decimals, '.'));
}

/** agreeing returns the fraction r when it is the exact form of x, else undefined: a number that disclosure
 *  control coarsened or removed is never replaced by a finer fraction carried beside it. */
export function agreeing<T extends Num>(x: number | undefined, r: T | undefined): T | undefined {
  return x !== undefined && r !== undefined && Math.abs(toNumber(r) - x) <= 1e-9 * Math.max(1, Math.abs(x)) ? r : undefined;
}
