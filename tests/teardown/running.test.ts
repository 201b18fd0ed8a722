/**
 * Clean teardown after real work, against the shared broker: a source, a
 * remoting sink, a gRPC sink and a checkpointed pipeline each run in a child
 * process (running-child.ts) until they have read, sent or checkpointed
 * something, then stop by cancel, abort, a clean end or an error in the
 * middle of the stream. The child must report that outcome and then exit by
 * itself: a socket or timer of ours left open would keep it alive.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runUntilExit } from "./exit-check.ts";
import { freshTopic, newClient, produce, queueOf } from "../readable/helpers.ts";

const s = suite("teardown/running then stopped (broker)");
const client = newClient();
s.after(() => client.close());
/** From the outcome to the exit: unregistering takes a few round trips; the rest is room for a shared machine. */
const EXIT_AFTER_OUTCOME_MS = 20_000;

interface Outcome { readonly read?: number; readonly written?: number; readonly epochs?: number; readonly error?: { name?: string; code?: string } }

async function scenario(target: string, stop: string, topic: string): Promise<string | undefined> {
  const env = { TEARDOWN_TARGET: target, TEARDOWN_STOP: stop, TEARDOWN_TOPIC: topic };
  const { exit, outcome: line, handles, stderr } = await runUntilExit("tests/teardown/running-child.ts", env, EXIT_AFTER_OUTCOME_MS);
  const where = `${target} / ${stop}`;
  if (exit === "did not exit") return `${where}: still running ${EXIT_AFTER_OUTCOME_MS} ms after its outcome ${handles}; outcome ${line}`;
  if (exit !== 0 || line === undefined) return `${where}: exit ${exit}: ${stderr.slice(-600)}`;
  const o = JSON.parse(line) as Outcome;
  // a pipeline may fail on the bad message before its first epoch completes
  const worked = target === "source" ? (o.read ?? 0) >= 10 : target === "pipeline" ? (o.epochs ?? 0) >= 1 || stop === "error" : (o.written ?? 0) === 10;
  if (!worked) return `${where}: did no real work before stopping: ${line}`;
  if (stop === "error" && o.error?.code !== "DECODE_FAILED") return `${where}: expected DECODE_FAILED, got ${line}`;
  if (stop !== "error" && stop !== "abort" && o.error !== undefined) return `${where}: unexpected error ${line}`;
  return undefined;
}

s("source, sinks and a checkpointed pipeline stop after real work, and their processes exit by themselves", async () => {
  const good = await freshTopic(client, "teardown_good", 1);
  const poisoned = await freshTopic(client, "teardown_poison", 1);
  await produce(client, queueOf(good, 0), 10);
  await produce(client, queueOf(poisoned, 0), 10);
  await client.send(queueOf(poisoned, 0), { body: new Uint8Array([0xff]) }, { producerGroup: "teardown_producer" });
  const runs: Array<readonly [string, string, string]> = [
    ["source", "cancel", good], ["source", "abort", good], ["source", "error", poisoned],
    ["sink-remoting", "end", good], ["sink-remoting", "abort", good],
    ["sink-grpc", "end", good], ["sink-grpc", "abort", good],
    ["pipeline", "abort", good], ["pipeline", "error", poisoned],
  ];
  const problems: string[] = [];
  // three at a time: the machine is shared
  for (let i = 0; i < runs.length; i += 3) {
    const batch = await Promise.all(runs.slice(i, i + 3).map(([target, stop, topic]) => scenario(target, stop, topic)));
    problems.push(...batch.filter((p): p is string => p !== undefined));
  }
  assert.equal(problems, [], problems.join("\n"));
});

s.run();
