// How busy the server thread is, shared with the tally workers. On a two-core server a pass on two
// threads leaves the server thread a core shared with a busy sibling: respondents' pages wait
// longer (measured: +141 to +223 ms on the longest request at start-up, against +82 ms with one
// pass thread). So a pass's first thread always works, and its second only takes more of the wave
// while the server has been answering nobody for a moment: on an idle server (an upgrade at night,
// a close with nobody answering) the pass runs on both cores, under load on one.
// The counters are in shared memory: the server thread only adds to them (no message, no wait).

/** How long the server must have answered nobody before a pass's second thread starts or reads on:
 *  longer than the gaps between a respondent's requests, so it keeps out of the way of anyone
 *  answering. */
export const QUIET_MS = 100;

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

/** quietWatch returns, for a worker thread, a wait that returns once the server has no request in
 *  hand and has begun none for `quietMs` (at once when none has begun since the wait last
 *  returned and none is in hand), or once `done()` says there is no point in waiting any more
 *  (checked at least every `quietMs`). Without counters it never waits. */
export function quietWatch(counters: Int32Array | undefined, quietMs: number): (done: () => boolean) => void {
  let seen: number | undefined;
  return (done) => {
    if (!counters) return;
    if (Atomics.load(counters, BEGUN) === seen && Atomics.load(counters, IN_FLIGHT) === 0) return;
    while (!done()) {
      const begun = Atomics.load(counters, BEGUN);
      const idle = Atomics.load(counters, IN_FLIGHT) === 0;
      // Nobody notifies: the wait lasts quietMs unless the counter had already moved.
      const waited = Atomics.wait(counters, BEGUN, begun, quietMs);
      if (idle && waited === 'timed-out' && Atomics.load(counters, BEGUN) === begun && Atomics.load(counters, IN_FLIGHT) === 0) {
        seen = begun;
        return;
      }
    }
  };
}

/** whenQuiet looks at the server's counters every QUIET_MS on the server thread and calls `go` at
 *  the first look that finds no request begun since the look before and none in hand, or the first
 *  at which `now()` has reached `until` (never, unless given); `stop()`, asked first at each look,
 *  ends the looking without calling `go`. The timer does not keep the process alive. */
export function whenQuiet(counters: Int32Array, go: () => void, opts: { stop: () => boolean; until?: number; now?: () => number }): void {
  const now = opts.now ?? ((): number => performance.now());
  let seen = Atomics.load(counters, BEGUN);
  const timer = setInterval(() => {
    if (opts.stop()) {
      clearInterval(timer);
      return;
    }
    const begun = Atomics.load(counters, BEGUN);
    const quiet = begun === seen && Atomics.load(counters, IN_FLIGHT) === 0;
    seen = begun;
    if (!quiet && (opts.until === undefined || now() < opts.until)) return;
    clearInterval(timer);
    go();
  }, QUIET_MS);
  timer.unref();
}
