import { io, type Socket } from "socket.io-client";

/** A socket.io client with a session cookie (or none), websocket only, no reconnection. */
export function connectSocket(base: string, cookie?: string): Promise<Socket> {
  const socket = io(base, { path: "/socket.io", transports: ["websocket"], reconnection: false, extraHeaders: cookie ? { cookie } : {} });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (e) => {
      socket.close();
      reject(e);
    });
  });
}

export type Ack = { ok: boolean; error?: { code: string; message: string } } & Record<string, unknown>;

export const command = (socket: Socket, event: string, payload: unknown) => socket.timeout(5000).emitWithAck(event, payload) as Promise<Ack>;
