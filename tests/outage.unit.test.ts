/** The outage rule every component shares (src/outage.ts), on a hand-driven clock. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { BrokerError, ConnectionError, OutageError, RouteError, TimeoutError } from "../src/errors.ts";
import { describeOutage, isUnreachable, type OutageEvent, OutageTracker } from "../src/outage.ts";

const s = suite("outage tracker");
const refused = new ConnectionError("could not connect to 127.0.0.1:10911: connect ECONNREFUSED", "127.0.0.1:10911");

function tracker(maxOutageMs: number) {
  let now = 1_000_000;
  const events: OutageEvent[] = [];
  const t = new OutageTracker({ maxOutageMs, onEvent: (e) => events.push(e), now: () => now });
  return { t, events, advance: (ms: number) => void (now += ms) };
}

s("one event when an outage starts, one when it ends, however many calls fail between", () => {
  const { t, events, advance } = tracker(60_000);
  assert.is(t.failed("broker a", refused), undefined);
  advance(1000);
  assert.is(t.failed("broker a", refused), undefined);
  assert.ok(t.active("broker a"));
  assert.not.ok(t.active("broker b"), "outages are per target");
  advance(500);
  t.succeeded("broker a");
  t.succeeded("broker a");
  assert.equal(events.map((e) => e.kind), ["started", "ended"]);
  assert.is(events[1]!.durationMs, 1500);
  assert.equal(t.counts, { started: 1, ended: 1, longestMs: 1500 });
  assert.match(describeOutage(events[0]!), /^broker a unreachable since .*ECONNREFUSED/);
  assert.match(describeOutage(events[1]!), /^broker a reachable again after 1500 ms$/);
});

s("at maxOutageMs the tracker hands out the OutageError: target, start, bound and last cause", () => {
  const { t, advance } = tracker(3000);
  const since = 1_000_000;
  t.failed("broker a", refused);
  advance(2999);
  assert.is(t.failed("broker a", refused), undefined);
  advance(1);
  const last = new TimeoutError("request code 11 to 127.0.0.1:10911 got no response in 3000 ms", 3000);
  const error = t.failed("broker a", last);
  assert.instance(error, OutageError);
  assert.is(error!.code, "OUTAGE_EXCEEDED");
  assert.is(error!.retryable, true);
  assert.is(error!.target, "broker a");
  assert.is(error!.since, since);
  assert.is(error!.maxOutageMs, 3000);
  assert.is(error!.cause, last);
  assert.match(error!.message, /broker a unreachable since 1970-01-01T00:16:40\.000Z \(3000 ms; maxOutageMs is 3000\); last error: request code 11/);
});

s("maxOutageMs 0 fails at the first unreachable call; a bad bound is refused", () => {
  const { t } = tracker(0);
  assert.instance(t.failed("broker a", refused), OutageError);
  for (const bad of [-1, 1.5, Number.NaN]) assert.throws(() => new OutageTracker({ maxOutageMs: bad, onEvent: () => {} }), RangeError);
});

s("retries back off from 250 ms, doubling, to 5 s", () => {
  const { t } = tracker(600_000);
  const delays: number[] = [];
  for (let i = 0; i < 7; i++) {
    t.failed("broker a", refused);
    delays.push(t.retryDelayMs("broker a"));
  }
  assert.equal(delays, [250, 500, 1000, 2000, 4000, 5000, 5000]);
});

s("unreachable: connection failures and timeouts the transport marks retryable; not answers, not a client-side close", () => {
  assert.ok(isUnreachable(refused));
  assert.ok(isUnreachable(new TimeoutError("no answer", 3000)));
  assert.not.ok(isUnreachable(new ConnectionError("connection to x:1 was closed by the client", "x:1", { closed: true, retryable: false })));
  assert.not.ok(isUnreachable(new BrokerError("busy", 2, "busy", { retryable: true })));
  assert.not.ok(isUnreachable(new RouteError("no route", "t")));
  assert.not.ok(isUnreachable(new Error("ECONNREFUSED")));
});

s.run();
