/**
 * An idle queue is quiet: the broker holds a long poll past its suspend time
 * (it looks at held pulls only every 5 s), so a pull timeout of "suspend +
 * request timeout" fired on idle queues and logged "got no response". The
 * pull timeout is derived from the suspend time with room for that hold
 * (pullTimeoutMs). Here with a 2 s suspend and a 1 s request timeout, where
 * the old rule (3 s) times out most idle pulls, against the shared broker.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { SourceLogEntry } from "../../src/readable/rocketmq-source.ts";
import { pullTimeoutMs } from "../../src/remoting/broker-pull.ts";
import { freshTopic, group, newClient, sleep, utf8Source } from "./helpers.ts";

const s = suite("readable/idle pulls (broker)");
const client = newClient();
s.after(() => client.close());

const SUSPEND_MS = 2000;
const REQUEST_TIMEOUT_MS = 1000;
/** Long enough for several held pulls per queue (each comes back 2 to 7 s after it is sent). */
const IDLE_MS = 16_000;

s("idle queues: held pulls come back from the broker, none times out", async () => {
  assert.ok(pullTimeoutMs(SUSPEND_MS, REQUEST_TIMEOUT_MS) > SUSPEND_MS + 5000, "room for the broker's 5 s hold check");
  const topic = await freshTopic(client, "src_idle", 2);
  const logs: SourceLogEntry[] = [];
  const source = utf8Source(topic, group(), {
    options: { longPollingMs: SUSPEND_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS },
    onLog: (entry) => logs.push(entry),
  }).setStartFromLatest();
  const reader = source.getReader();
  const read = reader.read();
  try {
    await sleep(IDLE_MS);
    const warnings = logs.filter((l) => l.level === "warn").map((l) => l.message);
    assert.equal(warnings, [], warnings.join("\n"));
    // the pulls were made and answered (NO_NEW_MSG), not merely never sent
    assert.ok(source.stats.pulls >= 4, `only ${source.stats.pulls} pulls answered in ${IDLE_MS} ms over 2 queues`);
  } finally {
    await reader.cancel();
    await read.catch(() => undefined);
  }
});

s.run();
