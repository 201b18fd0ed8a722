/**
 * The soak: a checkpointed pipeline (RocketMQSource -> checkpoint -> map ->
 * RocketMQSink in batch mode to another topic, FileOffsetStore) drains
 * 200,000 messages while its broker is SIGKILLed and restarted 5 times, its
 * name server SIGKILLed and restarted 3 times, and the broker SIGSTOPped
 * once for 20 s, at seeded random moments (OUTAGE_SEED). It must finish
 * with no restart by the test: every message in the output, duplicates only
 * after the last epoch completed before an outage, none stored more than
 * twice. Prints the figures and the wall time. The flow is paced at 1,500
 * messages a second (a batch sink drains 200,000 small messages in about a
 * minute here, faster than the outages can be staged).
 *
 * Starts its own name server and broker (tests/slow/outage-rig.ts; ports
 * OUTAGE_NAMESRV_PORT 51876, OUTAGE_BROKER_PORT 52911). Several minutes:
 * every restart of a JVM takes 20-60 s on the shared 2-core machine.
 * Run: node tests/slow/outage-soak.test.ts
 */
import { setTimeout as sleep } from "node:timers/promises";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { prng } from "../fixture/prng.ts";
import { type Outage, runOutagePipeline } from "./outage-pipeline.ts";
import { rig, rigLog } from "./outage-rig.ts";

const TOTAL = Number(process.env.OUTAGE_SOAK_TOTAL ?? 200_000);
const SEED = Number(process.env.OUTAGE_SEED ?? 20261207);
const PAUSE_MS = 20_000;
const s = suite("outage soak: broker and name server killed, restarted and paused under a checkpointed pipeline");

/** The schedule: which outages, in a seeded order, at seeded shares of the drain. */
function schedule(rand: () => number): Outage[] {
  const down = () => 500 + Math.floor(rand() * 2500);
  const kinds = [...Array<string>(5).fill("broker"), ...Array<string>(3).fill("namesrv"), "pause"];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  // all within the first 60% of the drain: a name server outage does not stop the flow, so the
  // schedule must leave room for the drain to outlast the outages that come after one
  const shares = kinds.map(() => 0.03 + rand() * 0.57).sort((a, b) => a - b);
  return kinds.map((kind, i): Outage => {
    const ms = down();
    if (kind === "pause") {
      return { atShare: shares[i]!, label: `broker SIGSTOP for ${PAUSE_MS} ms`, run: async () => {
        rig.pause();
        try {
          await sleep(PAUSE_MS);
        } finally {
          rig.resume();
        }
      } };
    }
    const jvm = kind as "broker" | "namesrv";
    return { atShare: shares[i]!, label: `${jvm} SIGKILL, restarted ${ms} ms later`, background: jvm === "namesrv", run: async () => {
      await rig.kill(jvm);
      await sleep(ms);
      await rig.restart(jvm);
    } };
  });
}

s(`${TOTAL} messages, 5 broker kills, 3 name server kills, one 20 s pause (seed ${SEED})`, async () => {
  const wall = Date.now();
  await rig.start();
  try {
    const outages = schedule(prng(SEED));
    const figures = await runOutagePipeline({ total: TOTAL, queues: 4, sinkMode: "batch", ratePerSecond: 1500, guardMs: 1_200_000, outages });
    const { logs: _logs, ...numbers } = figures;
    rigLog(`figures: ${JSON.stringify({ ...numbers, wallMs: Date.now() - wall })}`);
    assert.is(figures.outages, outages.length, "every scheduled outage happened during the drain");
    assert.is(figures.missing, 0, "every message is in the output");
    assert.is(figures.distinct, TOTAL);
    assert.ok(figures.maxCopies <= 2, `a message was stored ${figures.maxCopies} times`);
    assert.is(figures.duplicatesBeforeEpoch, 0, "duplicates only after the last epoch completed before an outage");
  } finally {
    await rig.stop();
    rigLog(`wall time ${((Date.now() - wall) / 1000).toFixed(1)} s`);
  }
});

s.run();
