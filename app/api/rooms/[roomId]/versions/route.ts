import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

/** Every signed version of the room's agreement, newest first (members only). */
export const GET = route({ params: z.object({ roomId: roomIdSchema }) }, async ({ user, params, runtime }) => {
  return Response.json({ versions: await runtime.signing.list(params.roomId, user.id) });
});
