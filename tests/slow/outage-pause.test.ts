/**
 * A paused broker does not multiply messages. An async remoting sink with
 * the default options (retryTimes 3, sendTimeoutMs 3000 as the budget of a
 * send, maxOutageMs 3 min) writes while its broker is SIGSTOPped for 30 s:
 * the sends on the wire time out and sit in the broker's socket, the sink
 * holds them, probes, and sends them again once the broker answers. Reading
 * the topic back, every message is there and none is stored more than twice
 * (the bound README states). Before the send budget, each of those messages
 * was stored 1 + retryTimes = 4 times.
 *
 * Starts its own name server and broker (tests/slow/outage-rig.ts; ports
 * OUTAGE_NAMESRV_PORT 51876, OUTAGE_BROKER_PORT 52911). About 2 minutes.
 * Run: node tests/slow/outage-pause.test.ts
 */
import { setTimeout as sleep } from "node:timers/promises";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createMessageSink } from "../../src/writable/create-sink.ts";
import type { OutgoingMessage } from "../../src/writable/outgoing-message.ts";
import { randomName } from "../fixture/broker.ts";
import { readTopicWithSource } from "../writable/source-readback.ts";
import { createTopic, NAMESRV, rig, rigLog } from "./outage-rig.ts";

const TOTAL = 4000;
const PAUSE_AT = 1000;
const PAUSE_MS = Number(process.env.OUTAGE_PAUSE_MS ?? 30_000);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const s = suite("outage: broker paused under an async sink");

s(`SIGSTOP for ${PAUSE_MS / 1000} s: every message stored, none more than twice`, async () => {
  await rig.start();
  let paused = false;
  try {
    const topic = randomName("outage_pause");
    await createTopic(topic, 4);
    const logs: string[] = [];
    const sink = createMessageSink({ "nameserver.address": NAMESRV }, {
      onLog: (e) => {
        logs.push(`${e.level}: ${e.message}`);
        rigLog(`sink ${e.level}: ${e.message}`);
      },
    }).withAsync(true);
    const message = (i: number): OutgoingMessage => ({ topic, body: encoder.encode(String(i)) });
    const pausing = (async () => {
      while (sink.stats.acknowledged < PAUSE_AT) await sleep(10);
      rig.pause();
      paused = true;
      rigLog(`broker SIGSTOPped at ${sink.stats.acknowledged} acknowledged, ${sink.stats.unacknowledged} in flight`);
      await sleep(PAUSE_MS);
      rig.resume();
      paused = false;
      rigLog("broker SIGCONTed");
    })();
    for (let i = 0; i < TOTAL; i += 50) {
      await sink.write(Array.from({ length: 50 }, (_, j) => message(i + j)));
      // a steady writer rather than a burst, so the pause finds sends on the wire
      await sleep(5);
    }
    await pausing;
    await sink.close();
    const stats = sink.stats;
    const records = await readTopicWithSource(NAMESRV, topic, 180_000);
    const copies = new Map<number, number>();
    for (const r of records) {
      const id = Number(decoder.decode(r.value));
      copies.set(id, (copies.get(id) ?? 0) + 1);
    }
    const counts = [...copies.values()];
    const maxCopies = Math.max(...counts);
    const twice = counts.filter((n) => n === 2).length;
    rigLog(`figures: ${JSON.stringify({ written: TOTAL, stored: records.length, distinct: copies.size, maxCopies,
      storedTwice: twice, duplicates: records.length - copies.size, outages: stats.outages, resent: stats.resent })}`);
    assert.is(copies.size, TOTAL, "every message is stored");
    for (let i = 0; i < TOTAL; i++) assert.ok(copies.has(i), `message ${i} is missing`);
    assert.ok(maxCopies <= 2, `a message was stored ${maxCopies} times`);
    assert.ok(stats.outages >= 1, "the sink saw the pause as an outage");
    assert.ok(logs.some((l) => /^warn: .*unreachable since/.test(l)) && logs.some((l) => /^info: .*reachable again after/.test(l)));
  } finally {
    if (paused) rig.resume();
    await rig.stop();
  }
});

s.run();
