import type { OffsetStore, Snapshot } from "./offset-store.ts";
import { checkPipelineId, checkSnapshot } from "./offset-store.ts";
import { InputError } from "../errors.ts";

/**
 * Keeps snapshots in this process only: for tests and for pipelines that
 * restart from their start strategy anyway. Lost when the process ends.
 *
 * @example
 * const cp = checkpoint({ pipelineId: "test", intervalMs: 100, store: new MemoryOffsetStore() });
 */
export class MemoryOffsetStore implements OffsetStore {
  #snapshots = new Map<string, Snapshot>();

  // async, so that bad arguments reject instead of throwing
  async load(pipelineId: string): Promise<Snapshot | undefined> {
    const snapshot = this.#snapshots.get(checkPipelineId(pipelineId));
    // copies both ways, so no caller can change what is stored
    return snapshot && copy(snapshot);
  }

  async save(pipelineId: string, snapshot: Snapshot): Promise<void> {
    checkPipelineId(pipelineId);
    if (snapshot.pipelineId !== pipelineId) {
      throw new InputError(`snapshot of pipeline ${snapshot.pipelineId} saved under ${pipelineId}`, "pipelineId", pipelineId);
    }
    this.#snapshots.set(pipelineId, checkSnapshot(copy(snapshot), `memory:${pipelineId}`));
  }
}

function copy(snapshot: Snapshot): Snapshot {
  return { ...snapshot, offsets: { ...snapshot.offsets } };
}
