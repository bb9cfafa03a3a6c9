// Recording benchmark figures in docs/benchmarks.md: each script owns one section between markers
// and rewrites only that, so scripts can be run in any order.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './server.js';

const DOC = path.join(repoRoot, 'docs', 'benchmarks.md');

const HEADER = `# Benchmarks

Figures recorded by the scripts in \`bench/\`; each script rewrites only its own section below
(between its markers), with the machine, the date and the command. Tests never assert on timings;
these figures are measurements, not guarantees.
`;

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

const loadText = (): string => os.loadavg().map((l) => l.toFixed(2)).join(', ');
const loadAtStart = loadText();

/** machine describes where and when the figures were taken, with the load average at start and now. */
export function machine(): string {
  return [
    `Machine: ${os.availableParallelism()} cores (${cpuModel()}), ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}.`,
    `Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}. Load average (1, 5, 15 min) at start: ${loadAtStart}; at the end: ${loadText()}.`,
  ].join('\n');
}

/** writeSection replaces (or appends) the section `name`, headed `title`, of docs/benchmarks.md with the given lines. */
export function writeSection(name: string, title: string, lines: string[]): void {
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${begin}\n## ${title}\n\n${lines.join('\n')}\n${end}`;
  const current = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : HEADER;
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from ? current.slice(0, from) + block + current.slice(to + end.length) : `${current.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(DOC, next);
  console.log(`\nWrote the "${name}" section of ${path.relative(repoRoot, DOC)}.`);
}
