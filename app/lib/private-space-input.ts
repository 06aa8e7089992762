/** What the private space's API accepts (server side; see private-space.ts for the rules). */
import { KIND_FIELDS, PRIVATE_KINDS, PRIVATE_TEXT_MAX } from "./private-space";
import { z } from "./zod";

export const privateItemInput = z
  .object({
    kind: z.enum(PRIVATE_KINDS),
    respondsTo: z.uuid().optional(),
    fields: z.record(z.string(), z.string().max(PRIVATE_TEXT_MAX, "Please keep each part under 5,000 characters.")),
  })
  .strict()
  .refine((v) => Object.keys(v.fields).every((k) => KIND_FIELDS[v.kind].fields.some((f) => f.name === k)), { message: "That is not part of this kind of writing." });

/** The people it is shared with, by user id (each must be a member of the room; at most a few). */
export const sharingInput = z.object({ with: z.array(z.uuid()).max(8) }).strict();

export const healingInput = z
  .object({
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Please give the day as YYYY-MM-DD."),
    safe: z.number().int().min(1).max(10),
    connected: z.number().int().min(1).max(10),
    note: z.string().trim().max(500, "Please keep the note under 500 characters.").optional(),
  })
  .strict();

