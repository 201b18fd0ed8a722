/**
 * SendEngine against an in-memory transport whose acknowledgements the test
 * releases by hand, so bounds and failure handling are checked by counting,
 * never by timing. Broker behaviour is tested in the sink's broker suites.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { SendError } from "../../src/errors.ts";
import type { OutgoingMessage, SendReceipt } from "../../src/writable/outgoing-message.ts";
import type { ProducerTransport } from "../../src/writable/producer-transport.ts";
import { SendEngine } from "../../src/writable/send-engine.ts";

interface Pending { messages: readonly OutgoingMessage[]; resolve: () => void; reject: (e: unknown) => void }

class ManualTransport implements ProducerTransport {
  readonly kind = "remoting" as const;
  pending: Pending[] = [];
  batches = 0;
  closed = false;
  stored: OutgoingMessage[] = [];
  #receipt(m: OutgoingMessage, i: number): SendReceipt {
    return { msgId: `id-${i}`, topic: m.topic };
  }
  send(message: OutgoingMessage): Promise<SendReceipt> {
    return new Promise((resolve, reject) => {
      this.pending.push({ messages: [message], resolve: () => { this.stored.push(message); resolve(this.#receipt(message, this.stored.length)); }, reject });
    });
  }
  sendBatch(messages: readonly OutgoingMessage[]): Promise<SendReceipt[]> {
    this.batches++;
    return new Promise((resolve, reject) => {
      this.pending.push({ messages, resolve: () => { this.stored.push(...messages); resolve(messages.map((m, i) => this.#receipt(m, i))); }, reject });
    });
  }
  releaseAll(): void {
    const p = this.pending;
    this.pending = [];
    p.forEach((x) => x.resolve());
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const msg = (i: number, bytes = 10): OutgoingMessage => ({ topic: "t", body: new Uint8Array(bytes).fill(i % 256) });

const s = suite("send engine");

s("sync: write resolves only after the broker acknowledged each message", async () => {
  const transport = new ManualTransport();
  const engine = new SendEngine(transport, { mode: "sync" });
  let resolved = false;
  const w = engine.write([msg(1), msg(2)]).then(() => { resolved = true; });
  await tick();
  assert.is(transport.pending.length, 1, "one send at a time");
  transport.releaseAll();
  await tick();
  assert.is(resolved, false, "second message still unacknowledged");
  transport.releaseAll();
  await w;
  assert.is(resolved, true);
  assert.equal(engine.stats, { acknowledged: 2, unacknowledged: 0, outages: 0, resent: 0 });
});

s("async: never more than maxInFlight outstanding", async () => {
  const transport = new ManualTransport();
  const engine = new SendEngine(transport, { mode: "async", maxInFlight: 3 });
  const w = engine.write(Array.from({ length: 10 }, (_, i) => msg(i)));
  await tick();
  assert.is(transport.pending.length, 3);
  let max = 0;
  let finished = false;
  void w.then(() => { finished = true; });
  while (!finished) {
    max = Math.max(max, transport.pending.length);
    transport.releaseAll();
    await tick();
  }
  assert.ok(max <= 3, `max outstanding ${max}`);
  const f = engine.flush();
  await tick();
  transport.releaseAll();
  await f;
  assert.is(transport.stored.length, 10);
});

s("async: a failed send errors every later call with the final unacknowledged count", async () => {
  const transport = new ManualTransport();
  const engine = new SendEngine(transport, { mode: "async", maxInFlight: 4 });
  await engine.write([msg(1), msg(2), msg(3)]);
  transport.pending[1]!.reject(new Error("broker said no"));
  transport.pending[0]!.resolve();
  await tick();
  let outcome: unknown = "pending";
  const w = engine.write([msg(4)]).then(() => "resolved", (e: unknown) => e).then((o) => (outcome = o));
  await tick();
  assert.is(outcome, "pending", "the error waits for the send still on the wire");
  assert.is(transport.pending.length, 3, "and nothing new was sent");
  transport.pending[2]!.resolve();
  await w;
  assert.instance(outcome, SendError);
  assert.is((outcome as SendError).unacknowledged, 1, "only the failed send is unacknowledged");
  assert.match((outcome as Error).message, /broker said no/);
  assert.equal(engine.stats, { acknowledged: 2, unacknowledged: 1, outages: 0, resent: 0 });
  const flushed = await engine.flush().then(() => "resolved", (e: unknown) => e);
  assert.instance(flushed, SendError);
  assert.is((flushed as SendError).unacknowledged, 1);
});

s("async: sends in flight that fail after the first failure are counted too", async () => {
  const transport = new ManualTransport();
  const engine = new SendEngine(transport, { mode: "async", maxInFlight: 8 });
  await engine.write([msg(1), msg(2), msg(3), msg(4)]);
  transport.pending[0]!.resolve();
  transport.pending[1]!.reject(new Error("connection refused"));
  await tick();
  const w = engine.flush().then(() => "resolved", (e: unknown) => e);
  transport.pending[2]!.reject(new Error("connection refused"));
  transport.pending[3]!.resolve();
  const err = await w;
  assert.instance(err, SendError);
  assert.is((err as SendError).unacknowledged, 2);
  assert.equal(engine.stats, { acknowledged: 2, unacknowledged: 2, outages: 0, resent: 0 });
});

s("async: one write of many messages stops sending at the first failure", async () => {
  const transport = new ManualTransport();
  const engine = new SendEngine(transport, { mode: "async", maxInFlight: 2 });
  const w = engine.write(Array.from({ length: 10 }, (_, i) => msg(i))).then(() => "resolved", (e: unknown) => e);
  await tick();
  assert.is(transport.pending.length, 2);
  let settled = false;
  void w.then(() => (settled = true));
  transport.pending[0]!.reject(new Error("broker gone"));
  await tick();
  assert.is(settled, false, "the write waits for the other send on the wire");
  transport.pending[1]!.resolve();
  const err = await w;
  assert.instance(err, SendError);
  assert.is(transport.pending.length, 2, "no send after the failure");
  assert.is((err as SendError).unacknowledged, 1);
});

s("batch: buffers up to the count cap, sends batches, flush waits for all", async () => {
  const transport = new ManualTransport();
  const engine = new SendEngine(transport, { mode: "batch", batchMaxMessages: 4, maxInFlight: 2 });
  await engine.write(Array.from({ length: 6 }, (_, i) => msg(i)));
  assert.is(transport.batches, 1, "one full batch sent");
  assert.is(transport.pending[0]!.messages.length, 4);
  let flushed = false;
  const f = engine.flush().then(() => { flushed = true; });
  await tick();
  assert.is(transport.batches, 2, "flush sends the remainder");
  assert.is(flushed, false, "flush waits for acknowledgements");
  transport.releaseAll();
  await f;
  assert.is(transport.stored.length, 6);
  assert.equal(engine.stats, { acknowledged: 6, unacknowledged: 0, outages: 0, resent: 0 });
});

s("batch: the byte cap closes a batch early", async () => {
  const transport = new ManualTransport();
  const engine = new SendEngine(transport, { mode: "batch", batchMaxMessages: 100, batchMaxBytes: 250 });
  await engine.write(Array.from({ length: 5 }, (_, i) => msg(i, 100)));
  assert.is(transport.batches, 1);
  assert.is(transport.pending[0]!.messages.length, 3);
  transport.releaseAll();
  const f = engine.flush();
  await tick();
  assert.is(transport.pending.length, 1, "the remaining 2 go out as one batch");
  transport.releaseAll();
  await f;
  assert.is(transport.stored.length, 5);
});

s("batch: FIFO messages are not merged into batch requests", async () => {
  const transport = new ManualTransport();
  const engine = new SendEngine(transport, { mode: "batch", batchMaxMessages: 2 });
  await engine.write([{ ...msg(1), shardingKey: "k" }, { ...msg(2), shardingKey: "k" }]);
  assert.is(transport.batches, 0);
  assert.is(transport.pending.length, 2);
  transport.releaseAll();
  await engine.flush();
  assert.is(transport.stored.length, 2);
});

s("batch: beginFlush covers only what came before it, and later writes go on", async () => {
  const transport = new ManualTransport();
  const engine = new SendEngine(transport, { mode: "batch", batchMaxMessages: 4, maxInFlight: 4 });
  await engine.write([0, 1, 2, 3, 4, 5].map((i) => msg(i))); // one batch of 4 sent, 2 buffered
  const { durable } = await engine.beginFlush(); // sends the 2: two batches covered
  assert.is(transport.pending.length, 2, "the buffered remainder went out at the barrier");
  let isDurable = false;
  void durable.then(() => { isDurable = true; });
  await engine.write([6, 7, 8, 9].map((i) => msg(i))); // the next epoch's batch, not covered
  assert.is(transport.pending.length, 3, "writes after beginFlush were not held back");
  const later = transport.pending.pop()!;
  transport.releaseAll();
  await durable;
  assert.ok(isDurable);
  assert.is(transport.stored.length, 6, "durable resolved with only the covered batches stored");
  later.resolve();
  await engine.flush();
  assert.equal(engine.stats, { acknowledged: 10, unacknowledged: 0, outages: 0, resent: 0 });
});

s("batch: beginFlush's durable rejects with the SendError when a covered send failed", async () => {
  const transport = new ManualTransport();
  const engine = new SendEngine(transport, { mode: "batch", batchMaxMessages: 2, maxInFlight: 4 });
  await engine.write([msg(0), msg(1), msg(2)]);
  const { durable } = await engine.beginFlush();
  const [first, second] = transport.pending;
  first!.resolve();
  second!.reject(new Error("broker down"));
  const err = await durable.then(() => undefined, (e: unknown) => e);
  assert.instance(err, SendError);
  assert.is((err as SendError).unacknowledged, 1);
  assert.match((err as Error).message, /broker down/);
  const next = await engine.write([msg(3)]).then(() => undefined, (e: unknown) => e);
  assert.instance(next, SendError, "the engine stays failed");
});

s("abort reports what was not acknowledged and closes the transport", async () => {
  const transport = new ManualTransport();
  const engine = new SendEngine(transport, { mode: "batch", batchMaxMessages: 3 });
  await engine.write(Array.from({ length: 5 }, (_, i) => msg(i)));
  const a = engine.abort();
  await tick();
  transport.pending[0]!.reject(new Error("lost"));
  assert.is(await a, 5);
  assert.ok(transport.closed);
});

s("rejects bad bounds at construction", () => {
  assert.throws(() => new SendEngine(new ManualTransport(), { mode: "async", maxInFlight: 0 }), /maxInFlight must be a positive integer, got 0/);
});

s.run();
