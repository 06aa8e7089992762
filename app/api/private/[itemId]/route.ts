import { z } from "zod";
import { route } from "@/server/http/route";

const params = z.object({ itemId: z.uuid() });

/** Saves one's own item: `{ fields }`. Anyone else gets 404. */
export const PUT = route({ params, body: z.unknown() }, async ({ user, params, body, runtime }) => {
  return Response.json(await runtime.privateSpace.update(params.itemId, user.id, body));
});

export const DELETE = route({ params }, async ({ user, params, runtime }) => {
  await runtime.privateSpace.remove(params.itemId, user.id);
  return new Response(null, { status: 204 });
});
