// The real server as a child process (tsx src/main.ts) on a temp database with a project leader,
// for tests that must see the process itself survive: a crash there cannot hide in the test runner.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareDatabase, startKartlegg, type Running } from '../../bench/lib/server.js';
import { hashPassword } from '../../src/auth/password.js';
import { createAccount } from '../../src/store/accounts.js';
import { openDb } from '../../src/store/db.js';
import type { DemoResult } from '../../src/demo.js';
import { PASSWORD } from './staff.js';

export interface ServerUnderTest {
  running: Running;
  base: string;
  dir: string;
  databasePath: string;
  demo: DemoResult;
  /** Signs a staff member in over HTTP and returns the session cookie and the CSRF token. */
  signIn(username: string): Promise<{ cookie: string; csrf: string }>;
  /** Whether the process is still running. */
  alive(): boolean;
}

/** startServer prepares a temp database (demo organisation; staff 'pia' (admin) and 'lise'
 *  (leader of solbakken), password PASSWORD) and starts the real server on a free port. */
export async function startServer(env: Record<string, string> = {}, dirMode = 0o700): Promise<ServerUnderTest> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-proc-'));
  fs.chmodSync(dir, dirMode);
  const databasePath = path.join(dir, 'kartlegg.db');
  const { demo } = prepareDatabase(databasePath);
  const db = openDb(databasePath);
  const hash = await hashPassword(PASSWORD);
  createAccount(db, { username: 'pia', displayName: 'Pia', role: 'admin', passwordHash: hash });
  createAccount(db, { username: 'lise', displayName: 'Lise', role: 'leader', unitIds: ['solbakken'], passwordHash: hash });
  db.close();
  const running = await startKartlegg(databasePath, { TRUST_PROXY: '0', LOG_LEVEL: 'warn', ...env });
  const base = `http://127.0.0.1:${running.port}`;
  return {
    running,
    base,
    dir,
    databasePath,
    demo,
    alive: () => running.child.exitCode === null && running.child.signalCode === null,
    async signIn(username) {
      const login = await fetch(`${base}/innlogging`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password: PASSWORD }) });
      const cookie = /kartlegg_session=[a-z0-9]+/.exec(login.headers.getSetCookie().join(';'))?.[0];
      if (!cookie) throw new Error(`login of ${username} failed with ${login.status}`);
      const page = await (await fetch(`${base}/oversikt`, { headers: { cookie } })).text();
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
      return { cookie, csrf };
    },
  };
}
