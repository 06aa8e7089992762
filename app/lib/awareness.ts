/**
 * Presence over Yjs awareness. The client publishes where its caret is and whether it is
 * typing; the server overwrites `user` with the signed-in identity so nobody can appear under
 * another name.
 */
import { z } from "./zod";

export const awarenessUserSchema = z.object({
  id: z.string().max(64),
  name: z.string().max(80),
  role: z.enum(["partner", "therapist"]),
  color: z.string().regex(/^#[0-9a-f]{6}$/i),
});

/** A relative position (Y.relativePositionToJSON) kept opaque but bounded. */
const relativePosition = z.record(z.string(), z.unknown()).refine((v) => JSON.stringify(v).length <= 512);

export const awarenessStateSchema = z
  .object({
    user: awarenessUserSchema.optional(),
    /** The agreement item being typed in, or null. */
    typing: z.string().max(64).nullable().optional(),
    cursor: z
      .object({ itemId: z.string().max(64), anchor: relativePosition, head: relativePosition })
      .nullable()
      .optional(),
  })
  .strict();

export type AwarenessUser = z.infer<typeof awarenessUserSchema>;
export type AwarenessState = z.infer<typeof awarenessStateSchema>;

/** Calm colours with at least 4.5:1 contrast on white for the name labels. */
const PALETTE = ["#1d4ed8", "#047857", "#7c3aed", "#b45309", "#be185d", "#0e7490", "#4d7c0f", "#9f1239"];

export function colorForUser(userId: string): string {
  let h = 0;
  for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}
