/** Shared test data for the serde suites. */
import * as E from "fp-ts/lib/Either.js";
import * as assert from "uvu/assert";
import type { RecordMetadata } from "../../src/serde/record-metadata.ts";

export const meta: RecordMetadata = {
  topic: "orders",
  tags: "created",
  keys: ["k1"],
  brokerName: "broker-a",
  queueId: 3,
  queueOffset: 1234,
  msgId: "7F0000010001",
  bornTimestamp: 1_700_000_000_000,
  storeTimestamp: 1_700_000_000_005,
  properties: { origin: "test" },
};

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The Right of an Either, failing the test with the Left's message otherwise. */
export function right<L, A>(result: E.Either<L, A>): A {
  if (E.isLeft(result)) assert.unreachable(`expected Right, got Left: ${(result.left as { message?: string }).message ?? String(result.left)}`);
  return (result as E.Right<A>).right;
}

/** The Left of an Either, failing the test otherwise. */
export function left<L, A>(result: E.Either<L, A>): L {
  if (E.isRight(result)) assert.unreachable(`expected Left, got Right: ${JSON.stringify(result.right)}`);
  return (result as E.Left<L>).left;
}
