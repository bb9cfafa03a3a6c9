// Submission throughput (npm run bench:submit -- [--levels 8,32,128] [--seconds 10] [--warmup 2]
// [--submits 3000] [--repeat 2] [--rates 100,300,500] [--max-other 25] [--attempts 5]
// [--server-env NAME=VALUE ...] [--no-doc]).
// 1. The real server (child process, loopback) under simulated respondents doing what a browser
//    does: welcome, start, every visible section shown and posted, review, submit, thanks.
// 2. Final submits alone, on drafts prepared in the database, so their throughput is measured apart
//    from the page posts.
// 3. The bare limit (bench/bare-server.ts) taking the same rows in one request, at the same
//    concurrency, alternating with 2 (best of --repeat runs each).
// 4. Final submits arriving at fixed rates (open loop), the latency a 09:00 burst would see.
// The load generator runs in this process; its CPU use is reported beside the server's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { answerRows } from '../src/store/responses.js';
import { seededRandom } from './lib/form.js';
import type { CpuShare } from './lib/load.js';
import { machine, writeSection } from './lib/report.js';
import { prepareDatabase, procStatus, startKartlegg, startProcess, stopProcess, type Running } from './lib/server.js';
import { bareBody, bareLevel, completeAnswers, flowLevel, openLoopLevel, prepareDrafts, submitLevel, type FlowResult, type SubmitResult } from './lib/submit-runs.js';

// Ctrl-C: exit normally, so the servers started are killed on the way out (see lib/server.ts).
process.once('SIGINT', () => process.exit(130));

const { values } = parseArgs({
  options: {
    levels: { type: 'string', default: '8,32,128' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    submits: { type: 'string', default: '3000' },
    rates: { type: 'string', default: '100,300,500' },
    repeat: { type: 'string', default: '2' },
    'max-other': { type: 'string', default: '25' },
    attempts: { type: 'string', default: '5' },
    'server-env': { type: 'string', multiple: true, default: [] },
    'no-doc': { type: 'boolean', default: false },
  },
});
// Extra environment for the server, e.g. NODE_ENV=development to see what the template cache saves.
const serverEnv = Object.fromEntries((values['server-env'] ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const levels = (values.levels ?? '').split(',').map(Number);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const submits = Number(values.submits);
const rates = (values.rates ?? '').split(',').filter(Boolean).map(Number);
const OPEN_LOOP_SECONDS = 5;
const repeat = Number(values.repeat);
const maxOther = Number(values['max-other']);
const attempts = Number(values.attempts);

// The issue's targets, checked against this run's figures.
function targets(flows: FlowResult[], ours: SubmitResult[], ratios: number[]): string[] {
  const verdict = (ok: boolean): string => (ok ? 'met' : '**not met**');
  const worst = Math.min(...ratios);
  const at128 = flows.find((f) => f.concurrency === 128);
  const alone128 = ours.find((o) => o.concurrency === 128);
  const lines = [`Targets: final-submit throughput at least 0.5 of the bare limit: ${verdict(worst >= 0.5)} (lowest ratio ${worst.toFixed(2)}).`];
  if (at128) {
    lines.push(
      `p99 under 200 ms at 128 connections, respondents answering as a browser does: ${verdict(at128.all.p99 < 200)} (all requests ${ms(at128.all.p99)} ms, page posts ${ms(at128.steps.save?.p99 ?? NaN)} ms, final submits ${ms(at128.steps.submit?.p99 ?? NaN)} ms).`,
    );
  }
  if (alone128) {
    lines.push(
      `The same for final submits alone on 128 connections that never pause: ${verdict(alone128.latency.p99 < 200)} (${ms(alone128.latency.p99)} ms; such a closed loop measures its own queue, see the note under that table).`,
    );
  }
  return [lines.join(' ')];
}

// On a shared machine other processes steal CPU mid-run: a run whose "other" CPU exceeds
// --max-other is measured again (up to --attempts times), keeping the quietest.
async function measured<T extends { cpu: CpuShare }>(label: string, run: () => Promise<T>): Promise<T> {
  let quietest: T | undefined;
  for (let attempt = 1; ; attempt++) {
    const r = await run();
    if (!quietest || r.cpu.other < quietest.cpu.other) quietest = r;
    if (r.cpu.other <= maxOther || attempt >= attempts) return quietest;
    console.log(`  (${label}: other processes used ${Math.round(r.cpu.other)} % CPU, over ${maxOther} %; measuring again, attempt ${attempt + 1} of ${attempts})`);
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(x < 10 ? 1 : 0) : '–');
const pct = (x: number): string => `${Math.round(x)} %`;
const cpuCell = (c: CpuShare): string => `${pct(c.server)} / ${pct(c.client)} / ${pct(c.other)}`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-bench-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const children: Running[] = [];
try {
  const databasePath = path.join(dir, 'kartlegg.db');
  const prepared = prepareDatabase(databasePath);
  const server = await startKartlegg(databasePath, serverEnv);
  children.push(server);
  console.log(`Kartlegg pid ${server.pid} on port ${server.port}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);

  const flows: FlowResult[] = [];
  for (const c of levels) {
    const r = await measured(`flow c=${c}`, () => flowLevel(server.port, server.pid, prepared, c, warmup, seconds));
    flows.push(r);
    console.log(
      `flow  c=${c}: ${r.respondentsPerSec.toFixed(1)} respondents/s, ${r.requestsPerSec.toFixed(0)} req/s, p50 ${ms(r.all.p50)} ms, p99 ${ms(r.all.p99)} ms; ` +
        `page post p99 ${ms(r.steps.save?.p99 ?? NaN)} ms, submit p99 ${ms(r.steps.submit?.p99 ?? NaN)} ms; CPU server ${pct(r.cpu.server)}, client ${pct(r.cpu.client)}, other ${pct(r.cpu.other)}; peak RSS ${r.peakRssMb.toFixed(0)} MB; ${r.errors.length} errors`,
    );
    if (r.errors.length > 0) console.log(`  first error: ${r.errors[0]}\n  server said:\n${server.output().split('\n').filter((l) => /error|at /i.test(l)).slice(0, 12).join('\n')}`);
  }

  // Ours and the bare limit alternate, best of --repeat each, so a burst of other load on a shared
  // machine does not land on one side of the ratio only.
  const bare = await startProcess('bench/bare-server.ts', { DATABASE_PATH: path.join(dir, 'bare.db') });
  children.push(bare);
  const rand = seededRandom(99);
  const bodies = Array.from({ length: 200 }, () => bareBody(prepared.survey, rand));
  const ours: SubmitResult[] = [];
  const bares: SubmitResult[] = [];
  const best = (list: SubmitResult[]): SubmitResult => list.reduce((a, b) => (b.perSec > a.perSec ? b : a));
  const line = (name: string, r: SubmitResult): string =>
    `${name} c=${r.concurrency}: ${r.perSec.toFixed(0)}/s, p50 ${ms(r.latency.p50)} ms, p99 ${ms(r.latency.p99)} ms; CPU server ${pct(r.cpu.server)}, client ${pct(r.cpu.client)}, other ${pct(r.cpu.other)}`;
  for (const c of levels) {
    const mine: SubmitResult[] = [];
    const theirs: SubmitResult[] = [];
    for (let k = 0; k < repeat; k++) {
      mine.push(await measured(`submit c=${c}`, () => submitLevel(server.port, server.pid, prepareDrafts(databasePath, prepared, submits, c * 10 + k), c)));
      console.log(line('submit', mine[k] as SubmitResult));
      theirs.push(await measured(`bare c=${c}`, () => bareLevel(bare.port, bare.pid, bodies, submits, c)));
      console.log(line('bare  ', theirs[k] as SubmitResult));
    }
    ours.push(best(mine));
    bares.push(best(theirs));
  }
  const open: SubmitResult[] = [];
  for (const rate of rates) {
    const r = await measured(`open ${rate}/s`, () => openLoopLevel(server.port, server.pid, prepareDrafts(databasePath, prepared, rate * OPEN_LOOP_SECONDS, rate), rate));
    open.push(r);
    console.log(`open   ${rate}/s: p50 ${ms(r.latency.p50)} ms, p99 ${ms(r.latency.p99)} ms, max ${ms(r.latency.max)} ms; CPU server ${pct(r.cpu.server)}, client ${pct(r.cpu.client)}, other ${pct(r.cpu.other)}`);
  }
  const peakRssMb = procStatus(server.pid).peakRssKb / 1024;
  await stopProcess(server);
  await stopProcess(bare);

  const ratios = ours.map((o, i) => o.perSec / (bares[i]?.perSec ?? NaN));
  console.log(`ratio (our final submit / bare limit): ${ratios.map((r, i) => `c=${levels[i]}: ${r.toFixed(2)}`).join(', ')}; server peak RSS ${peakRssMb.toFixed(0)} MB`);

  if (!values['no-doc']) {
    const answersPerResponse = answerRows(prepared.survey, completeAnswers(prepared.survey, seededRandom(1))).length;
    writeSection('submit', 'Submission throughput (`bench/submit.ts`)', [
      `Command: \`npm run bench:submit -- --levels ${values.levels} --seconds ${seconds} --submits ${submits} --repeat ${repeat} --rates ${values.rates} --max-other ${maxOther} --attempts ${attempts}${(values['server-env'] ?? []).map((e) => ` --server-env ${e}`).join('')}\``,
      '',
      machine(),
      '',
      `The real server (\`src/main.ts\` run by tsx, which only transpiles at load; one process) on loopback with a fresh database and the demo wave of the combined survey (${prepared.survey.sections.length} sections, ${prepared.survey.items.length} items, about ${answersPerResponse} answer rows per response). The load generator runs in the bench process on the same 2 cores (keep-alive HTTP/1.1, one cookie jar per respondent, each respondent its own X-Forwarded-For address, the server trusting one proxy); its CPU share is shown beside the server's, and "other" is the rest of the machine's busy CPU time (other processes, the kernel) from \`/proc/stat\`: a large "other" means a shared, loaded machine and figures to distrust. A run with "other" over ${maxOther} % was measured again (up to ${attempts} times) and the quietest attempt is shown. CPU figures are percent of one core (200 % = both cores).`,
      '',
      ...targets(flows, ours, ratios),
      '',
      `### Respondents answering as a browser does (${warmup} s warm-up, ${seconds} s measured per level)`,
      '',
      'Each respondent: welcome page, start, every visible section shown (GET) and posted, review page, final submit, thank-you page (about 27 requests).',
      '',
      '| respondents at once | complete respondents/s | requests/s | all requests p50 / p99 ms | page post p50 / p99 ms | final submit p50 / p99 ms | CPU server / load generator / other | respondents with an error |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...flows.map(
        (r) =>
          `| ${r.concurrency} | ${r.respondentsPerSec.toFixed(1)} | ${r.requestsPerSec.toFixed(0)} | ${ms(r.all.p50)} / ${ms(r.all.p99)} | ${ms(r.steps.save?.p50 ?? NaN)} / ${ms(r.steps.save?.p99 ?? NaN)} | ${ms(r.steps.submit?.p50 ?? NaN)} / ${ms(r.steps.submit?.p99 ?? NaN)} | ${cpuCell(r.cpu)} | ${r.errors.length} |`,
      ),
      '',
      `Peak memory (VmHWM) of the server process over the whole run: ${peakRssMb.toFixed(0)} MB.`,
      '',
      `### Final submit alone against the bare limit (${submits} submits per run, best of ${repeat} alternating runs per level)`,
      '',
      'Ours: `POST /s/<code>/send` on drafts prepared complete in the database (loader, draft lookup, revalidation, one transaction inserting the response and its answers and deleting the draft, redirect). Bare: `bench/bare-server.ts`, Express parsing the same rows as one urlencoded form and inserting them in one transaction, same schema and pragmas (WAL, synchronous=FULL, secure_delete).',
      '',
      '| concurrency | ours submits/s | ours p50 / p99 ms | ours CPU server / generator / other | bare submits/s | bare p50 / p99 ms | bare CPU server / generator / other | ratio ours / bare |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...ours.map((o, i) => {
        const b = bares[i] as SubmitResult;
        return `| ${o.concurrency} | ${o.perSec.toFixed(0)} | ${ms(o.latency.p50)} / ${ms(o.latency.p99)} | ${cpuCell(o.cpu)} | ${b.perSec.toFixed(0)} | ${ms(b.latency.p50)} / ${ms(b.latency.p99)} | ${cpuCell(b.cpu)} | ${(ratios[i] ?? NaN).toFixed(2)} |`;
      }),
      '',
      `In these closed loops every connection sends its next submit the moment the last is answered, so latency is the queue: by Little's law mean latency = connections / throughput (128 / ${(ours[ours.length - 1]?.perSec ?? NaN).toFixed(0)} per s = ${((128 / (ours[ours.length - 1]?.perSec ?? NaN)) * 1000).toFixed(0)} ms for ours at 128). p99 under 200 ms at 128 busy connections therefore needs well over 640 submits/s.`,
      '',
      `### Final submit at fixed arrival rates (open loop, ${OPEN_LOOP_SECONDS} s each, up to 128 connections)`,
      '',
      'Submits arrive on schedule whether or not earlier ones are answered, like respondents pressing "Send" at 09:00; latency counts from the scheduled moment.',
      '',
      '| arrivals per s | p50 ms | p99 ms | max ms | CPU server / generator / other |',
      '| --- | --- | --- | --- | --- |',
      ...open.map((r) => `| ${r.concurrency} | ${ms(r.latency.p50)} | ${ms(r.latency.p99)} | ${ms(r.latency.max)} | ${cpuCell(r.cpu)} |`),
    ]);
  }
} finally {
  // After a failure the servers may still run: never leave them behind.
  for (const child of children) if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
}
