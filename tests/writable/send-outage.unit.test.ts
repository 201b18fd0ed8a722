/**
 * The send engine riding through a broker outage, against a stand-in broker
 * that can refuse connections (killed) or hold requests without answering
 * (paused, storing them when it resumes, as a SIGSTOPped broker does with
 * what sits in its socket). Copies are counted per message. The real broker
 * version is tests/slow/outage-*.test.ts.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { BrokerError, ConnectionError, OutageError, SendError, TimeoutError } from "../../src/errors.ts";
import type { OutgoingMessage, SendReceipt } from "../../src/writable/outgoing-message.ts";
import type { ProducerTransport } from "../../src/writable/producer-transport.ts";
import { SendEngine, type SendMode } from "../../src/writable/send-engine.ts";

type BrokerState = "up" | "killed" | "paused";

class StandInBroker implements ProducerTransport {
  readonly kind = "remoting" as const;
  state: BrokerState = "up";
  /** Copies stored per message id. */
  readonly copies = new Map<string, number>();
  /** Requests a paused broker read from its socket but has not handled yet. */
  #queued: OutgoingMessage[][] = [];
  probes = 0;
  refuseWith: Error | undefined;
  /** Sends (not probes) a resumed broker still times out, working through its backlog: it stores them later. */
  swampedSends = 0;

  #store(messages: readonly OutgoingMessage[]): void {
    for (const m of messages) this.copies.set(m.properties!.id!, (this.copies.get(m.properties!.id!) ?? 0) + 1);
  }

  async #request(messages: readonly OutgoingMessage[]): Promise<void> {
    await new Promise((r) => setTimeout(r, 1));
    if (this.refuseWith) throw this.refuseWith;
    if (this.state === "killed") throw new ConnectionError("could not connect to 127.0.0.1:10911: connect ECONNREFUSED", "127.0.0.1:10911");
    const swamped = this.state === "up" && messages.length > 0 && this.swampedSends > 0;
    if (swamped) this.swampedSends--;
    if (this.state === "paused" || swamped) {
      this.#queued.push([...messages]);
      await new Promise((r) => setTimeout(r, 20));
      throw new TimeoutError("request code 310 to 127.0.0.1:10911 got no response in 20 ms", 20);
    }
    this.#store(messages);
  }

  async send(message: OutgoingMessage): Promise<SendReceipt> {
    await this.#request([message]);
    return { msgId: message.properties!.id!, topic: message.topic };
  }

  async sendBatch(messages: readonly OutgoingMessage[]): Promise<SendReceipt[]> {
    await this.#request(messages);
    return messages.map((m) => ({ msgId: m.properties!.id!, topic: m.topic }));
  }

  async probe(): Promise<void> {
    this.probes++;
    await this.#request([]);
  }

  resume(): void {
    this.state = "up";
    this.flushQueued();
  }

  flushQueued(): void {
    for (const messages of this.#queued.splice(0)) this.#store(messages);
  }

  async close(): Promise<void> {}
}

const msg = (i: number): OutgoingMessage => ({ topic: "t", body: new Uint8Array([i % 256]), properties: { id: `m${i}` } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const s = suite("send engine: broker outages");

for (const mode of ["sync", "async", "batch"] as const satisfies readonly SendMode[]) {
  for (const outage of ["paused", "killed"] as const) {
    s(`${mode}: a ${outage} broker is ridden through; every message stored, none more than twice`, async () => {
      const broker = new StandInBroker();
      const logs: Array<{ level: string; message: string }> = [];
      const engine = new SendEngine(broker, { mode, maxOutageMs: 60_000, maxInFlight: 16, batchMaxMessages: 4, onLog: (e) => logs.push(e) });
      await engine.write([0, 1, 2, 3].map(msg));
      await engine.flush();
      broker.state = outage;
      const writing = engine.write(Array.from({ length: 40 }, (_, i) => msg(i + 4)));
      await sleep(400);
      assert.ok(broker.probes >= 1, "the engine probes while the broker does not answer");
      broker.resume();
      await writing;
      await engine.flush();
      assert.is(broker.copies.size, 44, "every message stored");
      const max = Math.max(...broker.copies.values());
      assert.ok(max <= 2, `a message stored ${max} times`);
      if (outage === "killed") assert.is(max, 1, "a refused connection stores nothing, so nothing twice");
      assert.is(engine.stats.outages, 1);
      assert.ok(engine.stats.resent >= 1);
      assert.is(engine.stats.unacknowledged, 0);
      assert.equal(logs.map((l) => l.level), ["warn", "info"], "one line when the outage starts, one when it ends");
      assert.match(logs[0]!.message, /broker 127\.0\.0\.1:10911|the broker of topic t/);
      assert.match(logs[1]!.message, /reachable again after \d+ ms/);
      await engine.close();
    });
  }
}

s("an outage longer than maxOutageMs fails with one OutageError naming the broker, the start and the last cause", async () => {
  const broker = new StandInBroker();
  const engine = new SendEngine(broker, { mode: "async", maxOutageMs: 300, onLog: () => {} });
  broker.state = "killed";
  const before = Date.now();
  await engine.write([msg(1), msg(2), msg(3)]);
  const error = await engine.flush().then(() => undefined, (e: unknown) => e);
  assert.instance(error, OutageError);
  const outage = error as OutageError;
  assert.is(outage.code, "OUTAGE_EXCEEDED");
  assert.is(outage.retryable, true);
  assert.is(outage.target, "broker 127.0.0.1:10911");
  assert.ok(outage.since >= before && outage.since <= Date.now());
  assert.instance(outage.cause, ConnectionError);
  assert.match(outage.message, /broker 127\.0\.0\.1:10911 unreachable since .*maxOutageMs is 300.*ECONNREFUSED/);
  const later = await engine.write([msg(4)]).then(() => undefined, (e: unknown) => e);
  assert.is(later, error, "every later call gets the same error");
  assert.is(await engine.abort(), 3);
});

s("maxOutageMs 0: the send's own error fails the engine at once, as before", async () => {
  const broker = new StandInBroker();
  const engine = new SendEngine(broker, { mode: "async" });
  broker.state = "killed";
  await engine.write([msg(1)]);
  const error = await engine.flush().then(() => undefined, (e: unknown) => e);
  assert.instance(error, SendError);
  assert.instance((error as SendError).cause, ConnectionError);
  assert.is(broker.probes, 0);
});

s("an answer refusing the send is not an outage: it fails at once", async () => {
  const broker = new StandInBroker();
  const engine = new SendEngine(broker, { mode: "async", maxOutageMs: 60_000 });
  broker.refuseWith = new BrokerError("topic not exist", 17, "topic not exist");
  await engine.write([msg(1)]);
  const error = await engine.flush().then(() => undefined, (e: unknown) => e);
  assert.instance(error, SendError);
  assert.instance((error as SendError).cause, BrokerError);
  assert.is(engine.stats.outages, 0);
});

s("a broker that answers busy after the send's retries is ridden through too (a busy answer stored nothing)", async () => {
  const broker = new StandInBroker();
  const engine = new SendEngine(broker, { mode: "async", maxOutageMs: 60_000, onLog: () => {} });
  broker.refuseWith = new BrokerError("[TIMEOUT_CLEAN_QUEUE]broker busy", 2, "broker busy", { retryable: true });
  await engine.write([msg(1), msg(2)]);
  await sleep(300);
  broker.refuseWith = undefined;
  await engine.flush();
  assert.equal([...broker.copies.values()], [1, 1]);
  assert.is(engine.stats.outages, 1);
});

s("after an outage the first resend goes alone: a broker still swamped can time out only that one again", async () => {
  const broker = new StandInBroker();
  const engine = new SendEngine(broker, { mode: "async", maxOutageMs: 60_000, maxInFlight: 32, onLog: () => {} });
  broker.state = "paused";
  await engine.write(Array.from({ length: 20 }, (_, i) => msg(i)));
  await sleep(300);
  broker.swampedSends = 3;
  broker.resume();
  // what a swamped broker timed out, it stores a little later
  const backlog = setInterval(() => broker.flushQueued(), 30);
  await engine.flush();
  clearInterval(backlog);
  broker.flushQueued();
  assert.is(broker.copies.size, 20);
  const third = [...broker.copies.values()].filter((n) => n > 2).length;
  assert.ok(third <= 1, `${third} messages stored three times`);
  assert.ok([...broker.copies.values()].filter((n) => n <= 2).length >= 19, "the others twice at most");
  await engine.close();
});

s("abort during an outage ends the probing and counts the held messages", async () => {
  const broker = new StandInBroker();
  const engine = new SendEngine(broker, { mode: "async", maxOutageMs: 60_000, onLog: () => {} });
  broker.state = "killed";
  await engine.write([msg(1), msg(2)]);
  await sleep(50);
  assert.is(await engine.abort(), 2);
});

s.run();
