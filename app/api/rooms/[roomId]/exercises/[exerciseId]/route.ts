import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

const params = z.object({ roomId: roomIdSchema, exerciseId: z.uuid() });

/** The transcript of an exercise both partners chose to keep (members); 404 for any other. */
export const GET = route({ params }, async ({ user, params, runtime }) => {
  return Response.json(await runtime.exercises.transcript(params.roomId, user.id, params.exerciseId));
});
