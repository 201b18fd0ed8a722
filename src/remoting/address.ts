/**
 * `host:port` addresses as RocketMQ writes them: `127.0.0.1:10911`,
 * `broker-a.local:10911`, `[::1]:10911`. Lists of name servers are separated
 * by `;` (commas are accepted too).
 */
import { ConfigError } from "../errors.ts";

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * @example
 * parseAddress("[::1]:9876"); // { host: "::1", port: 9876 }
 */
export function parseAddress(address: string): HostPort {
  const colon = address.lastIndexOf(":");
  const port = Number(address.slice(colon + 1));
  let host = address.slice(0, colon).trim();
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (colon <= 0 || host === "" || !Number.isInteger(port) || port < 1 || port > 65535 || address.slice(colon + 1) === "") {
    throw new ConfigError(`${JSON.stringify(address)} is not a host:port address`, "address", address);
  }
  return { host, port };
}

/**
 * Splits `a:9876;b:9876` into checked addresses.
 *
 * @example
 * splitAddressList("10.0.0.1:9876;10.0.0.2:9876"); // ["10.0.0.1:9876", "10.0.0.2:9876"]
 */
export function splitAddressList(list: string): string[] {
  const addresses = list.split(/[;,]/).map((a) => a.trim()).filter((a) => a !== "");
  if (addresses.length === 0) throw new ConfigError("no name server address given", "nameServerAddress", list);
  for (const a of addresses) parseAddress(a);
  return addresses;
}
