/**
 * Connection behaviour against throwaway local TCP servers (never the shared
 * broker): matching by opaque, many in flight, timeouts, oneway, requests
 * from the server, dropped and corrupt sockets, reconnecting, closing.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createServer } from "node:net";
import { ConnectionError, ProtocolError, TimeoutError } from "../../src/errors.ts";
import { CommandFlag, createRequest, createResponse, type RemotingCommand } from "../../src/remoting/command.ts";
import { Connection } from "../../src/remoting/connection.ts";
import { ResponseCode } from "../../src/remoting/request-codes.ts";
import { startFakeServer } from "./fake-server.ts";

const s = suite("remoting/connection");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rejection of `p`, failing the test if it resolves. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

s("many requests in flight are matched by opaque, whatever the answer order", async () => {
  const held: RemotingCommand[] = [];
  const server = await startFakeServer((cmd, socket, srv) => {
    held.push(cmd);
    if (held.length === 50) {
      // answer in reverse order, echoing each request's marker
      for (const r of held.reverse()) srv.send(socket, createResponse(r, 0, undefined, { echo: r.extFields.n! }));
    }
  });
  const conn = new Connection(server.address);
  try {
    const replies = await Promise.all(Array.from({ length: 50 }, (_, n) => conn.request(createRequest(34, { n }), 3000)));
    assert.equal(replies.map((r) => r.extFields.echo), Array.from({ length: 50 }, (_, n) => String(n)));
    assert.is(new Set(server.received.map((c) => c.opaque)).size, 50);
    assert.ok(server.received.every((c) => (c.flag & CommandFlag.RESPONSE) === 0));
    assert.is(conn.inFlight, 0);
  } finally {
    await conn.close();
    await server.close();
  }
});

s("a silent server gives TimeoutError after the timeout; a late answer is ignored", async () => {
  const server = await startFakeServer(() => {});
  const conn = new Connection(server.address);
  try {
    const started = Date.now();
    const err = await rejection(conn.request(createRequest(30), 150));
    assert.ok(err instanceof TimeoutError, String(err));
    assert.is((err as TimeoutError).timeoutMs, 150);
    assert.ok(Date.now() - started < 6000);
    assert.is(conn.inFlight, 0);
    const [socket] = server.sockets;
    server.send(socket!, createResponse(server.received[0]!, 0));
    await sleep(50);
    assert.ok(conn.connected, "a stray response does not break the connection");
  } finally {
    await conn.close();
    await server.close();
  }
});

s("oneway requests carry the oneway flag and expect nothing", async () => {
  const server = await startFakeServer(() => {});
  const conn = new Connection(server.address);
  try {
    await conn.oneway(createRequest(15, { commitOffset: 7 }), 1000);
    await sleep(50);
    assert.is(server.received.length, 1);
    assert.is(server.received[0]!.flag & CommandFlag.ONEWAY, CommandFlag.ONEWAY);
    assert.is(server.received[0]!.extFields.commitOffset, "7");
  } finally {
    await conn.close();
    await server.close();
  }
});

s("server requests: unknown codes get REQUEST_CODE_NOT_SUPPORTED, handled ones the handler's answer, oneway ones nothing", async () => {
  const answers: RemotingCommand[] = [];
  const server = await startFakeServer((cmd) => { if (cmd.flag & CommandFlag.RESPONSE) answers.push(cmd); });
  const seen: number[] = [];
  const conn = new Connection(server.address, {
    onRequest: (req) => {
      seen.push(req.code);
      if (req.code === 40) return createResponse(req, ResponseCode.SUCCESS, "noted");
      if (req.code === 41) throw new Error("handler broke");
      return undefined;
    },
  });
  try {
    await conn.oneway(createRequest(34), 1000); // opens the socket
    await sleep(30);
    const [socket] = server.sockets;
    server.send(socket!, { ...createRequest(307), opaque: 900 });
    server.send(socket!, { ...createRequest(40, { consumerGroup: "G" }), opaque: 901 });
    server.send(socket!, { ...createRequest(41), opaque: 902 });
    server.send(socket!, { ...createRequest(39), opaque: 903, flag: CommandFlag.ONEWAY });
    for (let i = 0; i < 50 && answers.length < 3; i++) await sleep(20);
    await sleep(50);
    assert.equal(seen, [307, 40, 41, 39]);
    answers.sort((a, b) => a.opaque - b.opaque); // answered asynchronously, in any order
    assert.equal(answers.map((a) => [a.opaque, a.code]), [[900, 3], [901, 0], [902, 1]]);
    assert.match(answers[2]!.remark ?? "", /handler broke/);
  } finally {
    await conn.close();
    await server.close();
  }
});

s("a server that accepts then drops the socket mid-request gives ConnectionError to every request, no hang", async () => {
  let got = 0;
  const server = await startFakeServer((_cmd, socket) => { if (++got === 3) socket.destroy(); });
  const conn = new Connection(server.address);
  try {
    const started = Date.now();
    const errors = await Promise.all([1, 2, 3].map(() => rejection(conn.request(createRequest(11), 10_000))));
    for (const err of errors) {
      assert.ok(err instanceof ConnectionError, String(err));
      assert.is((err as ConnectionError).code, "CONNECTION_CLOSED");
      assert.ok((err as ConnectionError).retryable);
    }
    assert.ok(Date.now() - started < 6000, "rejected on close, not on timeout");
  } finally {
    await conn.close();
    await server.close();
  }
});

s("a server that destroys every socket on accept: typed error, no hang", async () => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const conn = new Connection(`127.0.0.1:${(server.address() as { port: number }).port}`);
  try {
    const started = Date.now();
    const err = await rejection(conn.request(createRequest(11), 10_000));
    assert.ok(err instanceof ConnectionError, `expected ConnectionError, got ${err}`);
    assert.ok(Date.now() - started < 6000);
  } finally {
    await conn.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

s("a corrupt frame from the server closes the socket and rejects with ProtocolError", async () => {
  const server = await startFakeServer((_cmd, socket) => {
    socket.write(new Uint8Array([0, 0, 0, 6, 7, 0, 0, 2, 0x7b, 0x7d])); // serialize type 7
  });
  const conn = new Connection(server.address);
  try {
    const err = await rejection(conn.request(createRequest(11), 10_000));
    assert.ok(err instanceof ProtocolError, String(err));
  } finally {
    await conn.close();
    await server.close();
  }
});

s("an idle socket closed by the server reopens on the next request", async () => {
  const server = await startFakeServer((cmd, socket, srv) => srv.send(socket, createResponse(cmd, 0)));
  const conn = new Connection(server.address);
  try {
    assert.is((await conn.request(createRequest(34), 2000)).code, 0);
    for (const socket of server.sockets) socket.destroy(); // what a broker does after 120 s idle
    for (let i = 0; i < 50 && conn.connected; i++) await sleep(10);
    assert.not.ok(conn.connected);
    assert.is((await conn.request(createRequest(34), 2000)).code, 0);
    assert.ok(conn.connected);
  } finally {
    await conn.close();
    await server.close();
  }
});

s("nothing listening: ConnectionError at once, then backoff fails fast while it lasts", async () => {
  const conn = new Connection("127.0.0.1:1", { reconnectBackoff: { initialMs: 10_000, maxMs: 10_000 } });
  try {
    const started = Date.now();
    const first = await rejection(conn.request(createRequest(105), 3000));
    assert.ok(first instanceof ConnectionError, String(first));
    assert.is((first as ConnectionError).code, "CONNECTION_FAILED");
    const second = await rejection(conn.request(createRequest(105), 3000));
    assert.ok(second instanceof ConnectionError, String(second));
    assert.match((second as Error).message, /next attempt in/);
    assert.ok(Date.now() - started < 6000);
  } finally {
    await conn.close();
  }
});

s("close() rejects requests in flight and refuses new ones", async () => {
  const server = await startFakeServer(() => {});
  const conn = new Connection(server.address);
  try {
    const pending = rejection(conn.request(createRequest(11), 10_000));
    await sleep(50);
    await conn.close();
    const err = await pending;
    assert.ok(err instanceof ConnectionError, String(err));
    const after = await rejection(conn.request(createRequest(11), 1000));
    assert.ok(after instanceof ConnectionError && !after.retryable, String(after));
  } finally {
    await server.close();
  }
});

s.run();
