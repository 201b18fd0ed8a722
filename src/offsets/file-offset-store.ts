import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { InputError, StoreCorruptError, StoreError, StoreMissingError } from "../errors.ts";
import type { OffsetStore, Snapshot } from "./offset-store.ts";
import { checkPipelineId, checkSnapshot } from "./offset-store.ts";

/** Identifies the file format; bump `version` on any incompatible change. */
const FORMAT = { name: "rocketmq-webstreams/offset-snapshot", version: 1 } as const;

/**
 * One file per pipeline in `dir`, named after the (URI-encoded) pipeline id.
 *
 * `save` writes a temporary file, fsyncs it, renames it over the old one and
 * fsyncs the directory, so a crash or power loss leaves the old snapshot or
 * the new one. The file holds the snapshot as an embedded JSON string, its
 * sha256, the format name and version: a flipped byte, a truncated or empty
 * file, or an unknown version is refused with `StoreCorruptError`, never read
 * as "no state". A snapshot of another pipeline id is refused with `StoreError`.
 *
 * `dir` must exist unless `create: true` is given: a missing directory is a
 * `StoreMissingError` (code `STORE_MISSING`), on load and on save. An
 * unmounted volume or a mistyped path would otherwise read as "no state" and
 * silently restart the pipeline from its start strategy, and a save would
 * write the state where the volume should be. A path that is a file, or a
 * directory that cannot be read, is a `StoreError`.
 *
 * @example
 * const store = new FileOffsetStore("./state", { create: true });
 * const cp = checkpoint({ pipelineId: "orders-to-db", intervalMs: 3000, store });
 */
export interface FileOffsetStoreOptions {
  /** Create `dir` (and its parents) when it does not exist; default false: a missing `dir` is an error. */
  readonly create?: boolean;
}

export class FileOffsetStore implements OffsetStore {
  #dir: string;
  #create: boolean;

  constructor(dir: string, options: FileOffsetStoreOptions = {}) {
    if (typeof dir !== "string" || dir.length === 0) throw new InputError("dir must be a non-empty path", "dir", dir);
    if (options.create !== undefined && typeof options.create !== "boolean") {
      throw new InputError(`create must be a boolean, got ${JSON.stringify(options.create)}`, "create", options.create);
    }
    this.#dir = dir;
    this.#create = options.create ?? false;
  }

  /** The file that holds `pipelineId`'s snapshot. */
  pathOf(pipelineId: string): string {
    return join(this.#dir, `${encodeURIComponent(checkPipelineId(pipelineId))}.offsets.json`);
  }

  async load(pipelineId: string): Promise<Snapshot | undefined> {
    const path = this.pathOf(pipelineId);
    // created on the first save; until then an asked-for directory holds no state
    if (!(await this.#checkDirectory())) return undefined;
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if (errorCode(error) === "ENOENT") return undefined;
      throw new StoreError(`cannot read offset snapshot ${path}`, path, { cause: error, retryable: true });
    }
    const snapshot = decode(text, path);
    if (snapshot.pipelineId !== pipelineId) {
      throw new StoreError(
        `offset snapshot ${path} belongs to pipeline ${JSON.stringify(snapshot.pipelineId)}, not ${JSON.stringify(pipelineId)}: refusing to use it`,
        path,
      );
    }
    return snapshot;
  }

  async save(pipelineId: string, snapshot: Snapshot): Promise<void> {
    const path = this.pathOf(pipelineId);
    if (snapshot.pipelineId !== pipelineId) {
      throw new InputError(`snapshot of pipeline ${snapshot.pipelineId} saved under ${pipelineId}`, "pipelineId", pipelineId);
    }
    const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    if (!(await this.#checkDirectory())) {
      try {
        await mkdir(this.#dir, { recursive: true });
      } catch (error) {
        throw new StoreError(`cannot create offset store directory ${this.#dir}`, this.#dir, { cause: error, retryable: true });
      }
    }
    try {
      const file = await open(temp, "wx");
      try {
        await file.writeFile(encode(snapshot), "utf8");
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, path);
      await syncDirectory(this.#dir);
    } catch (error) {
      // best-effort cleanup: the save error below is the one that matters
      await rm(temp, { force: true }).catch(() => undefined);
      throw new StoreError(`cannot save offset snapshot ${path}`, path, { cause: error, retryable: true });
    }
  }

  /**
   * True when the directory exists; false when it does not and may be
   * created. Throws StoreMissingError when it does not exist and may not be
   * created, StoreError when the path is no directory or cannot be looked at.
   */
  async #checkDirectory(): Promise<boolean> {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(this.#dir)).isDirectory();
    } catch (error) {
      const code = errorCode(error);
      if (code === "ENOENT") {
        if (this.#create) return false;
        throw new StoreMissingError(
          `offset store directory ${this.#dir} does not exist: refusing to treat it as "no state" (an unmounted volume or a wrong path would restart the pipeline from its start strategy); create it, or pass { create: true }`,
          this.#dir, { cause: error });
      }
      // ENOTDIR: a parent is a file; EACCES: a parent cannot be searched
      throw new StoreError(`cannot use offset store directory ${this.#dir}: ${String(code ?? error)}`, this.#dir, { cause: error, retryable: code !== "ENOTDIR" && code !== "EACCES" });
    }
    if (!isDirectory) throw new StoreError(`offset store path ${this.#dir} is not a directory`, this.#dir);
    return true;
  }
}

function encode(snapshot: Snapshot): string {
  const body = JSON.stringify({
    pipelineId: snapshot.pipelineId,
    epoch: snapshot.epoch,
    offsets: snapshot.offsets,
    completedAt: snapshot.completedAt,
  });
  return JSON.stringify({ format: FORMAT.name, version: FORMAT.version, sha256: sha256(body), snapshot: body }) + "\n";
}

function decode(text: string, path: string): Snapshot {
  const corrupt = (what: string, cause?: unknown) =>
    new StoreCorruptError(`offset snapshot ${path} is corrupt: ${what}`, path, { cause });
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (error) {
    throw corrupt(text.length === 0 ? "empty file" : "not valid JSON (truncated or damaged)", error);
  }
  if (typeof file !== "object" || file === null) throw corrupt("not an object");
  const { format, version, sha256: sum, snapshot: body } = file as Record<string, unknown>;
  if (format !== FORMAT.name) throw corrupt(`unknown format ${JSON.stringify(format)}`);
  if (version !== FORMAT.version) throw corrupt(`unsupported version ${JSON.stringify(version)}`);
  if (typeof body !== "string" || typeof sum !== "string") throw corrupt("snapshot or checksum missing");
  if (sha256(body) !== sum) throw corrupt("checksum mismatch");
  let snapshot: unknown;
  try {
    snapshot = JSON.parse(body);
  } catch (error) {
    throw corrupt("snapshot is not valid JSON", error);
  }
  return checkSnapshot(snapshot, path);
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Makes the rename durable: the directory entry itself must reach the disk. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function errorCode(error: unknown): unknown {
  return typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
}
