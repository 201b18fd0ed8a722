/**
 * Node contenders run the toolkit as compiled JavaScript, the way an
 * installed package reaches a Node user (Node does not strip types inside
 * node_modules). Running the .ts sources directly would bill the toolkit for
 * Node's type stripper: about 17 MiB of RSS for the stripper's WebAssembly
 * alone and about 38 MiB more after loading src/readable/mod.ts (94 MiB
 * against 56 MiB from JS, measured with process.memoryUsage().rss on Node
 * 24.21), plus the stripping work at start-up. Deno and Bun run TypeScript
 * natively and keep running the sources.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { root } from "./paths.ts";

/** Inside the project, so the compiled files resolve node_modules and the root package.json ("type": "module"). */
export const NODE_BUILD_DIR = join(root, "bench", ".build");

/** Compiles the project with tsc into NODE_BUILD_DIR (relative .ts imports rewritten to .js); throws with tsc's output if it fails. */
export function buildForNode(log: (line: string) => void): string {
  const started = Date.now();
  rmSync(NODE_BUILD_DIR, { recursive: true, force: true });
  const r = spawnSync(join(root, "node_modules", ".bin", "tsc"), [
    "-p", join(root, "tsconfig.json"), "--noEmit", "false", "--outDir", NODE_BUILD_DIR,
    "--rewriteRelativeImportExtensions", "true", "--declaration", "false", "--sourceMap", "false",
  ], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(`tsc could not build the Node contenders' JavaScript (${r.error?.message ?? `exit ${r.status}`}): ${`${r.stdout}${r.stderr}`.slice(0, 2000)}`);
  }
  log(`compiled the toolkit for the Node contenders into ${NODE_BUILD_DIR} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return NODE_BUILD_DIR;
}
