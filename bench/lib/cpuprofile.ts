// Reading a V8 .cpuprofile (node --cpu-prof): where the time went, by function, self and inclusive.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './server.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface FunctionTime {
  name: string;
  /** ms with this function at the top of the stack. */
  selfMs: number;
  /** ms with this function anywhere on the stack (each sample counted once). */
  totalMs: number;
}

export interface ProfileSummary {
  file: string;
  wallMs: number;
  /** Sampled time outside idle. */
  busyMs: number;
  functions: FunctionTime[];
}

function label(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  let where = frame.url.replace(/^file:\/\//, '');
  if (where.startsWith(repoRoot)) where = path.relative(repoRoot, where);
  where = where.replace(/^.*node_modules\//, '');
  return `${name} ${where}:${frame.lineNumber + 1}`;
}

/** summariseProfile aggregates a .cpuprofile by function. */
export function summariseProfile(file: string): ProfileSummary {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let busy = 0;
  p.samples.forEach((id, i) => {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    busy += ms;
    const top = label(node.callFrame);
    self.set(top, (self.get(top) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at);
      if (!n) break;
      const key = label(n.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + ms);
    }
  });
  const functions = [...total].map(([name, totalMs]) => ({ name, selfMs: self.get(name) ?? 0, totalMs }));
  return { file, wallMs: (p.endTime - p.startTime) / 1000, busyMs: busy, functions };
}
