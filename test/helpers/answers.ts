// Builds posted form bodies that answer a section the way a respondent would.
import type request from 'supertest';
import type { Survey } from '../../src/survey/model.js';
import type { Item, Section } from '../../src/survey/schema.js';

export type Body = Record<string, string | string[]>;

/** defaultAnswer gives a valid form value for an item (overridable per item id). */
export function defaultAnswer(item: Item): Body {
  switch (item.type) {
    case 'likert':
      return { [item.id]: '4' };
    case 'nowDesired':
      return { [`${item.id}.now`]: '3', [`${item.id}.desired`]: '5' };
    case 'scale':
      return { [item.id]: '8' };
    case 'single':
      return { [item.id]: item.options[0]?.id ?? '' };
    case 'multi':
      return { [item.id]: [item.options[0]?.id ?? ''] };
    case 'number':
      return { [item.id]: String(item.max) };
    case 'text':
      return { [item.id]: 'Godt arbeidsmiljø.' };
  }
}

/** sectionBody answers every item of a section, with overrides by field name. */
export function sectionBody(section: Section, overrides: Body = {}, nav = 'next'): Body {
  const body: Body = { _nav: nav };
  for (const item of section.items) Object.assign(body, defaultAnswer(item));
  return { ...body, ...overrides };
}

/** encode serialises a body as a browser does: repeated keys for several values. */
export function encode(body: Body): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
  return params.toString();
}

/** answerAndSubmit starts a draft on a link, answers every visible section with defaults (an
 *  earlier answer may hide one) and submits; returns the submit's response (303 to the thanks page). */
export async function answerAndSubmit(agent: ReturnType<typeof request.agent>, survey: Survey, code: string, overrides: Body = {}): Promise<request.Response> {
  const start = await agent.post(`/s/${code}/start`);
  if (start.status !== 303) throw new Error(`start on ${code}: ${start.status}`);
  for (const section of survey.sections) {
    const page = await agent.get(`/s/${code}/del/${section.id}`);
    if (page.status === 404) continue;
    const body = sectionBody(section, overrides);
    for (const key of Object.keys(body)) if (key !== '_nav' && !section.items.some((i) => key === i.id || key.startsWith(`${i.id}.`))) delete body[key];
    const res = await agent.post(`/s/${code}/del/${section.id}`).type('form').send(encode(body));
    if (res.status !== 303) throw new Error(`posting ${section.id}: ${res.status} ${res.text.slice(0, 300)}`);
  }
  return agent.post(`/s/${code}/send`).type('form').send('');
}
