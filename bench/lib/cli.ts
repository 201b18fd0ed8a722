/**
 * Flag parsing and the runtime label for the standalone bench scripts
 * (bench/remoting-pull-loop.ts, bench/source-throughput.ts); the harness's
 * workers use bench/workers/worker-io.ts instead.
 */
import process from "node:process";

/** `--name value` from the command line, or `fallback`. */
export function flag(name: string, fallback?: string): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
}

/** "node v24...", "deno 2...", or "bun 1...": the runtime running this script. */
export function runtimeLabel(): string {
  const v = process.versions as Record<string, string | undefined>;
  if (v.bun) return `bun ${v.bun}`;
  const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
  return deno ? `deno ${deno.version.deno}` : `node ${process.version}`;
}
