// Background questions: a single choice marked as the survey's background variable. The loader
// allows one, never required; the welcome page names it and says why; the whole organisation's
// results break down by its answers only where the breakdown rules of disclosure control allow.
import request from 'supertest';
import { afterEach, describe, expect, test } from 'vitest';
import { closeWave } from '../../src/report/close.js';
import { breakdownOf } from '../../src/report/breakdown.js';
import { createLink } from '../../src/store/links.js';
import { storeSurveyVersion } from '../../src/store/survey-versions.js';
import { createWave } from '../../src/store/waves.js';
import { parseDefinition } from '../../src/survey/file-form.js';
import type { Survey } from '../../src/survey/model.js';
import { encode, sectionBody } from '../helpers/answers.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { signIn } from '../helpers/staff.js';

const definition = (items: object[]) =>
  JSON.stringify({
    id: 'bakgrunn',
    version: 1,
    title: 'Med bakgrunn',
    scales: { enig5: { points: [1, 2, 3, 4, 5].map((v) => ({ value: v, label: `p${v}` })) } },
    factors: [{ id: 'trivsel', label: 'Trivsel' }],
    sections: [{ id: 'del', title: 'Del', items: [
      { id: 'trives', type: 'likert', scale: 'enig5', factor: 'trivsel', text: 'Jeg trives' },
      ...items,
    ] }],
  });
const turnus = { id: 'turnus', type: 'single', background: true, text: 'Jobber du turnus?', options: [{ id: 'ja', label: 'Ja' }, { id: 'nei', label: 'Nei' }] };

function survey(items: object[] = [turnus]): Survey {
  const r = parseDefinition(definition(items), 'bakgrunn.json');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.survey;
}

describe('the definition', () => {
  test.each([
    ['a second background question', [turnus, { ...turnus, id: 'alder' }], 'sections[0].items[2].background', 'only one background question per survey'],
    ['a required one', [{ ...turnus, required: true }], 'sections[0].items[1].required', 'cannot be required'],
  ])('refuses %s', (_name, items, path, message) => {
    expect(parseDefinition(definition(items), 'b.json')).toMatchObject({ ok: false, problems: [{ path, message: expect.stringContaining(message) }] });
  });

  test('the breakdown is by the background question, with its options as categories', () => {
    const b = breakdownOf(survey());
    expect(b?.id).toBe('background:turnus');
    expect(b?.categories).toEqual([{ id: 'ja', label: 'Ja' }, { id: 'nei', label: 'Nei' }]);
    expect(breakdownOf(survey([{ ...turnus, background: undefined }]))).toBeUndefined();
  });
});

describe('welcome page and results', () => {
  let t: TestApp;
  afterEach(() => t.close());

  /** A closed wave of the survey in one unit, answered by people with these turnus answers. */
  async function closedWave(answers: string[]): Promise<number> {
    t = makeTestApp();
    const s = survey();
    storeSurveyVersion(t.db, s);
    const waveId = createWave(t.db, { name: 'Med bakgrunn', surveyId: 'bakgrunn', surveyVersion: 1, unitIds: ['nordby_skole'], linkMode: 'open', status: 'open' });
    const code = createLink(t.db, waveId, 'nordby_skole');
    const welcome = await request(t.app).get(`/s/${code}`);
    expect(welcome.text).toContain('Bakgrunnsspørsmål');
    expect(welcome.text).toContain('Jobber du turnus?');
    expect(welcome.text).toContain('bare til å dele opp resultatene for hele virksomheten');
    for (const [i, a] of answers.entries()) {
      const agent = request.agent(t.app);
      await agent.post(`/s/${code}/start`).type('form').send('');
      const body = sectionBody(s.sections[0]!, { trives: String(1 + (i % 5)), ...(a === '' ? { turnus: '' } : { turnus: a }) });
      expect((await agent.post(`/s/${code}/del/del`).type('form').send(encode(body))).status).toBe(303);
      expect((await agent.post(`/s/${code}/send`).type('form').send('')).status).toBe(303);
    }
    closeWave(t.db, waveId);
    return waveId;
  }

  test('the organisation\'s results break down by the answers when every group has k', async () => {
    const waveId = await closedWave([...Array(6).fill('ja'), ...Array(6).fill('nei')]);
    const admin = await signIn(t, 'admin');
    const page = await admin.agent.get(`/resultater/${waveId}/enhet/demo`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Fordelt på svarene på:');
    expect(page.text).toMatch(/Ja<\/span> \(n=6\)/);
    expect(page.text).toMatch(/Nei<\/span> \(n=6\)/);
  });

  test('a group below k refuses the breakdown, and says so', async () => {
    const waveId = await closedWave([...Array(3).fill('ja'), ...Array(8).fill('nei')]);
    const admin = await signIn(t, 'admin');
    const page = await admin.agent.get(`/resultater/${waveId}/enhet/demo`);
    expect(page.text).toContain('Oppdelingen på bakgrunnsspørsmålet vises ikke');
    expect(page.text).not.toMatch(/Nei<\/span> \(n=8\)/);
  });
});
