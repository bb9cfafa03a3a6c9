import { describe, expect, test } from 'vitest';
import {
  addPositionRespondent,
  addPositionTally,
  desiredPercent,
  drammen,
  emptyPositionTally,
  INVOLUNTARY_DEFINITIONS,
  positionAnswersFrom,
  selfReported,
  surnadal,
} from '../../src/report/position.js';
import type { Answers } from '../../src/survey/model.js';

// A part-timer who meets every definition; rows below change one answer at a time.
const all: Answers = {
  stilling_naa: 60,
  ansettelse: 'fast',
  onsket_endring: 'storre',
  onsket_stilling: 100,
  onske_fast: 'ja',
  skriftlig: 'ja',
  kvalifisert: 'ja',
  oppstart: 'innen_4_uker',
  takker_ja: 'ja',
  villig_til: ['annen_arbeidsplass', 'flere_helger'],
};
const without = (...ids: string[]): Answers => Object.fromEntries(Object.entries(all).filter(([id]) => !ids.includes(id)));

describe('involuntary part-time definitions', () => {
  test.each<{ name: string; answers: Answers; self: boolean; drammen: boolean; surnadal: boolean }>([
    { name: 'meets all three', answers: all, self: true, drammen: true, surnadal: true },
    { name: 'full-time wanting more is not part-time', answers: { ...all, stilling_naa: 100 }, self: false, drammen: false, surnadal: false },
    { name: '99 % is part-time', answers: { ...all, stilling_naa: 99 }, self: true, drammen: true, surnadal: true },
    { name: '0 % is part-time', answers: { ...all, stilling_naa: 0 }, self: true, drammen: true, surnadal: true },
    { name: 'no current % stated', answers: without('stilling_naa'), self: false, drammen: false, surnadal: false },
    { name: 'wants the same', answers: { ...all, onsket_endring: 'samme' }, self: false, drammen: false, surnadal: false },
    { name: 'wants less', answers: { ...all, onsket_endring: 'mindre' }, self: false, drammen: false, surnadal: false },
    { name: 'temporary employee', answers: { ...all, ansettelse: 'midlertidig' }, self: true, drammen: true, surnadal: false },
    { name: 'not qualified', answers: { ...all, kvalifisert: 'nei' }, self: true, drammen: false, surnadal: true },
    { name: 'unsure if qualified', answers: { ...all, kvalifisert: 'usikker' }, self: true, drammen: false, surnadal: true },
    { name: 'starts within 3 months', answers: { ...all, oppstart: 'innen_3_mnd' }, self: true, drammen: true, surnadal: false },
    { name: 'starts later', answers: { ...all, oppstart: 'senere' }, self: true, drammen: false, surnadal: false },
    // The kindergarten exception (Surnadal) excuses the start time only for someone whose one
    // obstacle is the kindergarten place (barnehage_eneste_hinder, survey version 2).
    { name: 'within 3 months, a kindergarten place the only obstacle', answers: { ...all, oppstart: 'innen_3_mnd', barnehage_eneste_hinder: 'ja' }, self: true, drammen: true, surnadal: true },
    { name: 'later, a kindergarten place the only obstacle', answers: { ...all, oppstart: 'senere', barnehage_eneste_hinder: 'ja' }, self: true, drammen: false, surnadal: true },
    { name: 'later, other obstacles too', answers: { ...all, oppstart: 'senere', barnehage_eneste_hinder: 'nei' }, self: true, drammen: false, surnadal: false },
    { name: 'within 3 months, other obstacles too', answers: { ...all, oppstart: 'innen_3_mnd', barnehage_eneste_hinder: 'nei' }, self: true, drammen: true, surnadal: false },
    // Version 1 asked only whether one was waiting for a place: that does not excuse the start time.
    { name: 'later, waiting for a place (version 1 question)', answers: { ...all, oppstart: 'senere', venter_barnehageplass: 'ja' }, self: true, drammen: false, surnadal: false },
    { name: 'would not accept', answers: { ...all, takker_ja: 'nei' }, self: true, drammen: false, surnadal: true },
    { name: 'does not want it permanent', answers: { ...all, onske_fast: 'nei' }, self: true, drammen: true, surnadal: false },
    { name: 'not in writing', answers: { ...all, skriftlig: 'nei' }, self: true, drammen: true, surnadal: false },
    { name: 'willing to work across units only', answers: { ...all, villig_til: ['flere_enheter'] }, self: true, drammen: true, surnadal: true },
    { name: 'willing only to more weekends', answers: { ...all, villig_til: ['flere_helger', 'ekstravakter'] }, self: true, drammen: true, surnadal: false },
    { name: 'willing to nothing ticked', answers: without('villig_til'), self: true, drammen: true, surnadal: false },
    { name: 'follow-ups unanswered', answers: without('kvalifisert', 'oppstart', 'takker_ja', 'onske_fast', 'skriftlig'), self: true, drammen: false, surnadal: false },
  ])('$name', ({ answers, self, drammen: strict, surnadal: stricter }) => {
    const p = positionAnswersFrom(answers);
    expect(selfReported(p)).toBe(self);
    expect(drammen(p)).toBe(strict);
    expect(surnadal(p)).toBe(stricter);
  });

  test('each definition is named and described in Norwegian, and stricter ones imply self-reported', () => {
    expect(INVOLUNTARY_DEFINITIONS.map((d) => d.id)).toEqual(['selfReported', 'drammen', 'surnadal']);
    for (const d of INVOLUNTARY_DEFINITIONS) {
      expect(d.name).toMatch(/deltid/);
      expect(d.description.length).toBeGreaterThan(20);
    }
  });
});

describe('desired position %', () => {
  test.each<{ answers: Answers; desired: number | undefined }>([
    { answers: { stilling_naa: 60, onsket_endring: 'storre', onsket_stilling: 80 }, desired: 80 },
    { answers: { stilling_naa: 60, onsket_endring: 'samme' }, desired: 60 },
    { answers: { stilling_naa: 60, onsket_endring: 'mindre', onsket_stilling: 40 }, desired: 40 },
    { answers: { stilling_naa: 60, onsket_endring: 'storre' }, desired: undefined },
    { answers: { stilling_naa: 60 }, desired: undefined },
  ])('$answers', ({ answers, desired }) => {
    expect(desiredPercent(positionAnswersFrom(answers))).toBe(desired);
  });
});

describe('position tally', () => {
  const people: Answers[] = [
    all, // 60 -> 100, all three definitions
    { stilling_naa: 100, ansettelse: 'fast', onsket_endring: 'samme' }, // full-time, 100 -> 100
    { stilling_naa: 50, ansettelse: 'fast', onsket_endring: 'samme', arsak_deltid: ['helse'] }, // 50 -> 50
    { stilling_naa: 80, ansettelse: 'midlertidig', onsket_endring: 'mindre', onsket_stilling: 60 }, // 80 -> 60
    { stilling_naa: 75, ansettelse: 'fast', onsket_endring: 'storre', onsket_stilling: 90, kvalifisert: 'ja', oppstart: 'senere', takker_ja: 'ja' }, // self only, 75 -> 90
    { ansettelse: 'fast', onsket_endring: 'storre' }, // no current %: not counted at all
  ];

  test('counts, means and definitions over a group', () => {
    const t = emptyPositionTally();
    for (const a of people) addPositionRespondent(t, positionAnswersFrom(a));
    expect(t.n).toBe(5);
    expect(t.current).toEqual({ n: 5, sum: 60 + 100 + 50 + 80 + 75, sumSq: 60 ** 2 + 100 ** 2 + 50 ** 2 + 80 ** 2 + 75 ** 2, den: 1 });
    expect(t.desired).toEqual({ n: 5, sum: 100 + 100 + 50 + 60 + 90, sumSq: 100 ** 2 + 100 ** 2 + 50 ** 2 + 60 ** 2 + 90 ** 2, den: 1 });
    expect([t.fullTime, t.more, t.same, t.less]).toEqual([1, 2, 2, 1]);
    expect(t.involuntary).toEqual({ selfReported: 2, drammen: 1, surnadal: 1 });
  });

  test('tallies are additive', () => {
    const whole = emptyPositionTally();
    const a = emptyPositionTally();
    const b = emptyPositionTally();
    people.forEach((p, i) => {
      addPositionRespondent(whole, positionAnswersFrom(p));
      addPositionRespondent(i % 2 === 0 ? a : b, positionAnswersFrom(p));
    });
    addPositionTally(a, b);
    expect(a).toEqual(whole);
  });
});
