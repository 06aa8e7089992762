import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

const params = z.object({ roomId: roomIdSchema });

/** Past speak-and-listen exercises: when, how long, and whether the transcript was kept (members). */
export const GET = route({ params }, async ({ user, params, runtime }) => {
  return Response.json({ exercises: await runtime.exercises.history(params.roomId, user.id) });
});
