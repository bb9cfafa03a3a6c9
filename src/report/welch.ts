// Welch's confidence interval for the difference of two means, from the summary statistics the
// released tables carry (n, mean, SD). Written out here rather than taken from a library so the
// one distribution we need (Student's t at non-integer df) has no dependency and is tested against
// reference values; DOMAIN.md 4 asks every before/after difference to carry its uncertainty.

const EPS = 1e-15;
const TINY = 1e-300;
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

// Lanczos (g = 7, n = 9): ~15 significant digits for x >= 0.5.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
function lnGamma(x: number): number {
  // Shift small arguments up: the Lanczos sum is accurate from 0.5, and df/2 can be tiny.
  if (x < 0.5) return lnGamma(x + 1) - Math.log(x);
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Stirling's remainder lnΓ(x) - [(x-½)ln x - x + ln√(2π)], for x >= 10 (error below 1e-12). */
function stirlingError(x: number): number {
  const x2 = x * x;
  return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * x2)) / x2) / x2) / x;
}

/** ln B(a, b) for a, b > 0, without the cancellation of three large log-gammas at large df. */
function lnBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  // The split follows R's lbeta: lnΓ(q) - lnΓ(p + q) taken directly loses digits in proportion
  // to df (the terms grow like df ln df), so the leading Stirling terms are cancelled by hand.
  if (p >= 10) {
    const corr = stirlingError(p) + stirlingError(q) - stirlingError(p + q);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
  }
  if (q >= 10) {
    const corr = stirlingError(q) - stirlingError(p + q);
    return lnGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return lnGamma(p) + lnGamma(q) - lnGamma(p + q);
}

const nonZero = (v: number): number => (Math.abs(v) < TINY ? TINY : v);

/** Continued fraction for I_x(a, b) (modified Lentz), converging fast for x < (a + 1) / (a + b + 2). */
function betaFraction(a: number, b: number, x: number, y: number): number {
  const qab = a + b;
  let c = 1;
  // 1 - (a + b)x / (a + 1), written with y = 1 - x when x is near 1 so it does not cancel away.
  let d = 1 / nonZero(x < 0.5 ? 1 - (qab * x) / (a + 1) : (1 - b + qab * y) / (a + 1));
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 / nonZero(1 + even * d);
    c = nonZero(1 + even / c);
    h *= d * c;
    const odd = (-(a + m) * (qab + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 / nonZero(1 + odd * d);
    c = nonZero(1 + odd / c);
    h *= d * c;
    if (Math.abs(d * c - 1) < EPS) return h;
  }
  throw new Error(`incomplete beta did not converge (a=${a}, b=${b}, x=${x})`);
}

/** I_x(a, b) given x, y = 1 - x and their logs, each computed accurately by the caller. */
function betaInc(a: number, b: number, x: number, y: number, lnX: number, lnY: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(a * lnX + b * lnY - lnBeta(a, b));
  // Use the fraction on whichever side it converges, and the symmetry I_x(a,b) = 1 - I_y(b,a).
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x, y)) / a : 1 - (front * betaFraction(b, a, y, x)) / b;
}

/** regularizedBeta returns the regularized incomplete beta function I_x(a, b) for 0 <= x <= 1 and a, b > 0. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1) || !(a > 0) || !(b > 0)) throw new RangeError(`regularizedBeta needs 0 <= x <= 1 and a, b > 0 (got x=${x}, a=${a}, b=${b})`);
  return betaInc(a, b, x, 1 - x, Math.log(x), Math.log1p(-x));
}

function checkDf(df: number): void {
  if (!(df > 0) || !Number.isFinite(df)) throw new RangeError(`degrees of freedom must be positive and finite (got ${df})`);
}

/** P(T > t) for t >= 0: ½ I_x(df/2, ½) with x = df / (df + t²). */
function upperTail(t: number, df: number): number {
  // x and 1 - x both come from r = t²/df, so neither loses digits when df dwarfs t² or the reverse.
  const lnR = 2 * Math.log(t) - Math.log(df);
  if (lnR > 700) {
    // t² overflows for the heavy tails of df < 1; then x = 1/(1 + r) is e^-ln r to double precision.
    const x = Math.exp(-lnR);
    return 0.5 * betaInc(df / 2, 0.5, x, 1, -lnR, -x);
  }
  const r = (t * t) / df;
  return 0.5 * betaInc(df / 2, 0.5, 1 / (1 + r), r / (1 + r), -Math.log1p(r), Math.log(r) - Math.log1p(r));
}

/** tCdf returns P(T <= t) for Student's t with df > 0 (real-valued) degrees of freedom. */
export function tCdf(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return NaN;
  if (t === 0) return 0.5;
  return t > 0 ? 1 - upperTail(t, df) : upperTail(-t, df);
}

/** ln of the t density at t. */
function lnDensity(t: number, df: number): number {
  return -((df + 1) / 2) * Math.log1p((t * t) / df) - 0.5 * Math.log(df) - lnBeta(df / 2, 0.5);
}

/** t with P(T > t) = q, for 0 < q < 0.5 (computed from q itself so tiny tails keep their digits). */
function upperQuantile(q: number, df: number): number {
  const lnQ = Math.log(q);
  // Bracket the root by doubling, then Newton on ln P(T > t) (nearly linear in the far tail where
  // the tail spans many orders of magnitude), falling back to bisection whenever Newton leaves
  // the bracket, so it converges for any df, including the heavy tails of df < 1.
  let lo = 0;
  let hi = 1;
  while (upperTail(hi, df) > q) {
    lo = hi;
    hi *= 2;
    if (!Number.isFinite(hi)) return Infinity;
  }
  let t = lo === 0 ? hi / 2 : Math.sqrt(lo * hi);
  for (let i = 0; i < 300; i++) {
    const tail = upperTail(t, df);
    if (tail > q) lo = t;
    else hi = t;
    let next = t + (Math.log(tail) - lnQ) * Math.exp(Math.log(tail) - lnDensity(t, df));
    if (!(next > lo && next < hi)) next = lo > 0 && hi / lo > 4 ? Math.sqrt(lo * hi) : (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-14 * Math.max(1, t) || hi - lo <= 1e-15 * hi) return next;
    t = next;
  }
  return t;
}

/** Above this df the continued fraction loses digits (about 1e-17 x df); the quantile is carried on by Cornish–Fisher. */
const LARGE_DF = 1e6;

/** tQuantile returns t with P(T <= t) = p for Student's t, 0 < p < 1, df > 0 real-valued; ±Infinity past the double range. */
export function tQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p > 0 && p < 1)) throw new RangeError(`p must lie strictly between 0 and 1 (got ${p})`);
  if (p === 0.5) return 0;
  const sign = p < 0.5 ? -1 : 1;
  const q = p < 0.5 ? p : 1 - p;
  if (df <= LARGE_DF) return sign * upperQuantile(q, df);
  // t(df) = z + g1(z)/df + O(1/df²) with g1(z) = (z³ + z)/4, so moving from LARGE_DF to df shifts
  // t by g1·(1/df - 1/LARGE_DF); the dropped terms are below 1e-9 for any p a double can hold.
  const base = upperQuantile(q, LARGE_DF);
  return sign * (base + ((base ** 3 + base) / 4) * (1 / df - 1 / LARGE_DF));
}

/** Summary statistics of one sample; Stats from the released tables fit as they are. */
export interface Sample {
  n: number;
  mean?: number;
  /** Sample standard deviation (divisor n - 1). */
  sd?: number;
}

export interface WelchInterval {
  /** b.mean - a.mean: positive means the later (second) sample is higher. */
  diff: number;
  se: number;
  /** Welch–Satterthwaite degrees of freedom, real-valued. */
  df: number;
  low: number;
  high: number;
  /** Two-sided p-value of "no difference"; absent when se is 0 (no spread, no test). */
  p?: number;
}

/** welch returns the Welch confidence interval for b.mean - a.mean, or undefined when either n < 2 or a mean or SD is missing. */
export function welch(a: Sample, b: Sample, level = 0.95): WelchInterval | undefined {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must lie strictly between 0 and 1 (got ${level})`);
  if (a.n < 2 || b.n < 2 || a.mean === undefined || b.mean === undefined || a.sd === undefined || b.sd === undefined) return undefined;
  const diff = b.mean - a.mean;
  const va = (a.sd * a.sd) / a.n;
  const vb = (b.sd * b.sd) / b.n;
  const se = Math.sqrt(va + vb);
  // Both samples without spread: the Satterthwaite ratio is 0/0, and there is no uncertainty to
  // put around the difference. Report the point as its own interval with the pooled df.
  if (se === 0) return { diff, se: 0, df: a.n + b.n - 2, low: diff, high: diff };
  const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const half = tQuantile(1 - (1 - level) / 2, df) * se;
  // The lower tail of -|t| keeps its digits where 1 - P(T <= |t|) would cancel.
  const p = Math.min(1, 2 * tCdf(-Math.abs(diff / se), df));
  return { diff, se, df, low: diff - half, high: diff + half, p };
}

/** detectableDifference returns the smallest true difference the test would find with the given
 *  power (two-sided, at 1 - level): (t_{1-α/2} + t_{power}) · se, with the interval's df. */
export function detectableDifference(w: Pick<WelchInterval, 'se' | 'df'>, level = 0.95, power = 0.8): number | undefined {
  if (!(w.se > 0) || !(w.df > 0)) return undefined;
  return (tQuantile(1 - (1 - level) / 2, w.df) + tQuantile(power, w.df)) * w.se;
}
