// The standard normal distribution: CDF and quantile, for score intervals of shares (Wilson,
// Newcombe) and their p-values. Written out for the same reason as welch.ts: no dependency, and
// tested against reference values (Python's statistics.NormalDist).

const LN_SQRT_PI = 0.5 * Math.log(Math.PI);
const EPS = 1e-16;
const TINY = 1e-300;

/** Regularized upper incomplete gamma Q(1/2, x) = erfc(sqrt(x)), for x >= 0. */
function gammaQHalf(x: number): number {
  const a = 0.5;
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - LN_SQRT_PI);
  if (x < a + 1) {
    // Series for P(a, x); Q = 1 - P is fine here because P is not close to 1 for x < 1.5.
    let term = 1 / a;
    let sum = term;
    for (let k = 1; k < 500; k++) {
      term *= x / (a + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return 1 - front * sum;
  }
  // Continued fraction for Q(a, x) (modified Lentz): converges fast for x > a + 1 and keeps
  // relative precision in the far tail, where p-values live.
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return front * h;
}

/** normalCdf returns P(Z <= z) for the standard normal distribution. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  // Φ(z) = ½ erfc(-z/√2), and erfc(y) = Q(½, y²) for y >= 0.
  const tail = 0.5 * gammaQHalf((z * z) / 2);
  return z < 0 ? tail : 1 - tail;
}

/** normalUpperTail returns P(Z > z) for z >= 0 without cancellation (for small p-values). */
export function normalUpperTail(z: number): number {
  return z >= 0 ? 0.5 * gammaQHalf((z * z) / 2) : normalCdf(-z);
}

// Acklam's rational approximation (relative error below 1.2e-9) as the starting point.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

const poly = (coef: readonly number[], x: number): number => coef.reduce((acc, c) => acc * x + c, 0);

function acklam(p: number): number {
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(C, q) / (poly(D, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    return -poly(C, q) / (poly(D, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(A, r) * q) / (poly(B, r) * r + 1);
}

/** normalQuantile returns z with P(Z <= z) = p, for 0 < p < 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must lie strictly between 0 and 1 (got ${p})`);
  if (p === 0.5) return 0;
  let z = acklam(p);
  // Two Halley steps on the accurate CDF bring the start to full double precision.
  for (let i = 0; i < 2; i++) {
    // Φ(z) - p, from the tail nearer p so neither side cancels.
    const err = p < 0.5 ? normalCdf(z) - p : 1 - p - normalUpperTail(z);
    const u = err * Math.sqrt(2 * Math.PI) * Math.exp((z * z) / 2);
    z -= u / (1 + (z * u) / 2);
  }
  return z;
}
