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
import { toolkitPipelineContenders } from "./toolkit-pipeline.ts";
import { toolkitSinkContenders } from "./toolkit-sink.ts";
import { toolkitSourceContenders } from "./toolkit-source.ts";
import type { Contender, PendingContender } from "./types.ts";

export const CONTENDERS: readonly Contender[] = [
  ...javaContenders,
  ...nodejsClientContenders,
  ...toolkitSourceContenders,
  ...toolkitSinkContenders,
  ...toolkitPipelineContenders,
];

/** Everything DESIGN §7 names has a contender now; the list stays as the registration point. */
export const PENDING: readonly PendingContender[] = [];
