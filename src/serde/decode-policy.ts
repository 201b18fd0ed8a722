/**
 * What a source does with a record it cannot decode (DESIGN §4):
 * - `fail` (default): the stream errors with a `DecodeFailedError` carrying
 *   the raw bytes and the record's offset; the checkpoint does not move past it;
 * - `skip`: the record is dropped and counted;
 * - `dead-letter`: the raw record is handed back so the source can send it to
 *   a dead-letter topic inside the same epoch, then continue.
 *
 * Everything here is synchronous. The source decodes a whole pulled batch
 * with `decodeBatch` and gets one result: no promise per message, and at
 * most one awaited dead-letter send per batch.
 */
import * as E from "fp-ts/lib/Either.js";
import * as O from "fp-ts/lib/Option.js";
import * as t from "io-ts";
import type { DecodeError } from "./decode-error.ts";

// ---------------------------------------------------------------------------
// model

export const DecodeFailurePolicies = {
  fail: "fail",
  skip: "skip",
  deadLetter: "dead-letter",
} as const;

export type DecodeFailurePolicy = (typeof DecodeFailurePolicies)[keyof typeof DecodeFailurePolicies];

/** io-ts codec for configuration (`"fail" | "skip" | "dead-letter"`). */
export const DecodeFailurePolicyCodec = t.keyof(
  { fail: null, skip: null, "dead-letter": null },
  "DecodeFailurePolicy",
);

/** A record that failed to decode, with whatever the caller uses to describe it (bytes, metadata). */
export interface DecodeFailure<R> {
  readonly error: DecodeError;
  readonly record: R;
}

/** What the policy did to one record, when it did not stop the stream. */
export interface DecodePolicyHooks<R> {
  /** Policy `skip`: the record is dropped. Count it here. */
  readonly onSkip?: (failure: DecodeFailure<R>) => void;
  /** Policy `dead-letter`: the record is dropped from the flow; keep it to send. */
  readonly onDeadLetter?: (failure: DecodeFailure<R>) => void;
}

/**
 * One decoded batch. `deadLetters` is empty unless the policy is `dead-letter`.
 * Under `fail`, `failed` is the first record that did not decode and `values`
 * holds the records before it (none after it were tried).
 */
export interface DecodedBatch<T, R> {
  readonly values: T[];
  readonly skipped: number;
  readonly deadLetters: Array<DecodeFailure<R>>;
  readonly failed?: DecodeFailure<R>;
}

// ---------------------------------------------------------------------------
// combinators

/**
 * Applies the policy to one decode result.
 * `Right(some(v))`: emit v. `Right(none)`: dropped (the matching hook was called).
 * `Left(failure)`: policy `fail`, the caller stops the stream with it.
 *
 * @example
 * const out = applyDecodePolicy("skip", schema.deserialize(k, v, meta), msg, { onSkip: () => skipped++ });
 */
export function applyDecodePolicy<T, R>(
  policy: DecodeFailurePolicy,
  result: E.Either<DecodeError, T>,
  record: R,
  hooks: DecodePolicyHooks<R> = {},
): E.Either<DecodeFailure<R>, O.Option<T>> {
  if (E.isRight(result)) return E.right(O.some(result.right));
  const failure: DecodeFailure<R> = { error: result.left, record };
  switch (policy) {
    case "skip":
      hooks.onSkip?.(failure);
      return E.right(O.none);
    case "dead-letter":
      hooks.onDeadLetter?.(failure);
      return E.right(O.none);
    default:
      return E.left(failure);
  }
}

/**
 * Decodes a batch under a policy. Under `fail` it stops at the first failure
 * and returns it as `failed`, with the values decoded before it: a source
 * delivers those, then errors the stream at the failed record's offset.
 *
 * @example
 * const batch = decodeBatch(messages, (m) => schema.deserialize(m.key, m.body, m.meta), "dead-letter");
 * if (batch.failed) throw toDecodeFailedError(batch.failed.error, batch.failed.record.meta, batch.failed.record.body);
 */
export function decodeBatch<R, T>(
  records: readonly R[],
  decode: (record: R) => E.Either<DecodeError, T>,
  policy: DecodeFailurePolicy,
): DecodedBatch<T, R> {
  const values: T[] = [];
  const deadLetters: Array<DecodeFailure<R>> = [];
  let skipped = 0;
  for (const record of records) {
    const result = decode(record);
    if (E.isRight(result)) { values.push(result.right); continue; }
    if (policy === "skip") skipped++;
    else if (policy === "dead-letter") deadLetters.push({ error: result.left, record });
    else return { values, skipped, deadLetters, failed: { error: result.left, record } };
  }
  return { values, skipped, deadLetters };
}
