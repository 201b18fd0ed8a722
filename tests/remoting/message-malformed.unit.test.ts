import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ProtocolError } from "../../src/errors.ts";
import { decodeMessages } from "../../src/remoting/message/decode-messages.ts";
import { encodeStoredMessage, encodeStoredMessages } from "../../src/remoting/message/encode-stored-message.ts";

const s = suite("remoting/message malformed input");
const utf8 = new TextEncoder();

function protocolError(bytes: Uint8Array, pattern?: RegExp): void {
  try {
    decodeMessages(bytes);
  } catch (err) {
    assert.instance(err, ProtocolError, `expected ProtocolError, got ${err}`);
    if (pattern) assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable("decoded without error");
}

/** A copy of `bytes` with `edit` applied through a DataView. */
function patched(bytes: Uint8Array, edit: (v: DataView, b: Uint8Array) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer), copy);
  return copy;
}

const one = encodeStoredMessage({
  topic: "TopicA", queueOffset: 3, body: utf8.encode("body bytes"), properties: { TAGS: "t", KEYS: "a b" },
});
// where the fields sit in `one` (IPv4 hosts, V1)
const BODY_LENGTH_AT = 84, QUEUE_OFFSET_AT = 20, BORN_PORT_AT = 52;

s("every truncation that is not a message boundary is a ProtocolError", () => {
  const two = encodeStoredMessages([{ topic: "a", body: utf8.encode("xyz") }, { topic: "bb", properties: { K: "v" } }]);
  const boundary = encodeStoredMessage({ topic: "a", body: utf8.encode("xyz") }).length;
  for (let cut = 1; cut < two.length; cut++) {
    if (cut === boundary) {
      assert.is(decodeMessages(two.subarray(0, cut)).length, 1);
    } else {
      protocolError(two.subarray(0, cut));
    }
  }
});

s("total size: negative, too small, beyond the buffer, or shorter than the fields", () => {
  protocolError(patched(one, (v) => v.setInt32(0, -1)), /total size -1/);
  protocolError(patched(one, (v) => v.setInt32(0, 20)), /total size 20/);
  protocolError(patched(one, (v) => v.setInt32(0, one.length + 1)), /total size/);
  protocolError(patched(one, (v) => v.setInt32(0, one.length - 1)), /./);
  const extra = new Uint8Array(one.length + 4);
  extra.set(one);
  new DataView(extra.buffer).setInt32(0, one.length + 4);
  protocolError(extra, /properties length .* disagrees/);
});

s("unknown magic codes, including the commit log's blank marker", () => {
  protocolError(patched(one, (v) => v.setUint32(4, 0xcbd43194)), /magic code 0xcbd43194/);
  protocolError(patched(one, (v) => v.setUint32(4, 0)), /magic/);
});

s("body length negative or beyond the message", () => {
  protocolError(patched(one, (v) => v.setInt32(BODY_LENGTH_AT, -5)), /body length -5/);
  protocolError(patched(one, (v) => v.setInt32(BODY_LENGTH_AT, 0x7fffffff)), /body length/);
  protocolError(patched(one, (v) => v.setInt32(BODY_LENGTH_AT, 11)), /./);
});

s("topic and properties lengths that disagree with the total size", () => {
  const topicLengthAt = BODY_LENGTH_AT + 4 + "body bytes".length;
  protocolError(patched(one, (_, b) => { b[topicLengthAt] = 255; }), /topic length 255/);
  protocolError(patched(one, (_, b) => { b[topicLengthAt] = 5; }), /./);
  const propsLengthAt = one.length - 2 - utf8.encode("TAGS\u0001t\u0002KEYS\u0001a b\u0002").length;
  protocolError(patched(one, (v) => v.setUint16(propsLengthAt, 0xffff)), /properties length/);
});

s("64-bit fields beyond 2^53 and ports beyond 65535 are refused", () => {
  protocolError(patched(one, (v) => v.setInt32(QUEUE_OFFSET_AT, 0x7fffffff)), /queue offset/);
  protocolError(patched(one, (v) => v.setInt32(BORN_PORT_AT, 70000)), /port 70000/);
  protocolError(patched(one, (v) => v.setInt32(BORN_PORT_AT, -1)), /port -1/);
});

s("host flags that change the layout make the sizes disagree", () => {
  protocolError(patched(one, (v) => v.setInt32(36, 0x10)), /./);
  protocolError(patched(one, (v) => v.setInt32(36, 0x30)), /./);
});

/** The one message of `bytes` must come back with a decodeError matching `pattern`, not throw. */
function undecodable(bytes: Uint8Array, pattern: RegExp): void {
  const ms = decodeMessages(bytes);
  assert.is(ms.length, 1);
  assert.instance(ms[0]!.decodeError, ProtocolError);
  assert.match(ms[0]!.decodeError!.message, pattern);
}

s("compressed flag over bytes that are not zlib: that message alone is undecodable", () => {
  undecodable(encodeStoredMessage({ topic: "t", sysFlag: 0x301, body: utf8.encode("not zlib at all") }), /zlib/);
});

s("inner batch whose records do not add up", () => {
  const good = encodeStoredMessage({ topic: "t", innerBatch: [{ body: utf8.encode("a") }, { body: utf8.encode("b") }] });
  assert.is(decodeMessages(good).length, 2);
  const batchAt = BODY_LENGTH_AT + 4;
  undecodable(patched(good, (v) => v.setInt32(batchAt, 1000)), /inner batch record 0/);
  undecodable(patched(good, (v) => v.setInt32(batchAt + 16, -1)), /inner batch record 0/);
  undecodable(patched(good, (v) => v.setInt32(batchAt + 23, 25)), /inner batch record 1/);
});

s("input that is not a Uint8Array", () => {
  assert.throws(() => decodeMessages("abc" as unknown as Uint8Array), (e: unknown) => e instanceof ProtocolError);
  assert.throws(() => decodeMessages(undefined as unknown as Uint8Array), (e: unknown) => e instanceof ProtocolError);
});

s.run();
