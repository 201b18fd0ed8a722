/**
 * Runs uvu test files in one process, on whichever runtime executes it
 * (Node 24, Deno 2 or Bun 1), the way uvu's own CLI does: every file is
 * imported with its suites deferred, then all of them run in order.
 *
 * usage: <runtime> tests/run.ts [--only <substring>] [--unit] [--slow]
 *   --unit   only files that do not need a broker (named *.unit.test.ts)
 *   --slow   also tests/slow (the crash test); scripts/test.ts passes it in CI
 *
 * uvu prints "Total / Passed / Skipped"; scripts/test.ts sums those up.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
// node:timers, because Deno's global setTimeout returns a number without unref()
import { setTimeout } from "node:timers";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
const unitOnly = args.includes("--unit");
const slow = args.includes("--slow");

function collect(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // slow suites (crash tests, soak) only with --slow
      if (entry.name !== "fixture" && (entry.name !== "slow" || slow)) out.push(...collect(path));
    } else if (entry.name.endsWith(".test.ts")) {
      out.push(path);
    }
  }
  return out.sort();
}

let files = collect(here);
if (unitOnly) files = files.filter((f) => f.endsWith(".unit.test.ts"));
if (only) files = files.filter((f) => f.includes(only));

const g = globalThis as unknown as { UVU_DEFER: number; UVU_INDEX: number; UVU_QUEUE: unknown[][] };
g.UVU_DEFER = 1;
const uvu = await import("uvu");
let index = 0;
for (const file of files) {
  g.UVU_INDEX = index++;
  g.UVU_QUEUE.push([file.slice(here.length + 1)]);
  await import(pathToFileURL(file).href);
}
await uvu.exec(false);
// Suites must close their own sockets and timers; a runtime that would
// otherwise linger on a leaked handle is stopped here so CI cannot hang.
const code = (process.exitCode as number | undefined) ?? 0;
setTimeout(() => {
  console.error("tests/run.ts: handles still open after the suites finished; exiting");
  process.exit(code === 0 ? 3 : code);
}, 5000).unref();
