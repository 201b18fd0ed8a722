/**
 * RocketMQSink's WritableStream face against an in-memory transport whose
 * acknowledgements the test settles by hand: what the writer sees when a
 * send fails, and that the transport is released once the stream is errored.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ConnectionError, InputError, SendError } from "../../src/errors.ts";
import type { OutgoingMessage, SendReceipt } from "../../src/writable/outgoing-message.ts";
import type { ProducerTransport } from "../../src/writable/producer-transport.ts";
import { RocketMQSink } from "../../src/writable/rocketmq-sink.ts";

interface Pending { resolve: () => void; reject: (e: unknown) => void }

class ManualTransport implements ProducerTransport {
  readonly kind = "remoting" as const;
  pending: Pending[] = [];
  sent = 0;
  closed = 0;
  send(message: OutgoingMessage): Promise<SendReceipt> {
    const id = `id-${this.sent++}`;
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve: () => resolve({ msgId: id, topic: message.topic }), reject });
    });
  }
  async close(): Promise<void> {
    this.closed++;
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const toMessage = (i: number): OutgoingMessage => ({ topic: "t", body: new Uint8Array([i]) });
const refused = () => new ConnectionError("connect ECONNREFUSED 127.0.0.1:30911", "127.0.0.1:30911");

const s = suite("sink stream");

s("sync: the failing write rejects with the transport's typed error, the stream errors, the transport is closed", async () => {
  const transport = new ManualTransport();
  const sink = new RocketMQSink<number>({ transport, toMessage, maxOutageMs: 0 });
  const writer = sink.writable().getWriter();
  const first = writer.write(1);
  await tick();
  transport.pending[0]!.resolve();
  await first;
  const second = writer.write(2).then(() => "resolved", (e: unknown) => e);
  await tick();
  transport.pending[1]!.reject(refused());
  const err = await second;
  assert.instance(err, ConnectionError);
  assert.is((err as ConnectionError).code, "CONNECTION_FAILED");
  assert.is((err as ConnectionError).address, "127.0.0.1:30911");
  assert.is(await writer.closed.then(() => "closed", (e: unknown) => e), err, "the stream is errored with the same error");
  assert.is(transport.closed, 1, "the transport was released");
  assert.equal(sink.stats, { acknowledged: 1, unacknowledged: 1, outages: 0, resent: 0 });
});

s("async: the stream errors with a SendError counting exactly the unacknowledged messages", async () => {
  const transport = new ManualTransport();
  const acks: string[] = [];
  const sink = new RocketMQSink<number>({ transport, toMessage, maxOutageMs: 0, maxInFlight: 8, onAck: (r) => acks.push(r.msgId) }).withAsync(true);
  const writer = sink.writable().getWriter();
  for (let i = 0; i < 5; i++) await writer.write(i);
  assert.is(transport.pending.length, 5, "five sends on the wire at once");
  transport.pending[0]!.resolve();
  transport.pending[1]!.reject(refused());
  transport.pending[2]!.resolve();
  await tick();
  const next = writer.write(5).then(() => "resolved", (e: unknown) => e);
  await tick();
  transport.pending[3]!.reject(refused());
  transport.pending[4]!.resolve();
  const err = await next;
  assert.instance(err, SendError);
  assert.is((err as SendError).unacknowledged, 2, "the two refused sends, after the others settled");
  assert.instance((err as Error).cause, ConnectionError, "the first failure is the cause");
  assert.is(transport.sent, 5, "the write after the failure sent nothing");
  assert.equal(acks, ["id-0", "id-2", "id-4"]);
  assert.equal(sink.stats, { acknowledged: 3, unacknowledged: 2, outages: 0, resent: 0 });
  assert.is(await writer.closed.then(() => "closed", (e: unknown) => e), err);
  assert.is(transport.closed, 1);
});

s("abort: the writer's abort reports the unacknowledged count and closes the transport", async () => {
  const transport = new ManualTransport();
  const sink = new RocketMQSink<number>({ transport, toMessage }).withAsync(true);
  const stream = sink.writable();
  const writer = stream.getWriter();
  await writer.write(1);
  await writer.write(2);
  transport.pending[0]!.resolve();
  const aborted = writer.abort(new Error("pipeline failed")).then(() => "resolved", (e: unknown) => e);
  await tick();
  transport.pending[1]!.reject(refused());
  const err = await aborted;
  assert.instance(err, SendError);
  assert.is((err as SendError).unacknowledged, 1);
  assert.is(transport.closed, 1);
});

s("batchWritable: each array chunk is one write of all its records, in order; close waits for the acks", async () => {
  const transport = new ManualTransport();
  const sent: number[] = [];
  const sink = new RocketMQSink<number>({ transport, toMessage: (i) => (sent.push(i), toMessage(i)), maxInFlight: 16 }).withAsync(true);
  const writer = sink.batchWritable().getWriter();
  await writer.write([1, 2, 3]);
  await writer.write([]);
  await writer.write([4, 5]);
  assert.equal(sent, [1, 2, 3, 4, 5]);
  assert.is(transport.pending.length, 5, "every record of both arrays is on the wire; the empty one sent nothing");
  let closed = false;
  const closing = writer.close().then(() => (closed = true));
  await tick();
  assert.is(closed, false, "close waits for the acknowledgements");
  for (const p of transport.pending) p.resolve();
  await closing;
  assert.equal(sink.stats, { acknowledged: 5, unacknowledged: 0, outages: 0, resent: 0 });
  assert.is(transport.closed, 1);
});

s("batchWritable: a chunk that is not an array errors the stream with an InputError naming the chunk, after releasing the transport", async () => {
  const transport = new ManualTransport();
  const sink = new RocketMQSink<number>({ transport, toMessage, maxOutageMs: 0 });
  const writer = sink.batchWritable().getWriter();
  const err = await writer.write(7 as unknown as readonly number[]).then(() => "resolved", (e: unknown) => e);
  assert.instance(err, InputError);
  assert.is((err as InputError).field, "chunk");
  assert.match((err as Error).message, /array of records per chunk, got number/);
  assert.is(transport.sent, 0, "nothing was sent");
  assert.is(await writer.closed.then(() => "closed", (e: unknown) => e), err);
  assert.is(transport.closed, 1);
});

s.run();
