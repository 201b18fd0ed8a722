/**
 * Runs a teardown child on the current runtime and waits for it to exit by
 * itself. The clock that matters starts when the child prints its outcome
 * (the scenario is over and teardown begins), not at spawn: starting a
 * runtime takes anywhere from 1 to 15 s on the shared 2-core machine.
 */
import { currentRuntime, exitWithin, run, signal } from "../docs/helpers.ts";

export interface ChildResult {
  /** Exit code, or why it was stopped. */
  readonly exit: number | "no outcome" | "did not exit";
  /** The child's outcome line (JSON), if it printed one. */
  readonly outcome?: string;
  /** What kept the child alive, when it printed that (see handles.ts). */
  readonly handles: string;
  readonly stderr: string;
}

const STARTUP_LIMIT_MS = 120_000;

export async function runUntilExit(file: string, env: Record<string, string>, exitAfterOutcomeMs: number): Promise<ChildResult> {
  const child = run(currentRuntime(), file, env);
  const lines = () => child.output().stdout.split("\n");
  const outcomeLine = () => lines().find((l) => l.startsWith("{") && !l.startsWith('{"handles"'));
  const started = Date.now();
  while (child.running() && outcomeLine() === undefined && Date.now() - started < STARTUP_LIMIT_MS) {
    await new Promise((r) => setTimeout(r, 100));
  }
  let exit: ChildResult["exit"];
  if (outcomeLine() === undefined && child.running()) {
    signal(child, "SIGKILL");
    await child.exited;
    exit = "no outcome";
  } else {
    const code = await exitWithin(child, exitAfterOutcomeMs);
    exit = code === "killed" ? "did not exit" : code;
  }
  return {
    exit,
    outcome: outcomeLine(),
    handles: lines().find((l) => l.startsWith('{"handles"')) ?? "",
    stderr: child.output().stderr,
  };
}
