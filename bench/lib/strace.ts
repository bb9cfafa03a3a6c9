// Counting the disk syncs of a running server with strace: attached to every thread (-f), tracing
// only fsync and fdatasync, each line naming the thread that made the call and its file (-y). The
// process's main thread (thread id = pid) is the server thread: Express and better-sqlite3 run there.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export interface SyncCount {
  total: number;
  /** Syncs made by the server thread (the process's main thread). */
  serverThread: number;
  /** Syncs per file, with the thread kind: "server thread: kartlegg.db-wal". */
  byFile: Map<string, number>;
}

export interface Trace {
  /** Detaches strace and counts what it saw. */
  stop(): Promise<SyncCount>;
}

/** straceAvailable tells whether strace can be run (the benchmark needs it; install it with apt-get install strace). */
export function straceAvailable(): boolean {
  try {
    return fs.existsSync('/usr/bin/strace') || fs.existsSync('/bin/strace');
  } catch {
    return false;
  }
}

/** traceSyncs attaches strace to every thread of `pid`, resolving once it is attached. */
export function traceSyncs(pid: number, outFile: string): Promise<Trace> {
  const child = spawn('strace', ['-f', '-y', '-e', 'trace=fsync,fdatasync', '-o', outFile, '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (/attached/.test(err)) resolve({ stop: () => stop() });
    });
    void exited.then(() => reject(new Error(`strace exited before attaching: ${err}`)));
  });

  async function stop(): Promise<SyncCount> {
    child.kill('SIGINT');
    await exited;
    const byFile = new Map<string, number>();
    let total = 0;
    let serverThread = 0;
    for (const line of fs.readFileSync(outFile, 'utf8').split('\n')) {
      // Each call starts on one line: complete, or "<unfinished ...>" when another thread's call came between.
      const m = /^(\d+)\s+(?:fsync|fdatasync)\(\d+<([^>]*)>/.exec(line);
      if (!m) continue;
      total += 1;
      const onServer = Number(m[1]) === pid;
      if (onServer) serverThread += 1;
      const key = `${onServer ? 'server thread' : 'other threads'}: ${(m[2] ?? '').split('/').pop() ?? ''}`;
      byFile.set(key, (byFile.get(key) ?? 0) + 1);
    }
    return { total, serverThread, byFile };
  }
}
