import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

const params = z.object({ roomId: roomIdSchema, userId: z.uuid() });

/**
 * Ends a therapist's access to the room: a partner removes them, or the therapist leaves. Their
 * live connections close at once; every later request is refused. Partners are not removed here.
 */
export const DELETE = route({ params }, async ({ user, params, runtime }) => {
  await runtime.access.removeTherapist(params.roomId, user.id, params.userId);
  return new Response(null, { status: 204 });
});
