import { z } from "zod";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

const params = z.object({ roomId: roomIdSchema });

/** Records (or replaces) today's check-in on an item (partners). */
export const POST = route({ params, body: z.unknown() }, async ({ user, params, body, runtime }) => {
  return Response.json(await runtime.checkIns.record(params.roomId, user.id, body), { status: 201 });
});

/** The room's check-ins of the last 90 days (partners and therapist). */
export const GET = route({ params }, async ({ user, params, runtime }) => {
  return Response.json({ checkIns: await runtime.checkIns.list(params.roomId, user.id) });
});
