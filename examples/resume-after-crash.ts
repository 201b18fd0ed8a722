/**
 * Resuming after a crash. The program runs a checkpointed pipeline twice, as
 * child processes: the first is killed with SIGKILL in the middle of the
 * stream; the second, with the same pipeline id and FileOffsetStore, resumes
 * from the last completed checkpoint (its start strategy is ignored). Then it
 * checks the guarantee on the output topic: no input record is missing, and
 * the only duplicates are records after that checkpoint.
 *
 *   node examples/resume-after-crash.ts      (also: deno run -A, bun)
 *
 * env: ROCKETMQ_NAMESRV (default 127.0.0.1:9876). Creates its own topics.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  checkpoint,
  createMessageSink,
  FileOffsetStore,
  map,
  mapAsync,
  queueKey,
  RemotingClient,
  RocketMQSource,
  Utf8DeserializationSchema,
  type SourceRecord,
} from "../mod.ts";
import { endOffsets, ensureTopic, fillTopic, readTopic } from "./lib/sample-data.ts";

const namesrv = process.env.ROCKETMQ_NAMESRV || "127.0.0.1:9876";
const PIPELINE_ID = "resume-example";
const encoder = new TextEncoder();

/** One run of the pipeline: input -> slow processing -> output, checkpointed into STATE_DIR. */
async function worker(env: Record<string, string | undefined>): Promise<void> {
  const crashAfter = Number(env.CRASH_AFTER ?? 0);
  const client = new RemotingClient({ nameServerAddress: namesrv });
  const end = new Map([...await endOffsets(client, env.IN_TOPIC!)].map(([mq, o]) => [queueKey(mq), o]));
  await client.close();

  const cp = checkpoint({ pipelineId: PIPELINE_ID, intervalMs: 300, store: new FileOffsetStore(env.STATE_DIR!) });
  const stop = new AbortController();
  const source = new RocketMQSource({
    schema: Utf8DeserializationSchema,
    options: { "nameserver.address": namesrv, "consumer.group": env.GROUP!, "consumer.topic": env.IN_TOPIC! },
    checkpoint: cp,
    signal: stop.signal,
  }).setStartFromEarliest(); // used only when the store holds no checkpoint of this pipeline
  const sink = createMessageSink({ "nameserver.address": namesrv }).withAsync(true);

  void (async () => {
    for await (const c of cp.completions()) {
      console.log(`  checkpoint ${c.epoch} completed: ${c.records} records`);
      if ([...end].every(([key, offset]) => (c.offsets.get(key) ?? 0) >= offset)) stop.abort(); // all input done
    }
  })();

  let processed = 0;
  await source
    .pipeThrough(cp.stream())
    .pipeThrough(mapAsync(async (r: SourceRecord<string>) => {
      // the crash, 100 ms after the 120th record (while later ones are in flight): no cleanup at all
      if (++processed === crashAfter) setTimeout(() => process.kill(process.pid, "SIGKILL"), 100);
      await new Promise((resolve) => setTimeout(resolve, 5)); // some work per record
      return `${r.queueId}:${r.queueOffset}:${r.value}`;
    }))
    .pipeThrough(map((line: string) => ({ topic: env.OUT_TOPIC!, body: encoder.encode(line) })))
    .pipeTo(cp.sink(sink));
}

/** Runs this file as a worker under the same runtime; resolves with how it ended. */
function runWorker(env: Record<string, string>): Promise<string> {
  const self = fileURLToPath(import.meta.url);
  const args = "Deno" in globalThis ? ["run", "-A", "--no-lock", self, "worker"] : [self, "worker"];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit"] });
  return new Promise((resolve) => child.on("close", (code, signal) => resolve(signal ?? `exit ${code}`)));
}

async function main(): Promise<void> {
  const run = Date.now().toString(36);
  const env = { IN_TOPIC: `example-resume-in-${run}`, OUT_TOPIC: `example-resume-out-${run}`, GROUP: `example-resume-${run}`, STATE_DIR: mkdtempSync(join(tmpdir(), "resume-example-")) };
  const client = new RemotingClient({ nameServerAddress: namesrv });
  await ensureTopic(client, env.IN_TOPIC, 2);
  await ensureTopic(client, env.OUT_TOPIC, 2);
  const count = 200;
  await fillTopic(namesrv, env.IN_TOPIC, Array.from({ length: count }, (_, i) => ({ id: `k${i}`, address: `m-${i}`, province: "" })));

  console.log("worker 1: runs until it is killed after 120 records");
  console.log(`worker 1 ended: ${await runWorker({ ...env, CRASH_AFTER: "120" })}`);
  const snapshot = await new FileOffsetStore(env.STATE_DIR).load(PIPELINE_ID);
  console.log(snapshot
    ? `last completed checkpoint: epoch ${snapshot.epoch}, next offsets ${JSON.stringify(snapshot.offsets)}`
    : "no checkpoint completed before the crash: worker 2 starts over (start strategy)");

  console.log("worker 2: same pipeline id and store");
  console.log(`worker 2 ended: ${await runWorker(env)}`);

  const seen = new Map<string, number>();
  let duplicatesAfterCheckpoint = 0, duplicatesBefore = 0;
  for (const m of await readTopic(client, env.OUT_TOPIC)) {
    const [queueId, offset] = m.text.split(":");
    const id = `${queueId}:${offset}`;
    const times = (seen.get(id) ?? 0) + 1;
    seen.set(id, times);
    if (times === 2) {
      const checkpointed = Object.entries(snapshot?.offsets ?? {}).find(([key]) => key.endsWith(`@${queueId}`))?.[1] ?? 0;
      if (Number(offset) >= checkpointed) duplicatesAfterCheckpoint++;
      else duplicatesBefore++;
    }
  }
  await client.close();
  rmSync(env.STATE_DIR, { recursive: true, force: true });
  console.log(`output: ${seen.size} of ${count} input records, ${duplicatesAfterCheckpoint} duplicated after the checkpoint, ${duplicatesBefore} before it`);
  const ok = seen.size === count && duplicatesBefore === 0;
  console.log(ok ? "guarantee held: nothing lost, duplicates only after the last completed checkpoint" : "GUARANTEE VIOLATED");
  if (!ok) process.exitCode = 1;
}

if (import.meta.main) {
  if (process.argv[2] === "worker") await worker(process.env);
  else await main();
}
