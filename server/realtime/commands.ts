/**
 * socket.io commands: a zod schema per event, an ack with `{ ok: true, … }` or
 * `{ ok: false, error: { code, message } }`. Shared by the server and typed clients.
 */
import { z } from "zod";

export const commandSchemas = {
  "room:join": z.object({ roomId: z.uuid() }).strict(),
  "room:leave": z.object({ roomId: z.uuid() }).strict(),
};

export type CommandName = keyof typeof commandSchemas;
export type CommandAck<T = Record<string, unknown>> =
  | ({ ok: true } & T)
  | { ok: false; error: { code: string; message: string } };
