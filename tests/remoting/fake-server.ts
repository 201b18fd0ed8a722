/**
 * A throwaway remoting server on 127.0.0.1 for connection tests: it decodes
 * frames with the project's FrameDecoder and lets each test decide what to
 * answer, when, or whether to drop the socket. Never the shared broker.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { RemotingCommand } from "../../src/remoting/command.ts";
import { encodeFrame, FrameDecoder } from "../../src/remoting/frame.ts";

export interface FakeServer {
  readonly address: string;
  readonly sockets: Set<Socket>;
  /** Every command received, in order. */
  readonly received: RemotingCommand[];
  send(socket: Socket, cmd: RemotingCommand): void;
  close(): Promise<void>;
}

export type FakeHandler = (cmd: RemotingCommand, socket: Socket, server: FakeServer) => void;

export async function startFakeServer(handler: FakeHandler, onConnection?: (socket: Socket) => void): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const received: RemotingCommand[] = [];
  let fake: FakeServer;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    const decoder = new FrameDecoder();
    socket.on("data", (chunk: Uint8Array) => {
      let cmds: RemotingCommand[];
      try {
        cmds = decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch {
        socket.destroy();
        return;
      }
      for (const cmd of cmds) {
        received.push(cmd);
        handler(cmd, socket, fake);
      }
    });
    onConnection?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  fake = {
    address: `127.0.0.1:${port}`,
    sockets,
    received,
    send: (socket, cmd) => { if (!socket.destroyed) socket.write(encodeFrame(cmd)); },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
