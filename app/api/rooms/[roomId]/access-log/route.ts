import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

const params = z.object({ roomId: roomIdSchema });

/** Which therapist was given access, entered, left or was removed, and when (partners). */
export const GET = route({ params }, async ({ user, params, runtime }) => {
  return Response.json({ entries: await runtime.access.list(params.roomId, user.id) });
});
