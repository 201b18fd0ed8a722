/**
 * Crash test (issue 7, DESIGN §4 and §7): a child process runs a
 * checkpointed pipeline RocketMQSource -> map -> file sink over 50,000
 * messages (tests/slow/crash-child.ts) and is killed with SIGKILL at random
 * moments (seeded), at least 20 times, and restarted each time from its
 * FileOffsetStore; a last run drains the rest and ends cleanly. Each run picks
 * (seeded) the project's FileLinesSink or a write-through sink that leaves
 * lines of the open epoch, and sometimes half a line, in the file at a kill.
 *
 * After each kill the parent cuts a half-written last line off the output,
 * reads the store's snapshot (the last completed epoch of the run that
 * crashed) and checks it against what is durable in the output: the snapshot
 * may never claim a record the sink does not hold. At the end: every
 * (queue, offset) is present, and every duplicate was written by a run that
 * restored from a snapshot at or below the duplicate's offset, i.e. it lies
 * at or after the last completed epoch of the run that crashed before it.
 *
 * Slow (about a minute on Node): not in the default `npm test`; run with
 *   node scripts/test.ts --slow --only crash --runtime node
 * knobs: CRASH_SEED (kill schedule), CRASH_CHILD_RUNTIME (node|deno|bun; default
 * the runtime running this suite), CRASH_RATE (records/s the child's sink takes),
 * CRASH_KILLS (default 20), CRASH_FAULT (see crash-child.ts: makes it fail on purpose).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FileOffsetStore } from "../../src/offsets/file-offset-store.ts";
import { queueKey } from "../../src/offsets/message-queue.ts";
import type { Snapshot } from "../../src/offsets/offset-store.ts";
import { cluster, randomName } from "../fixture/broker.ts";
import { prng } from "../fixture/prng.ts";
import { freshTopic, newClient, produceSpread, sleep } from "../readable/helpers.ts";

const TOTAL = 50_000;
const QUEUES = 8;
const KILLS = Number(process.env.CRASH_KILLS ?? 20);
const PIPELINE = "crash-test";
const SEED = Number(process.env.CRASH_SEED ?? 20250707);
const RATE = Number(process.env.CRASH_RATE ?? 2500);
/** Hang guards only (nothing is asserted about time): a child that never starts or never drains. */
const READY_GUARD_MS = 60_000;
const DRAIN_GUARD_MS = 300_000;

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const childPath = join(root, "tests", "slow", "crash-child.ts");
const bin = (name: string) => join(root, "node_modules", ".bin", name);
type Runtime = "node" | "deno" | "bun";
const g = globalThis as { Deno?: unknown; Bun?: unknown };
const current: Runtime = g.Deno ? "deno" : g.Bun ? "bun" : "node";
const childRuntime = (process.env.CRASH_CHILD_RUNTIME ?? current) as Runtime;
const COMMANDS: Record<Runtime, string[]> = {
  node: [bin("node"), childPath],
  deno: [bin("deno"), "run", "--allow-all", "--no-lock", childPath],
  bun: [bin("bun"), childPath],
};

interface Child {
  readonly process: ChildProcess;
  readonly spawnedAt: number;
  /** Resolves with the first stdout JSON line {"ready": ...} (rejects if the child exits first). */
  readonly ready: Promise<number>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: string;
  stderr: string;
}

function startChild(args: string[]): Child {
  const [cmd, ...rest] = COMMANDS[childRuntime];
  if (!cmd) throw new Error(`unknown child runtime ${childRuntime}`);
  const proc = spawn(cmd, [...rest, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const child: Child = {
    process: proc,
    spawnedAt: Date.now(),
    stdout: "",
    stderr: "",
    exited: new Promise((resolve) => proc.on("close", (code, signal) => resolve({ code, signal }))),
    ready: undefined as unknown as Promise<number>,
  };
  (child as { ready: Promise<number> }).ready = new Promise<number>((resolve, reject) => {
    proc.stdout!.on("data", (chunk: Buffer) => {
      child.stdout += chunk.toString();
      if (child.stdout.includes('{"ready"')) resolve(Date.now());
    });
    proc.stderr!.on("data", (chunk: Buffer) => (child.stderr += chunk.toString()));
    proc.on("error", reject);
    void child.exited.then(({ code, signal }) => reject(new Error(`child exited before it was ready (code ${code}, signal ${signal})\n${child.stderr}`)));
  });
  child.ready.catch(() => undefined);
  return child;
}

function withGuard<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no progress in ${ms} ms`)), ms)));
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Cuts a half-written last line off; returns the new size. */
async function cutPartialLine(path: string): Promise<{ size: number; cut: number }> {
  let text: Buffer;
  try {
    text = await readFile(path);
  } catch {
    return { size: 0, cut: 0 };
  }
  const end = text.lastIndexOf(0x0a) + 1;
  if (end < text.length) await truncate(path, end);
  return { size: end, cut: text.length - end };
}

interface Line { readonly queueId: number; readonly offset: number; readonly run: number }

/** Parses the output; `runStarts[i]` is the byte where run i began writing. */
function parseLines(text: string, runStarts: readonly number[]): Line[] {
  const out: Line[] = [];
  let pos = 0;
  let run = 0;
  for (const line of text.split("\n")) {
    if (line.length > 0) {
      while (run + 1 < runStarts.length && pos >= runStarts[run + 1]!) run++;
      const m = /^(\d+) (\d+)$/.exec(line);
      if (!m) throw new Error(`malformed output line at byte ${pos}: ${JSON.stringify(line)}`);
      out.push({ queueId: Number(m[1]), offset: Number(m[2]), run });
    }
    pos += line.length + 1;
  }
  return out;
}

const s = suite("slow/crash (broker)");

s(`SIGKILL ${KILLS}+ times over ${TOTAL} messages: nothing lost, duplicates only after the crashed run's last completed epoch`, async () => {
  const t0 = Date.now();
  const rand = prng(SEED);
  const client = newClient();
  const dir = await mkdtemp(join(tmpdir(), "rmq-crash-"));
  const outPath = join(dir, "out.txt");
  const epochsPath = join(dir, "epochs.log");
  const stateDir = join(dir, "state");
  const store = new FileOffsetStore(stateDir, { create: true });
  let passed = false;
  try {
    const topic = await freshTopic(client, "crash", QUEUES);
    const group = randomName("crash_g");
    await produceSpread(client, topic, TOTAL, 16);
    const queues = (await client.readableQueues(topic)).sort((a, b) => a.queueId - b.queueId);
    assert.is(queues.length, QUEUES);
    // The consume queues are written by the broker after the send is acknowledged: wait for all of them.
    const stopAt: Record<string, number> = {};
    for (let i = 0; ; i++) {
      for (const q of queues) stopAt[queueKey(q)] = await client.getMaxOffset(q);
      if (Object.values(stopAt).reduce((a, b) => a + b, 0) === TOTAL) break;
      if (i >= 300) assert.unreachable(`consume queues hold ${JSON.stringify(stopAt)}, not ${TOTAL} messages`);
      await sleep(100);
    }
    for (const q of queues) assert.is(await client.getMinOffset(q), 0, "a fresh topic starts at offset 0");
    const keyOf = (queueId: number) => queueKey({ topic, brokerName: queues[0]!.brokerName, queueId });
    const produced = Date.now();

    const args = ["--namesrv", cluster().namesrv, "--topic", topic, "--group", group, "--pipeline", PIPELINE,
      "--state", stateDir, "--out", outPath, "--epochs", epochsPath, "--rate", String(RATE)];
    /** snapshots[i]: the store after run i was killed (undefined: no epoch completed yet). */
    const snapshots: Array<Snapshot | undefined> = [];
    const runStarts: number[] = [];
    const kills: Array<{ run: number; sink: string; atMs: number; afterReady: boolean; epoch: number; loggedEpoch: number; cut: number }> = [];
    let startupMs = 1000;
    let lastLoggedEpoch = 0;

    while (kills.length < KILLS) {
      const run = runStarts.length;
      runStarts.push((await cutPartialLine(outPath)).size);
      const before = snapshots.at(-1);
      const remaining = TOTAL - Object.values(before?.offsets ?? {}).reduce((a, b) => a + b, 0);
      const left = KILLS - kills.length;
      // the project's FileLinesSink (buffers until a barrier) or a sink that writes every batch at once
      const sink = rand() < 0.5 ? "buffered" : "direct";
      const child = startChild([...args, "--sink", sink]);
      // a random moment: sometimes during start-up and restore, mostly while reading, with a
      // window sized so the runs together read most of the topic but leave some for the last run
      let killAt: number;
      const early = rand() < 0.2;
      if (early) {
        killAt = child.spawnedAt + rand() * startupMs * 1.2;
      } else {
        const readyAt = await withGuard(child.ready, READY_GUARD_MS, `run ${run} start-up`);
        startupMs = readyAt - child.spawnedAt;
        const share = Math.min(0.5, 2 / (left + 1));
        killAt = readyAt + rand() * (300 + (share * remaining * 1000) / RATE);
      }
      const exitedFirst = await Promise.race([sleep(Math.max(0, killAt - Date.now())).then(() => false), child.exited.then(() => true)]);
      if (exitedFirst) {
        const { code, signal } = await child.exited;
        assert.unreachable(`run ${run} exited on its own (code ${code}, signal ${signal}) before the kill:\n${child.stderr}`);
      }
      const atMs = Date.now() - child.spawnedAt;
      child.process.kill("SIGKILL");
      const { signal } = await child.exited;
      assert.is(signal, "SIGKILL", `run ${run} ended by ${signal}:\n${child.stderr}`);
      const { cut } = await cutPartialLine(outPath);

      // the last completed epoch of the run that crashed: a crash mid-save must leave the old or the new file
      const snapshot = await store.load(PIPELINE);
      snapshots.push(snapshot);
      if (before) {
        assert.ok(snapshot && snapshot.epoch >= before.epoch, `run ${run}: the stored epoch went back`);
        for (const [key, offset] of Object.entries(before.offsets)) {
          assert.ok((snapshot.offsets[key] ?? 0) >= offset, `run ${run}: ${key} went back from ${offset} to ${snapshot.offsets[key]}`);
        }
      }
      // an epoch is logged only after it is stored: the log never runs ahead of the store
      const logged = (await readFile(epochsPath, "utf8").catch(() => "")).split("\n").filter(Boolean).map((l) => JSON.parse(l) as { epoch: number });
      const loggedEpoch = logged.at(-1)?.epoch ?? 0;
      assert.ok(loggedEpoch <= (snapshot?.epoch ?? 0), `run ${run}: epoch ${loggedEpoch} logged but the store holds ${snapshot?.epoch}`);
      assert.ok(loggedEpoch >= lastLoggedEpoch, `run ${run}: logged epochs went back`);
      lastLoggedEpoch = loggedEpoch;
      // exactly-once source state: the snapshot never claims a record the sink has not made durable
      if (snapshot) {
        const seen = new Map<number, Set<number>>();
        for (const line of parseLines(await readFile(outPath, "utf8"), [0])) {
          let set = seen.get(line.queueId);
          if (!set) seen.set(line.queueId, (set = new Set()));
          set.add(line.offset);
        }
        for (const [key, next] of Object.entries(snapshot.offsets)) {
          const queueId = Number(key.slice(key.lastIndexOf("@") + 1));
          assert.is(key, keyOf(queueId));
          const set = seen.get(queueId) ?? new Set<number>();
          for (let o = 0; o < next; o++) {
            if (!set.has(o)) assert.unreachable(`run ${run}: epoch ${snapshot.epoch} stores ${key} at ${next}, but offset ${o} is not in the output`);
          }
        }
      }
      kills.push({ run, sink, atMs, afterReady: !early, epoch: snapshot?.epoch ?? 0, loggedEpoch, cut });
    }

    // the last run drains the rest and ends cleanly
    const finalRun = runStarts.length;
    runStarts.push((await cutPartialLine(outPath)).size);
    const last = startChild([...args, "--sink", rand() < 0.5 ? "buffered" : "direct", "--stop-at", JSON.stringify(stopAt)]);
    const { code } = await withGuard(last.exited, DRAIN_GUARD_MS, "the last run draining");
    assert.is(code, 0, `the last run failed:\n${last.stderr}`);
    const drained = /\{"drained":.*\}/.exec(last.stdout);
    assert.ok(drained, `the last run printed no summary:\n${last.stdout}`);
    const finalSnapshot = await store.load(PIPELINE);
    assert.equal(finalSnapshot?.offsets, stopAt, "the final epoch covers every queue to its end");

    const lines = parseLines(await readFile(outPath, "utf8"), runStarts);
    const restoredBy = (run: number, queueId: number): number => (run === 0 ? 0 : snapshots[run - 1]?.offsets[keyOf(queueId)] ?? 0);
    const firstRun = new Map<string, number>();
    const lastRun = new Map<string, number>();
    let duplicates = 0;
    const duplicatesByRun = new Map<number, number>();
    const bad: string[] = [];
    for (const line of lines) {
      const id = `${line.queueId} ${line.offset}`;
      const key = keyOf(line.queueId);
      if (!(key in stopAt) || line.offset >= stopAt[key]!) bad.push(`${id}: no such message`);
      const previous = lastRun.get(id);
      if (previous !== undefined) {
        duplicates++;
        duplicatesByRun.set(line.run, (duplicatesByRun.get(line.run) ?? 0) + 1);
        if (previous === line.run) bad.push(`${id}: written twice by run ${line.run}`);
        const from = restoredBy(line.run, line.queueId);
        if (line.offset < from) {
          bad.push(`${id}: duplicate in run ${line.run}, below the last completed epoch of run ${line.run - 1} (${key} at ${from})`);
        }
      } else {
        firstRun.set(id, line.run);
      }
      lastRun.set(id, line.run);
    }
    let missing = 0;
    const missingExamples: string[] = [];
    for (const q of queues) {
      for (let o = 0; o < stopAt[queueKey(q)]!; o++) {
        if (!firstRun.has(`${q.queueId} ${o}`)) {
          missing++;
          if (missingExamples.length < 10) missingExamples.push(`${q.queueId} ${o}`);
        }
      }
    }
    const killedEpochs = kills.map((k) => k.epoch);
    const finalEpoch = finalSnapshot?.epoch ?? 0;
    console.log(`  crash test (child runtime ${childRuntime}, seed ${SEED}, sink rate ${RATE}/s): ` +
      `${kills.length} kills (${kills.filter((k) => !k.afterReady).length} aimed at start-up, ${kills.filter((k) => k.cut > 0).length} left a half line), ` +
      `${finalRun + 1} runs, ${lines.length} lines for ${TOTAL} messages, ${duplicates} duplicates, ${missing} missing, ` +
      `${finalEpoch} epochs completed (${finalEpoch - (kills.at(-1)?.epoch ?? 0)} in the last run), ` +
      `produce ${((produced - t0) / 1000).toFixed(1)} s, total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`  stored epoch after each kill: ${killedEpochs.join(" ")}`);
    console.log(`  kill moments (ms after spawn, b/d: sink): ${kills.map((k) => `${k.atMs}${k.sink[0]}`).join(" ")}`);
    console.log(`  duplicates by run: ${[...duplicatesByRun].map(([r, n]) => `${r}:${n}`).join(" ") || "none"}`);
    assert.equal(missingExamples, [], `${missing} messages lost`);
    assert.equal(bad.slice(0, 20), [], `${bad.length} violations`);
    assert.ok(kills.length >= KILLS);
    assert.ok(killedEpochs.some((e) => e > 0), "some crashed run completed an epoch (else the restore path was not exercised)");
    passed = true;
  } finally {
    await client.close();
    if (passed) await rm(dir, { recursive: true, force: true });
    else console.log(`  crash test files kept in ${dir}`);
  }
});

s.run();
