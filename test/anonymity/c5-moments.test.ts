// Issue 11, construction 5: withheld distributions rebuilt from moments. Below k_distribution the
// counts per option are withheld, but n, mean, SD (one decimal) and share favourable (whole percent)
// may admit a single count vector; SD 0,0 says everyone answered alike. The attacker enumerates every
// count vector consistent with what is shown, for every item whose distribution is withheld.
import { afterEach, describe, expect, test } from 'vitest';
import type { Survey } from '../../src/survey/model.js';
import type { TestApp } from '../helpers/app.js';
import { countVectors, type MomentFigures } from './attacker.js';
import { emptyApp, profile, ProjectLeader, respond, seeded, unitFigures, unitPage, type FigureRow } from './helpers.js';
import { momentsOf, summary } from './releases.js';

let t: TestApp | undefined;
afterEach(() => t?.close());

/** The scale points, favourable points and CSV row of each numeric item or now/desired part. */
function numericParts(survey: Survey): { id: string; key: string; points: number[]; favourable: number[] }[] {
  const out: { id: string; key: string; points: number[]; favourable: number[] }[] = [];
  for (const item of survey.items) {
    if (item.type === 'likert' || item.type === 'nowDesired') {
      const scale = survey.scales[item.scale];
      const points = scale?.points.map((p) => p.value) ?? [];
      const favourable = scale?.favourable ?? [];
      if (item.type === 'likert') out.push({ id: item.id, key: `${item.id.startsWith('raus_') ? 'RAUS' : 'Påstand'}|${item.id}`, points, favourable });
      else out.push({ id: item.id, key: `Nå|${item.id}:now`, points, favourable }, { id: item.id, key: `Ønsket|${item.id}:desired`, points, favourable });
    } else if (item.type === 'scale') {
      out.push({ id: item.id, key: `Skala 0–10|${item.id}`, points: Array.from({ length: item.max - item.min + 1 }, (_, i) => item.min + i), favourable: [] });
    }
  }
  return out;
}

describe('construction 5: withheld distributions rebuilt from n, mean, SD and share favourable', () => {
  test.each([
    ['a unit of 6 answering differently', 6, false],
    ['a unit of 5 all answering alike', 5, true],
  ])('%s: every withheld distribution leaves at least two count vectors', async (_name, size, alike) => {
    t = emptyApp();
    const pl = await ProjectLeader.signIn(t);
    await pl.addUnits([['u', '']]);
    const wave = await pl.openWave('T1', ['u'], { kResults: 5, kDistribution: 10, kText: 10 });
    const rand = seeded(55);
    const same = profile(t.survey, rand);
    for (let i = 0; i < size; i++) await respond(t, wave.codes.get('u') ?? '', alike ? same : profile(t.survey, rand));
    await pl.setStatus(wave.id, 'closed');
    const figures = await unitFigures(pl.agent, wave.id, 'u');
    const page = await unitPage(pl.agent, t.survey, wave.id, 'u');
    expect(figures.get('Enhet|u')?.n, 'the unit is shown').toBe(size);

    const pinned: string[] = [];
    for (const part of numericParts(t.survey)) {
      const row: FigureRow | undefined = figures.get(part.key);
      // Shown counts per option are a released distribution, not an attack; neither is a withheld figure.
      if (!row || row.n === undefined || page.distributions.has(part.id)) continue;
      const shown: MomentFigures = momentsOf(row);
      const vectors = countVectors(part.points, part.favourable, shown);
      if (vectors.length < 2) pinned.push(`${part.key}: n=${row.n} mean=${row.mean?.value} sd=${row.sd?.value} share=${row.share?.value} -> [${vectors.join('] [')}]`);
    }
    expect(summary(pinned)).toEqual(summary([]));
  });
});
