// The process log: JSON lines on stdout (journald keeps them under systemd), one logger made in
// main.ts or createApp. What a request line may hold is decided in web/request-log.ts.
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

/** createLogger returns a pino logger at the configured level, writing JSON lines to stdout
 *  (or to `destination`, which tests use to read what was logged). */
export function createLogger(level: Config['LOG_LEVEL'], destination?: DestinationStream): Logger {
  const options = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}
