// Starting Kartlegg (or the bare comparison server) as a child process on loopback, and reading
// its resource use from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadSurveyDir } from '../../src/survey/load.js';
import type { Survey } from '../../src/survey/model.js';
import { seedDemo, type DemoResult } from '../../src/demo.js';
import { openDb } from '../../src/store/db.js';
import { syncSurveyVersions } from '../../src/store/survey-versions.js';
import { today } from '../../src/clock.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

// Servers still running when this process exits (an error, Ctrl-C in a script) are killed with it.
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface Running {
  child: ChildProcess;
  pid: number;
  port: number;
  /** Everything the process printed, for error messages. */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** startProcess runs an entry point (TypeScript with tsx, a built .js as is; e.g. --cpu-prof in
 *  nodeArgs) and waits until it prints "...running on http://host:port". */
export function startProcess(entry: string, env: Record<string, string>, timeoutMs = 30_000, nodeArgs: string[] = []): Promise<Running> {
  const child = spawn(process.execPath, [...nodeArgs, ...(entry.endsWith('.ts') ? ['--import', 'tsx'] : []), entry], {
    cwd: repoRoot,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  live.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start within ${timeoutMs} ms:\n${text}`)), timeoutMs);
    const onData = (d: Buffer): void => {
      text += d.toString();
      const m = /running on http:\/\/[^:\s]+:(\d+)/.exec(text);
      if (m && child.pid !== undefined) {
        clearTimeout(timer);
        resolve({ child, pid: child.pid, port: Number(m[1]), output: () => text, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} before it was ready:\n${text}`));
    });
  });
}

/** startKartlegg starts the real server (src/main.ts under tsx, or `built`: dist/main.js as `npm
 *  start` runs it) on a database, trusting one proxy so load generators can give each simulated
 *  respondent its own address. */
export function startKartlegg(databasePath: string, env: Record<string, string> = {}, built = false): Promise<Running> {
  return startProcess(built ? 'dist/main.js' : 'src/main.ts', { DATABASE_PATH: databasePath, TRUST_PROXY: '1', ...env });
}

/** stopProcess sends a signal and waits for the exit. */
export async function stopProcess(p: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  await p.exited;
}

export interface Prepared {
  survey: Survey;
  demo: DemoResult;
}

/** prepareDatabase creates a database with the bundled surveys and the demo organisation's open wave. */
export function prepareDatabase(databasePath: string): Prepared {
  const surveys = loadSurveyDir(path.join(repoRoot, 'surveys'));
  const survey = surveys.get('kartlegging');
  if (!survey) throw new Error('the bundled survey "kartlegging" is missing');
  const db = openDb(databasePath);
  try {
    syncSurveyVersions(db, surveys.values());
    const demo = seedDemo(db, survey, today('Europe/Oslo'));
    return { survey, demo };
  } finally {
    db.close();
  }
}

/** procStatus reads a process's current and peak resident memory (kB) and CPU time (ms). */
export function procStatus(pid: number): { rssKb: number; peakRssKb: number; cpuMs: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  // Fields 14 and 15 of /proc/pid/stat (utime, stime) in clock ticks, after the ")" of the name.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssKb: kb('VmRSS'), peakRssKb: kb('VmHWM'), cpuMs: ticks * 10 };
}
