/**
 * Socket addresses inside stored messages: 4 (IPv4) or 16 (IPv6) address
 * bytes followed by an int32 port. Shown as `"a.b.c.d:port"` or
 * `"[v6::addr]:port"` (RFC 5952 text), which `node:net` accepts as is.
 */
import { InputError } from "../../errors.ts";

/** Two upper-case hex digits per byte value, as Java's `UtilAll.bytes2string` writes them. */
export const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) =>
  b.toString(16).toUpperCase().padStart(2, "0"));

/** Upper-case hex of `bytes[start, end)`. */
export function hexOf(bytes: Uint8Array, start: number, end: number): string {
  let out = "";
  for (let i = start; i < end; i++) out += HEX_BYTE[bytes[i]!]!;
  return out;
}

/**
 * Java turns a 16-byte address of the form ::ffff:a.b.c.d into an IPv4
 * address, which also shortens the offset message id; the decoder mirrors it.
 */
export function isIPv4Mapped(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < 10; i++) if (bytes[at + i] !== 0) return false;
  return bytes[at + 10] === 0xff && bytes[at + 11] === 0xff;
}

export function formatIPv4(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

/** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
export function formatIPv6(bytes: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[at + i]! << 8) | bytes[at + i + 1]!);
  let bestStart = -1, bestLen = 1, runStart = -1;
  for (let i = 0; i <= 8; i++) {
    if (i < 8 && groups[i] === 0) {
      if (runStart < 0) runStart = i;
    } else if (runStart >= 0) {
      if (i - runStart > bestLen) { bestStart = runStart; bestLen = i - runStart; }
      runStart = -1;
    }
  }
  const hex = (from: number, to: number) => groups.slice(from, to).map((g) => g.toString(16)).join(":");
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/** A parsed `"ip:port"` host: address bytes (4 or 16) and port. */
export interface HostBytes {
  readonly ip: Uint8Array;
  readonly port: number;
}

/**
 * Parses `"a.b.c.d:port"` or `"[v6]:port"` into address bytes and port.
 *
 * @example
 * parseHost("127.0.0.1:10911"); // { ip: Uint8Array [127, 0, 0, 1], port: 10911 }
 */
export function parseHost(host: string): HostBytes {
  const bad = (why: string) => new InputError(`host ${JSON.stringify(host)} is not "ip:port" (${why})`, "host", host);
  let addr: string, portText: string;
  if (host.startsWith("[")) {
    const close = host.indexOf("]:");
    if (close < 0) throw bad("IPv6 needs [addr]:port");
    addr = host.slice(1, close);
    portText = host.slice(close + 2);
  } else {
    const colon = host.lastIndexOf(":");
    if (colon < 0) throw bad("no port");
    addr = host.slice(0, colon);
    portText = host.slice(colon + 1);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw bad("bad port");
  const ip = host.startsWith("[") ? parseIPv6(addr) : parseIPv4(addr);
  if (!ip) throw bad("bad address");
  return { ip, port: Number(portText) };
}

function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    out[i] = Number(p);
  }
  return out;
}

function parseIPv6(text: string): Uint8Array | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (i === pieces.length - 1 && p.includes(".")) {
        const v4 = parseIPv4(p);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { out[2 * i] = g >> 8; out[2 * i + 1] = g & 0xff; });
  return out;
}
