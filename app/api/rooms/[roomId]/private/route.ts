import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

const params = z.object({ roomId: roomIdSchema });

/** My private items, and the ones others share with me (never anything else). */
export const GET = route({ params }, async ({ user, params, runtime }) => {
  return Response.json(await runtime.privateSpace.list(params.roomId, user.id));
});

/** A new private item (partners): `{ kind, fields, respondsTo? }`. Private until its author shares it. */
export const POST = route({ params, body: z.unknown() }, async ({ user, params, body, runtime }) => {
  return Response.json(await runtime.privateSpace.create(params.roomId, user.id, body), { status: 201 });
});
