// The attacker's hands: an empty product driven only through its HTTP routes (staff as the project
// leader, respondents through their real links), and parsers that read back exactly what staff
// see (results CSV, unit page, comparison CSV) as shown figures with their displayed precision.
import request from 'supertest';
import { expect } from 'vitest';
import { createApp } from '../../src/app.js';
import { testConfig } from '../../src/config.js';
import { seededRandom } from '../../src/demo-answers.js';
import { parseCsv as parseCsvRecords } from '../../src/org/import.js';
import { openDb } from '../../src/store/db.js';
import { syncSurveyVersions } from '../../src/store/survey-versions.js';
import type { Survey } from '../../src/survey/model.js';
import { bundledSurveys, type TestApp } from '../helpers/app.js';
import { signIn, type SignedIn } from '../helpers/staff.js';
import type { Shown } from './attacker.js';

type Agent = ReturnType<typeof request.agent>;

/** emptyApp builds the real app on an in-memory database with the bundled surveys and no units. */
export function emptyApp(): TestApp {
  const db = openDb(':memory:');
  syncSurveyVersions(db, bundledSurveys().values());
  const survey = bundledSurveys().get('kartlegging');
  if (!survey) throw new Error('bundled survey "kartlegging" is missing');
  const config = testConfig();
  return { app: createApp({ db, config }), db, config, demo: { waveId: 0, links: [] }, survey, code: () => '', close: () => db.close() };
}

/** The project leader (role admin), acting only through staff routes. */
export class ProjectLeader {
  private constructor(readonly staff: SignedIn) {}

  /** signIn logs a new project leader account in. */
  static async signIn(t: TestApp): Promise<ProjectLeader> {
    return new ProjectLeader(await signIn(t, 'admin', [], 'prosjektleder'));
  }

  get agent(): Agent {
    return this.staff.agent;
  }

  /** post sends a form with the session's CSRF token and expects the given status. */
  async post(url: string, body: Record<string, string | string[]>, status = 303): Promise<request.Response> {
    const params = new URLSearchParams({ _csrf: this.staff.csrf });
    for (const [k, v] of Object.entries(body)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
    const res = await this.agent.post(url).type('form').send(params.toString());
    expect(res.status, `${url}: ${res.text.slice(0, 300)}`).toBe(status);
    return res;
  }

  /** addUnits creates units parent first: [id, parentId | ''] pairs. */
  async addUnits(units: [string, string][]): Promise<void> {
    for (const [id, parentId] of units) await this.post('/admin/enheter', { id, name: `Enhet ${id}`, parentId, headcount: '' });
  }

  /** moveUnit gives a unit a new parent through the ordinary unit edit form. */
  async moveUnit(id: string, parentId: string): Promise<void> {
    await this.post(`/admin/enheter/${id}`, { name: `Enhet ${id}`, parentId, headcount: '' });
  }

  /** openWave creates a wave of the combined survey with open links, opens it and returns its id and link codes. */
  async openWave(name: string, unitIds: string[], k: { kResults: number; kDistribution?: number; kText?: number; freeText?: boolean }): Promise<{ id: number; codes: Map<string, string> }> {
    const settings = { kResults: String(k.kResults), kDistribution: String(k.kDistribution ?? 10), kText: String(k.kText ?? 10), ...(k.freeText ? { freeText: 'on' } : {}) };
    const res = await this.post('/admin/malinger', { name, survey: `kartlegging@${bundledSurveys().get('kartlegging')?.version ?? 1}`, unitIds, linkMode: 'open', opensOn: '', closesOn: '', ...settings });
    const id = Number(/\/admin\/malinger\/(\d+)$/.exec(String(res.headers.location))?.[1]);
    await this.setStatus(id, 'open');
    const csv = parseCsv((await this.agent.get(`/admin/malinger/${id}/lenker.csv`)).text);
    const codes = new Map(csv.map((r) => [r.enhet_id ?? '', /\/s\/([a-z0-9]+)$/.exec(r.lenke ?? '')?.[1] ?? '']));
    return { id, codes };
  }

  /** setStatus opens, closes or reopens a wave (confirming the reopen of a released wave, as a person would after reading what it costs). */
  async setStatus(waveId: number, status: 'open' | 'closed'): Promise<void> {
    await this.post(`/admin/malinger/${waveId}/status`, { status, confirm: 'yes' });
  }

  /** setThresholds changes a wave's thresholds through its settings form. */
  async setThresholds(waveId: number, name: string, k: { kResults: number; kDistribution: number; kText: number; freeText?: boolean }): Promise<void> {
    await this.post(`/admin/malinger/${waveId}/innstillinger`, {
      name,
      opensOn: '',
      closesOn: '',
      linkMode: 'open',
      kResults: String(k.kResults),
      kDistribution: String(k.kDistribution),
      kText: String(k.kText),
      ...(k.freeText ? { freeText: 'on' } : {}),
    });
  }

  /** joinNewProject puts a wave in a new project and returns the project's id (read from the overview). */
  async joinNewProject(waveId: number, name: string): Promise<number> {
    await this.post(`/admin/malinger/${waveId}/prosjekt`, { project: 'new', newProject: name });
    const page = await this.agent.get('/oversikt');
    const id = new RegExp(`href="/sammenligning/(\\d+)">${name}<`).exec(page.text)?.[1];
    if (!id) throw new Error(`project "${name}" is not on the overview`);
    return Number(id);
  }

  /** joinProject puts a wave in an existing project. */
  async joinProject(waveId: number, projectId: number): Promise<void> {
    await this.post(`/admin/malinger/${waveId}/prosjekt`, { project: String(projectId) });
  }
}

/** Form fields a respondent fills in, by field name (item id, or "<id>.now"/"<id>.desired"). */
export type Profile = Record<string, string | string[]>;

/** respond answers through a real link as a browser does: start, each page the app leads to
 *  (posting only that page's fields), the review page, then send. */
export async function respond(t: TestApp, code: string, profile: Profile): Promise<void> {
  const agent = request.agent(t.app);
  const start = await agent.post(`/s/${code}/start`);
  expect(start.status).toBe(303);
  let location = String(start.headers.location);
  for (let guard = 0; location.includes('/del/'); guard++) {
    if (guard > 50) throw new Error('the respondent never reached the review page');
    const section = t.survey.sections.find((s) => location.endsWith(`/del/${s.id}`));
    if (!section) throw new Error(`unknown page ${location}`);
    expect((await agent.get(location)).status).toBe(200);
    const params = new URLSearchParams({ _nav: 'next' });
    for (const item of section.items) {
      for (const field of item.type === 'nowDesired' ? [`${item.id}.now`, `${item.id}.desired`] : [item.id]) {
        const v = profile[field];
        for (const x of v === undefined ? [] : Array.isArray(v) ? v : [v]) params.append(field, x);
      }
    }
    const res = await agent.post(location).type('form').send(params.toString());
    expect(res.status, `${location}: ${res.text.slice(0, 300)}`).toBe(303);
    location = String(res.headers.location);
  }
  expect(location).toBe(`/s/${code}/oppsummering`);
  const sent = await agent.post(`/s/${code}/send`);
  expect(sent.status, sent.text.slice(0, 300)).toBe(303);
  expect(sent.headers.location).toBe(`/s/${code}/takk`);
}

/** seeded gives deterministic answers, so every run builds the same attack. */
export const seeded = seededRandom;

/** profile answers every statement, now/desired pair and the 0-10 scale from `rand` (uniformly, so
 *  answers differ between people), works full time (or `position` %) and wants the same. */
export function profile(survey: Survey, rand: () => number, opts: { position?: number; comment?: string } = {}): Profile {
  const p: Profile = {};
  const point = (): string => String(1 + Math.floor(rand() * 5));
  for (const item of survey.items) {
    if (item.type === 'likert') p[item.id] = point();
    else if (item.type === 'nowDesired') Object.assign(p, { [`${item.id}.now`]: point(), [`${item.id}.desired`]: point() });
    else if (item.type === 'scale') p[item.id] = String(item.min + Math.floor(rand() * (item.max - item.min + 1)));
  }
  Object.assign(p, { stilling_naa: String(opts.position ?? 100), ansettelse: 'fast', onsket_endring: 'samme' });
  if (opts.comment) p.kommentar = opts.comment;
  return p;
}

/** parseCsv reads the product's CSV (BOM, ';' or ',', quoted cells, CRLF) into rows by header. */
export function parseCsv(text: string): Record<string, string>[] {
  const [header, ...data] = parseCsvRecords(text).records.map((r) => r.fields);
  return data.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}

/** shown reads a displayed number ("3,4", "12", "-0,5") with the precision it was shown at, or undefined when blank. */
export function shown(text: string | undefined): Shown | undefined {
  const t = (text ?? '').trim().replace(/^'/, '').replace('−', '-');
  const m = /^(-?\d+)(?:[.,](\d+))?$/.exec(t);
  if (!m) return undefined;
  return { value: Number(`${m[1]}.${m[2] ?? '0'}`), decimals: m[2]?.length ?? 0 };
}

/** One row of a unit's results CSV, as the attacker reads it. */
export interface FigureRow {
  section: string;
  id: string;
  n?: number;
  mean?: Shown;
  sd?: Shown;
  count?: number;
  share?: Shown;
  note: string;
}

/** unitFigures downloads a unit's results CSV and returns its rows keyed "section|id". */
export async function unitFigures(agent: Agent, waveId: number, unitId: string): Promise<Map<string, FigureRow>> {
  const res = await agent.get(`/resultater/${waveId}/enhet/${unitId}/csv`);
  expect(res.status).toBe(200);
  const out = new Map<string, FigureRow>();
  for (const r of parseCsv(res.text)) {
    const n = shown(r.n);
    const count = shown(r.antall);
    const row: FigureRow = { section: r.del ?? '', id: r.id ?? '', note: r.merknad ?? '' };
    if (n) row.n = n.value;
    if (count) row.count = count.value;
    const [mean, sd, share] = [shown(r.snitt), shown(r.standardavvik), shown(r.andel_prosent)];
    if (mean) row.mean = mean;
    if (sd) row.sd = sd;
    if (share) row.share = share;
    out.set(`${row.section}|${row.id}`, row);
  }
  return out;
}

const unescape = (s: string): string =>
  s.replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d))).replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** What a unit page shows beyond the CSV: statement distributions, free text and the breakdown's n. */
export interface PageFigures {
  /** Counts per scale point then "vet ikke", by item id, for statements whose distribution is shown. */
  distributions: Map<string, number[]>;
  /** "Vet ikke" per statement where the items table shows it. */
  dontKnow: Map<string, number>;
  comments: string[];
  /** n per breakdown category label. */
  breakdown: Map<string, number>;
}

/** unitPage reads a unit's results page. */
export async function unitPage(agent: Agent, survey: Survey, waveId: number, unitId: string): Promise<PageFigures> {
  const res = await agent.get(`/resultater/${waveId}/enhet/${unitId}`);
  expect(res.status).toBe(200);
  const html = res.text;
  const idByText = new Map(survey.items.map((i) => [i.text, i.id]));
  const distributions = new Map<string, number[]>();
  for (const table of html.matchAll(/<details>[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/g)) {
    for (const row of (table[1] ?? '').matchAll(/<tr><th scope="row" lang="nb">([^<]*)<\/th>((?:<td class="num">\d+<\/td>)+)<\/tr>/g)) {
      const id = idByText.get(unescape(row[1] ?? ''));
      if (id) distributions.set(id, [...(row[2] ?? '').matchAll(/>(\d+)</g)].map((m) => Number(m[1])));
    }
  }
  const wellbeing = /<section aria-labelledby="wellbeing-title">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
  for (const chunk of wellbeing.split('<p><span lang="nb">').slice(1)) {
    const id = idByText.get(unescape(chunk.slice(0, chunk.indexOf('<'))));
    const row = /<tbody><tr>((?:<td class="num">\d+<\/td>)+)<\/tr><\/tbody>/.exec(chunk)?.[1];
    if (id && row) distributions.set(id, [...row.matchAll(/>(\d+)</g)].map((m) => Number(m[1])));
  }
  const dontKnow = new Map<string, number>();
  for (const table of html.matchAll(/<table class="data items">([\s\S]*?)<\/table>/g)) {
    for (const row of (table[1] ?? '').matchAll(/<tr><th scope="row" lang="nb">([^<]*)<\/th>((?:<td class="num">[\s\S]*?<\/td>){5})<\/tr>/g)) {
      const id = idByText.get(unescape(row[1] ?? ''));
      const cells = [...(row[2] ?? '').matchAll(/<td class="num">([\s\S]*?)<\/td>/g)].map((m) => m[1] ?? '');
      const dk = shown(cells[4]);
      if (id && dk) dontKnow.set(id, dk.value);
    }
  }
  const comments = [...html.matchAll(/<ul class="comments">([\s\S]*?)<\/ul>/g)].flatMap((m) => [...(m[1] ?? '').matchAll(/<li lang="nb">([\s\S]*?)<\/li>/g)].map((li) => unescape(li[1] ?? '')));
  const breakdown = new Map<string, number>();
  const section = /<section aria-labelledby="breakdown-title">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
  for (const m of section.matchAll(/<th scope="col" class="num"><span lang="nb">([^<]*)<\/span> \(n=(\d+)\)/g)) breakdown.set(unescape(m[1] ?? ''), Number(m[2]));
  return { distributions, dontKnow, comments, breakdown };
}

/** comparisonFigures downloads a unit's before/after CSV: per row key "section|id", the cell shown for each wave (by wave name). */
export async function comparisonFigures(agent: Agent, projectId: number, unitId: string): Promise<Map<string, Record<string, string>>> {
  const res = await agent.get(`/sammenligning/${projectId}/enhet/${unitId}/csv`);
  expect(res.status).toBe(200);
  return new Map(parseCsv(res.text).map((r) => [`${r.del}|${r.id}`, r]));
}
