// The real server process (tsx src/main.ts): F1's 70-byte request leaves it running, its files are
// owner-only, it warns about an open data folder, and SIGTERM ends it cleanly; the systemd unit
// that runs it in production passes systemd-analyze verify.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { repoRoot, startKartlegg, stopProcess, type Running } from '../../bench/lib/server.js';
import { openDb } from '../../src/store/db.js';
import { encode, sectionBody } from '../helpers/answers.js';
import { bundledSurveys } from '../helpers/app.js';
import { rawRequest, statusOf, TRUNCATED_MULTIPART } from '../helpers/raw-http.js';
import { startServer, type ServerUnderTest } from '../helpers/server-process.js';

const head = (p: string, cookie = ''): string =>
  `POST ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=BB\r\nContent-Length: ${TRUNCATED_MULTIPART.length}\r\n${cookie ? `Cookie: ${cookie}\r\n` : ''}\r\n`;

describe('the server process', () => {
  let s: ServerUnderTest;
  beforeAll(async () => {
    // A data folder others may read: start-up must say so.
    s = await startServer({}, 0o755);
  }, 60_000);
  afterAll(async () => {
    if (s) {
      await stopProcess(s.running);
      fs.rmSync(s.dir, { recursive: true, force: true });
    }
  });

  test('F1: the truncated 70-byte multipart request, anonymous and signed in, leaves it alive and answering', async () => {
    expect(statusOf(await rawRequest(s.running.port, head('/admin/anything'), TRUNCATED_MULTIPART))).toBe(401);
    const { cookie } = await s.signIn('pia');
    expect(statusOf(await rawRequest(s.running.port, head('/admin/import', cookie), TRUNCATED_MULTIPART))).toBe(400);
    // Cut off after the part's headers too, and with a boundary the body never uses.
    const cut = Buffer.from('--BB\r\nContent-Disposition: form-data; name="file"; filen');
    expect(statusOf(await rawRequest(s.running.port, head('/admin/import', cookie).replace(/Content-Length: \d+/, `Content-Length: ${cut.length}`), cut))).toBe(400);
    const wrong = head('/admin/import', cookie).replace('boundary=BB', 'boundary=ZZ');
    expect(statusOf(await rawRequest(s.running.port, wrong, TRUNCATED_MULTIPART))).toBe(400);
    expect(s.alive()).toBe(true);
    expect((await fetch(`${s.base}/`)).status).toBe(200);
  });

  test('F9: the database and its -wal and -shm are owner-only; start-up warned about the open folder', () => {
    for (const f of [s.databasePath, `${s.databasePath}-wal`, `${s.databasePath}-shm`]) expect((fs.statSync(f).mode & 0o777).toString(8), f).toBe('600');
    expect(s.running.output()).toContain('can be read by other users');
  });

  test('SIGTERM finishes and exits 0', async () => {
    s.running.child.kill('SIGTERM');
    expect(await s.running.exited).toBe(0);
  });
});

// A draft saved and moved on from waits in memory for its resume id (src/store/drafts.ts).
describe('resume codes across a stop and a crash', () => {
  let s: ServerUnderTest;
  let running: Running;
  beforeAll(async () => {
    s = await startServer();
    running = s.running;
  }, 60_000);
  afterAll(async () => {
    if (running) await stopProcess(running, 'SIGKILL');
    if (s) fs.rmSync(s.dir, { recursive: true, force: true });
  });
  const survey = bundledSurveys().get('kartlegging');
  const [first, second] = survey?.sections ?? [];
  const restart = async (signal: NodeJS.Signals): Promise<void> => {
    running.child.kill(signal);
    await running.exited;
    running = await startKartlegg(s.databasePath, { TRUST_PROXY: '0', LOG_LEVEL: 'warn' });
  };
  const url = (p: string): string => `http://127.0.0.1:${running.port}/s/${s.demo.links[0]?.code}${p}`;
  const form = (body: string, cookie = ''): RequestInit => ({ method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body });
  // A respondent's device saves the first page and moves on; returns its cookie and the code the next page shows.
  const savePage = async (cookie: string): Promise<string> => {
    const saved = await fetch(url(`/del/${first?.id}`), form(encode(sectionBody(first as NonNullable<typeof first>)), cookie));
    expect(saved.headers.get('location')).toBe(`/s/${s.demo.links[0]?.code}/del/${second?.id}`);
    const page = await (await fetch(url(`/del/${second?.id}`), { headers: { cookie } })).text();
    return /class="code">([^<]+)</.exec(page)?.[1] ?? '';
  };
  const startDraft = async (): Promise<string> => {
    const started = await fetch(url('/start'), form(''));
    return /kartlegg_draft=[^;]+/.exec(started.headers.getSetCookie().join(';'))?.[0] ?? '';
  };
  const resumeElsewhere = async (code: string): Promise<number> => (await fetch(url('/fortsett'), form(new URLSearchParams({ resume_code: code }).toString()))).status;
  const inFile = (): number => {
    const db = openDb(s.databasePath);
    try {
      return (db.prepare('SELECT count(*) AS n FROM drafts.draft WHERE resume_id IS NOT NULL').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  test('SIGTERM puts every waiting resume id in the file, so each code shown still works after the restart', async () => {
    const codes = [await savePage(await startDraft()), await savePage(await startDraft())];
    for (const code of codes) expect(code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
    await restart('SIGTERM');
    expect(inFile()).toBe(2);
    for (const code of codes) expect(await resumeElsewhere(code)).toBe(303);
  });

  test('after a crash (SIGKILL) a waiting code does not open the draft elsewhere; its own device does, and its next save makes the code work again', async () => {
    const cookie = await startDraft();
    const code = await savePage(cookie);
    await restart('SIGKILL');
    expect(await resumeElsewhere(code)).toBe(422);
    expect(await savePage(cookie)).toBe(code);
    expect(await resumeElsewhere(code)).toBe(303);
  });
});

describe('the systemd unit', () => {
  const unit = path.join(repoRoot, 'deploy/kartlegg.service');

  test('asks for a dedicated user, restarts on failure, owner-only files and a sandbox', () => {
    const text = fs.readFileSync(unit, 'utf8');
    for (const line of ['User=kartlegg', 'Restart=on-failure', 'UMask=0077', 'ProtectSystem=strict', 'ProtectHome=yes', 'NoNewPrivileges=yes', 'KillSignal=SIGTERM', 'StateDirectoryMode=0700']) {
      expect(text.split('\n'), line).toContain(line);
    }
  });

  const analyze = spawnSync('systemd-analyze', ['--version']);
  test.skipIf(analyze.error !== undefined)('passes systemd-analyze verify', () => {
    // verify checks that ExecStart's program exists: point it at this machine's node if need be.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-unit-'));
    const copy = path.join(dir, 'kartlegg.service');
    const text = fs.readFileSync(unit, 'utf8');
    fs.writeFileSync(copy, fs.existsSync('/usr/bin/node') ? text : text.replace('/usr/bin/node', process.execPath));
    try {
      const out = execFileSync('systemd-analyze', ['verify', copy], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(out).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  if (analyze.error !== undefined) console.warn('systemd-analyze is not installed: the systemd unit was not verified');
});
