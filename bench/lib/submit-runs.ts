// The measured runs of bench/submit.ts: respondents answering through the real server, final
// submits alone on prepared drafts (closed and open loop), and the bare limit.
import { addDays } from '../../src/clock.js';
import { missingRequired, mergePage, parsePage, visibleSections } from '../../src/survey/answers.js';
import type { Answers, Survey } from '../../src/survey/model.js';
import { openDb } from '../../src/store/db.js';
import { createDraft, saveDraftAnswers } from '../../src/store/drafts.js';
import { answerRows } from '../../src/store/responses.js';
import { encode, seededRandom, sectionBody, type Body } from './form.js';
import { Browser, keepAliveAgent } from './http.js';
import { cpuMeter, runFixed, runOpenLoop, summarise, type CpuShare, type Summary } from './load.js';
import { answerSurvey, newRespondent, type Step } from './respondent.js';
import { procStatus, type Prepared } from './server.js';

const host = '127.0.0.1';
let addressSeq = 0;
// Each simulated respondent comes from its own address, as the server (trusting one proxy) sees it.
const nextAddress = (): string => `10.${(++addressSeq >> 16) & 255}.${(addressSeq >> 8) & 255}.${addressSeq & 255}`;

export interface FlowResult {
  concurrency: number;
  respondentsPerSec: number;
  requestsPerSec: number;
  all: Summary;
  steps: Partial<Record<Step, Summary>>;
  cpu: CpuShare;
  peakRssMb: number;
  /** Respondents who got an unexpected answer, with what it was. */
  errors: string[];
}

// Respondents answer back to back for warmup + seconds; only requests answered inside the measured window count.
export async function flowLevel(port: number, pid: number, p: Prepared, concurrency: number, warmup: number, seconds: number): Promise<FlowResult> {
  const agent = keepAliveAgent(concurrency);
  const warmEnd = performance.now() + warmup * 1000;
  const end = warmEnd + seconds * 1000;
  const byStep = new Map<Step, number[]>();
  const all: number[] = [];
  let requests = 0;
  let completed = 0;
  const errors: string[] = [];
  let meter: (() => CpuShare) | undefined;
  let cpu: CpuShare | undefined;
  const inWindow = (): boolean => {
    const now = performance.now();
    if (now >= warmEnd && !meter) meter = cpuMeter(pid);
    if (now >= end && meter && !cpu) cpu = meter();
    return now >= warmEnd && now < end;
  };
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let n = 0; performance.now() < end; n++) {
        const link = p.demo.links[(w + n) % p.demo.links.length];
        if (!link) throw new Error('no demo links');
        const state = newRespondent(link.code, `benk ${w} ${n}`);
        // An unexpected answer (a 500, say) is counted and reported; the worker goes on with a new respondent.
        await answerSurvey(new Browser({ host, port }, agent, nextAddress()), p.survey, state, seededRandom(w * 100_003 + n), {
          onReply: (step, reply) => {
            requests += 1;
            if (!inWindow()) return;
            all.push(reply.ms);
            const list = byStep.get(step) ?? [];
            if (list.length === 0) byStep.set(step, list);
            list.push(reply.ms);
          },
        }).then(
          () => void (completed += 1),
          (err: unknown) => void errors.push((err as Error).message.slice(0, 160)),
        );
      }
    }),
  );
  agent.destroy();
  cpu ??= meter?.() ?? { server: NaN, client: NaN, other: NaN };
  const steps: Partial<Record<Step, Summary>> = {};
  for (const [step, ms] of byStep) steps[step] = summarise(ms);
  return {
    concurrency,
    // Respondents start together, so completions come in waves; requests per second divided by
    // requests per respondent (every started respondent finishes) is the steady-state rate.
    respondentsPerSec: all.length / seconds / (requests / completed),
    requestsPerSec: all.length / seconds,
    all: summarise(all),
    steps,
    cpu,
    peakRssMb: procStatus(pid).peakRssKb / 1024,
    errors,
  };
}

// Complete answers as a respondent's page posts would leave them in the draft: each section that is
// visible given the answers so far, in order (the server's "next" goes to the next visible one).
export function completeAnswers(survey: Survey, rand: () => number): Answers {
  let answers: Answers = {};
  for (const section of survey.sections) {
    if (!visibleSections(survey, answers).includes(section)) continue;
    answers = mergePage(survey, section, answers, parsePage(survey, section, sectionBody(survey, section, rand)).answers, new Set());
  }
  if (missingRequired(survey, answers).length > 0) throw new Error('generated answers miss required items');
  return answers;
}

export function prepareDrafts(databasePath: string, p: Prepared, n: number, seed: number): { draftId: string; code: string }[] {
  const db = openDb(databasePath);
  const rand = seededRandom(seed);
  const expires = addDays(new Date().toISOString().slice(0, 10), 14);
  const drafts = db.transaction(() =>
    Array.from({ length: n }, (_, i) => {
      const link = p.demo.links[i % p.demo.links.length];
      if (!link) throw new Error('no demo links');
      const draft = createDraft(db, { waveId: p.demo.waveId, unitId: link.unitId, tokenHash: null, expiresOn: expires });
      saveDraftAnswers(db, draft, completeAnswers(p.survey, rand), null, expires);
      return { draftId: draft.id, code: link.code };
    }),
  )();
  db.close();
  return drafts;
}

export interface SubmitResult {
  concurrency: number;
  perSec: number;
  latency: Summary;
  cpu: CpuShare;
}

export async function submitLevel(port: number, pid: number, drafts: { draftId: string; code: string }[], concurrency: number): Promise<SubmitResult> {
  const agent = keepAliveAgent(concurrency);
  const meter = cpuMeter(pid);
  const { latencies, seconds: s } = await runFixed(concurrency, drafts.length, async (i) => {
    const d = drafts[i] as { draftId: string; code: string };
    const browser = new Browser({ host, port }, agent, nextAddress());
    browser.setCookie('kartlegg_draft', d.draftId);
    const reply = await browser.request('POST', `/s/${d.code}/send`, '');
    if (reply.status !== 303 || !reply.location?.endsWith('/takk')) throw new Error(`submit answered ${reply.status} ${reply.location ?? ''}`);
    return reply.ms;
  });
  const cpu = meter();
  agent.destroy();
  return { concurrency, perSec: drafts.length / s, latency: summarise(latencies), cpu };
}

// Submits arriving at a fixed rate over at most 128 connections, as a burst of real respondents would.
export async function openLoopLevel(port: number, pid: number, drafts: { draftId: string; code: string }[], rate: number): Promise<SubmitResult> {
  const agent = keepAliveAgent(128);
  const meter = cpuMeter(pid);
  const { latencies, seconds: s } = await runOpenLoop(rate, drafts.length, async (i) => {
    const d = drafts[i] as { draftId: string; code: string };
    const browser = new Browser({ host, port }, agent, nextAddress());
    browser.setCookie('kartlegg_draft', d.draftId);
    const reply = await browser.request('POST', `/s/${d.code}/send`, '');
    if (reply.status !== 303) throw new Error(`submit answered ${reply.status}`);
  });
  const cpu = meter();
  agent.destroy();
  return { concurrency: rate, perSec: drafts.length / s, latency: summarise(latencies), cpu };
}

export async function bareLevel(port: number, pid: number, bodies: string[], n: number, concurrency: number): Promise<SubmitResult> {
  const agent = keepAliveAgent(concurrency);
  const meter = cpuMeter(pid);
  const { latencies, seconds: s } = await runFixed(concurrency, n, async (i) => {
    const reply = await new Browser({ host, port }, agent, nextAddress()).request('POST', '/submit', bodies[i % bodies.length]);
    if (reply.status !== 303) throw new Error(`bare submit answered ${reply.status}`);
    return reply.ms;
  });
  const cpu = meter();
  agent.destroy();
  return { concurrency, perSec: n / s, latency: summarise(latencies), cpu };
}

// The same rows a stored response has, as one form: "item" or "item.part" = value.
export function bareBody(survey: Survey, rand: () => number): string {
  const body: Body = {};
  for (const r of answerRows(survey, completeAnswers(survey, rand))) body[r.part ? `${r.itemId}.${r.part}` : r.itemId] = String(r.num ?? r.txt);
  return encode(body);
}
