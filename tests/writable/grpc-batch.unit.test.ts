/**
 * What the gRPC batch sender refuses before it touches the network: a batch
 * is one SendMessage request, so it holds plain messages of one topic, and a
 * client version without the members it needs is named, not half-used. The
 * round trip itself (bodies, keys, tags, properties; one request per batch)
 * runs against the proxy in sink-broker.test.ts.
 */
import type { Producer } from "rocketmq-client-nodejs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { InputError } from "../../src/errors.ts";
import { GrpcBatchSender } from "../../src/writable/grpc-batch-send.ts";
import type { OutgoingMessage } from "../../src/writable/outgoing-message.ts";

const body = new Uint8Array([1, 2, 3]);
const options = { attempts: 1, timeoutMs: 1000, backoff: { initialMs: 1, maxMs: 1 }, typeError: (e: unknown) => e as Error };
/**
 * A stand-in with none of the client's members: the refusals below happen before the
 * producer is looked at (a real, never-started Producer would leave handles open).
 */
const unstarted = () => ({}) as Producer;

const s = suite("gRPC batch sender: what it refuses");

const cases: [string, OutgoingMessage, string, unknown][] = [
  ["another topic", { topic: "b", body }, "topic", "b"],
  ["a FIFO key", { topic: "a", body, shardingKey: "k1" }, "shardingKey", "k1"],
  ["a delivery time", { topic: "a", body, deliveryTimestamp: 1700000000000 }, "deliveryTimestamp", 1700000000000],
  ["a delay level", { topic: "a", body, delayLevel: 3 }, "delayLevel", 3],
];
for (const [what, second, field, value] of cases) {
  s(`a message with ${what} is refused with an InputError naming ${field}`, async () => {
    const sender = new GrpcBatchSender(unstarted(), options);
    const err = await sender.send([{ topic: "a", body }, second]).then(() => undefined, (e: unknown) => e);
    assert.instance(err, InputError);
    assert.is((err as InputError).field, field);
    assert.equal((err as InputError).value, value);
    assert.match((err as Error).message, /message 1 has/);
  });
}

s("an empty batch resolves to no receipts", async () => {
  assert.equal(await new GrpcBatchSender(unstarted(), options).send([]), []);
});

s("a producer without the client members it needs is named in a TypeError", async () => {
  const err = await new GrpcBatchSender(unstarted(), options).send([{ topic: "a", body }]).then(() => undefined, (e: unknown) => e);
  assert.instance(err, TypeError);
  assert.match((err as Error).message, /has no "isolated"/);
});

s.run();
