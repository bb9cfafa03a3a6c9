// What disclosure control costs in shown figures: for the demo's closed waves, how many figures each
// role sees on the unit pages (every number in the released tables of the units it may open).
// Run on two commits to compare rules: `npx tsx bench/anonymity-cost.ts` (prints a Markdown table).
import path from 'node:path';
import { seedDemo } from '../src/demo.js';
import { waveResults } from '../src/report/wave-results.js';
import type { ReleasedGroup } from '../src/report/released.js';
import { openDb } from '../src/store/db.js';
import { syncSurveyVersions } from '../src/store/survey-versions.js';
import { getWave } from '../src/store/waves.js';
import { loadSurveyDir } from '../src/survey/load.js';

interface Count {
  groups: number;
  means: number;
  bounds: number;
  sds: number;
  shares: number;
  distributions: number;
  withheld: number;
}

type Fig = { released: boolean; mean?: number; meanBound?: string; sd?: number; shareFavourable?: number } | undefined;

function count(g: ReleasedGroup | undefined, c: Count): void {
  if (!g || !g.released) return;
  c.groups += 1;
  const stat = (f: Fig) => {
    if (!f) return;
    if (!f.released) {
      c.withheld += 1;
      return;
    }
    if (f.mean !== undefined) c.means += 1;
    if (f.meanBound !== undefined) c.bounds += 1;
    if (f.sd !== undefined) c.sds += 1;
    if (f.shareFavourable !== undefined) c.shares += 1;
  };
  const dist = (d: { released: boolean } | undefined) => {
    if (d?.released) c.distributions += 1;
    else if (d) c.withheld += 1;
  };
  for (const i of g.items) {
    stat(i.value as Fig);
    dist(i.distribution);
  }
  for (const nd of g.nowDesired) {
    stat(nd.now.value as Fig);
    stat(nd.desired.value as Fig);
    stat(nd.gap as Fig);
    dist(nd.now.distribution);
    dist(nd.desired.distribution);
  }
  for (const f of g.factors) stat(f.value as Fig);
  stat(g.rausTotal as Fig);
  if (g.position) {
    stat(g.position.current as Fig);
    stat(g.position.desired as Fig);
    dist(g.position.distribution);
  }
}

const db = openDb(':memory:');
const surveys = loadSurveyDir(path.resolve(import.meta.dirname, '../surveys'));
syncSurveyVersions(db, surveys.values());
const demo = seedDemo(db, surveys.get('kartlegging') as never, '2026-11-23', { history: true });
const roles: [string, string[] | undefined][] = [
  ['project leader (all units)', undefined],
  ['leader, Helse og omsorg', ['helse', 'solbakken', 'solbakken_avd1', 'solbakken_avd2', 'solbakken_natt', 'hjemmetjenesten']],
  ['leader, Oppvekst', ['oppvekst', 'solsikken', 'solsikken_bla', 'solsikken_gul', 'nordby_skole']],
  ['leader, Administrasjon', ['administrasjon']],
];
console.log('| wave | role | groups shown | means (of which bounds) | SDs | shares favourable | distributions | withheld figures in shown groups |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const id of [demo.baselineWaveId, demo.closedWaveId]) {
  const wave = getWave(db, id as number);
  const results = wave && waveResults(db, wave);
  if (!results) throw new Error(`no results for wave ${id}`);
  for (const [role, scope] of roles) {
    const c: Count = { groups: 0, means: 0, bounds: 0, sds: 0, shares: 0, distributions: 0, withheld: 0 };
    for (const [unitId, g] of results.tables) if (!scope || scope.includes(unitId)) count(g, c);
    console.log(`| ${wave.name} | ${role} | ${c.groups} | ${c.means} (${c.bounds}) | ${c.sds} | ${c.shares} | ${c.distributions} | ${c.withheld} |`);
  }
}
