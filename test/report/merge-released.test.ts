// Merging released groups must give exactly what the pooled answers give: checked against a parent
// unit whose only members are the merged units.
import { describe, expect, test } from 'vitest';
import { mergeReleased, mergeStats } from '../../src/report/merge-released.js';
import type { ShownGroup } from '../../src/report/released.js';
import { waveResults } from '../../src/report/wave-results.js';
import { getWave } from '../../src/store/waves.js';
import { makeHistoryApp } from '../helpers/app.js';

describe('mergeStats', () => {
  test.each([
    // [3,4,5] mean 4 sd 1 and [1,3] mean 2 sd √2 pool to [3,4,5,1,3]: mean 3.2, sd √2.2.
    [[{ released: true as const, n: 3, mean: 4, sd: 1 }, { released: true as const, n: 2, mean: 2, sd: Math.SQRT2 }], { n: 5, mean: 3.2, sd: Math.sqrt(2.2) }],
    // A single answer has no sd; pooled with [2,4] (mean 3, sd √2) gives [5,2,4]: mean 11/3, sd √(7/3).
    [[{ released: true as const, n: 1, mean: 5 }, { released: true as const, n: 2, mean: 3, sd: Math.SQRT2 }], { n: 3, mean: 11 / 3, sd: Math.sqrt(7 / 3) }],
  ])('pools %j exactly', (figures, expected) => {
    const merged = mergeStats(figures);
    if (!merged.released) throw new Error('withheld');
    expect(merged.n).toBe(expected.n);
    expect(merged.mean).toBeCloseTo(expected.mean, 12);
    expect(merged.sd).toBeCloseTo(expected.sd, 12);
  });

  test('any withheld member withholds the merged figure, with the largest "fewer than"', () => {
    expect(mergeStats([{ released: true, n: 9, mean: 3, sd: 1 }, { released: false, reason: 'below_k', fewerThan: 5 }])).toEqual({ released: false, reason: 'below_k', fewerThan: 5 });
    expect(mergeReleased('g', [{ id: 'a', released: false, reason: 'complementary' }])).toEqual({ id: 'a', released: false, reason: 'complementary' });
  });
});

describe('mergeReleased on real tables', () => {
  test('Nordby skole + Solsikken barnehage equals their parent Oppvekst, figure for figure', () => {
    const { db, closedWaveId, close } = makeHistoryApp();
    const wave = getWave(db, closedWaveId);
    const results = wave && waveResults(db, wave);
    if (!results) throw new Error('no results');
    const [skole, solsikken, oppvekst] = ['nordby_skole', 'solsikken', 'oppvekst'].map((id) => results.tables.get(id));
    expect(skole?.released && solsikken?.released && oppvekst?.released).toBe(true);
    const merged = mergeReleased('g', [skole, solsikken] as ShownGroup[]) as ShownGroup;
    const parent = oppvekst as ShownGroup;
    expect(merged.n).toBe(parent.n);
    // Solsikken (7 answers) gives no exact n, so the merge cannot weight its means: it says only
    // "at most" that many, and never more than the parent shows.
    for (const f of parent.factors) {
      const m = merged.factors.find((x) => x.id === f.id)?.value;
      if (!m?.released) continue;
      expect(m).toEqual({ released: true, nUpTo: parent.n });
    }
    // Where every member has exact figures (Solbakken and Hjemmetjenesten make up Helse), the merge equals the parent.
    const [solbakken, hjemme, helse] = ['solbakken', 'hjemmetjenesten', 'helse'].map((id) => results.tables.get(id) as ShownGroup);
    const sum = mergeReleased('h', [solbakken, hjemme] as ShownGroup[]) as ShownGroup;
    let compared = 0;
    for (const f of (helse as ShownGroup).factors) {
      const m = sum.factors.find((x) => x.id === f.id)?.value;
      if (!f.value.released || !m?.released || m.mean === undefined) continue;
      compared += 1;
      expect(m.n).toBe(f.value.n);
      expect(m.mean).toBeCloseTo(f.value.mean as number, 9);
      // No SD: each member's filled-in scores used its own item means.
      expect(m.sd).toBeUndefined();
    }
    expect(compared).toBeGreaterThan(0);
    // Solsikken's distribution is withheld (7 answers, threshold 10), so the merged distribution is
    // withheld even though the parent's (33) is shown: merging never reveals a withheld figure.
    const mergedItem = merged.items.find((i) => i.id === 'hefa_beg_rolle');
    expect(parent.items.find((i) => i.id === 'hefa_beg_rolle')?.distribution.released).toBe(true);
    expect(mergedItem?.distribution.released).toBe(false);
    close();
  });
});
