import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";
import { NOTE_MAX_LENGTH } from "@/server/services/notes";

const params = z.object({ roomId: roomIdSchema });
const body = z.object({ body: z.string().max(NOTE_MAX_LENGTH, "A note can hold up to 20,000 characters.") }).strict();

/** The therapist's own private notes in this room, newest first (the room's therapist only). */
export const GET = route({ params }, async ({ user, params, runtime }) => {
  return Response.json({ notes: await runtime.notes.list(params.roomId, user.id) });
});

/** A new private note, tied to the session going on now, if any. */
export const POST = route({ params, body }, async ({ user, params, body, runtime }) => {
  return Response.json(await runtime.notes.create(params.roomId, user.id, body.body), { status: 201 });
});
