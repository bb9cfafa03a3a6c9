// Load-generation helpers: latency summaries, CPU accounting, and running a fixed number of
// requests with C concurrent workers.
import fs from 'node:fs';
import { procStatus } from './server.js';

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** summarise gives the count, median, 99th percentile and maximum of latencies in ms. */
export function summarise(ms: number[]): Summary {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

export interface CpuShare {
  /** CPU time of the server process as a share of one core over the interval, in percent. */
  server: number;
  /** Same for this (load-generating) process. */
  client: number;
  /** Everything else on the machine (other processes, the kernel), from /proc/stat: shows a shared machine. */
  other: number;
}

// Busy CPU time of the whole machine in ms (all cores), from the first line of /proc/stat.
function machineBusyMs(): number {
  const fields = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return ((user + nice + system + irq + softirq + steal) * 1000) / 100;
}

/** cpuMeter starts measuring the server's and this process's CPU use; call the result to read it. */
export function cpuMeter(serverPid: number): () => CpuShare {
  const started = performance.now();
  const server0 = procStatus(serverPid).cpuMs;
  const client0 = process.cpuUsage();
  const machine0 = machineBusyMs();
  return () => {
    const wall = performance.now() - started;
    const clientMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(client0));
    const serverMs = procStatus(serverPid).cpuMs - server0;
    const otherMs = Math.max(0, machineBusyMs() - machine0 - serverMs - clientMs);
    return { server: (serverMs / wall) * 100, client: (clientMs / wall) * 100, other: (otherMs / wall) * 100 };
  };
}

/** runFixed performs `n` calls of `one(i)` with `concurrency` workers; returns latencies and wall time. */
export async function runFixed(concurrency: number, n: number, one: (i: number) => Promise<number>): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) latencies.push(await one(next++));
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** runOpenLoop starts call i at i/rate seconds whatever earlier calls are doing (arrivals do not
 *  wait for answers, as real respondents do not); latency counts from the scheduled start, so time
 *  spent queueing for a connection is included. */
export async function runOpenLoop(ratePerSec: number, n: number, one: (i: number) => Promise<void>): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  const calls: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = started + (i * 1000) / ratePerSec;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    calls.push(one(i).then(() => void latencies.push(performance.now() - due)));
  }
  await Promise.all(calls);
  return { latencies, seconds: (performance.now() - started) / 1000 };
}
