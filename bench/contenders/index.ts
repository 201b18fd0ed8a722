/**
 * Every contender the suite runs, and the ones it will run.
 *
 * REGISTRATION POINT: when a piece of the toolkit lands, write its worker in
 * bench/workers/, its contender in bench/contenders/<name>.ts (shape:
 * ./types.ts), add it to `CONTENDERS`, and delete its line from `PENDING`.
 * The report lists everything still in `PENDING` as "not available yet";
 * nothing there is measured or estimated.
 */
import { javaContenders } from "./java.ts";
import { nodejsClientContenders } from "./nodejs-client.ts";
import { toolkitSinkContenders } from "./toolkit-sink.ts";
import type { Contender, PendingContender } from "./types.ts";

export const CONTENDERS: readonly Contender[] = [
  ...javaContenders,
  ...nodejsClientContenders,
  ...toolkitSinkContenders,
];

export const PENDING: readonly PendingContender[] = [
  // source side (src/readable over src/remoting)
  { name: "toolkit source (remoting) on node", scenario: "source", waitsFor: "src/readable + src/remoting" },
  { name: "toolkit source (remoting) on deno", scenario: "source", waitsFor: "src/readable + src/remoting" },
  { name: "toolkit source (remoting) on bun", scenario: "source", waitsFor: "src/readable + src/remoting" },
  { name: "baseline: remoting pull client in a plain loop (no streams)", scenario: "source",
    waitsFor: "src/remoting pull client" },
  // sink over our own remoting transport (the gRPC sink is measured already)
  { name: "toolkit sink (remoting) sync/async/batch on node, deno, bun", scenario: "sink-async",
    waitsFor: "src/remoting producer transport" },
  { name: "baseline: remoting producer transport in a plain loop", scenario: "sink-async",
    waitsFor: "src/remoting producer transport" },
  // end to end
  { name: "pipeline source -> map -> sink, no checkpoints", scenario: "pipeline", waitsFor: "src/readable" },
  { name: "pipeline source -> map -> sink, checkpoint every 1 s", scenario: "pipeline",
    waitsFor: "src/readable (src/offsets is ready)" },
  { name: "toolkit produce -> consume latency at 1k msg/s", scenario: "latency", waitsFor: "src/readable" },
  { name: "java produce -> consume latency at 1k msg/s", scenario: "latency",
    waitsFor: "latency worker in the Java harness (to add with the toolkit one)" },
  { name: "toolkit peak RSS, 1M backlog into a slow sink", scenario: "memory", waitsFor: "src/readable" },
];
