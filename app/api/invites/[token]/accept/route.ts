import { z } from "zod";
import { route } from "@/server/http/route";

// The token is checked by the service so that a malformed one is a 404 like an unknown one.
const params = z.object({ token: z.string().max(200) });

export const POST = route({ params }, async ({ user, params, runtime }) => {
  const result = await runtime.invites.accept(params.token, user.id);
  return Response.json(result);
});
