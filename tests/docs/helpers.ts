/**
 * Running example programs as child processes on Node, Deno and Bun (the
 * binaries `npm ci` put in node_modules/.bin), and waiting on them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);

export const RUNTIMES = {
  node: [bin("node")],
  deno: [bin("deno"), "run", "-A", "--no-lock"],
  bun: [bin("bun")],
} as const;
export type RuntimeName = keyof typeof RUNTIMES;

/** The runtime executing this test file. */
export function currentRuntime(): RuntimeName {
  const g = globalThis as Record<string, unknown>;
  return "Deno" in g ? "deno" : "Bun" in g ? "bun" : "node";
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Child {
  readonly process: ChildProcess;
  /** stdout and stderr so far */
  readonly output: () => { stdout: string; stderr: string };
  /** Resolves with the exit code (a signal counts as 128 + n, as a shell says). */
  readonly exited: Promise<number>;
  readonly running: () => boolean;
}

/** Starts `file` under `runtime` in the project root with `env` added to the environment. */
export function run(runtime: RuntimeName, file: string, env: Record<string, string> = {}): Child {
  const [cmd, ...args] = RUNTIMES[runtime];
  const child = spawn(cmd, [...args, file], {
    cwd: root,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "", stderr = "";
  let alive = true;
  child.stdout!.on("data", (b: Uint8Array) => void (stdout += new TextDecoder().decode(b)));
  child.stderr!.on("data", (b: Uint8Array) => void (stderr += new TextDecoder().decode(b)));
  const exited = new Promise<number>((resolve) => {
    child.on("error", (err) => { stderr += `\nspawn failed: ${err.message}`; alive = false; resolve(127); });
    child.on("close", (code, signal) => { alive = false; resolve(code ?? (signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : 137)); });
  });
  return { process: child, output: () => ({ stdout, stderr }), exited, running: () => alive };
}

/**
 * Sends `signal` to the child by pid. (Deno's `ChildProcess.kill()` makes the
 * close event report that signal even when the child handled it and exited 0;
 * `process.kill(pid)` leaves the exit status as the child set it.)
 */
export function signal(child: Child, sig: NodeJS.Signals): void {
  try {
    process.kill(child.process.pid!, sig);
  } catch {
    // already gone: `exited` says how it ended
  }
}

/** Waits for `exited`, killing the child (SIGKILL) after `ms`; returns the exit code or "killed". */
export async function exitWithin(child: Child, ms: number): Promise<number | "killed"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"killed">((r) => (timer = setTimeout(() => r("killed"), ms)));
  const result = await Promise.race([child.exited, timeout]);
  clearTimeout(timer);
  if (result === "killed") {
    signal(child, "SIGKILL");
    await child.exited;
  }
  return result;
}
