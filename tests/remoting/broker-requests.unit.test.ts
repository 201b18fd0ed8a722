/**
 * Requests a broker sends to the client, played by a throwaway local server:
 * the transaction check is answered with END_TRANSACTION to the broker that
 * asked, and a consumer-ids change reaches its hook.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { brokerRequestHandler, type TransactionCheck } from "../../src/remoting/broker-requests.ts";
import { CommandFlag, createRequest, createResponse } from "../../src/remoting/command.ts";
import { ConnectionPool } from "../../src/remoting/connection-pool.ts";
import { encodeStoredMessages } from "../../src/remoting/message/mod.ts";
import { startFakeServer } from "./fake-server.ts";

const s = suite("remoting/broker requests");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

s("CHECK_TRANSACTION_STATE: the hook decides, END_TRANSACTION goes back with fromTransactionCheck", async () => {
  const server = await startFakeServer((cmd, socket, srv) => {
    if (cmd.code === 34) srv.send(socket, createResponse(cmd, 0));
  });
  const checks: TransactionCheck[] = [];
  const changed: string[] = [];
  const pool: ConnectionPool = new ConnectionPool({
    onRequest: brokerRequestHandler(() => pool, {
      checkTransactionState: (check) => {
        checks.push(check);
        return "COMMIT";
      },
      consumerIdsChanged: (group, address) => changed.push(`${group}@${address}`),
    }),
  });
  try {
    await pool.request(server.address, createRequest(34)); // opens the connection the broker will use
    const [socket] = server.sockets;
    const half = encodeStoredMessages([{
      topic: "T", queueId: 1, queueOffset: 17, commitLogOffset: 4096, body: new TextEncoder().encode("half"),
      properties: { UNIQ_KEY: "ABCDEF", PGROUP: "P", TRAN_MSG: "true" },
    }]);
    server.send(socket!, {
      ...createRequest(39, { tranStateTableOffset: 17, commitLogOffset: 4096, msgId: "ABCDEF", transactionId: "TX1", offsetMsgId: "OFF" }, half),
      opaque: 500, flag: CommandFlag.ONEWAY,
    });
    server.send(socket!, { ...createRequest(40, { consumerGroup: "G" }), opaque: 501, flag: CommandFlag.ONEWAY });
    for (let i = 0; i < 100 && !server.received.some((c) => c.code === 37); i++) await sleep(10);
    assert.is(checks.length, 1);
    assert.equal(
      [checks[0]!.topic, checks[0]!.producerGroup, checks[0]!.msgId, checks[0]!.transactionId, checks[0]!.tranStateTableOffset, checks[0]!.commitLogOffset],
      ["T", "P", "ABCDEF", "TX1", 17, 4096],
    );
    assert.is(new TextDecoder().decode(checks[0]!.message.body), "half");
    const end = server.received.find((c) => c.code === 37);
    assert.ok(end, "END_TRANSACTION arrived");
    assert.is(end.flag & CommandFlag.ONEWAY, CommandFlag.ONEWAY);
    assert.equal(end.extFields, {
      producerGroup: "P", topic: "T", tranStateTableOffset: "17", commitLogOffset: "4096", commitOrRollback: "8",
      msgId: "ABCDEF", transactionId: "TX1", fromTransactionCheck: "true",
    });
    assert.equal(changed, [`G@${server.address}`]);
    // oneway requests get no answer at all
    assert.not.ok(server.received.some((c) => (c.flag & CommandFlag.RESPONSE) !== 0));
  } finally {
    await pool.close();
    await server.close();
  }
});

s.run();
