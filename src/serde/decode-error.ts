/**
 * Serde failures as values. Deserializers and serializers return them in an
 * `Either` and never throw; a stream that has to stop turns one into a
 * `DecodeFailedError` / `EncodeFailedError` (see the bottom of this file).
 *
 * Every message has the shape `<field>: <reason>, got <value>` so that a log
 * line alone says which part of which record was wrong and what it held.
 */
import { DecodeFailedError, EncodeFailedError } from "../errors.ts";
import type { RecordMetadata } from "./record-metadata.ts";

// ---------------------------------------------------------------------------
// model

/** A record (or part of it) could not be decoded. */
export interface DecodeError {
  readonly _tag: "DecodeError";
  /** The part that failed: `key`, `value`, `value.user.id`, `value[3]`. */
  readonly field: string;
  /** Why, without the field or the value: `expected number`. */
  readonly reason: string;
  /** A bounded rendering of the offending value; bytes as `<n bytes: hex>`. */
  readonly value: string;
  /** `field: reason, got value`. */
  readonly message: string;
}

/** A value could not be serialized. Same shape as `DecodeError`. */
export interface EncodeError {
  readonly _tag: "EncodeError";
  readonly field: string;
  readonly reason: string;
  readonly value: string;
  readonly message: string;
}

// ---------------------------------------------------------------------------
// constructors

/**
 * @example
 * decodeError("value.user.id", "x", "expected number").message
 * // 'value.user.id: expected number, got "x"'
 */
export function decodeError(field: string, value: unknown, reason: string): DecodeError {
  const shown = preview(value);
  return { _tag: "DecodeError", field, reason, value: shown, message: `${field}: ${reason}, got ${shown}` };
}

/** @example encodeError("address", undefined, "field is missing").message // 'address: field is missing, got undefined' */
export function encodeError(field: string, value: unknown, reason: string): EncodeError {
  const shown = preview(value);
  return { _tag: "EncodeError", field, reason, value: shown, message: `${field}: ${reason}, got ${shown}` };
}

// ---------------------------------------------------------------------------
// rendering

/** Previews stay short so that a 4 MiB body never lands in a log line or an error. */
export const PREVIEW_MAX_CHARS = 96;
export const PREVIEW_MAX_BYTES = 32;

/** Renders any value for an error message: JSON-ish, bytes as hex, always bounded. */
export function preview(value: unknown): string {
  if (value instanceof Uint8Array) return bytesPreview(value);
  if (value === undefined) return "undefined";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return value.toString();
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > PREVIEW_MAX_CHARS ? `${text.slice(0, PREVIEW_MAX_CHARS)}…(${text.length} chars)` : text;
}

function bytesPreview(bytes: Uint8Array): string {
  const shown = bytes.subarray(0, PREVIEW_MAX_BYTES);
  let hex = "";
  for (const b of shown) hex += (hex === "" ? "" : " ") + b.toString(16).padStart(2, "0");
  const more = bytes.byteLength > shown.byteLength ? " …" : "";
  return `<${bytes.byteLength} bytes${hex === "" ? "" : `: ${hex}`}${more}>`;
}

// ---------------------------------------------------------------------------
// into thrown errors (for stream plumbing, never for serde itself)

/**
 * The error a source throws when the policy is `fail`: the serde message plus
 * where the record sits, with the raw bytes attached.
 */
export function toDecodeFailedError(error: DecodeError, meta?: RecordMetadata, raw?: Uint8Array, cause?: unknown): DecodeFailedError {
  const where = meta === undefined
    ? ""
    : ` (topic ${meta.topic}, broker ${meta.brokerName}, queue ${meta.queueId}, offset ${meta.queueOffset}, msgId ${meta.msgId})`;
  const location = meta === undefined
    ? undefined
    : { topic: meta.topic, brokerName: meta.brokerName, queueId: meta.queueId, queueOffset: meta.queueOffset, msgId: meta.msgId };
  return new DecodeFailedError(`cannot decode record: ${error.message}${where}`, error.field, error.value, {
    ...(location === undefined ? {} : { location }),
    ...(raw === undefined ? {} : { raw }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The error a sink throws when a value cannot be serialized. */
export function toEncodeFailedError(error: EncodeError): EncodeFailedError {
  return new EncodeFailedError(`cannot encode record: ${error.message}`, error.field, error.value);
}
