// The generic attacker (issue 11, "Done when"): 200 seeded random cases on a small survey and a
// few on the bundled one. Each case builds a random tree (3-12 units, 0-12 respondents each) with
// random skip and "vet ikke" habits, closes the wave through the staff routes, then takes up to two
// more staff actions (reopen with new answers and close, raise a threshold, move a unit), reading
// the release back after each. Everything the project leader sees (a superset of every other
// role) in every release goes into one system, and the attacker looks for any set of 1..k-1
// respondents whose answer counts or sums it determines. Zero findings is the pass condition.
//
// What is collected (generic/figures.ts). The unit pages, chart data, CSV, heat map, comparison
// and follow-up pages are all rendered from the released tables (report/released.ts), so the
// figures are read from waveResults: per shown group, each factor's and the RAUS total's n, mean
// and SD; each statement's n, mean, SD and share favourable and, where shown, its counts per point
// and "vet ikke"; 0-10 items likewise; the counts of single and multiple choices; n, mean and SD
// of both halves of a now/desired item and of its gap; the position figures; the comment lists;
// and the full-time/part-time breakdown's n and factor means. Every 10th case also fetches each
// unit's results CSV and the project comparison CSV through the routes and checks that they show
// exactly these figures (generic/csv-check.ts). A group's respondents are those of the units below
// it in the tree the release itself reports (results.units); every figure is then recomputed from
// the simulated answers of that set and must match, so a set the product did not use is a test
// error, not a silent miss.
//
// The attack model (generic/model.ts, generic/algebra.ts).
// - Unknowns: a column per respondent and variable. Variables: the indicator of each answer option
//   of each item, "vet ikke" included (a value is sum v x indicator, its square sum v^2 x
//   indicator, "favourable" the sum over the top points, so means, SDs and shares are linear in
//   them); per derived measure the respondent's squared score (factor/RAUS score, gap) and whether
//   it counts (n); for free text whether they wrote and what; for position size the free numbers,
//   full time and the three definitions of involuntary part-time.
// - Each shown figure is an equation: n, mean x n, (n-1) SD^2 + n mean^2, share x n, each count.
//   Exact values from the tables are used (conservative: the attacker knows more than the rounded
//   display); group sizes are constants (the attacker knows who is in which set).
// - Derived values are substituted where they are linear for that respondent: a factor score is
//   (1/c) x the sum of the c valid answers, a gap is desired - now when both are valid. The
//   coefficients come from the true answers (a conservative attacker who knows who answered what).
//   A required item the respondent saw has one indicator fixed as 1 minus the others.
// - Finding: a nonzero combination of the equations whose weight lies only on 1..k-1 respondents
//   (k as at the first close; thresholds only rise). Exact over the rationals (BigInt), by blocks
//   of variables, atoms (respondents with identical coefficients) and a complete hitting-set
//   search (see algebra.ts). Each finding is reported with the figures combined, and the value
//   those figures give is checked against the isolated respondents' own answers.
// - Across releases: all releases of one wave are one system (a reader keeps what was shown).
// - Rounding: for every shown mean of a scale whose counts per point are withheld, all count
//   vectors that display the same n, mean, SD and share favourable are enumerated (generic/
//   rounding.ts); fewer than two is a finding (the withheld distribution is pinned).
// Not modelled: combining rounded figures across groups or releases beyond the exact linear
// system, the comparison's two-decimal changes, and staff text.
import { describe, expect, test } from 'vitest';
import { attackCase, type Finding } from './generic/attack.js';
import { makeHarness, runCase, type CaseOptions } from './generic/scenario.js';

const CASES = 200;
const CHUNK = 25;
const BUNDLED_SEEDS = [1001, 1002, 1003, 1004];

/** report words findings for a failure: counts by kind, then the first few in full. */
function report(findings: Finding[]): string {
  const byKind = new Map<string, number>();
  for (const f of findings) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  const kinds = [...byKind].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${n} × ${k}`);
  const cases = new Set(findings.map((f) => f.seed)).size;
  return [`${findings.length} finding(s) in ${cases} case(s):`, ...kinds, 'First findings:', ...findings.slice(0, 6).map((f) => `  ${f.detail}`)].join('\n');
}

/** attack runs the cases on a fresh app (one database per batch keeps the organisation tree small). */
async function attack(seeds: number[], opts: (seed: number) => CaseOptions): Promise<void> {
  const findings: Finding[] = [];
  const problems: string[] = [];
  const h = await makeHarness();
  try {
    for (const seed of seeds) {
      const run = await runCase(h, seed, opts(seed));
      const result = attackCase(run);
      problems.push(...run.problems, ...result.problems);
      findings.push(...result.findings);
    }
  } finally {
    h.t.close();
  }
  expect(problems.slice(0, 20), 'figures the simulation cannot explain, or outputs that disagree').toEqual([]);
  expect(findings.length, report(findings)).toBe(0);
}

describe('generic attacker: no set of fewer than k respondents is derivable from everything ever shown', () => {
  const chunks = Array.from({ length: CASES / CHUNK }, (_, c) => [c * CHUNK + 1, (c + 1) * CHUNK] as const);
  test.each(chunks)('small survey, cases %i-%i (every 10th also through the CSV routes)', async (from, to) => {
    const seeds = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    await attack(seeds, (seed) => ({ viaRoutes: seed % 10 === 0 }));
  });

  test('bundled survey, four cases (two through the CSV routes)', async () => {
    await attack(BUNDLED_SEEDS, (seed) => ({ bundled: true, viaRoutes: seed % 2 === 0 }));
  });
});
