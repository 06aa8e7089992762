import { createRoomSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

export const GET = route({}, async ({ user, runtime }) => {
  const rooms = await runtime.rooms.listForUser(user.id);
  return Response.json({ rooms });
});

export const POST = route({ body: createRoomSchema }, async ({ user, body, runtime }) => {
  const room = await runtime.rooms.create(user.id, body.title);
  return Response.json({ id: room.id }, { status: 201 });
});
