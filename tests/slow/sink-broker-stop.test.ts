/**
 * The broker stops in the middle of a stream (issue 6, "Failure").
 *
 * This suite starts its OWN broker (name server + proxy-hosted broker, via
 * scripts/broker.ts in a child process) on alternate ports, so it never
 * touches the shared one. Four sinks write at once into one topic: sync and
 * async, over remoting and over gRPC (through the dedicated proxy). Once each
 * has some acknowledgements, the test stops the broker JVM (SIGTERM to the
 * pid scripts/broker.ts recorded for it) and checks:
 *
 *  - sync: the write in progress rejects, after the transport's retries,
 *    with a typed transport error (code and address of the broker/proxy);
 *  - async: the stream errors with a SendError whose `unacknowledged` is the
 *    final count, consistent with the sink's own counters;
 *
 * then restarts the broker on the same store and reads the topic back with
 * the toolkit's RocketMQSource: every message any sink reported as
 * acknowledged is there, with its body.
 *
 * Slow (two JVM starts, 1-3 minutes on the shared 2-core machine), hence
 * tests/slow/. Run: node tests/slow/sink-broker-stop.test.ts
 * Ports: SINK_STOP_NAMESRV_PORT (29876), SINK_STOP_BROKER_PORT (30911; the
 * broker also takes port-2 and port+1), SINK_STOP_PROXY_PORT (28081),
 * SINK_STOP_PROXY_REMOTING_PORT (28080). They must be free.
 */
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { alive } from "../../scripts/broker.ts";
import { ConnectionError, ErrorCodes, RocketMQError, SendError } from "../../src/errors.ts";
import { RemotingClient } from "../../src/remoting/client.ts";
import { GrpcProducerTransport } from "../../src/writable/grpc-producer-transport.ts";
import type { OutgoingMessage, SendReceipt } from "../../src/writable/outgoing-message.ts";
import type { ProducerTransport } from "../../src/writable/producer-transport.ts";
import { RemotingProducerTransport } from "../../src/writable/remoting-producer-transport.ts";
import { RocketMQSink } from "../../src/writable/rocketmq-sink.ts";
import { randomName } from "../fixture/broker.ts";
import { brokerScript, envPort, portOpen } from "../fixture/dedicated-broker.ts";
import { readTopicWithSource } from "../writable/source-readback.ts";

const PORTS = {
  namesrv: envPort("SINK_STOP_NAMESRV_PORT", 29876),
  broker: envPort("SINK_STOP_BROKER_PORT", 30911),
  grpc: envPort("SINK_STOP_PROXY_PORT", 28081),
  proxyRemoting: envPort("SINK_STOP_PROXY_REMOTING_PORT", 28080),
};
const NAMESRV = `127.0.0.1:${PORTS.namesrv}`;
const BROKER = `127.0.0.1:${PORTS.broker}`;
const ENDPOINTS = `127.0.0.1:${PORTS.grpc}`;
/** Where scripts/broker.ts keeps this cluster's configs, logs, pids and store. */
const STATE_DIR = join(tmpdir(), `rocketmq-webstreams-${PORTS.namesrv}`);
/** Acknowledgements each sink must have before the broker is stopped. */
const ACKED_BEFORE_STOP = 200;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function log(msg: string): void {
  console.log(`  [sink-broker-stop] ${msg}`);
}




/** Stops the broker JVM this suite started (the proxy, which hosts the broker); the name server stays up. */
async function stopBrokerJvm(): Promise<void> {
  const pid = Number(readFileSync(join(STATE_DIR, "proxy.pid"), "utf8"));
  assert.ok(pid > 0 && alive(pid), `the dedicated broker JVM (pid ${pid}) is running`);
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 600 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, "SIGKILL");
}

async function createTopicOnDedicated(topic: string): Promise<void> {
  const client = new RemotingClient({ nameServerAddress: NAMESRV, requestTimeoutMs: 10_000 });
  try {
    await client.createTopic(topic, { queues: 4 });
    // the broker registers the topic with the name server; the proxy routes through it
    for (let i = 0; ; i++) {
      const ok = await client.writableQueues(topic).then((q) => q.length === 4, () => false);
      if (ok) return;
      if (i >= 50) throw new Error(`topic ${topic} has no route on ${NAMESRV}`);
      await sleep(200);
      await client.getRouteInfo(topic, { refresh: true }).catch(() => undefined);
    }
  } finally {
    await client.close();
  }
}

type Mode = "sync" | "async";
type Kind = "remoting" | "grpc";

/** One sink writing `<name>:<i>` until a write fails. */
class Run {
  readonly name: string;
  readonly sink: RocketMQSink<number>;
  readonly acked = new Set<string>();
  /** Writes that resolved (sync: acknowledged; async: accepted). */
  resolved = 0;
  error: unknown;
  readonly done: Promise<void>;
  #enoughAcks!: () => void;
  readonly enoughAcks = new Promise<void>((r) => (this.#enoughAcks = r));

  readonly kind: Kind;
  readonly mode: Mode;

  constructor(kind: Kind, mode: Mode, topic: string) {
    this.kind = kind;
    this.mode = mode;
    this.name = `${kind}-${mode}`;
    const transport: ProducerTransport = kind === "remoting"
      ? new RemotingProducerTransport({ nameServerAddress: NAMESRV, producerGroup: randomName("stop_pg"), retryTimes: 2, sendTimeoutMs: 3000 })
      : new GrpcProducerTransport({ endpoints: ENDPOINTS, topics: [topic], retryTimes: 2, sendTimeoutMs: 3000 });
    this.sink = new RocketMQSink<number>({
      transport,
      toMessage: (i): OutgoingMessage => ({
        topic,
        body: encoder.encode(`${this.name}:${i}`),
        tags: this.name,
        keys: [`${this.name}-${i}`],
        properties: { sink: this.name, i: String(i) },
      }),
      maxInFlight: 32,
      // this suite checks the fail-fast errors: no riding through the stop (tests/slow/outage-*.test.ts do)
      maxOutageMs: 0,
      onAck: (r: SendReceipt) => {
        this.acked.add(r.msgId);
        if (this.acked.size === ACKED_BEFORE_STOP) this.#enoughAcks();
      },
    }).withAsync(mode === "async");
    this.done = this.#loop();
  }

  async #loop(): Promise<void> {
    const writer = this.sink.writable().getWriter();
    for (let i = 0; ; i++) {
      try {
        await writer.write(i);
      } catch (err) {
        this.error = err;
        // a failure before the broker was stopped would leave enoughAcks pending forever
        this.#enoughAcks();
        return;
      }
      this.resolved = i + 1;
    }
  }
}

/** Rejects after `ms` with `what` (a guard against a hang, not a measured bound). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms)))])
    .finally(() => clearTimeout(timer));
}

const s = suite("sink: broker stopped mid-stream (dedicated broker)");

s("sync writes reject with a typed error, async streams report the unacknowledged count, nothing acknowledged is lost", async () => {
  for (const p of [PORTS.namesrv, PORTS.broker, PORTS.broker - 2, PORTS.broker + 1, PORTS.grpc, PORTS.proxyRemoting]) {
    assert.not.ok(await portOpen(p), `port ${p} must be free for the dedicated broker (set SINK_STOP_*_PORT)`);
  }
  let ok = false;
  const t0 = Date.now();
  const phase = (what: string) => log(`${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  try {
    brokerScript("start", PORTS);
    phase("dedicated broker up");
    const topic = randomName("sink_stop");
    await createTopicOnDedicated(topic);

    const runs = (["remoting", "grpc"] as const).flatMap((kind) => (["sync", "async"] as const).map((mode) => new Run(kind, mode, topic)));
    await within(Promise.all(runs.map((r) => r.enoughAcks)), 180_000, "waiting for acknowledgements before the stop");
    for (const r of runs) assert.is(r.error, undefined, `${r.name} failed before the broker was stopped: ${String(r.error)}`);
    phase(`stopping the broker (acks ${runs.map((r) => `${r.name}=${r.acked.size}`).join(" ")})`);
    await stopBrokerJvm();
    await within(Promise.all(runs.map((r) => r.done)), 180_000, "waiting for every sink to fail");
    phase("every sink failed");

    for (const r of runs) {
      const err = r.error;
      log(`${r.name}: ${(err as Error)?.constructor?.name} ${(err as { code?: string })?.code}: ${(err as Error)?.message}`);
      log(`${r.name}: writes resolved ${r.resolved}, stats ${JSON.stringify(r.sink.stats)}, acked ids ${r.acked.size}`);
      assert.instance(err, RocketMQError, `${r.name}: a typed error`);
      assert.is(r.sink.stats.acknowledged, r.acked.size, `${r.name}: every acknowledgement went through onAck`);
      if (r.mode === "sync") {
        // the write in progress failed after the retries with the transport's own error
        const transportCodes: string[] = [ErrorCodes.CONNECTION_FAILED, ErrorCodes.CONNECTION_CLOSED, ErrorCodes.TIMEOUT, ErrorCodes.BROKER_ERROR];
        assert.ok(transportCodes.includes((err as RocketMQError).code), `${r.name}: code ${(err as RocketMQError).code}`);
        assert.match((err as Error).message, r.kind === "remoting" ? BROKER : ENDPOINTS, `${r.name}: the error names the broker`);
        if (err instanceof ConnectionError) assert.is(err.address, r.kind === "remoting" ? BROKER : ENDPOINTS);
        assert.equal(r.sink.stats, { acknowledged: r.resolved, unacknowledged: 1, outages: 0, resent: 0 }, `${r.name}: only the failed write is unacknowledged`);
      } else {
        assert.instance(err, SendError, `${r.name}: the stream errors with a SendError`);
        const unacked = (err as SendError).unacknowledged;
        assert.ok(unacked >= 1, `${r.name}: at least the failed send is unacknowledged`);
        assert.equal(r.sink.stats, { acknowledged: r.resolved - unacked, unacknowledged: unacked, outages: 0, resent: 0 },
          `${r.name}: acknowledged + unacknowledged = accepted, and the count is final`);
        assert.instance((err as Error).cause, RocketMQError, `${r.name}: the cause is the transport's typed error`);
      }
    }

    brokerScript("start", PORTS);
    phase("broker restarted on the same store");
    const stored = await readTopicWithSource(NAMESRV, topic, 300_000);
    phase(`read back ${stored.length} messages`);
    const bodyById = new Map(stored.map((m) => [m.properties.UNIQ_KEY ?? m.msgId, decoder.decode(m.body)]));
    for (const r of runs) {
      let missing = 0;
      for (const id of r.acked) {
        const body = bodyById.get(id);
        if (body === undefined) missing++;
        else assert.ok(body.startsWith(`${r.name}:`), `${r.name}: message ${id} holds ${body}`);
      }
      assert.is(missing, 0, `${r.name}: ${missing} of ${r.acked.size} acknowledged messages are not on the broker`);
      const bodies = new Set([...bodyById.values()].filter((b) => b.startsWith(`${r.name}:`)));
      if (r.mode === "sync") {
        for (let i = 0; i < r.resolved; i++) assert.ok(bodies.has(`${r.name}:${i}`), `${r.name}: record ${i} was acknowledged and is stored`);
      }
      for (const b of bodies) {
        const i = Number(b.slice(r.name.length + 1));
        assert.ok(i <= r.resolved, `${r.name}: stored record ${i} was handed to the sink`);
      }
      log(`${r.name}: acknowledged ${r.acked.size}, stored ${bodies.size} distinct records`);
    }
    ok = true;
  } finally {
    // on failure keep the logs and store for a look; stop the JVMs either way
    if (existsSync(STATE_DIR)) brokerScript(ok ? "clean" : "stop", PORTS);
    phase(ok ? "dedicated broker stopped and its state removed" : `dedicated broker stopped; state kept in ${STATE_DIR}`);
  }
});

s.run();
