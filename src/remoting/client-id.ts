/**
 * The client id brokers know us by (`ip@pid#random`, like Java's
 * `ip@instanceName`): unique per client object, so two clients in one
 * process are two members of a group.
 */
import { randomBytes } from "node:crypto";
import { networkInterfaces } from "node:os";
import process from "node:process";

/**
 * @example
 * createClientId(); // "10.0.0.5@4242#8f1c2a9b0d3e"
 */
export function createClientId(): string {
  return `${localIPv4()}@${process.pid}#${randomBytes(6).toString("hex")}`;
}

function localIPv4(): string {
  try {
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
    }
  } catch {
    // Deno without --allow-sys: the random suffix still makes the id unique
  }
  return "127.0.0.1";
}
