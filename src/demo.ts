// The demo organisation: a small municipality with units of varied sizes and an open wave, so the
// respondent flow can be tried right after start-up.
import { addDays } from './clock.js';
import type { Db } from './store/db.js';
import { createLink } from './store/links.js';
import { addUnit } from './store/units.js';
import { createWave } from './store/waves.js';

const UNITS: { id: string; name: string; parentId?: string; headcount?: number }[] = [
  { id: 'demo', name: 'Demo kommune' },
  { id: 'helse', name: 'Helse og omsorg', parentId: 'demo' },
  { id: 'solbakken', name: 'Solbakken sykehjem', parentId: 'helse' },
  { id: 'solbakken_avd1', name: 'Solbakken, avdeling 1', parentId: 'solbakken', headcount: 18 },
  { id: 'solbakken_avd2', name: 'Solbakken, avdeling 2', parentId: 'solbakken', headcount: 14 },
  { id: 'solbakken_natt', name: 'Solbakken, nattevakter', parentId: 'solbakken', headcount: 4 },
  { id: 'hjemmetjenesten', name: 'Hjemmetjenesten', parentId: 'helse', headcount: 25 },
  { id: 'oppvekst', name: 'Oppvekst', parentId: 'demo' },
  { id: 'solsikken', name: 'Solsikken barnehage', parentId: 'oppvekst' },
  { id: 'solsikken_bla', name: 'Solsikken, blå avdeling', parentId: 'solsikken', headcount: 6 },
  { id: 'solsikken_gul', name: 'Solsikken, gul avdeling', parentId: 'solsikken', headcount: 3 },
  { id: 'nordby_skole', name: 'Nordby skole', parentId: 'oppvekst', headcount: 32 },
  { id: 'administrasjon', name: 'Administrasjon', parentId: 'demo', headcount: 12 },
];

export interface DemoResult {
  waveId: number;
  links: { unitId: string; unitName: string; code: string }[];
}

/** seedDemo creates the demo units and an open wave of the given survey version with one open link per leaf unit. */
export function seedDemo(db: Db, survey: { id: string; version: number }, today: string): DemoResult {
  return db.transaction(() => {
    for (const u of UNITS) addUnit(db, u);
    const leaves = UNITS.filter((u) => u.headcount !== undefined);
    const waveId = createWave(db, {
      name: 'Arbeidsmiljøkartlegging (demo)',
      surveyId: survey.id,
      surveyVersion: survey.version,
      unitIds: leaves.map((u) => u.id),
      linkMode: 'open',
      status: 'open',
      opensOn: today,
      closesOn: addDays(today, 30),
    });
    const links = leaves.map((u) => ({ unitId: u.id, unitName: u.name, code: createLink(db, waveId, u.id) }));
    return { waveId, links };
  })();
}
