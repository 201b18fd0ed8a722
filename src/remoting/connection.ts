/**
 * One TCP connection to a name server or broker, over `node:net` (which
 * Node, Deno and Bun all provide).
 *
 * - Lazy: the socket opens on the first request and reopens on the next one
 *   after it closed (servers drop connections idle for 120 s).
 * - Full duplex: many requests in flight, matched to responses by `opaque`;
 *   the broker's own requests (response bit clear) go to `onRequest`.
 * - Failures are values, never throws from socket callbacks: a dropped
 *   socket rejects every request in flight on it with ConnectionError, a
 *   corrupt frame closes the socket and rejects them with ProtocolError, a
 *   silent peer gives TimeoutError.
 */
import { connect, type Socket } from "node:net";
import { clearTimeout, setTimeout } from "node:timers";
import { type Backoff, backoffMs, sleep } from "../backoff.ts";
import { checkDurationMs } from "../config/duration.ts";
import { ConnectionError, ProtocolError, TimeoutError } from "../errors.ts";
import { parseAddress } from "./address.ts";
import { CommandFlag, createResponse, isOneway, isResponse, type RemotingCommand } from "./command.ts";
import { encodeFrame, FrameDecoder } from "./frame.ts";
import { ResponseCode } from "./request-codes.ts";

/** Answers a request the server sent us; `undefined` means "not supported". */
export type IncomingRequestHandler = (
  request: RemotingCommand,
  connection: Connection,
) => RemotingCommand | undefined | Promise<RemotingCommand | undefined>;

export interface ConnectionOptions {
  /** Ceiling for opening the socket; default 3000 ms. */
  readonly connectTimeoutMs?: number;
  readonly maxFrameBytes?: number;
  /** Broker-initiated requests; without it every one is answered REQUEST_CODE_NOT_SUPPORTED. */
  readonly onRequest?: IncomingRequestHandler;
  /** Errors that have no request to go to: a failing `onRequest` for a oneway request. */
  readonly onError?: (error: unknown) => void;
  /** Waits before reopening after failed connects: initial doubles per failure up to max. */
  readonly reconnectBackoff?: Backoff;
}

interface InFlight {
  readonly socket: Socket;
  readonly resolve: (response: RemotingCommand) => void;
  readonly reject: (error: unknown) => void;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
const DEFAULT_BACKOFF: Backoff = { initialMs: 100, maxMs: 5000 };

/**
 * @example
 * const conn = new Connection("127.0.0.1:10911");
 * const reply = await conn.request(createRequest(RequestCode.GET_MAX_OFFSET, { topic: "T", queueId: 0 }), 3000);
 * await conn.close();
 */
export class Connection {
  readonly address: string;
  readonly #host: string;
  readonly #port: number;
  readonly #options: ConnectionOptions;
  #socket: Socket | undefined;
  #opening: Promise<Socket> | undefined;
  /** The socket being dialed, so close() can abort it. */
  #dialing: Socket | undefined;
  readonly #inFlight = new Map<number, InFlight>();
  #nextOpaque = 1;
  #closed = false;
  #failedConnects = 0;
  #lastFailure: { at: number; error: unknown } | undefined;

  constructor(address: string, options: ConnectionOptions = {}) {
    if (options.connectTimeoutMs !== undefined) checkDurationMs("connectTimeoutMs", options.connectTimeoutMs);
    const { host, port } = parseAddress(address);
    this.address = address;
    this.#host = host;
    this.#port = port;
    this.#options = options;
  }

  /** Whether a socket is open right now (it reopens on demand either way). */
  get connected(): boolean {
    return this.#socket !== undefined && !this.#socket.destroyed;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Requests waiting for their response. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Sends a request and waits for its response, at most `timeoutMs` counted
   * from now (connecting included).
   */
  request(cmd: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    try {
      checkDurationMs("timeoutMs", timeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
    const opaque = this.#takeOpaque();
    return new Promise<RemotingCommand>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#inFlight.delete(opaque);
        fn();
      };
      const timer = setTimeout(() => {
        finish(() => reject(new TimeoutError(
          `request code ${cmd.code} to ${this.address} got no response in ${timeoutMs} ms`,
          timeoutMs,
        )));
      }, timeoutMs);
      this.#open(timeoutMs).then((socket) => {
        if (settled) return;
        if (socket.destroyed) throw new ConnectionError(`connection to ${this.address} closed`, this.address, { closed: true });
        const frame = encodeFrame({ ...cmd, opaque, flag: cmd.flag & ~CommandFlag.ONEWAY & ~CommandFlag.RESPONSE });
        this.#inFlight.set(opaque, {
          socket,
          resolve: (response) => finish(() => resolve(response)),
          reject: (error) => finish(() => reject(error)),
        });
        socket.write(frame);
      }).catch((error: unknown) => finish(() => reject(error)));
    });
  }

  /** Sends a request that has no response; resolves once the bytes are handed to the socket. */
  async oneway(cmd: RemotingCommand, timeoutMs: number): Promise<void> {
    const socket = await this.#open(timeoutMs);
    const frame = encodeFrame({ ...cmd, opaque: this.#takeOpaque(), flag: (cmd.flag | CommandFlag.ONEWAY) & ~CommandFlag.RESPONSE });
    await new Promise<void>((resolve, reject) => {
      socket.write(frame, (err) => {
        if (err) reject(new ConnectionError(`oneway write to ${this.address} failed: ${err.message}`, this.address, { cause: err, closed: true }));
        else resolve();
      });
    });
  }

  /** Closes the socket, rejects everything in flight, and refuses further requests. */
  close(): Promise<void> {
    this.#closed = true;
    const socket = this.#socket;
    this.#socket = undefined;
    this.#dialing?.destroy();
    this.#rejectInFlight(undefined, new ConnectionError(`connection to ${this.address} was closed by the client`, this.address, { closed: true, retryable: false }));
    if (!socket || socket.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      socket.once("close", () => resolve());
      socket.destroy();
    });
  }

  #takeOpaque(): number {
    const opaque = this.#nextOpaque;
    this.#nextOpaque = opaque >= 0x7fffffff ? 1 : opaque + 1;
    return opaque;
  }

  #open(timeoutMs: number): Promise<Socket> {
    if (this.#closed) {
      return Promise.reject(new ConnectionError(`connection to ${this.address} is closed`, this.address, { closed: true, retryable: false }));
    }
    if (this.#socket && !this.#socket.destroyed) return Promise.resolve(this.#socket);
    this.#opening ??= this.#connect(timeoutMs).finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #connect(timeoutMs: number): Promise<Socket> {
    const wait = this.#backoffMs();
    if (wait > 0) {
      if (wait >= timeoutMs) {
        throw new ConnectionError(
          `${this.address} is unreachable (${this.#failedConnects} failed connects; next attempt in ${wait} ms)`,
          this.address,
          { cause: this.#lastFailure?.error },
        );
      }
      await sleep(wait);
      if (this.#closed) throw new ConnectionError(`connection to ${this.address} is closed`, this.address, { closed: true, retryable: false });
    }
    try {
      const socket = await this.#dial(this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
      this.#failedConnects = 0;
      this.#lastFailure = undefined;
      return socket;
    } catch (error) {
      this.#failedConnects++;
      this.#lastFailure = { at: Date.now(), error };
      throw error;
    }
  }

  #backoffMs(): number {
    if (this.#failedConnects === 0 || !this.#lastFailure) return 0;
    const delay = backoffMs(this.#options.reconnectBackoff ?? DEFAULT_BACKOFF, this.#failedConnects - 1);
    return Math.max(0, this.#lastFailure.at + delay - Date.now());
  }

  #dial(connectTimeoutMs: number): Promise<Socket> {
    return new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: this.#host, port: this.#port });
      this.#dialing = socket;
      const decoder = new FrameDecoder({ maxFrameBytes: this.#options.maxFrameBytes });
      let connected = false;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionError(`could not connect to ${this.address} in ${connectTimeoutMs} ms`, this.address));
      }, connectTimeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        if (this.#dialing === socket) this.#dialing = undefined;
        if (this.#closed) {
          socket.destroy();
          reject(new ConnectionError(`connection to ${this.address} is closed`, this.address, { closed: true, retryable: false }));
          return;
        }
        connected = true;
        socket.setNoDelay(true);
        this.#socket = socket;
        resolve(socket);
      });
      let failure: unknown;
      socket.on("error", (err) => {
        failure ??= err;
        if (!connected) {
          clearTimeout(timer);
          reject(new ConnectionError(`could not connect to ${this.address}: ${err.message}`, this.address, { cause: err }));
        }
      });
      socket.on("close", () => {
        clearTimeout(timer);
        if (this.#dialing === socket) this.#dialing = undefined;
        if (!connected) reject(new ConnectionError(`connection to ${this.address} closed while connecting`, this.address, { cause: failure, closed: true }));
        if (this.#socket === socket) this.#socket = undefined;
        const reason = failure instanceof ProtocolError
          ? failure
          : new ConnectionError(`connection to ${this.address} closed`, this.address, { cause: failure, closed: true });
        this.#rejectInFlight(socket, reason);
      });
      socket.on("data", (chunk: Uint8Array) => {
        let commands: RemotingCommand[];
        try {
          // a plain Uint8Array view (no copy): bodies look the same on every runtime
          commands = decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        } catch (err) {
          failure = err;
          socket.destroy();
          return;
        }
        for (const cmd of commands) this.#dispatch(cmd, socket);
      });
    });
  }

  #rejectInFlight(socket: Socket | undefined, reason: unknown): void {
    for (const entry of [...this.#inFlight.values()]) {
      if (socket === undefined || entry.socket === socket) entry.reject(reason);
    }
  }

  #dispatch(cmd: RemotingCommand, socket: Socket): void {
    if (isResponse(cmd)) {
      // late answers to timed-out requests have no entry any more: drop them
      this.#inFlight.get(cmd.opaque)?.resolve(cmd);
      return;
    }
    void this.#answer(cmd, socket);
  }

  async #answer(request: RemotingCommand, socket: Socket): Promise<void> {
    let response: RemotingCommand | undefined;
    try {
      response = await this.#options.onRequest?.(request, this);
    } catch (err) {
      if (isOneway(request)) {
        this.#options.onError?.(err);
        return;
      }
      response = createResponse(request, ResponseCode.SYSTEM_ERROR, `client failed to handle code ${request.code}: ${err}`);
    }
    if (isOneway(request)) return;
    response ??= createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, `request code ${request.code} is not supported by this client`);
    if (socket.destroyed) return;
    try {
      socket.write(encodeFrame({ ...response, opaque: request.opaque, flag: CommandFlag.RESPONSE }));
    } catch (err) {
      this.#options.onError?.(err);
    }
  }
}
