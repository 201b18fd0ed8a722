/**
 * The small examples (examples/*.ts besides the seed pipeline) run unchanged
 * as child processes on the runtime executing this suite (`npm test` runs it
 * on Node, Deno and Bun in turn) against the real broker; each must exit 0
 * and print what its header promises.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { cluster } from "../fixture/broker.ts";
import { currentRuntime, exitWithin, run } from "./helpers.ts";

const s = suite(`docs: examples on ${currentRuntime()} (broker)`);

async function runExample(file: string): Promise<string> {
  const child = run(currentRuntime(), file, { ROCKETMQ_NAMESRV: cluster().namesrv });
  const code = await exitWithin(child, 120_000);
  const { stdout, stderr } = child.output();
  assert.is(code, 0, `${file} exited ${code}\n${stdout}\n${stderr}`);
  return stdout;
}

s("start-strategies.ts: each strategy starts where the table says", async () => {
  const out = await runExample("examples/start-strategies.ts");
  assert.equal(out.trim().split("\n").map((l) => l.replace(/\s+/g, " ")), [
    "earliest first offset 0, value m-0",
    "timestamp first offset 5, value m-5",
    "specific offset first offset 7, value m-7",
    "group offsets first offset 4, value m-4",
    "latest first offset 10, value m-10",
  ]);
});

s("json-io-ts.ts: the sink refuses a non-Order, the source decodes Orders and skips the bad body", async () => {
  const out = await runExample("examples/json-io-ts.ts");
  assert.match(out, /refused by the sink: ENCODE_FAILED .*value: expected \{ id: string, amount: number, items: Array<string> \}/);
  assert.match(out, /order o-1: 12\.50 for tea\norder o-2: 40\.00 for rice, soy sauce\norder o-5: 3\.00 for \(no items\)\nskipped 1 record/);
});

s("topic-selector.ts: hot readings go to the alerts topic with tag hot, the rest to events with tag info", async () => {
  const out = await runExample("examples/topic-selector.ts");
  assert.equal(out.trim().split("\n"), [
    "alerts: roof=31.5 [hot], boiler=74 [hot]",
    "events: hall=21 [info], lab=19.5 [info]",
  ]);
});

s("async-sink.ts: 2000 records acknowledged and stored", async () => {
  const out = await runExample("examples/async-sink.ts");
  assert.match(out, /acknowledged 2000 of 2000, 0 pending/);
  assert.match(out, /the broker holds 2000 messages/);
});

s("resume-after-crash.ts: the killed worker's successor resumes; nothing lost, duplicates only after the checkpoint", async () => {
  const out = await runExample("examples/resume-after-crash.ts");
  assert.match(out, /worker 1 ended: SIGKILL/);
  assert.match(out, /worker 2 ended: exit 0/);
  assert.match(out, /output: 200 of 200 input records, \d+ duplicated after the checkpoint, 0 before it/);
  assert.match(out, /guarantee held/);
});

s.run();
