import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

const params = z.object({ roomId: roomIdSchema, itemId: z.string().min(1).max(64) });

/** An item's history: who agreed, took it back, reviewed it, and when (members). */
export const GET = route({ params }, async ({ user, params, runtime }) => {
  return Response.json({ events: await runtime.agreement.history(params.roomId, user.id, params.itemId) });
});
