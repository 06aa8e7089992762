import { route } from "@/server/http/route";

/** Searches the therapist's own notes across their rooms: `?q=` (case-insensitive; empty lists the newest). */
export const GET = route({}, async ({ req, user, runtime }) => {
  const q = (new URL(req.url).searchParams.get("q") ?? "").trim().slice(0, 200);
  return Response.json({ notes: await runtime.notes.search(user.id, q) });
});
