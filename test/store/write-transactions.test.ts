// Every transaction the server runs that writes takes the write lock at its start (BEGIN
// IMMEDIATE). A deferred one that reads first fails with SQLITE_BUSY_SNAPSHOT, without waiting,
// when another connection commits between its first read and its first write: the WAL worker
// (store/wal.ts) writes its tick after every emptied log, the command line writes beside a running
// server. Shown here on two connections; then every `x.transaction(fn)(...)` in src/ is checked to
// be `.immediate(...)`, but for the read-only ones (tally workers' connections cannot write).
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterEach, expect, test } from 'vitest';

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

test('a deferred transaction that reads first fails when another connection commits before its write; an immediate one does not', () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-tx-'));
  const file = path.join(dir, 'x.db');
  const server = new Database(file);
  server.pragma('journal_mode = WAL');
  server.pragma('busy_timeout = 5000');
  server.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, n INT); INSERT INTO t VALUES (1, 0)');
  const worker = new Database(file);
  worker.pragma('busy_timeout = 0');
  const body = (): void => {
    server.prepare('SELECT n FROM t').get();
    try {
      worker.prepare('UPDATE t SET n = n + 1').run();
    } catch {
      // Immediate: the worker waits for the lock (here it gives up at once).
    }
    server.prepare('UPDATE t SET n = n + 10').run();
  };
  expect(() => server.transaction(body)()).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY_SNAPSHOT' }));
  expect(() => server.transaction(body).immediate()).not.toThrow();
  worker.close();
  server.close();
});

// Read-only transactions, run on connections that cannot write (tally workers) or that only read.
const READ_ONLY = new Set(['src/store/running-tallies.ts readRunningTallies', 'src/report/tally-worker.ts build']);

function sourceFiles(at: string): string[] {
  return fs.readdirSync(at, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(at, e.name)) : e.name.endsWith('.ts') ? [path.join(at, e.name)] : []));
}

test('every transaction in src/ that is run at once is run immediate, but the read-only ones', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const deferred: string[] = [];
  let immediate = 0;
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const rel = path.relative(root, file);
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node, fn: string): void => {
      const name = ts.isFunctionDeclaration(node) && node.name ? node.name.text : fn;
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        // db.transaction(fn)(...): deferred
        if (ts.isCallExpression(callee) && ts.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === 'transaction') {
          if (!READ_ONLY.has(`${rel} ${name}`)) deferred.push(`${rel}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1} (${name})`);
        }
        // db.transaction(fn).immediate(...)
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'immediate' && ts.isCallExpression(callee.expression)) immediate += 1;
      }
      ts.forEachChild(node, (c) => visit(c, name));
    };
    visit(sf, '');
  }
  expect(deferred).toEqual([]);
  expect(immediate).toBeGreaterThan(50);
});
