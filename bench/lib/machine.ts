/** The machine a run happened on, as BENCHMARKS.md states it. */
import { cpus, loadavg, release, totalmem } from "node:os";
import { availableParallelism } from "node:os";

export interface Machine {
  readonly cpuModel: string;
  readonly nproc: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  /** 1-minute load average when the run started: other work on a shared machine shows here. */
  readonly loadAtStart: number;
}

export function machine(): Machine {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    nproc: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: `Linux ${release()}`,
    loadAtStart: Math.round(loadavg()[0]! * 100) / 100,
  };
}
