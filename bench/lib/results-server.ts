// The app for the results benchmark, in its own process so its memory and CPU profile are its own:
// openDb + createApp + listen(0) on loopback, and the closed waves' tallies queued for the tally
// workers, as src/main.ts does it.
// Run as `node --import tsx bench/lib/results-server.ts <database>` with an IPC channel. The parent
// may send "fresh": the server closes its connection and app and opens new ones on a new port, so
// the next request finds waveResults' per-connection cache empty (a cold request in a warm process).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { prepareClosedWaves } from '../../src/report/close.js';
import { openDb, type Db } from '../../src/store/db.js';

const dbPath = process.argv[2];
if (!dbPath) throw new Error('usage: results-server.ts <database>');
const config = loadConfig({ ...process.env, DATABASE_PATH: dbPath, HOST: '127.0.0.1', PORT: '0' });

let current: { db: Db; server: Server } | undefined;

function open(): Promise<number> {
  const db = openDb(config.DATABASE_PATH);
  const app = createApp({ db, config });
  return new Promise((resolve) => {
    const server = app.listen(0, config.HOST, () => {
      current = { db, server };
      prepareClosedWaves(db);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(): Promise<void> {
  const c = current;
  current = undefined;
  if (!c) return Promise.resolve();
  return new Promise((resolve) => {
    c.server.close(() => {
      c.db.close();
      resolve();
    });
    c.server.closeAllConnections();
  });
}

// With --expose-gc the old connection's cached tables are collected first, so a peak measured after
// "fresh" is the new request's own.
const collect = (): void => (globalThis as { gc?: () => void }).gc?.();
process.on('message', (msg) => {
  if (msg === 'fresh') void close().then(collect).then(open).then((port) => process.send?.({ port }));
});
// A normal exit, so --cpu-prof writes its profile.
const stop = (): void => void close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.once('disconnect', stop);

const port = await open();
console.log(`Kartlegg results bench server running on http://${config.HOST}:${port}`);
process.send?.({ port });
