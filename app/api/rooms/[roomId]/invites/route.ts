import { z } from "zod";
import { createInviteSchema, roomIdSchema } from "@/app/lib/api-schemas";
import { publicOrigin } from "@/server/http/origin";
import { route } from "@/server/http/route";

const params = z.object({ roomId: roomIdSchema });

export const POST = route({ params, body: createInviteSchema }, async ({ req, user, params, body, runtime }) => {
  const invite = await runtime.invites.create(params.roomId, user.id, body.role);
  return Response.json(
    {
      id: invite.id,
      token: invite.token,
      url: `${publicOrigin(req.headers, runtime)}/invite/${invite.token}`,
      role: body.role,
      expiresAt: invite.expiresAt,
    },
    { status: 201 },
  );
});

export const GET = route({ params }, async ({ user, params, runtime }) => {
  const invites = await runtime.invites.listPending(params.roomId, user.id);
  return Response.json({ invites });
});
