import { z } from "zod";
import { route } from "@/server/http/route";

const body = z.object({ password: z.string().min(1, "Please enter your password.").max(256) }).strict();

/**
 * Deletes the signed-in account after a fresh password check → 204. Private data and
 * memberships go; the others in a room keep what is shared. The session stops working at once.
 */
export const DELETE = route({ body }, async ({ user, body, runtime }) => {
  await runtime.dataRights.deleteAccount(user.id, body.password);
  const res = new Response(null, { status: 204 });
  for (const name of ["authjs.session-token", "__Secure-authjs.session-token"]) {
    res.headers.append("set-cookie", `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${name.startsWith("__Secure") ? "; Secure" : ""}`);
  }
  return res;
});
