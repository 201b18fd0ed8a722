/**
 * examples/seed-pipeline.ts, unchanged, as a child process on Node, Deno and
 * Bun against the real broker: fresh topics filled with sample rows, the
 * program started with env overrides only, stopped with SIGINT once the
 * output topic holds as many messages as went in; then it must exit 0, every
 * input row must be in the output exactly once and transformed.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RemotingClient } from "../../mod.ts";
import { endOffsets, ensureTopic, fillTopic, readTopic, sampleRows, verifyOutput } from "../../examples/lib/sample-data.ts";
import { cluster, randomName } from "../fixture/broker.ts";
import { exitWithin, run, RUNTIMES, type RuntimeName, signal, sleep } from "./helpers.ts";

const N = Number(process.env.DOCS_SEED_ROWS ?? 300);
const s = suite("docs: examples/seed-pipeline.ts on node, deno and bun (broker)");
const client = new RemotingClient({ nameServerAddress: cluster().namesrv, requestTimeoutMs: 10_000 });
s.after(() => client.close());

const total = (offsets: Map<unknown, number>) => [...offsets.values()].reduce((a, b) => a + b, 0);

for (const runtime of Object.keys(RUNTIMES) as RuntimeName[]) {
  s(`${runtime}: ${N} rows from the source topic arrive transformed in the sink topic; SIGINT ends it cleanly`, async () => {
    const runId = randomName("seed");
    const sourceTopic = `${runId}_src`, sinkTopic = `${runId}_sink`, group = `${runId}_g`;
    await ensureTopic(client, sourceTopic, 4);
    await ensureTopic(client, sinkTopic, 4);
    const rows = sampleRows(runId, N);
    await fillTopic(cluster().namesrv, sourceTopic, rows);
    const child = run(runtime, "examples/seed-pipeline.ts", {
      ROCKETMQ_NAMESRV: cluster().namesrv,
      SOURCE_TOPIC: sourceTopic,
      SINK_TOPIC: sinkTopic,
      CONSUMER_GROUP: group,
      PIPELINE_ID: runId,
      START: "earliest",
    });
    try {
      // wait (at most 2 min) until as many messages are in the sink topic as went in
      for (let i = 0; i < 240 && child.running(); i++) {
        if (total(await endOffsets(client, sinkTopic)) >= N) break;
        await sleep(500);
      }
      assert.ok(child.running(), `the pipeline exited early:\n${child.output().stderr}`);
      signal(child, "SIGINT");
      const code = await exitWithin(child, 60_000);
      const { stderr } = child.output();
      assert.is(code, 0, stderr);
      assert.match(stderr, new RegExp(`stopped: ${N} records read, ${N} messages acknowledged`), stderr);
      assert.match(stderr, /checkpoint \d+: \d+ records/, stderr);

      const result = verifyOutput(rows, await readTopic(client, sinkTopic), runId);
      assert.equal(result.missing, [], `${result.missing.length} rows missing`);
      assert.equal(result.wrong.slice(0, 3), [], `${result.wrong.length} rows transformed wrongly`);
      assert.is(result.foreign, 0, "messages that are not this run's rows");
      assert.is(result.received, N, "each row exactly once in a clean run");

      // the last checkpoint (injected when the source ended) is committed to the broker too:
      // the group's offsets reach the ends of the input queues
      const ends = await endOffsets(client, sourceTopic);
      for (const [mq, end] of ends) {
        assert.is(await client.queryConsumerOffset(group, mq), end, `committed offset of queue ${mq.queueId}`);
      }
    } finally {
      if (child.running()) {
        signal(child, "SIGKILL");
        await child.exited;
      }
    }
  });
}

s.run();
