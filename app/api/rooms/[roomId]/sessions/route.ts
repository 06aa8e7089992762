import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

const params = z.object({ roomId: roomIdSchema });

/** Session records: when, which therapist, who attended, turns completed; no content (members). */
export const GET = route({ params }, async ({ user, params, runtime }) => {
  return Response.json({ sessions: await runtime.sessions.list(params.roomId, user.id) });
});
