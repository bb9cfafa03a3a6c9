// What the web layer is built from. Its own module, so handlers need not import app.ts (which
// imports them): web -> deps, app -> web, no cycle.
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../store/db.js';

export interface AppDeps {
  db: Db;
  config: Config;
  /** One-time code for the first-run setup page; only valid while no staff account exists. */
  setupToken?: string;
  /** The current time in ms; tests pass a fixed or stepping clock. Defaults to Date.now. */
  clock?: () => number;
  /** The process logger; createApp makes one from config.LOG_LEVEL when absent. */
  logger?: Logger;
}

/** nowOf returns the deps' clock reading in ms (Date.now without an injected clock). */
export function nowOf(deps: AppDeps): number {
  return deps.clock ? deps.clock() : Date.now();
}
