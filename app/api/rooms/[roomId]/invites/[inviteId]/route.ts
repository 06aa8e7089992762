import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

const params = z.object({ roomId: roomIdSchema, inviteId: z.uuid() });

/** Withdraws an invite that has not been used yet. */
export const DELETE = route({ params }, async ({ user, params, runtime }) => {
  await runtime.invites.revoke(params.roomId, params.inviteId, user.id);
  return new Response(null, { status: 204 });
});
