import { versionParamsSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

/** One signed version: its content, hash and signatures (members only). */
export const GET = route({ params: versionParamsSchema }, async ({ user, params, runtime }) => {
  return Response.json(await runtime.signing.get(params.roomId, user.id, params.version));
});
