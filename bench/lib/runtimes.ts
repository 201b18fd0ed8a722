/**
 * How each runtime starts a worker: the binaries `npm ci` put in
 * node_modules/.bin, and the JVM with the flags BENCHMARKS.md states.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Runtime } from "../contenders/types.ts";
import { root } from "./paths.ts";

const bin = (name: string) => join(root, "node_modules", ".bin", name);

/** JVM flags of the Java contenders: a fixed heap (no resize pauses), G1 (the JDK 17 default). */
export const JVM_FLAGS = ["-Xms512m", "-Xmx512m", "-XX:+UseG1GC", "-XX:+UseStringDeduplication"] as const;

let nodeBuildDir: string | undefined;

/** From now on, Node workers start from the compiled tree in `dir` (see node-build.ts) instead of the .ts sources. */
export function runNodeFrom(dir: string): void {
  nodeBuildDir = dir;
}

export function command(runtime: Runtime, entry: string, javaClasspath?: string, javaHome?: string): string[] {
  switch (runtime) {
    case "node": return [bin("node"), nodeBuildDir ? join(nodeBuildDir, entry.replace(/\.ts$/, ".js")) : join(root, entry)];
    case "deno": return [bin("deno"), "run", "-A", "--no-lock", join(root, entry)];
    case "bun": return [bin("bun"), join(root, entry)];
    case "java": {
      if (!javaClasspath) throw new TypeError("java contenders need the harness classpath");
      return ["java", ...JVM_FLAGS, ...(javaHome ? [`-Duser.home=${javaHome}`] : []), "-cp", javaClasspath, "bench.Bench", entry];
    }
  }
}

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error) return `unavailable (${r.error.message})`;
  return `${r.stdout}${r.stderr}`.split("\n").find((l) => l.trim() !== "")?.trim() ?? "unknown";
}

/** Versions as the binaries report them, and the client libraries' versions. */
export function runtimeVersions(): Record<string, string> {
  const nodeClient = JSON.parse(readFileSync(join(root, "node_modules", "rocketmq-client-nodejs", "package.json"), "utf8"));
  const pom = readFileSync(join(root, "scripts", "bench-java", "pom.xml"), "utf8");
  return {
    node: firstLine(bin("node"), ["--version"]),
    deno: firstLine(bin("deno"), ["--version"]),
    bun: firstLine(bin("bun"), ["--version"]),
    java: firstLine("java", ["-version"]),
    "rocketmq-client-nodejs": String(nodeClient.version),
    "java rocketmq-client": /<rocketmq\.client\.version>([^<]+)</.exec(pom)?.[1] ?? "unknown",
    ...codeVersion(),
  };
}

/**
 * The commit the run started from, and whether src/ had uncommitted changes
 * then (others work in the same tree: a worker loads src/ when it starts, so
 * a change during a long run reaches the contenders that start after it).
 */
function codeVersion(): Record<string, string> {
  const head = spawnSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8" });
  const dirty = spawnSync("git", ["-C", root, "status", "--porcelain", "--", "src"], { encoding: "utf8" });
  if (head.status !== 0) return {};
  const changed = dirty.stdout.split("\n").filter((l) => l.trim() !== "").length;
  return { commit: head.stdout.trim(), srcChanges: changed === 0 ? "none" : `${changed} uncommitted file(s) in src/ at start` };
}
