/**
 * Interop of group membership: a Java DefaultLitePullConsumer (the rocketmq-client
 * jar the broker ships with, run as a single-file Java program) and the toolkit's
 * source join one consumer group. They must agree on the average allocation: each
 * reads its own half of the 8 queues, and together they read every message once.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { SourceRecord } from "../../src/readable/source-record.ts";
import { cluster } from "../fixture/broker.ts";
import { freshTopic, group, newClient, produceSpread, sleep, utf8Source } from "./helpers.ts";

const s = suite("readable/java group member (broker)");
const client = newClient();
s.after(() => client.close());

const javaSource = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..", "fixture", "java", "LitePullGroupMember.java");

interface JavaMember {
  readonly child: ChildProcess;
  /** The queue ids of its latest assignment, as it printed them. */
  assigned: string[];
  readonly messages: string[];
  readonly output: string[];
  started: boolean;
  exited: Promise<number | null>;
}

function startJavaMember(group: string, topic: string): JavaMember {
  const cp = process.env.ROCKETMQ_CLASSPATH;
  if (!cp) throw new Error("ROCKETMQ_CLASSPATH is not set: run through `npm test`");
  const child = spawn("java", ["-Xmx128m", `-Duser.home=${join(tmpdir(), "rocketmq-webstreams-java-member")}`, "-cp", cp, javaSource,
    cluster().namesrv, group, topic], { stdio: ["pipe", "pipe", "pipe"] });
  const member: JavaMember = {
    child, assigned: [], messages: [], output: [], started: false,
    exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))),
  };
  let partial = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (text: string) => {
    const lines = (partial + text).split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith("MSG ")) member.messages.push(line);
      else {
        member.output.push(line);
        if (line.startsWith("STARTED ")) member.started = true;
        if (line.startsWith("ASSIGNED")) member.assigned = line.slice("ASSIGNED".length).trim().split(",").filter(Boolean);
      }
    }
  });
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (text: string) => member.output.push(text));
  return member;
}

async function until(pred: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await sleep(100);
  }
}

s("a Java lite pull consumer and the source share one group: 4 queues each, every message read once", async () => {
  const topic = await freshTopic(client, "src_javagrp", 8);
  const g = group();
  const java = startJavaMember(g, topic);
  const stop = new AbortController();
  const ours: SourceRecord<string>[] = [];
  let reading: Promise<void> | undefined;
  try {
    await until(() => java.started, 60_000, () => `the Java member to start: ${java.output.join("\n")}`);
    const source = utf8Source(topic, g, { signal: stop.signal, options: { "consumer.offset.persist.interval": 1000 } })
      .setStartFromGroupOffsets("EARLIEST");
    reading = source.pipeTo(new WritableStream({ write: (batch) => void ours.push(...batch.records) }));
    const mine = () => [...source.assignment().values()].flat().map((q) => String(q.queueId)).sort();
    // both sides rebalance on the broker's "consumer ids changed" notice and on their timers
    await until(() => {
      const a = mine(), b = java.assigned;
      return a.length === 4 && b.length === 4 && new Set([...a, ...b]).size === 8;
    }, 60_000, () => `a 4/4 split: ours ${mine()}, java ${java.assigned}`);
    const javaQueues = new Set(java.assigned);

    const N = 4000;
    await produceSpread(client, topic, N, 16);
    const keys = () => [...ours.map((r) => `${r.queueId}:${r.queueOffset}`), ...java.messages.map((m) => m.split(" ").slice(1, 3).join(":"))];
    await until(() => new Set(keys()).size >= N, 60_000, () => `${N} messages: ours ${ours.length}, java ${java.messages.length}`);
    await sleep(500); // a duplicate arriving late would show here
    const all = keys();
    assert.is(new Set(all).size, N, "every message read");
    assert.is(all.length, N, "and only once");
    assert.ok(ours.length > 0 && java.messages.length > 0, `both read: ours ${ours.length}, java ${java.messages.length}`);
    assert.ok(ours.every((r) => !javaQueues.has(String(r.queueId))), "the source read none of the Java member's queues");
    assert.ok(java.messages.every((m) => javaQueues.has(m.split(" ")[1]!)), "the Java member read only its own queues");
    console.log(`    java member: ${java.messages.length} messages from queues ${[...javaQueues]}; source: ${ours.length} from ${mine()}`);
  } finally {
    stop.abort();
    await reading?.catch(() => undefined);
    java.child.stdin!.end("stop\n");
    const killer = setTimeout(() => java.child.kill("SIGKILL"), 20_000);
    await java.exited;
    clearTimeout(killer);
  }
});

s.run();
