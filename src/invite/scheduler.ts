// Runs the schedule and the send loop on a timer, at an injected clock. tick() is one pass (tests
// call it after stepping their clock; nothing here sleeps); stop() waits for the message in flight
// to be recorded, so a stopped process leaves no message 'sending'.
import { markInDoubt } from '../store/jobs.js';
import { runSchedule } from './schedule.js';
import { sendNext, type SenderDeps } from './sender.js';

export interface Scheduler {
  /** tick runs the schedule, then sends every message due at the clock's time. */
  tick(): Promise<void>;
  /** start marks messages left 'sending' by a crash as uncertain, then ticks every intervalMs. */
  start(intervalMs?: number): void;
  /** stop ends the timer and resolves once the current tick has finished. */
  stop(): Promise<void>;
}

/** createScheduler returns the scheduler for the deps (nothing runs until start or tick). */
export function createScheduler(deps: SenderDeps): Scheduler {
  let current: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const pass = async (): Promise<void> => {
    runSchedule(deps.db, deps.config.TIME_ZONE, deps.clock());
    while (!stopped && (await sendNext(deps)) === 'sent');
  };
  const tick = (): Promise<void> => {
    current ??= pass()
      .catch((err: unknown) => deps.logger?.error({ err: (err as Error).message }, 'scheduler pass failed'))
      .finally(() => (current = undefined));
    return current;
  };
  return {
    tick,
    start(intervalMs = Math.min(5000, Math.ceil(60_000 / deps.config.SEND_RATE_PER_MINUTE))) {
      const n = markInDoubt(deps.db);
      if (n > 0) deps.logger?.warn({ messages: n }, 'messages were being sent when the server stopped: counted as uncertain, not sent again');
      timer = setInterval(() => void tick(), intervalMs);
      timer.unref();
      void tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await current;
    },
  };
}
