import { z } from "zod";
import { route } from "@/server/http/route";

const params = z.object({ itemId: z.uuid() });

/** Shares one's own item, or takes it back: `{ partner: boolean, therapist: boolean }`. */
export const PUT = route({ params, body: z.unknown() }, async ({ user, params, body, runtime }) => {
  return Response.json(await runtime.privateSpace.share(params.itemId, user.id, body));
});
