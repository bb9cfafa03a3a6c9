// The attack on one simulated case: every release's figures in one exact linear system (a reader
// keeps what was shown before), plus the rounding-aware check of each shown mean whose
// distribution is withheld. Findings are classified so a failure says what leaked and how.
import { isolations, ratToNumber, type Isolation } from './algebra.js';
import { equationsOf, isCount } from './figures.js';
import { derivableCombinations } from './knowledge.js';
import { termsOf, type Person } from './model.js';
import type { ShownMoments } from './shown-means.js';
import { consistentVectors, type CountConstraint } from './rounding.js';
import type { CaseRun } from './scenario.js';

export interface Finding {
  seed: number;
  /** What kind of leak: which releases it needs and which figures it combines. */
  kind: string;
  detail: string;
}

/** What a witness combines: its figures' measures and releases, read from the equation labels. */
function anatomy(i: Isolation): { measures: string[]; releases: string[] } {
  const parsed = i.combination.map((c) => /\[R(\d+) (.+)\.[^.@]+ @/.exec(c)).filter((m): m is RegExpExecArray => m !== null);
  return { measures: [...new Set(parsed.map((m) => m[2] as string))].sort(), releases: [...new Set(parsed.map((m) => m[1] as string))].sort() };
}

function describeIsolation(i: Isolation): string {
  const shown = i.combination.length > 8 ? [...i.combination.slice(0, 8), `... ${i.combination.length - 8} more`] : i.combination;
  return `${i.respondents.length} respondent(s) [${i.respondents.join(',')}] isolated via {${i.kinds.join(', ')}} = ${shown.join(' ')}`;
}

/** witnessValue is what the attacker computes from the shown figures with the isolation's weights,
 *  and what the isolated respondents' own answers give for it (everyone else must cancel out,
 *  leaving only constants the attacker knows); undefined when a weight falls on free-text content. */
function witnessValue(run: CaseRun, i: Isolation): { revealed: number; predicted: number; scale: number } | undefined {
  const figures = run.releases.flatMap((r) => r.figures.figures);
  const inT = new Set(i.respondents);
  let revealed = 0;
  let predicted = 0;
  let scale = 0;
  for (const { equation, weight } of i.weights) {
    const f = figures[equation];
    if (!f || Number.isNaN(f.value)) return undefined;
    const w = ratToNumber(weight);
    revealed += w * f.value;
    scale += Math.abs(w * f.value);
    for (const r of f.set) {
      const p = run.people[r] as Person;
      const fn = run.model.functional(f.measure, f.stat, p, f);
      predicted += w * (inT.has(r) ? run.model.evaluate(fn, p) : fn.constant);
    }
  }
  return { revealed, predicted, scale };
}

/** attackCase returns every finding for one case ([] means the union of its releases is safe), and
 *  problems: findings whose figures do not reproduce what the isolated respondents answered (an engine error). */
export function attackCase(run: CaseRun): { findings: Finding[]; problems: string[] } {
  const findings: Finding[] = [];
  const problems: string[] = [];
  const perRelease = run.releases.map((r) => equationsOf(run.model, run.people, r.figures.figures));
  for (const i of isolations(perRelease.flat(), run.k)) {
    const { measures, releases } = anatomy(i);
    const what = i.respondents.length === 0 ? 'undecided' : measures.length > 1 ? `across measures (${measures.join(' + ')})` : `one measure (${measures[0]})`;
    // The staff actions between the earliest and the latest release the figures come from.
    const first = Number(releases[0] ?? 1);
    const last = Number(releases[releases.length - 1] ?? 1);
    const actions = run.releases.slice(first, last).map((r) => r.action.split(' ')[0]);
    const scope = releases.length <= 1 ? 'one release' : `across releases (${[...new Set(actions)].join('+')})`;
    const value = i.respondents.length > 0 ? witnessValue(run, i) : undefined;
    if (value && Math.abs(value.revealed - value.predicted) > 1e-6 * (1 + value.scale)) {
      problems.push(`case ${run.seed}: the figures give ${value.revealed}, the isolated answers ${value.predicted}: ${describeIsolation(i)}`);
    }
    const computed = value ? ` (the figures give ${Math.round(value.revealed * 1000) / 1000})` : '';
    findings.push({ seed: run.seed, kind: `${scope}: ${what}`, detail: `${run.description}: ${describeIsolation(i)}${computed}` });
  }
  // The rounding check of every mean shown without its distribution and without its moments (SD,
  // share): see the header of generic-attacker.test.ts for why means with moments are left out.
  const moments = new Map<string, ShownMoments>();
  for (const m of run.releases.flatMap((r) => r.figures.moments)) {
    if (m.moments) continue;
    moments.set(`${m.label.replace(/^R\d+ /, '')} [${m.set.join(',')}] ${m.nFrom}-${m.nTo} ${m.meanBound ?? ''}${m.mean}`, m);
  }
  const checked = [...moments.values()];
  const queries = checked.map((m) => m.points.map((v) => m.set.flatMap((r) => termsOf(run.model.functional(m.measure, `count:${v}`, run.people[r] as Person), r))));
  // What the shown counts (every release) determine exactly; rounded figures give no exact value.
  const counts = run.releases.flatMap((r) => r.figures.figures).filter(isCount);
  const combinations = derivableCombinations(equationsOf(run.model, run.people, counts), queries);
  checked.forEach((m, i) => {
    const constraints: CountConstraint[] = (combinations[i] ?? []).map((a) => {
      const weights = a.map(Number);
      return { a: weights, value: weights.reduce((s, w, j) => s + w * (m.counts[j] ?? 0), 0) };
    });
    const shownToo = consistentVectors(m, 2, constraints);
    const n = m.nFrom === m.nTo ? `${m.nTo}` : `${m.nFrom}..${m.nTo}`;
    const shown = `${m.label} n=${n} mean=${m.meanBound === 'above' ? '>' : m.meanBound === 'below' ? '<' : ''}${m.mean}`;
    const known = `${constraints.length} combination(s) of its counts determined by shown counts${m.upper ? `, at most ${m.upper.join('/')} per point` : ''}${m.lower?.some((x) => x > 0) ? `, at least ${m.lower.join('/')}` : ''}`;
    // The true answers always display as shown: none agreeing is an error in the check, not safety.
    if (shownToo === 0) problems.push(`case ${run.seed}: no count vector displays as ${shown} (${known}); true counts ${m.counts.join('/')}`);
    // A finding when the mean pins what the shown counts and bounds alone leave open.
    else if (shownToo < 2 && consistentVectors(m, 2, constraints, false) >= 2) {
      findings.push({ seed: run.seed, kind: 'a mean pins a withheld distribution', detail: `${run.description}: ${shown}; ${known}: only ${m.counts.join('/')}` });
    }
  });
  return { findings, problems };
}
