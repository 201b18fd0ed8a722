/**
 * Clean teardown when starting fails: a source, a remoting sink, a gRPC sink
 * and a checkpointed pipeline, each pointed at a server that misbehaves in
 * one way (silent, garbage bytes, refused, half a frame, a route to a silent
 * broker) or stopped by its AbortSignal while starting. Each runs in a child
 * process (start-failure-child.ts) that must report the failure and then
 * exit by itself: a socket or timer left open would keep it alive, on Node,
 * Deno and Bun alike. The servers live here, in the parent, and stay up.
 */
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createResponse } from "../../src/remoting/command.ts";
import { encodeFrame } from "../../src/remoting/frame.ts";
import { type FakeServer, startFakeServer } from "../remoting/fake-server.ts";
import { runUntilExit } from "./exit-check.ts";

const s = suite("teardown/start failures");
const utf8 = new TextEncoder();
/**
 * From the outcome to the exit: closing takes at most a request timeout (1 s in the child) per step;
 * the rest is room for a machine shared by several test runs.
 */
const EXIT_AFTER_OUTCOME_MS = 15_000;

type Mode = "silent" | "garbage" | "refused" | "half-frame" | "broker-timeout" | "abort" | "cancel" | "store-missing" | "outage-bound";
type Target = "source" | "sink-remoting" | "sink-grpc" | "pipeline";

const servers: FakeServer[] = [];
const addresses = new Map<Mode, string>();

/** Sends bytes that are no frame (a length prefix far above any frame limit) to every connection. */
function garbage(socket: Socket): void {
  socket.write(new Uint8Array([0x7f, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8]));
}

s.before(async () => {
  const silent = await startFakeServer(() => {});
  const junk = await startFakeServer(() => {}, garbage);
  // answers every request with the first half of a valid response, then nothing more
  const half = await startFakeServer((cmd, socket) => {
    const frame = encodeFrame(createResponse(cmd, 0, "half", {}, utf8.encode("{}")));
    socket.write(frame.subarray(0, Math.floor(frame.byteLength / 2)));
  });
  // a name server that routes to a broker that never answers
  const broker = await startFakeServer(() => {});
  const namesrv = await startFakeServer((cmd, socket, srv) => {
    if (cmd.code !== 105) return srv.send(socket, createResponse(cmd, 0));
    srv.send(socket, createResponse(cmd, 0, undefined, {}, utf8.encode(JSON.stringify({
      queueDatas: [{ brokerName: "broker-a", readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 }],
      brokerDatas: [{ cluster: "C", brokerName: "broker-a", brokerAddrs: { "0": broker.address } }],
    }))));
  });
  servers.push(silent, junk, half, broker, namesrv);
  addresses.set("silent", silent.address);
  addresses.set("garbage", junk.address);
  addresses.set("refused", "127.0.0.1:1");
  addresses.set("half-frame", half.address);
  addresses.set("broker-timeout", namesrv.address);
  addresses.set("abort", silent.address);
  addresses.set("cancel", silent.address);
  addresses.set("store-missing", silent.address);
});

s.after(async () => {
  await Promise.all(servers.map((srv) => srv.close()));
});

/** What each mode must fail with over remoting (gRPC sees any of them as an unreachable proxy). */
const EXPECTED_CODES: Readonly<Record<Exclude<Mode, "abort" | "cancel">, readonly string[]>> = {
  silent: ["TIMEOUT"],
  // the garbage may be read before the request is on the socket: then the request meets a closed connection.
  // Under heavy load the refusal or the garbage can arrive after the 1 s request timeout: TIMEOUT then.
  garbage: ["PROTOCOL_ERROR", "CONNECTION_CLOSED", "TIMEOUT"],
  refused: ["CONNECTION_FAILED", "TIMEOUT"],
  "half-frame": ["TIMEOUT"],
  "broker-timeout": ["TIMEOUT"],
  "store-missing": ["STORE_MISSING"],
  // a sink riding through an unanswering broker or proxy for 1.5 s, then failing with the bound
  "outage-bound": ["OUTAGE_EXCEEDED"],
};

interface Outcome { readonly target: string; readonly outcome: "ended" | { name?: string; code?: string; message?: string } }

async function scenario(target: Target, mode: Mode): Promise<string | undefined> {
  const env: Record<string, string> = { TEARDOWN_TARGET: target, TEARDOWN_ADDRESS: addresses.get(mode)! };
  if (mode === "abort") env.TEARDOWN_ABORT_MS = "300";
  // The sinks' failure modes are the fail-fast ones (maxOutageMs 0); "outage-bound" rides 1.5 s, and "abort"
  // keeps the default bound of minutes, so the abort itself must stop a send held through the outage.
  if (target.startsWith("sink-") && mode !== "abort") env.TEARDOWN_MAX_OUTAGE_MS = mode === "outage-bound" ? "1500" : "0";
  if (mode === "cancel") env.TEARDOWN_CANCEL_MS = "300";
  // an unmounted volume: the checkpoint store's directory does not exist
  if (mode === "store-missing") env.TEARDOWN_STORE_DIR = join(tmpdir(), `teardown-unmounted-${process.pid}-${Date.now()}`, "state");
  if (mode === "outage-bound") env.TEARDOWN_ADDRESS = addresses.get("silent")!;
  const { exit, outcome: line, handles, stderr } = await runUntilExit("tests/teardown/start-failure-child.ts", env, EXIT_AFTER_OUTCOME_MS);
  const where = `${target} / ${mode}`;
  if (exit === "did not exit") return `${where}: still running ${EXIT_AFTER_OUTCOME_MS} ms after its outcome (a handle kept it alive) ${handles}; outcome ${line}`;
  if (exit !== 0 || line === undefined) return `${where}: exit ${exit}: ${stderr.slice(-600)}`;
  const { outcome } = JSON.parse(line) as Outcome;
  // stopping (abort, cancel) may end cleanly or with the reason; every other mode fails with its own error
  if (mode === "abort" || mode === "cancel") return undefined;
  const expected = target === "sink-grpc" && mode !== "outage-bound" ? ["CONNECTION_FAILED", "TIMEOUT"] : EXPECTED_CODES[mode];
  if (outcome === "ended" || !expected.includes(outcome.code ?? "")) return `${where}: expected ${expected.join(" or ")}, got ${line}`;
  return undefined;
}

const MODES: readonly Mode[] = ["silent", "garbage", "refused", "half-frame", "broker-timeout", "abort", "cancel", "store-missing", "outage-bound"];

for (const target of ["source", "sink-remoting", "sink-grpc", "pipeline"] as const) {
  s(`${target}: fails or stops while starting, then its process exits by itself`, async () => {
    // the gRPC sink never reaches a remoting route: the route-to-a-silent-broker mode is a remoting one
    // (cancel is a reader's: the sinks and the pipeline stop through abort; only the pipeline has a store)
    const modes = MODES.filter((m) => (m !== "broker-timeout" || target !== "sink-grpc") && (m !== "cancel" || target === "source")
      && (m !== "store-missing" || target === "pipeline") && (m !== "outage-bound" || target.startsWith("sink-")));
    const problems = (await Promise.all(modes.map((mode) => scenario(target, mode)))).filter((p) => p !== undefined);
    assert.equal(problems, [], problems.join("\n"));
  });
}

s.run();
