/**
 * One connection per address, opened on demand. Reconnecting (with backoff
 * after failed connects) is the connection's own business; the pool applies
 * request signing and the default timeout, and closes everything at the end.
 */
import { checkDurationMs } from "../config/duration.ts";
import { ConnectionError } from "../errors.ts";
import type { RequestSigner } from "./acl.ts";
import type { RemotingCommand } from "./command.ts";
import { Connection, type ConnectionOptions } from "./connection.ts";

/** What broker and name server operations need from a transport. */
export interface RemotingInvoker {
  /** Default timeout of `request` and `oneway`. */
  readonly requestTimeoutMs: number;
  request(address: string, cmd: RemotingCommand, timeoutMs?: number): Promise<RemotingCommand>;
  oneway(address: string, cmd: RemotingCommand, timeoutMs?: number): Promise<void>;
}

export interface ConnectionPoolOptions extends ConnectionOptions {
  /** Default per-request timeout; 3000 ms. */
  readonly requestTimeoutMs?: number;
  /** Applied to every request and oneway (ACL). */
  readonly signer?: RequestSigner;
}

/**
 * @example
 * const pool = new ConnectionPool({ requestTimeoutMs: 3000 });
 * const reply = await pool.request("127.0.0.1:10911", createRequest(RequestCode.GET_MAX_OFFSET, { topic: "T", queueId: 0 }));
 * await pool.close();
 */
export class ConnectionPool implements RemotingInvoker {
  readonly requestTimeoutMs: number;
  readonly #options: ConnectionPoolOptions;
  readonly #connections = new Map<string, Connection>();
  #closed = false;

  constructor(options: ConnectionPoolOptions = {}) {
    this.requestTimeoutMs = checkDurationMs("requestTimeoutMs", options.requestTimeoutMs ?? 3000);
    if (options.connectTimeoutMs !== undefined) checkDurationMs("connectTimeoutMs", options.connectTimeoutMs);
    this.#options = options;
  }

  /** The connection for `address`, created (not yet opened) on first use. */
  connection(address: string): Connection {
    if (this.#closed) throw new ConnectionError(`the connection pool is closed`, address, { closed: true, retryable: false });
    let conn = this.#connections.get(address);
    if (!conn) {
      conn = new Connection(address, this.#options);
      this.#connections.set(address, conn);
    }
    return conn;
  }

  /** Addresses with a connection object (open or not). */
  get addresses(): string[] {
    return [...this.#connections.keys()];
  }

  async request(address: string, cmd: RemotingCommand, timeoutMs = this.requestTimeoutMs): Promise<RemotingCommand> {
    return this.connection(address).request(this.#sign(cmd), timeoutMs);
  }

  async oneway(address: string, cmd: RemotingCommand, timeoutMs = this.requestTimeoutMs): Promise<void> {
    return this.connection(address).oneway(this.#sign(cmd), timeoutMs);
  }

  /** Closes one address's connection (the next request opens a new one). */
  async drop(address: string): Promise<void> {
    const conn = this.#connections.get(address);
    this.#connections.delete(address);
    await conn?.close();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(all.map((c) => c.close()));
  }

  #sign(cmd: RemotingCommand): RemotingCommand {
    return this.#options.signer ? this.#options.signer(cmd) : cmd;
  }
}
