import { z } from "zod";
import { route } from "@/server/http/route";
import { NOTE_MAX_LENGTH } from "@/server/services/notes";

const params = z.object({ noteId: z.uuid() });
const body = z.object({ body: z.string().max(NOTE_MAX_LENGTH, "A note can hold up to 20,000 characters.") }).strict();

/** Saves a note (autosave); only its author, while still the room's therapist. */
export const PUT = route({ params, body }, async ({ user, params, body, runtime }) => {
  return Response.json(await runtime.notes.update(params.noteId, user.id, body.body));
});

export const DELETE = route({ params }, async ({ user, params, runtime }) => {
  await runtime.notes.remove(params.noteId, user.id);
  return new Response(null, { status: 204 });
});
