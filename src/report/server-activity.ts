// How busy the server thread is, shared with the tally workers. On a two-core server a pass on two
// threads leaves the server thread a core shared with a busy sibling: respondents' pages wait
// longer (measured: +141 to +223 ms on the longest request at start-up, against +82 ms with one
// pass thread). So a pass's first thread always works, and its second only takes more of the wave
// while the server is quiet: on an idle server (an upgrade at night, a close with nobody
// answering) the pass runs on both cores, under load on one.
// Quiet means no request in hand and at most one begun in the last moment (QUIET_MS): a lone
// request (a leader's page asking every few seconds whether the results are ready, one respondent's
// next page now and then) takes the server thread a few ms and does not hold the pass back; a
// respondent answering (a post, its redirect, the next page) or several at once do.
// The counters are in shared memory: the server thread only adds to them (no message, no wait).

/** How long a moment is: longer than the gaps between a respondent's requests (a post and the page
 *  its redirect asks for), so a pass keeps out of the way of anyone answering. */
export const QUIET_MS = 100;

/** How many requests the server may begin in a moment and still be quiet. */
export const LONE_REQUESTS = 1;

// [0] requests being answered; [1] requests begun (wraps around: only compared for change).
const IN_FLIGHT = 0;
const BEGUN = 1;
const activity = new Int32Array(new SharedArrayBuffer(8));

/** serverActivity returns the shared counters that requestBegun and requestEnded keep, to hand to
 *  a worker thread (waitForQuiet reads them there). */
export function serverActivity(): Int32Array {
  return activity;
}

/** requestBegun counts a request the server has begun to answer (call requestEnded when it ends). */
export function requestBegun(counters: Int32Array = activity): void {
  Atomics.add(counters, IN_FLIGHT, 1);
  Atomics.add(counters, BEGUN, 1);
}

/** requestEnded counts a request answered (or dropped) that requestBegun counted. */
export function requestEnded(counters: Int32Array = activity): void {
  Atomics.sub(counters, IN_FLIGHT, 1);
}

/** quietWatch returns, for a worker thread, a wait that returns at once while the server is
 *  quiet: no request in hand and at most LONE_REQUESTS begun since the current moment (`quietMs`
 *  on the clock `now`) began. Otherwise it waits until the server is quiet again, or until `done()`
 *  says there is no point in waiting any more (asked at least every `quietMs`). Without counters it
 *  never waits. */
export function quietWatch(counters: Int32Array | undefined, quietMs: number, now: () => number = () => performance.now()): (done: () => boolean) => void {
  let from = now();
  let begunThen = counters ? Atomics.load(counters, BEGUN) : 0;
  return (done) => {
    if (!counters) return;
    for (;;) {
      const at = now();
      const begun = Atomics.load(counters, BEGUN);
      const few = ((begun - begunThen) | 0) <= LONE_REQUESTS;
      const quiet = few && Atomics.load(counters, IN_FLIGHT) === 0;
      if (at - from >= quietMs) {
        // The moment is over: the next counts from here.
        from = at;
        begunThen = begun;
        if (quiet) return;
      } else if (quiet) return;
      if (done()) return;
      // Nobody notifies: the wait lasts to the end of the moment unless the counter had already
      // moved, or a tenth of it when only a lone request in hand is in the way (a page of 10-30 ms).
      const left = Math.max(1, from + quietMs - at);
      Atomics.wait(counters, BEGUN, begun, few ? Math.min(left, Math.max(1, quietMs / 10)) : left);
    }
  };
}

/** whenQuiet looks at the server's counters every QUIET_MS on the server thread and calls `go` at
 *  the first look that finds the server quiet (at most LONE_REQUESTS begun since the look before,
 *  none in hand), or the first at which `now()` has reached `until` (never, unless given); `stop()`,
 *  asked first at each look, ends the looking without calling `go`. The timer does not keep the process alive. */
export function whenQuiet(counters: Int32Array, go: () => void, opts: { stop: () => boolean; until?: number; now?: () => number }): void {
  const now = opts.now ?? ((): number => performance.now());
  let seen = Atomics.load(counters, BEGUN);
  const timer = setInterval(() => {
    if (opts.stop()) {
      clearInterval(timer);
      return;
    }
    const begun = Atomics.load(counters, BEGUN);
    // The counter wraps around: the difference does not.
    const quiet = ((begun - seen) | 0) <= LONE_REQUESTS && Atomics.load(counters, IN_FLIGHT) === 0;
    seen = begun;
    if (!quiet && (opts.until === undefined || now() < opts.until)) return;
    clearInterval(timer);
    go();
  }, QUIET_MS);
  timer.unref();
}
