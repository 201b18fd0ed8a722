/**
 * The two kinds of message id RocketMQ uses.
 *
 * - The client id (`UNIQ_KEY` property), made by the producer: hex of its IP
 *   address, 2 bytes of process id, a 4-byte per-instance number, the
 *   milliseconds since the start of the current month (local time) and a
 *   2-byte counter. Java shows it as the message id.
 * - The offset id, formed by the broker: hex of the store host's address,
 *   its port (4 bytes) and the commit-log offset (8 bytes). It locates the
 *   message, so `queryMsgByOffset`-style lookups can use it.
 */
import { networkInterfaces } from "node:os";
import process from "node:process";
import { InputError } from "../../errors.ts";
import { formatIPv4, formatIPv6, HEX_BYTE, hexOf, isIPv4Mapped, parseHost } from "./hosts.ts";

/** Where a unique-id generator takes its fixed part from; tests pin these. */
export interface UniqueIdSource {
  /** 4 (IPv4) or 16 (IPv6) address bytes. */
  readonly ip: Uint8Array;
  readonly pid: number;
  /** Distinguishes generators within one process (Java uses a class loader's hash). */
  readonly instance: number;
  readonly now: () => number;
}

/**
 * A generator of client message ids. Most code wants {@link createUniqueId}.
 *
 * @example
 * const next = uniqueIdGenerator({ ip: new Uint8Array([10, 0, 0, 1]), pid: 42, instance: 7, now: Date.now });
 * next(); // "0A000001002A00000007" + 8 hex digits of ms in month + 4 of counter
 */
export function uniqueIdGenerator(source: UniqueIdSource): () => string {
  const fixed = hexOf(source.ip, 0, source.ip.length) + hex16(source.pid) + hex32(source.instance);
  let counter = 0;
  let monthStart = 0;
  let nextMonthStart = 0;
  return () => {
    const now = source.now();
    if (now >= nextMonthStart || now < monthStart - 1000_000) {
      const d = new Date(now);
      monthStart = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
      nextMonthStart = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
    }
    let elapsed = (now - monthStart) | 0;
    // a small step back (NTP) must not produce a negative field
    if (elapsed < 0 && elapsed > -1000_000) elapsed = 0;
    const id = fixed + hex32(elapsed) + hex16(counter);
    counter = (counter + 1) & 0xffff;
    return id;
  };
}

let processGenerator: (() => string) | undefined;

/**
 * A new client message id (`UNIQ_KEY`), unique across processes and hosts
 * in the way Java producers' ids are.
 *
 * @example
 * const id = createUniqueId(); // 32 upper-case hex digits on an IPv4 host
 */
export function createUniqueId(): string {
  processGenerator ??= uniqueIdGenerator({
    ip: localAddress(),
    pid: process.pid,
    instance: (Math.random() * 0x100000000) | 0,
    now: Date.now,
  });
  return processGenerator();
}

/** The first external IPv4 address (else IPv6, else bytes of the clock, as Java falls back). */
function localAddress(): Uint8Array {
  try {
    const all = Object.values(networkInterfaces()).flat();
    const v4 = all.find((a) => a && !a.internal && a.family === "IPv4");
    if (v4) return parseHost(`${v4.address}:0`).ip;
    const v6 = all.find((a) => a && !a.internal && a.family === "IPv6" && !a.address.startsWith("fe80"));
    if (v6) return parseHost(`[${v6.address}]:0`).ip;
  } catch {
    // Deno without --allow-sys refuses networkInterfaces(); the clock fallback keeps ids unique enough
  }
  const t = Date.now();
  return new Uint8Array([(t >>> 24) & 0xff, (t >>> 16) & 0xff, (t >>> 8) & 0xff, t & 0xff]);
}

/** A broker-formed offset message id taken apart. */
export interface OffsetMsgId {
  /** Store host, `"a.b.c.d:port"` or `"[v6]:port"`. */
  readonly host: string;
  readonly commitLogOffset: number;
}

/**
 * Splits an offset message id (32 hex digits for IPv4 brokers, 56 for IPv6).
 *
 * @example
 * parseOffsetMsgId("7F00000100002A9F0000000000001234"); // { host: "127.0.0.1:10911", commitLogOffset: 4660 }
 */
export function parseOffsetMsgId(id: string): OffsetMsgId {
  if ((id.length !== 32 && id.length !== 56) || !/^[0-9A-Fa-f]+$/.test(id)) {
    throw new InputError(`${JSON.stringify(id)} is not an offset message id (32 or 56 hex digits)`, "msgId", id);
  }
  const bytes = new Uint8Array(id.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(id.slice(2 * i, 2 * i + 2), 16);
  const view = new DataView(bytes.buffer);
  const ipLength = bytes.length === 16 ? 4 : 16;
  const port = view.getInt32(ipLength);
  const hi = view.getInt32(ipLength + 4);
  if (port < 0 || port > 65535 || hi >= 0x200000 || hi < -0x200000) {
    throw new InputError(`${JSON.stringify(id)} has an impossible port or offset`, "msgId", id);
  }
  const address = ipLength === 4 ? formatIPv4(bytes, 0)
    : isIPv4Mapped(bytes, 0) ? formatIPv4(bytes, 12) : `[${formatIPv6(bytes, 0)}]`;
  return { host: `${address}:${port}`, commitLogOffset: hi * 4294967296 + view.getUint32(ipLength + 8) };
}

/**
 * Forms the offset message id of a message stored at `commitLogOffset` by `storeHost`.
 *
 * @example
 * formatOffsetMsgId("127.0.0.1:10911", 4660); // "7F00000100002A9F0000000000001234"
 */
export function formatOffsetMsgId(storeHost: string, commitLogOffset: number): string {
  if (!Number.isSafeInteger(commitLogOffset)) {
    throw new InputError(`commitLogOffset must be a safe integer, got ${commitLogOffset}`, "commitLogOffset", commitLogOffset);
  }
  const { ip, port } = parseHost(storeHost);
  const shortIp = ip.length === 16 && isIPv4Mapped(ip, 0) ? ip.subarray(12) : ip;
  const bytes = new Uint8Array(shortIp.length + 12);
  bytes.set(shortIp);
  const view = new DataView(bytes.buffer);
  view.setInt32(shortIp.length, port);
  view.setBigInt64(shortIp.length + 4, BigInt(commitLogOffset));
  return hexOf(bytes, 0, bytes.length);
}

function hex16(v: number): string {
  return HEX_BYTE[(v >>> 8) & 0xff]! + HEX_BYTE[v & 0xff]!;
}

function hex32(v: number): string {
  return hex16(v >>> 16) + hex16(v);
}
