// One simulated respondent answering a survey the way a browser does: welcome page, start, each
// visible section shown and posted (following the server's 303s), review, submit, thanks.
import { mergePage, parsePage } from '../../src/survey/answers.js';
import type { Answers, Survey } from '../../src/survey/model.js';
import type { Browser, Reply } from './http.js';
import { encode, markerItem, sectionBody } from './form.js';

export type Step = 'welcome' | 'start' | 'page' | 'save' | 'review' | 'submit' | 'thanks';

/** What the respondent knows the server has acknowledged, and what may be in flight. */
export interface RespondentState {
  code: string;
  marker: string;
  /** The draft id from the cookie, once start was acknowledged. */
  draftId?: string;
  /** The draft's answers after the last acknowledged page post. */
  saved: Answers;
  /** A request sent without an answer yet: its step and, for a page post, the answers it would store. */
  inFlight?: { step: Step; answers?: Answers };
  submitted: boolean;
  error?: string;
}

export interface FlowOptions {
  /** Called after every answered request (for latency figures); may throw to abort. */
  onReply?: (step: Step, reply: Reply) => void;
  /** GET each page before posting it, as a browser following the redirect does. */
  getPages?: boolean;
  /** Stop before the final submit (leaves a finished draft). */
  stopBeforeSubmit?: boolean;
}

/** newRespondent makes a respondent's state; the marker goes into the survey's first text item. */
export function newRespondent(code: string, marker: string): RespondentState {
  return { code, marker, saved: {}, submitted: false };
}

const sectionIdOf = (location: string | undefined): string | undefined => /\/del\/([^/?#]+)/.exec(location ?? '')?.[1];

function expect(reply: Reply, status: number, step: Step): void {
  if (reply.status !== status) throw new Error(`${step}: expected ${status}, got ${reply.status} ${reply.location ?? ''} ${reply.body.slice(0, 200)}`);
}

/** answerSurvey runs the flow to the end; with the browser still holding a draft cookie, start
 *  continues that draft where it was left, as after a restart. Network
 *  errors propagate with `state.inFlight` saying what may or may not have been stored. */
export async function answerSurvey(browser: Browser, survey: Survey, state: RespondentState, rand: () => number, opts: FlowOptions = {}): Promise<void> {
  const base = `/s/${state.code}`;
  const text = markerItem(survey) ? state.marker : undefined;
  const send = async (step: Step, method: 'GET' | 'POST', path: string, form?: string, answers?: Answers): Promise<Reply> => {
    state.inFlight = { step, answers };
    const reply = await browser.request(method, path, form);
    state.inFlight = undefined;
    opts.onReply?.(step, reply);
    return reply;
  };

  if (opts.getPages !== false) expect(await send('welcome', 'GET', base), 200, 'welcome');
  const started = await send('start', 'POST', `${base}/start`, '');
  expect(started, 303, 'start');
  state.draftId = browser.cookie('kartlegg_draft');
  let location = started.location;
  for (let guard = 0; guard < survey.sections.length + 2; guard++) {
    const sectionId = sectionIdOf(location);
    if (!sectionId) break;
    const section = survey.sections.find((s) => s.id === sectionId);
    if (!section) throw new Error(`redirected to an unknown section ${sectionId}`);
    if (opts.getPages !== false) expect(await send('page', 'GET', `${base}/del/${sectionId}`), 200, 'page');
    const body = sectionBody(survey, section, rand, text);
    // What the server will store if it accepts the post: its own parsing, run here.
    const page = parsePage(survey, section, body);
    const next = mergePage(survey, section, state.saved, page.answers, new Set());
    const reply = await send('save', 'POST', `${base}/del/${sectionId}`, encode(body), next);
    expect(reply, 303, 'save');
    state.saved = next;
    location = reply.location;
  }
  if (!location?.endsWith('/oppsummering')) throw new Error(`expected the review page after the last section, got ${location ?? 'nothing'}`);
  if (opts.getPages !== false) expect(await send('review', 'GET', `${base}/oppsummering`), 200, 'review');
  if (opts.stopBeforeSubmit) return;
  const submitted = await send('submit', 'POST', `${base}/send`, '');
  expect(submitted, 303, 'submit');
  if (submitted.location !== `${base}/takk`) throw new Error(`submit went to ${submitted.location ?? 'nothing'}`);
  state.submitted = true;
  if (opts.getPages !== false) expect(await send('thanks', 'GET', `${base}/takk`), 200, 'thanks');
}
