import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

const params = z.object({ roomId: roomIdSchema });

/** My ratings of the last 90 days, whom I share them with, and the trends shared with me. */
export const GET = route({ params }, async ({ user, params, runtime }) => {
  return Response.json(await runtime.privateSpace.ratings(params.roomId, user.id));
});

/** Today's rating (partners), at most one a day: `{ day, safe: 1–10, connected: 1–10, note? }`. */
export const POST = route({ params, body: z.unknown() }, async ({ user, params, body, runtime }) => {
  await runtime.privateSpace.rate(params.roomId, user.id, body);
  return new Response(null, { status: 204 });
});
