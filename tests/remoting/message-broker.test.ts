/**
 * The decoder against real broker bytes: mqadmin (the Java CLI, which no one
 * here wrote) sends messages, a few lines of plain node:net below pull the
 * raw stored bytes from the broker, and every decoded field must equal what
 * mqadmin's own decoder shows for the same message (queryMsgByOffset).
 *
 * The project's remoting client is being written in parallel, so this file
 * speaks the frame format itself (JSON header, PULL_MESSAGE) and nothing more.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { decodeMessages } from "../../src/remoting/message/decode-messages.ts";
import type { MessageExt } from "../../src/remoting/message/message-ext.ts";
import { brokerAddress, cluster, createTopic, mqadmin, randomName } from "../fixture/broker.ts";

const s = suite("remoting/message: bytes from a real broker");
const BROKER = brokerAddress();
const PULL_MESSAGE = 11;

interface Reply { code: number; remark: string | null; body: Uint8Array }

/** One request/response on a fresh connection: enough for a test, not a client. */
function request(address: string, code: number, extFields: Record<string, string>): Promise<Reply> {
  const [host, port] = [address.slice(0, address.lastIndexOf(":")), Number(address.slice(address.lastIndexOf(":") + 1))];
  const header = Buffer.from(JSON.stringify({ code, language: "JAVA", version: 479, opaque: 1, flag: 0, extFields }));
  const frame = Buffer.alloc(8 + header.length);
  frame.writeInt32BE(4 + header.length, 0);
  frame.writeInt32BE(header.length, 4); // serialize type 0 (JSON) in the top byte
  header.copy(frame, 8);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => { socket.destroy(); reject(new Error("pull timed out")); }, 10_000);
    socket.on("connect", () => socket.write(frame));
    socket.on("error", (err) => { clearTimeout(timer); reject(err); });
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      if (all.length < 4 || all.length < 4 + all.readInt32BE(0)) return;
      clearTimeout(timer);
      socket.destroy();
      const headerLength = all.readInt32BE(4) & 0xffffff;
      if (all[4] !== 0) return reject(new Error(`broker answered with serialize type ${all[4]}`));
      const h = JSON.parse(all.subarray(8, 8 + headerLength).toString("utf8")) as { code: number; remark: string | null };
      resolve({ code: h.code, remark: h.remark, body: new Uint8Array(all.subarray(8 + headerLength, 4 + all.readInt32BE(0))) });
    });
  });
}

async function pullRaw(topic: string, expected: number): Promise<Uint8Array> {
  const consumerGroup = randomName("msgdump_group");
  for (let attempt = 0; attempt < 20; attempt++) {
    const reply = await request(BROKER, PULL_MESSAGE, {
      consumerGroup, topic, queueId: "0", queueOffset: "0", maxMsgNums: "32",
      sysFlag: "4", commitOffset: "0", suspendTimeoutMillis: "0", subscription: "*", subVersion: "0", expressionType: "TAG",
    });
    if (reply.code === 0 && decodeMessages(reply.body).length >= expected) return reply.body;
    await new Promise((r) => setTimeout(r, 500)); // the consume queue is built just after the store
  }
  throw new Error(`could not pull ${expected} messages of ${topic}`);
}

/** mqadmin's "Label:   value" lines as a map. */
function mqadminView(topic: string, offset: number): Map<string, string> {
  const out = mqadmin(["queryMsgByOffset", "-n", cluster().namesrv, "-t", topic, "-b", "broker-a", "-i", "0", "-o", String(offset)]);
  const fields = new Map<string, string>();
  for (const line of out.split("\n")) {
    const m = /^([A-Za-z ]+?):\s+(.*)$/.exec(line.trim());
    if (m) fields.set(m[1]!, m[2]!);
  }
  assert.ok(fields.has("OffsetID"), `mqadmin printed:\n${out}`);
  return fields;
}

/** Java's "{A=b, C=d}" map text; the pull client adds MIN_OFFSET and MAX_OFFSET, which are not stored. */
function javaProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.slice(1, -1).split(", ")) {
    const eq = pair.indexOf("=");
    const key = pair.slice(0, eq);
    if (key !== "MIN_OFFSET" && key !== "MAX_OFFSET") out[key] = pair.slice(eq + 1);
  }
  return out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
/** The way mqadmin prints a timestamp (yyyy-MM-dd HH:mm:ss,SSS, local time). */
const javaTime = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
};

s("messages sent by mqadmin decode exactly as mqadmin shows them, including a zlib body", async () => {
  const topic = randomName("msgdump");
  createTopic(topic, 1);
  const small = "héllo from mqadmin ✓";
  const large = Array.from({ length: 700 }, (_, i) => `line${i}`).join(" "); // > 4 KiB: the Java producer compresses it
  for (const [body, tag, keys] of [[small, "tagA", "k1 k2"], [large, "tagB", "big"]] as const) {
    const out = mqadmin(["sendMessage", "-n", cluster().namesrv, "-t", topic, "-p", body, "-c", tag, "-k", keys, "-i", "0", "-b", "broker-a"]);
    assert.match(out, /SEND_OK/, out);
  }
  const raw = await pullRaw(topic, 2);
  assert.ok(raw.length < large.length, `pull body of ${raw.length} bytes: the large body was stored compressed`);
  const messages: MessageExt[] = decodeMessages(raw);
  assert.is(messages.length, 2);
  assert.equal(messages.map((m) => new TextDecoder().decode(m.body)), [small, large]);
  assert.equal(messages.map((m) => [m.tags, m.keys]), [["tagA", ["k1", "k2"]], ["tagB", ["big"]]]);
  for (const m of messages) {
    const view = mqadminView(topic, m.queueOffset);
    assert.is(m.topic, view.get("Topic"));
    assert.is(m.offsetMsgId, view.get("OffsetID"));
    assert.is(String(m.commitLogOffset), view.get("CommitLog Offset"));
    assert.is(String(m.queueOffset), view.get("Queue Offset"));
    assert.is(String(m.queueId), view.get("Queue ID"));
    assert.is(String(m.reconsumeTimes), view.get("Reconsume Times"));
    assert.is(String(m.sysFlag), view.get("System Flag"));
    assert.is(m.bornHost, view.get("Born Host"));
    assert.is(m.storeHost, view.get("Store Host"));
    assert.is(javaTime(m.bornTimestamp), view.get("Born Timestamp"));
    assert.is(javaTime(m.storeTimestamp), view.get("Store Timestamp"));
    assert.equal(m.properties, javaProperties(view.get("Properties")!));
    assert.is(m.msgId, m.properties.UNIQ_KEY);
    assert.is(new TextDecoder().decode(m.body), readFileSync(view.get("Message Body Path")!, "utf8"));
  }
});

s.run();
