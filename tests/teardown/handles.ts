/**
 * For the teardown children: if the process is still alive `afterMs` after
 * its scenario ended, print what keeps it alive, as a `{"handles": [...]}`
 * line the parent shows when the child fails to exit.
 *
 * `process.getActiveResourcesInfo()` names the handles that hold the event
 * loop on Node and on Deno 2 (its node:process lists sockets, servers and
 * ref'd timers; `Deno.resources()` is gone in Deno 2). Bun has the function
 * but always answers `[]`, so there the child's exit is the only evidence.
 * The timer is unref'd: it never keeps the child alive itself.
 */
import { setTimeout } from "node:timers";

export function reportHandlesIfAlive(afterMs = 8000): void {
  setTimeout(() => {
    const info = typeof process.getActiveResourcesInfo === "function" ? process.getActiveResourcesInfo() : ["(not available)"];
    console.log(JSON.stringify({ handles: info }));
  }, afterMs).unref();
}
