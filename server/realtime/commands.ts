/**
 * socket.io commands: a zod schema per event, an ack with `{ ok: true, … }` or
 * `{ ok: false, error: { code, message } }`. Shared by the server and typed clients.
 */
import { z } from "zod";

const itemId = z.string().min(1).max(64);

export const commandSchemas = {
  "room:join": z.object({ roomId: z.uuid() }).strict(),
  "room:leave": z.object({ roomId: z.uuid() }).strict(),
  /** Agree to an item's wording, named by the hash of the content one read. */
  "agreement:consent": z.object({ roomId: z.uuid(), itemId, hash: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
  "agreement:withdraw": z.object({ roomId: z.uuid(), itemId }).strict(),
  "agreement:start-review": z.object({ roomId: z.uuid(), itemId }).strict(),
  "agreement:review": z.object({ roomId: z.uuid(), itemId, decision: z.enum(["keep", "retire"]) }).strict(),
  "agreement:comment": z.object({ roomId: z.uuid(), itemId, text: z.string().trim().min(1, "Please write something first.").max(1000, "Please keep a comment under 1,000 characters.") }).strict(),
  "agreement:delete-comment": z.object({ roomId: z.uuid(), commentId: z.uuid() }).strict(),
  "agreement:propose-signing": z.object({ roomId: z.uuid() }).strict(),
  "agreement:cancel-signing": z.object({ roomId: z.uuid() }).strict(),
  /** Sign the proposed version (named by its hash), confirming one's password. */
  "agreement:sign": z.object({ roomId: z.uuid(), hash: z.string().regex(/^[0-9a-f]{64}$/), password: z.string().min(1).max(256) }).strict(),
};

export type CommandName = keyof typeof commandSchemas;
export type CommandAck<T = Record<string, unknown>> =
  | ({ ok: true } & T)
  | { ok: false; error: { code: string; message: string } };
