/**
 * Where completed epochs are kept: one snapshot per pipeline id, replaced
 * each time an epoch completes.
 */
import { InputError, StoreCorruptError } from "../errors.ts";

/** The durable state of one completed epoch. */
export interface Snapshot {
  readonly pipelineId: string;
  readonly epoch: number;
  /** queue key (`topic@brokerName@queueId`) -> next offset to consume. */
  readonly offsets: Readonly<Record<string, number>>;
  /** When the epoch completed, ms since the Unix epoch. */
  readonly completedAt: number;
}

/**
 * A place to keep snapshots. Implement it to keep them in your own database.
 *
 * Contract: `save` resolves only once the snapshot is durable (it survives a
 * process crash, and for a file a power loss), and replaces the previous one
 * atomically: a crash during `save` leaves either the old or the new
 * snapshot, never a mix. `load` resolves `undefined` only when nothing was
 * ever saved for the id; unreadable or damaged state must reject (with
 * `StoreCorruptError`), never look empty, or the source would silently
 * restart from its start strategy.
 *
 * @example
 * const store: OffsetStore = {
 *   load: async (id) => (await db.get(id)) ?? undefined,
 *   save: async (id, snapshot) => db.put(id, snapshot), // a committed transaction
 * };
 */
export interface OffsetStore {
  load(pipelineId: string): Promise<Snapshot | undefined>;
  save(pipelineId: string, snapshot: Snapshot): Promise<void>;
}

/** Rejects ids that could not name a pipeline (and so a file) safely. */
export function checkPipelineId(pipelineId: unknown): string {
  if (typeof pipelineId !== "string" || pipelineId.length === 0 || pipelineId.length > 200) {
    throw new InputError("pipelineId must be a non-empty string of at most 200 characters", "pipelineId", pipelineId);
  }
  return pipelineId;
}

/**
 * Checks that `value` is a well-formed snapshot (as read back from storage),
 * or throws `StoreCorruptError` naming `location` and what is wrong.
 */
export function checkSnapshot(value: unknown, location: string): Snapshot {
  const corrupt = (what: string) => new StoreCorruptError(`offset snapshot at ${location}: ${what}`, location);
  if (typeof value !== "object" || value === null) throw corrupt("not an object");
  const v = value as Record<string, unknown>;
  if (typeof v.pipelineId !== "string" || v.pipelineId.length === 0) throw corrupt("pipelineId missing");
  if (!isCount(v.epoch) || v.epoch < 1) throw corrupt(`bad epoch ${String(v.epoch)}`);
  if (!isCount(v.completedAt)) throw corrupt(`bad completedAt ${String(v.completedAt)}`);
  if (typeof v.offsets !== "object" || v.offsets === null || Array.isArray(v.offsets)) throw corrupt("offsets missing");
  const offsets: Record<string, number> = {};
  for (const [key, offset] of Object.entries(v.offsets)) {
    if (!isCount(offset)) throw corrupt(`bad offset ${String(offset)} for queue ${key}`);
    offsets[key] = offset;
  }
  return { pipelineId: v.pipelineId, epoch: v.epoch, offsets, completedAt: v.completedAt };
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
