/**
 * Runs one worker process and reads its result line. While it runs, the
 * child's peak RSS (VmHWM from /proc, where there is one) is sampled, its
 * "progress <n>" lines are passed on, and a deadline kills it (SIGKILL: a
 * hung client must not hang the suite).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { ContenderResult } from "../contenders/types.ts";

export interface WorkerRun {
  readonly command: readonly string[];
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  onProgress?(count: number): void;
}

/** Peak RSS of a live process in KiB, or undefined off Linux / after it exited. */
function peakRssKiB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export class WorkerFailedError extends Error {
  readonly output: string;
  constructor(message: string, output: string) {
    super(message);
    this.name = "WorkerFailedError";
    this.output = output;
  }
}

export function runWorker(run: WorkerRun): Promise<ContenderResult> {
  const [cmd, ...args] = run.command;
  if (!cmd) throw new TypeError("empty command");
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: run.env ?? process.env });
    let stdout = "";
    const stderrTail: string[] = [];
    let peak = 0;
    let timedOut = false;
    const sample = () => {
      if (child.pid !== undefined) peak = Math.max(peak, peakRssKiB(child.pid) ?? 0);
    };
    const sampler = setInterval(sample, 250);
    const deadline = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, run.timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      stdout += s;
      // the result is the last line; keep the buffer small for chatty clients
      if (stdout.length > 1 << 20) stdout = stdout.slice(-(1 << 16));
    });
    let partial = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      const lines = (partial + s).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        const m = /^progress (\d+)$/.exec(line.trim());
        if (m) run.onProgress?.(Number(m[1]));
        else if (line.trim() !== "") {
          stderrTail.push(line);
          if (stderrTail.length > 30) stderrTail.shift();
        }
      }
    });
    child.on("error", (err) => {
      clearInterval(sampler);
      clearTimeout(deadline);
      reject(new WorkerFailedError(`could not start ${cmd}: ${err.message}`, ""));
    });
    child.on("close", (code, signal) => {
      clearInterval(sampler);
      clearTimeout(deadline);
      const output = [...stderrTail, partial].join("\n").trim();
      const line = stdout.split("\n").reverse().find((l) => l.startsWith("BENCH_RESULT "));
      if (timedOut) return reject(new WorkerFailedError(`timed out after ${run.timeoutMs} ms`, output));
      if (code !== 0 || !line) {
        return reject(new WorkerFailedError(`exited with ${code ?? signal}${line ? "" : " and no result line"}`, output));
      }
      try {
        const parsed = JSON.parse(line.slice("BENCH_RESULT ".length)) as ContenderResult;
        if (![parsed.messages, parsed.ms, parsed.total].every((n) => typeof n === "number" && Number.isFinite(n))) {
          throw new TypeError(`result needs numeric messages, ms, total: ${line}`);
        }
        resolve({ ...parsed, ...(peak > 0 ? { peakRssMiB: Math.round(peak / 1024) } : {}) });
      } catch (err) {
        reject(new WorkerFailedError(`unreadable result: ${(err as Error).message}`, output));
      }
    });
  });
}
