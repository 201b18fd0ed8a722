/**
 * Frames and headers: round trips in both header serializations, byte
 * layouts written out by hand, chunking at every split point, and the typed
 * errors for oversized and corrupt frames.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ProtocolError } from "../../src/errors.ts";
import { CommandFlag, createRequest, createResponse, type RemotingCommand } from "../../src/remoting/command.ts";
import { decodeFrameContent, encodeFrame, FrameDecoder } from "../../src/remoting/frame.ts";
import { SerializeType } from "../../src/remoting/header-codec.ts";
import { RequestCode } from "../../src/remoting/request-codes.ts";

const s = suite("remoting/frame");
const utf8 = new TextEncoder();
const isProtocolError = (e: unknown) => e instanceof ProtocolError;

const sample: RemotingCommand = {
  ...createRequest(RequestCode.PULL_MESSAGE, { topic: "TopicA", queueId: 3, queueOffset: 12345678901, subscription: "a || b", "ключ": "значение ✓" }, utf8.encode("body bytes")),
  opaque: 77,
  remark: "héllo",
};
const bare: RemotingCommand = { ...createResponse({ ...sample, opaque: 9 }, 19, undefined), extFields: {} };

/** A binary (ROCKETMQ) header written out field by field, independent of the encoder. */
function handBinaryFrame(): Uint8Array {
  const parts: number[] = [];
  const i16 = (v: number) => parts.push((v >> 8) & 0xff, v & 0xff);
  const i32 = (v: number) => parts.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  const bytes = (b: Uint8Array) => parts.push(...b);
  const header: number[] = [];
  const saved = parts.length;
  i16(11); parts.push(0); i16(401); i32(5); i32(CommandFlag.RESPONSE);
  const remark = utf8.encode("ok"); i32(remark.length); bytes(remark);
  const k1 = utf8.encode("nextBeginOffset"), v1 = utf8.encode("42"), k2 = utf8.encode("empty");
  i32(2 + k1.length + 4 + v1.length + 2 + k2.length + 4);
  i16(k1.length); bytes(k1); i32(v1.length); bytes(v1);
  i16(k2.length); bytes(k2); i32(0); // zero-length value: Java reads null
  header.push(...parts.splice(saved));
  const body = [1, 2, 3];
  const out = new Uint8Array(8 + header.length + body.length);
  const view = new DataView(out.buffer);
  view.setInt32(0, 4 + header.length + body.length);
  view.setInt32(4, (1 << 24) | header.length);
  out.set(header, 8);
  out.set(body, 8 + header.length);
  return out;
}

s("JSON frames round-trip every field, the body and non-ASCII text", () => {
  for (const cmd of [sample, bare]) {
    const [decoded, ...rest] = new FrameDecoder().push(encodeFrame(cmd));
    assert.is(rest.length, 0);
    assert.equal(decoded, cmd);
  }
});

s("JSON frame layout: length prefix, serialize type 0, header length, header, body", () => {
  const frame = encodeFrame(sample);
  const view = new DataView(frame.buffer);
  assert.is(view.getInt32(0), frame.length - 4);
  assert.is(frame[4], 0);
  const headerLength = view.getInt32(4) & 0xffffff;
  const header = JSON.parse(new TextDecoder().decode(frame.subarray(8, 8 + headerLength)));
  assert.is(header.code, 11);
  assert.is(header.extFields.queueOffset, "12345678901", "extField values travel as strings");
  assert.is(new TextDecoder().decode(frame.subarray(8 + headerLength)), "body bytes");
});

s("binary (ROCKETMQ) headers decode from hand-written bytes; zero-length values are absent", () => {
  const [cmd] = new FrameDecoder().push(handBinaryFrame());
  assert.equal(cmd, {
    code: 11, language: "JAVA", version: 401, opaque: 5, flag: 1, remark: "ok",
    extFields: { nextBeginOffset: "42" }, body: new Uint8Array([1, 2, 3]),
  });
});

s("binary headers round-trip through the encoder too", () => {
  const [decoded] = new FrameDecoder().push(encodeFrame(sample, { serializeType: SerializeType.ROCKETMQ }));
  assert.equal(decoded, { ...sample, language: "OTHER" });
});

s("frames split at every byte, and many frames in one chunk, decode the same", () => {
  const frames = [encodeFrame(sample), encodeFrame(bare), encodeFrame(sample, { serializeType: SerializeType.ROCKETMQ })];
  const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) { all.set(f, at); at += f.length; }
  const expected = new FrameDecoder().push(all);
  assert.is(expected.length, 3);
  for (let cut = 0; cut <= all.length; cut++) {
    const d = new FrameDecoder();
    const got = [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut))];
    assert.equal(got, expected, `cut at ${cut}`);
    assert.is(d.bufferedBytes, 0);
  }
  const oneByOne = new FrameDecoder();
  const got: RemotingCommand[] = [];
  for (let i = 0; i < all.length; i++) got.push(...oneByOne.push(all.subarray(i, i + 1)));
  assert.equal(got, expected);
});

s("an oversized length prefix fails at once, before any body is buffered", () => {
  const d = new FrameDecoder({ maxFrameBytes: 1024 });
  const head = new Uint8Array(8);
  new DataView(head.buffer).setInt32(0, 1025);
  assert.throws(() => d.push(head), (e: unknown) => e instanceof ProtocolError && /exceeds the limit/.test((e as Error).message));
  // split prefix: the check happens as soon as 4 bytes are there
  const d2 = new FrameDecoder({ maxFrameBytes: 1024 });
  assert.equal(d2.push(head.subarray(0, 2)), []);
  assert.throws(() => d2.push(head.subarray(2)), isProtocolError);
  // the default is 16 MiB
  const d3 = new FrameDecoder();
  new DataView(head.buffer).setInt32(0, 16 * 1024 * 1024 + 1);
  assert.throws(() => d3.push(head), isProtocolError);
});

s("buffering stays within one frame plus one chunk", () => {
  const max = 64 * 1024;
  const d = new FrameDecoder({ maxFrameBytes: max });
  const big = encodeFrame({ ...bare, body: new Uint8Array(max - 200) });
  let peak = 0;
  for (let i = 0; i < big.length; i += 1000) {
    d.push(big.subarray(i, i + 1000));
    peak = Math.max(peak, d.bufferedBytes);
  }
  assert.ok(peak <= max + 4 + 1000, `peak ${peak}`);
  assert.is(d.bufferedBytes, 0);
});

s("corrupt frames throw ProtocolError, and the decoder stays failed", () => {
  const frameOf = (header: Uint8Array, type = 0, lengthDelta = 0) => {
    const out = new Uint8Array(8 + header.length);
    const v = new DataView(out.buffer);
    v.setInt32(0, 4 + header.length);
    v.setInt32(4, ((type << 24) | header.length) + lengthDelta);
    out.set(header, 8);
    return out;
  };
  const cases: [string, Uint8Array][] = [
    ["length below 4", new Uint8Array([0, 0, 0, 3, 0, 0, 0])],
    ["negative length", new Uint8Array([0xff, 0xff, 0xff, 0xff])],
    ["header longer than frame", frameOf(utf8.encode("{}"), 0, 5)],
    ["unknown serialize type", frameOf(utf8.encode("{}"), 7)],
    ["JSON syntax", frameOf(utf8.encode("{\"code\":"))],
    ["JSON array", frameOf(utf8.encode("[1,2]"))],
    ["missing code", frameOf(utf8.encode("{\"opaque\":1}"))],
    ["fractional opaque", frameOf(utf8.encode("{\"code\":0,\"opaque\":1.5}"))],
    ["object extField", frameOf(utf8.encode("{\"code\":0,\"opaque\":1,\"extFields\":{\"a\":{}}}"))],
    ["numeric remark", frameOf(utf8.encode("{\"code\":0,\"opaque\":1,\"remark\":5}"))],
    ["binary too short", frameOf(new Uint8Array(10), 1)],
    ["binary remark past end", frameOf(new Uint8Array([0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0x7f, 0, 0, 0, 0, 0, 0, 0]), 1)],
    ["binary extField past end", frameOf(new Uint8Array([0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 9, 0x61, 0, 0, 0]), 1)],
  ];
  for (const [name, bytes] of cases) {
    const d = new FrameDecoder();
    assert.throws(() => d.push(bytes), isProtocolError, name);
    assert.throws(() => d.push(encodeFrame(bare)), isProtocolError, `${name}: stays failed`);
  }
});

s("decodeFrameContent gives the body as a view, and no body when there is none", () => {
  const frame = encodeFrame(sample);
  const cmd = decodeFrameContent(frame.subarray(4));
  assert.is(cmd.body!.buffer, frame.buffer);
  assert.is(decodeFrameContent(encodeFrame(bare).subarray(4)).body, undefined);
});

s("constructor checks its limit", () => {
  assert.throws(() => new FrameDecoder({ maxFrameBytes: 2 }), (e: unknown) => e instanceof RangeError);
  assert.throws(() => new FrameDecoder({ maxFrameBytes: 1.5 }), (e: unknown) => e instanceof RangeError);
});

s.run();
