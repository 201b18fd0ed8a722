/**
 * Framing of remoting commands on a byte stream. A frame is, big-endian:
 * int32 length (of everything after it), int32 whose top byte is the header's
 * serialize type and whose low 24 bits are the header length, the header, and
 * the body.
 */
import { ProtocolError } from "../errors.ts";
import type { RemotingCommand } from "./command.ts";
import {
  decodeBinaryHeader,
  decodeJsonHeader,
  encodeBinaryHeader,
  encodeJsonHeader,
  SerializeType,
} from "./header-codec.ts";

/** Brokers refuse frames above 16 MiB (Netty's `frameMaxLength`); we refuse the same. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
const MAX_HEADER_BYTES = 0xffffff;

export interface EncodeFrameOptions {
  /** Header serialization; JSON unless a test wants the binary layout. */
  readonly serializeType?: SerializeType;
}

/**
 * The bytes of one command, ready to write to a socket.
 *
 * @example
 * socket.write(encodeFrame(createRequest(RequestCode.GET_MIN_OFFSET, { topic: "T", queueId: 0 })));
 */
export function encodeFrame(cmd: RemotingCommand, options: EncodeFrameOptions = {}): Uint8Array {
  const header = options.serializeType === SerializeType.ROCKETMQ ? encodeBinaryHeader(cmd) : encodeJsonHeader(cmd);
  if (header.length > MAX_HEADER_BYTES) throw new ProtocolError(`command header of ${header.length} bytes exceeds 16 MiB`);
  const bodyLength = cmd.body?.byteLength ?? 0;
  const frame = new Uint8Array(8 + header.length + bodyLength);
  const view = new DataView(frame.buffer);
  view.setInt32(0, 4 + header.length + bodyLength);
  view.setInt32(4, ((options.serializeType ?? SerializeType.JSON) << 24) | header.length);
  frame.set(header, 8);
  if (cmd.body) frame.set(cmd.body, 8 + header.length);
  return frame;
}

/**
 * Decodes one frame's content (the bytes after the length prefix).
 * The body is a view into `content`.
 */
export function decodeFrameContent(content: Uint8Array): RemotingCommand {
  if (content.byteLength < 4) throw new ProtocolError(`frame of ${content.byteLength} bytes has no header length`);
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  const mark = view.getUint32(0);
  const type = mark >>> 24;
  const headerLength = mark & MAX_HEADER_BYTES;
  if (headerLength > content.byteLength - 4) {
    throw new ProtocolError(`header length ${headerLength} exceeds the frame (${content.byteLength - 4} bytes)`);
  }
  const headerBytes = content.subarray(4, 4 + headerLength);
  let header: Omit<RemotingCommand, "body">;
  if (type === SerializeType.JSON) header = decodeJsonHeader(headerBytes);
  else if (type === SerializeType.ROCKETMQ) header = decodeBinaryHeader(headerBytes);
  else throw new ProtocolError(`unknown header serialize type ${type}`);
  const bodyStart = 4 + headerLength;
  return bodyStart < content.byteLength ? { ...header, body: content.subarray(bodyStart) } : header;
}

/**
 * Splits a byte stream into commands. Chunks may split or join frames
 * anywhere. It buffers at most one frame plus the chunk being pushed: the
 * length prefix is checked against the limit before anything accumulates.
 * After a ProtocolError it stays failed (the stream has lost its framing).
 *
 * @example
 * const decoder = new FrameDecoder();
 * socket.on("data", (chunk) => { for (const cmd of decoder.push(chunk)) handle(cmd); });
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  /** Bytes of an incomplete frame, in arrival order. */
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #failure: ProtocolError | undefined;

  constructor(options: { maxFrameBytes?: number } = {}) {
    const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isInteger(max) || max < 4 || max > 0x7fffffff) {
      throw new RangeError(`maxFrameBytes must be an integer in 4..2^31-1, got ${max}`);
    }
    this.#maxFrameBytes = max;
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /** Feeds bytes; returns every command they complete. Throws ProtocolError on a corrupt stream. */
  push(chunk: Uint8Array): RemotingCommand[] {
    if (this.#failure) throw this.#failure;
    try {
      return this.#push(chunk);
    } catch (err) {
      this.#failure = err instanceof ProtocolError ? err : new ProtocolError(`frame decoding failed: ${err}`, { cause: err });
      this.#pending = [];
      this.#pendingBytes = 0;
      throw this.#failure;
    }
  }

  #push(chunk: Uint8Array): RemotingCommand[] {
    if (chunk.byteLength === 0) return [];
    let bytes = chunk;
    if (this.#pendingBytes > 0) {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.byteLength;
      // Join only once the frame is complete: one copy per frame, however many chunks it came in.
      if (this.#pendingBytes < 4 || this.#pendingBytes < 4 + this.#frameLength(this.#prefix())) {
        return [];
      }
      bytes = concat(this.#pending, this.#pendingBytes);
      this.#pending = [];
      this.#pendingBytes = 0;
    }
    const out: RemotingCommand[] = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let pos = 0;
    while (bytes.byteLength - pos >= 4) {
      const length = this.#frameLength(view.getInt32(pos));
      if (bytes.byteLength - pos - 4 < length) break;
      out.push(decodeFrameContent(bytes.subarray(pos + 4, pos + 4 + length)));
      pos += 4 + length;
    }
    if (pos < bytes.byteLength) {
      this.#pending.push(bytes.subarray(pos));
      this.#pendingBytes = bytes.byteLength - pos;
    }
    return out;
  }

  /** The length prefix of the pending frame (at least 4 bytes are pending). */
  #prefix(): number {
    const first = this.#pending[0]!;
    if (first.byteLength >= 4) return new DataView(first.buffer, first.byteOffset, 4).getInt32(0);
    return new DataView(concat(this.#pending, 4).buffer).getInt32(0);
  }

  #frameLength(length: number): number {
    if (length < 4) throw new ProtocolError(`frame length ${length} is below the 4-byte minimum`);
    if (length > this.#maxFrameBytes) {
      throw new ProtocolError(`frame length ${length} exceeds the limit of ${this.#maxFrameBytes} bytes`);
    }
    return length;
  }
}

/** The first `length` bytes of `parts`, joined. */
function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let pos = 0;
  for (const part of parts) {
    if (pos >= length) break;
    const take = Math.min(part.byteLength, length - pos);
    out.set(take === part.byteLength ? part : part.subarray(0, take), pos);
    pos += take;
  }
  return out;
}
