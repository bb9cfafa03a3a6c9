// Keeping false alarms down (docs/METHODS.md, "Tydelig endring"). A unit's comparison runs dozens
// of tests; at 95 % each, about one in twenty unchanged figures would look changed by chance. The
// rule: within each family of a unit's figures (its main measures, its single statements, its
// position-size figures) a change is called clear only if it survives the Benjamini–Hochberg
// procedure at a false discovery rate of 5 %. Factors and the RAUS total form their own small
// family, so the confirmatory level is not diluted by the many statements.

/** The false discovery rate the readings keep to. */
export const FALSE_DISCOVERY_RATE = 0.05;

/** benjaminiHochberg returns, per p-value, whether it is a discovery at rate q (step-up procedure). */
export function benjaminiHochberg(pValues: readonly number[], q = FALSE_DISCOVERY_RATE): boolean[] {
  if (!(q > 0 && q < 1)) throw new RangeError(`the false discovery rate must lie strictly between 0 and 1 (got ${q})`);
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // The largest rank k with p_(k) <= k·q/m; every p-value up to it is a discovery.
  let cutoff = -1;
  order.forEach(([p], k) => {
    if (p <= ((k + 1) * q) / m) cutoff = k;
  });
  const out = new Array<boolean>(m).fill(false);
  for (let k = 0; k <= cutoff; k++) out[(order[k] as readonly [number, number])[1]] = true;
  return out;
}
