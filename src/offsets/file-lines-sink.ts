import { type FileHandle, open } from "node:fs/promises";
import type { CheckpointSink } from "./checkpoint-sink.ts";

/** Buffered text is written to the file (not yet synced) past this many characters. */
const WRITE_THRESHOLD = 64 * 1024;

/**
 * An example {@link CheckpointSink}: appends one line per record to a file,
 * and on `flush` writes what it buffered and fsyncs, so an acknowledged epoch
 * survives a crash. `format` must not return line breaks.
 *
 * @example
 * const sink = new FileLinesSink("seen.txt", (r: Rec) => `${queueKey(r.queue)} ${r.queueOffset}`);
 * await flow.pipeTo(cp.sink(sink));
 */
export class FileLinesSink<T> implements CheckpointSink<T> {
  #path: string;
  #format: (record: T) => string;
  #handle: Promise<FileHandle> | undefined;
  #buffer: string[] = [];
  #buffered = 0;

  constructor(path: string, format: (record: T) => string = defaultFormat) {
    this.#path = path;
    this.#format = format;
  }

  get path(): string {
    return this.#path;
  }

  async write(records: readonly T[]): Promise<void> {
    for (const record of records) {
      const line = this.#format(record) + "\n";
      this.#buffer.push(line);
      this.#buffered += line.length;
    }
    if (this.#buffered >= WRITE_THRESHOLD) await this.#writeBuffer();
  }

  async flush(): Promise<void> {
    await this.#writeBuffer();
    await (await this.#file()).sync();
  }

  async close(): Promise<void> {
    await this.flush();
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) await (await handle).close();
  }

  async abort(): Promise<void> {
    // nothing owed: unflushed lines belong to an epoch that will not complete
    this.#buffer = [];
    this.#buffered = 0;
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) await (await handle).close();
  }

  #file(): Promise<FileHandle> {
    this.#handle ??= open(this.#path, "a");
    return this.#handle;
  }

  async #writeBuffer(): Promise<void> {
    if (this.#buffer.length === 0) return;
    const text = this.#buffer.join("");
    this.#buffer = [];
    this.#buffered = 0;
    await (await this.#file()).appendFile(text, "utf8");
  }
}

function defaultFormat(record: unknown): string {
  return typeof record === "string" ? record : JSON.stringify(record);
}
