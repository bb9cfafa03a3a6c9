// The building worker's memory on its own (npm run bench:build-memory -- [--responses 200000]
// [--runs 3] [--dist dist[,other-dist]]): a closed wave of the bench organisation (500 units) is seeded once,
// its tallies stored and recorded with its release as the server thread does, then in a bare
// process (no server, no load) the compiled tally worker builds the tables as tally-jobs.ts starts
// it (its heap limits, its phases file). Prints the process's resident memory before the worker
// starts and at its peak (sampled every 5 ms), and each build step's RSS / V8 heap after it.
// The close benchmark's RSS is the whole server's, load included; this is the build alone, so
// two versions of the build compare on one machine (build each into its own directory with
// `npx tsc -p tsconfig.build.json --outDir DIR` and give both: their runs alternate).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { seedResultsWave } from './lib/results-seed.js';
import { repoRoot } from './lib/server.js';
import { BUILD_LIMITS } from '../src/report/tally-jobs.js';
import { prepareRelease } from '../src/report/wave-results.js';
import { computeWaveTallies, storedForm } from '../src/report/wave-tallies.js';
import { openDb } from '../src/store/db.js';
import { getSurveyVersion } from '../src/store/survey-versions.js';
import { saveTallyData } from '../src/store/tally-cache.js';
import { getWave, setWaveStatus, type Wave } from '../src/store/waves.js';

const { values } = parseArgs({
  options: {
    responses: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '3' },
    dist: { type: 'string' },
    child: { type: 'string' },
    wave: { type: 'string', default: '1' },
  },
});

const mb = (bytes: number): number => Math.round(bytes / 1048576);

// In the child: one build in a fresh worker, measured from this bare process.
async function measure(dist: string, file: string, waveId: number): Promise<void> {
  const rss = () => process.memoryUsage.rss();
  await new Promise((r) => setTimeout(r, 200));
  const rest = rss();
  let peak = rest;
  const timer = setInterval(() => (peak = Math.max(peak, rss())), 5);
  const phasesFile = path.join(path.dirname(file), `phases-${process.pid}.jsonl`);
  const worker = new Worker(path.join(dist, 'report/tally-worker.js'), { workerData: { spawnedAt: Date.now(), phasesFile }, resourceLimits: BUILD_LIMITS });
  const result = await new Promise<{ ok: boolean; error?: string }>((resolve, reject) => {
    worker.on('message', resolve);
    worker.on('error', reject);
    worker.postMessage({ file, waveId, build: true });
  });
  peak = Math.max(peak, rss());
  clearInterval(timer);
  await worker.terminate();
  if (!result.ok) throw new Error(result.error);
  const phases = fs.readFileSync(phasesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { phase: string; rssMb: number; heapMb: number; buffersMb?: number });
  fs.rmSync(phasesFile);
  console.log(JSON.stringify({ rest: mb(rest), peak: mb(peak), heapMax: Math.max(...phases.map((p) => p.heapMb)), phases: phases.map((p) => [p.phase.replace(/^build: /, ''), p.rssMb, p.heapMb, p.buffersMb ?? 0]) }));
}

async function main(): Promise<void> {
  const dists = (values.dist ?? path.join(repoRoot, 'dist')).split(',').map((d) => path.resolve(d));
  if (values.child) return measure(dists[0] as string, values.child, Number(values.wave));
  if (!values.dist) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
    if (build.status !== 0) console.warn(`npm run build reported problems (dist/ written anyway):\n${build.stdout.slice(-800)}`);
  }
  const n = Number(values.responses);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-build-memory-'));
  try {
    const file = path.join(dir, 'build.db');
    const seeded = await seedResultsWave(file, n, 0, 'open');
    const db = openDb(file);
    setWaveStatus(db, seeded.waveId, 'closed');
    const wave = getWave(db, seeded.waveId) as Wave;
    const survey = getSurveyVersion(db, wave.surveyId, wave.surveyVersion);
    if (!survey) throw new Error('the seeded survey is missing');
    // As at a close: the running tallies stored, then recorded with the wave's first release.
    const stored = storedForm([computeWaveTallies(db, survey, wave.id)]);
    saveTallyData(db, wave.id, stored.responses, stored.data);
    prepareRelease(db, wave);
    db.close();
    console.log(`${n.toLocaleString('en')} responses, ${seeded.units.length} units`);
    for (let run = 0; run < Number(values.runs); run++) {
      for (const dist of dists) {
        const args = ['--import', 'tsx', path.join(repoRoot, 'bench/build-memory.ts'), '--child', file, '--wave', String(seeded.waveId), '--dist', dist];
        const child = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
        if (child.status !== 0) throw new Error(child.stderr);
        const r = JSON.parse(child.stdout.trim().split('\n').pop() as string) as { rest: number; peak: number; heapMax: number; phases: [string, number, number, number][] };
        console.log(`${dist}, run ${run + 1}: RSS ${r.rest} MB before the worker, peak ${r.peak} MB (+${r.peak - r.rest}); V8 heap after a step at most ${r.heapMax} MB`);
        console.log(`  RSS / heap / buffers after each step: ${r.phases.map(([p, rss, heap, buffers]) => `${p} ${rss}/${heap}/${buffers}`).join('; ')}`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
