import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

const params = z.object({ roomId: roomIdSchema });

/** Which of the ten steps have begun, as far as this person can see: `{ steps: { "1": "begun" | "not-yet", … } }`. */
export const GET = route({ params }, async ({ user, params, runtime }) => {
  return Response.json({ steps: await runtime.journey.steps(params.roomId, user.id) });
});
