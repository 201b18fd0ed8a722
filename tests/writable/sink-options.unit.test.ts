/** Sink options that need no broker: the retry backoff, parsed, checked and handed to the transport. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ConfigError } from "../../src/errors.ts";
import { createProducerTransport } from "../../src/writable/create-sink.ts";
import { RemotingProducerTransport } from "../../src/writable/remoting-producer-transport.ts";
import { parseSinkOptions } from "../../src/writable/sink-options.ts";

const s = suite("sink options: retry backoff");
const remoting = { "nameserver.address": "127.0.0.1:1" };

s("defaults: 100 ms doubling up to 1 s", () => {
  const o = parseSinkOptions(remoting);
  assert.equal([o.retryBackoffMs, o.retryBackoffMaxMs], [100, 1000]);
});

s("given values are kept; 0 turns the wait off; a first wait above 1 s alone raises the cap with it", () => {
  const o = parseSinkOptions({ ...remoting, retryBackoffMs: "20", retryBackoffMaxMs: 50 });
  assert.equal([o.retryBackoffMs, o.retryBackoffMaxMs], [20, 50]);
  const off = parseSinkOptions({ ...remoting, retryBackoffMs: 0, retryBackoffMaxMs: 0 });
  assert.equal([off.retryBackoffMs, off.retryBackoffMaxMs], [0, 0]);
  const long = parseSinkOptions({ ...remoting, retryBackoffMs: 2500 });
  assert.equal([long.retryBackoffMs, long.retryBackoffMaxMs], [2500, 2500]);
});

s("refuses a cap below the first wait, and a bad value, naming the option and the value", () => {
  try {
    parseSinkOptions({ ...remoting, retryBackoffMs: 500, retryBackoffMaxMs: 200 });
    assert.unreachable("a cap below the first wait must be refused");
  } catch (err) {
    assert.instance(err, ConfigError);
    assert.match((err as Error).message, /retryBackoffMaxMs \(200\) is below retryBackoffMs \(500\)/);
  }
  assert.throws(() => parseSinkOptions({ ...remoting, retryBackoffMs: -1 }), /"retryBackoffMs" has value -1/);
  assert.throws(() => parseSinkOptions({ ...remoting, retryBackoffMaxMs: "soon" }), /"retryBackoffMaxMs" has value "soon"/);
});

s("the remoting transport gets the parsed backoff", async () => {
  const t = createProducerTransport(parseSinkOptions({ ...remoting, retryBackoffMs: 7, retryBackoffMaxMs: 70 }));
  try {
    assert.instance(t, RemotingProducerTransport);
    assert.equal((t as RemotingProducerTransport).retryBackoff, { initialMs: 7, maxMs: 70 });
  } finally {
    await t.close();
  }
});

s("the gRPC transport gets it too (built, never started: no connection is made)", async () => {
  const { GrpcProducerTransport } = await import("../../src/writable/grpc-producer-transport.ts");
  const t = createProducerTransport(parseSinkOptions({ endpoints: "127.0.0.1:1", retryBackoffMs: 9 }));
  try {
    assert.instance(t, GrpcProducerTransport);
    assert.equal((t as InstanceType<typeof GrpcProducerTransport>).retryBackoff, { initialMs: 9, maxMs: 1000 });
  } finally {
    await t.close();
  }
});

s.run();
