import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

const params = z.object({ roomId: roomIdSchema });

/** Whom I show my healing trend to: `{ partner: boolean, therapist: boolean }`. */
export const PUT = route({ params, body: z.unknown() }, async ({ user, params, body, runtime }) => {
  await runtime.privateSpace.setRatingSharing(params.roomId, user.id, body);
  return new Response(null, { status: 204 });
});
