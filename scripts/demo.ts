/**
 * `npm run demo`: the seed's pipeline end to end, in one command.
 *
 * 1. Finds or starts a RocketMQ (scripts/broker.ts: existing cluster, local
 *    broker, Docker, or the local JVM broker from Maven Central).
 * 2. Creates flink-source2 and flink-sink2 (4 queues each) and fills
 *    flink-source2 with sample `{id, address}` rows of this run.
 * 3. Runs examples/seed-pipeline.ts's pipeline (parallelism 2, checkpoints
 *    every 3 s, batch flush on checkpoint) from the offsets where this run's
 *    rows begin, with a fresh consumer group, showing live progress.
 * 4. Stops it once a completed checkpoint covers every row, prints a
 *    summary, reads flink-sink2 back from where it ended before the run and
 *    checks every row arrived transformed. Exits 0 only then.
 *
 * env: DEMO_ROWS (default 3000), DEMO_TIMEOUT_MS (default 300000), and the
 * broker variables of scripts/broker.ts (ROCKETMQ_NAMESRV, ...).
 */
import { randomBytes } from "node:crypto";
import { ensureBroker } from "./broker.ts";
import { queueKey, RemotingClient, StartFrom, OffsetResetStrategy, type EpochCompleted, type MessageQueue } from "../mod.ts";
import { runSeedPipeline } from "../examples/seed-pipeline.ts";
import { endOffsets, ensureTopic, fillTopic, readTopic, sampleRows, verifyOutput } from "../examples/lib/sample-data.ts";

const ROWS = Number(process.env.DEMO_ROWS ?? 3000);
const TIMEOUT_MS = Number(process.env.DEMO_TIMEOUT_MS ?? 300_000);
const SOURCE_TOPIC = "flink-source2";
const SINK_TOPIC = "flink-sink2";
const QUEUES = 4;
const tty = process.stdout.isTTY === true;
const started = Date.now();

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const say = (line: string) => console.log(line);

// ---------------------------------------------------------------------------
// 1. broker and topics

say(`rocketmq-webstreams demo: ${ROWS} rows through the seed pipeline (${SOURCE_TOPIC} -> ${SINK_TOPIC})`);
const broker = await ensureBroker();
say(`broker: ${broker.kind}, name server ${broker.namesrv} (${seconds(Date.now() - started)})`);
const client = new RemotingClient({ nameServerAddress: broker.namesrv, requestTimeoutMs: 10_000 });
await ensureTopic(client, SOURCE_TOPIC, QUEUES);
await ensureTopic(client, SINK_TOPIC, QUEUES);

const runId = `demo-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
const sourceBefore = await endOffsets(client, SOURCE_TOPIC);
const sinkBefore = await endOffsets(client, SINK_TOPIC);

// ---------------------------------------------------------------------------
// 2. sample rows

const rows = sampleRows(runId, ROWS, Date.now() & 0x7fffffff);
const fillStart = Date.now();
await fillTopic(broker.namesrv, SOURCE_TOPIC, rows, (sent) => {
  if (tty) process.stdout.write(`\rfilling ${SOURCE_TOPIC}: ${sent}/${ROWS}`);
});
if (tty) process.stdout.write("\n");
const sourceAfter = await endOffsets(client, SOURCE_TOPIC);
const fillMs = Date.now() - fillStart;
say(`filled ${SOURCE_TOPIC} with ${ROWS} rows of run ${runId} in ${seconds(fillMs)}, e.g. ${JSON.stringify({ id: rows[0]!.id, address: rows[0]!.address })}`);

// ---------------------------------------------------------------------------
// 3. the pipeline, from where this run's rows begin

const queues = [...sourceAfter.keys()].sort((a, b) => a.queueId - b.queueId);
// endOffsets() returns fresh queue objects on every call: index by queue key
const byKey = (offsets: Map<MessageQueue, number>) => new Map([...offsets].map(([mq, o]) => [queueKey(mq), o]));
const startAt = byKey(sourceBefore), endAt = byKey(sourceAfter);
const stop = new AbortController();
process.once("SIGINT", () => stop.abort());
const pipelineStart = Date.now();
const { source, sink, cp, done } = runSeedPipeline({
  namesrv: broker.namesrv,
  sourceTopic: SOURCE_TOPIC,
  sinkTopic: SINK_TOPIC,
  group: `${runId}-group`,
  pipelineId: runId,
  intervalMs: 3000,
  parallelism: 2,
  start: StartFrom.specificOffsets(sourceBefore, OffsetResetStrategy.EARLIEST),
}, stop.signal);

let failure: unknown;
const finished = done.then(() => undefined, (error: unknown) => void (failure = error));

const completed: EpochCompleted[] = [];
void (async () => {
  for await (const c of cp.completions()) completed.push(c);
})();

/** Every queue's checkpointed offset has reached the end of this run's rows. */
const allCheckpointed = () => {
  const last = completed.at(-1);
  return last !== undefined && queues.every((mq) => (last.offsets.get(queueKey(mq)) ?? 0) >= endAt.get(queueKey(mq))!);
};

// ---------------------------------------------------------------------------
// live progress

let previous = { at: pipelineStart, in: 0, out: 0 };
let drawn = 0;
let lastPlain = 0;
let peakIn = 0;

async function progress(final = false): Promise<void> {
  const now = Date.now();
  const inCount = source.stats.emittedMessages, outCount = sink.stats.acknowledged;
  const dt = Math.max(1, now - previous.at) / 1000;
  const inRate = (inCount - previous.in) / dt, outRate = (outCount - previous.out) / dt;
  peakIn = Math.max(peakIn, inRate);
  previous = { at: now, in: inCount, out: outCount };
  const last = completed.at(-1);
  const lags: string[] = [];
  for (const mq of queues) {
    const max = await client.getMaxOffset(mq).catch(() => endAt.get(queueKey(mq))!);
    const checkpointed = last?.offsets.get(queueKey(mq)) ?? startAt.get(queueKey(mq))!;
    lags.push(`q${mq.queueId} ${Math.max(0, max - checkpointed)}`);
  }
  const epochs = last ? `${completed.length} (last: epoch ${last.epoch}, ${last.records} records, ${last.durationMs} ms)` : "0";
  const lines = [
    `pipeline ${seconds(now - pipelineStart)}`,
    `  in   ${String(inCount).padStart(6)} records  ${inRate.toFixed(0).padStart(6)}/s`,
    `  out  ${String(outCount).padStart(6)} acked    ${outRate.toFixed(0).padStart(6)}/s`,
    `  lag behind checkpoint per queue: ${lags.join("  ")}`,
    `  checkpoints completed: ${epochs}`,
  ];
  if (tty) {
    process.stdout.write(`${drawn > 0 ? `\x1b[${drawn}A\x1b[J` : ""}${lines.join("\n")}\n`);
    drawn = lines.length;
  } else if (final || now - lastPlain >= 2000) {
    lastPlain = now;
    say(`[${seconds(now - pipelineStart)}] in ${inCount} (${inRate.toFixed(0)}/s) out ${outCount} (${outRate.toFixed(0)}/s) lag ${lags.join(" ")} checkpoints ${completed.length}`);
  }
}

let timedOut = false;
while (failure === undefined && !stop.signal.aborted) {
  await Promise.race([finished, new Promise((r) => setTimeout(r, tty ? 500 : 1000))]);
  await progress();
  if (allCheckpointed()) break;
  if (Date.now() - pipelineStart > TIMEOUT_MS) {
    timedOut = true;
    break;
  }
}
stop.abort(); // the source ends; a last checkpoint flushes the sink and commits
await finished;
const pipelineMs = Date.now() - pipelineStart;
await progress(true);

// ---------------------------------------------------------------------------
// 4. summary and verification

say("");
say("summary");
say(`  rows produced      ${ROWS} (fill ${seconds(fillMs)}, ${(ROWS / (fillMs / 1000)).toFixed(0)}/s)`);
say(`  pipeline           ${seconds(pipelineMs)}: ${source.stats.emittedMessages} records in, ${sink.stats.acknowledged} messages acknowledged, ${(source.stats.emittedMessages / (pipelineMs / 1000)).toFixed(0)} records/s on average (peak ${peakIn.toFixed(0)}/s)`);
say(`  checkpoints        ${completed.length} completed${completed.length ? `, epoch ${completed[0]!.epoch}..${completed.at(-1)!.epoch}, slowest ${Math.max(...completed.map((c) => c.durationMs))} ms` : ""}`);
if (failure !== undefined) say(`  pipeline FAILED:   ${failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure)}`);
if (timedOut) say(`  TIMED OUT after ${seconds(TIMEOUT_MS)} (DEMO_TIMEOUT_MS)`);

const output = await readTopic(client, SINK_TOPIC, sinkBefore);
const v = verifyOutput(rows, output, runId);
say("");
say(`verification: ${SINK_TOPIC} since the run began holds ${output.length} messages`);
say(`  rows of this run   ${v.received} (${v.distinct} distinct of ${v.expected}, ${v.duplicates} duplicates)`);
say(`  missing            ${v.missing.length}${v.missing.length ? ` e.g. ${v.missing.slice(0, 3).join(", ")}` : ""}`);
say(`  wrongly transformed ${v.wrong.length}${v.wrong.length ? ` e.g. ${JSON.stringify(v.wrong[0])}` : ""}`);
say(`  other messages     ${v.foreign}`);
for (const { input, output: out } of v.samples) say(`  sample  ${JSON.stringify(input.address)}  ->  ${out}`);

await client.close();
const ok = failure === undefined && !timedOut && v.missing.length === 0 && v.wrong.length === 0 && v.distinct === ROWS;
say("");
say(ok
  ? `OK: all ${ROWS} rows arrived transformed (${seconds(Date.now() - started)} in all)`
  : `FAILED: not every row arrived transformed (${seconds(Date.now() - started)} in all)`);
process.exit(ok ? 0 : 1);
