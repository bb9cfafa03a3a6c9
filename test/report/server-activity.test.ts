// When a pass's threads count the server as quiet (server-activity.ts, issue 13): no request in
// hand and at most one begun in a moment. A lone request (a leader's page asking whether the
// results are ready) does not hold the pass back; a respondent answering (two or more requests in
// a moment) or a request in hand does. Both waits are driven by the counters and, where they keep
// time, by an injected clock that only the test moves, so nothing here depends on how fast the
// machine is: the real sleeps inside them are at most a few ms and only decide how often they look.
import { expect, test } from 'vitest';
import { quietWatch, requestBegun, requestEnded, whenQuiet } from '../../src/report/server-activity.js';

const MOMENT = 10;
const never = (): boolean => {
  throw new Error('the wait asked, so it waited');
};
const counters = (): Int32Array => new Int32Array(new SharedArrayBuffer(8));
const requests = (c: Int32Array, n: number): void => {
  for (let i = 0; i < n; i++) {
    requestBegun(c);
    requestEnded(c);
  }
};

test('the worker thread never waits without counters, nor for a lone request', () => {
  quietWatch(undefined, MOMENT)(never);
  const c = counters();
  let now = 0;
  const wait = quietWatch(c, MOMENT, () => now);
  wait(never);
  requests(c, 1);
  wait(never);
  wait(never);
  // The next moment: one more lone request.
  now = MOMENT;
  wait(never);
  requests(c, 1);
  wait(never);
});

test('the worker thread waits while a request is in hand, and goes on as soon as it ends', () => {
  const c = counters();
  let now = 0;
  const wait = quietWatch(c, MOMENT, () => now);
  requestBegun(c);
  let asked = 0;
  wait(() => {
    asked++;
    if (asked === 3) requestEnded(c);
    return false;
  });
  // Asked three times with the clock standing still: the request's end, not a moment, let it go.
  expect(asked).toBe(3);
  expect(now).toBe(0);
  wait(never);
});

test('the worker thread waits while respondents answer, until a whole moment passes quietly', () => {
  const c = counters();
  let now = 0;
  const wait = quietWatch(c, MOMENT, () => now);
  requests(c, 2);
  let asked = 0;
  // Two requests every time it asks, for five moments; then nobody.
  wait(() => {
    asked++;
    now += MOMENT;
    if (asked <= 5) requests(c, 2);
    return false;
  });
  // It went on only after the first moment without two requests in it.
  expect(asked).toBe(6);
  wait(never);
  // Still busy when told to stop: it stops waiting at once.
  requests(c, 3);
  let stopped = 0;
  wait(() => ++stopped > 0);
  expect(stopped).toBe(1);
});

test('the server thread starts a pass at the first look with at most one request since the last, none in hand', async () => {
  const c = counters();
  // Two requests before every look, for four looks; then one before each.
  let looks = 0;
  let startedAt = 0;
  await new Promise<void>((resolve) =>
    whenQuiet(
      c,
      () => {
        startedAt = looks;
        resolve();
      },
      {
        stop: () => {
          looks++;
          requests(c, looks <= 4 ? 2 : 1);
          return false;
        },
      },
    ),
  );
  expect(startedAt).toBe(5);
});

test('the server thread does not start a pass while a request is in hand', async () => {
  const c = counters();
  let looks = 0;
  requestBegun(c);
  await new Promise<void>((resolve) =>
    whenQuiet(
      c,
      () => {
        expect(looks).toBe(3);
        resolve();
      },
      {
        stop: () => {
          looks++;
          if (looks === 3) requestEnded(c);
          return false;
        },
      },
    ),
  );
});
