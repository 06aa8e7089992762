import { roomIdSchema } from "@/app/lib/api-schemas";
import { AppError } from "@/server/errors";
import { route } from "@/server/http/route";

/** An overview of each of one's rooms (or of one, `?roomId=`): who is here, exercise, agreement, last session. */
export const GET = route({}, async ({ req, user, runtime }) => {
  const roomId = new URL(req.url).searchParams.get("roomId");
  if (roomId !== null && !roomIdSchema.safeParse(roomId).success) throw new AppError("invalid_input", "That is not a room id.");
  return Response.json({ rooms: await runtime.dashboard.list(user.id, roomId ?? undefined) });
});
