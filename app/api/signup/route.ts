import { z } from "zod";
import { route } from "@/server/http/route";

// The body is validated by the accounts service, which names each wrong field.
export const POST = route({ auth: false, body: z.unknown() }, async ({ body, runtime, ip }) => {
  const user = await runtime.accounts.signUp(body, ip);
  return Response.json({ id: user.id }, { status: 201 });
});
