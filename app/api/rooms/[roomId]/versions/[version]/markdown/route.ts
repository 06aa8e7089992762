import { versionParamsSchema } from "@/app/lib/api-schemas";
import { route } from "@/server/http/route";

/** A signed version as a Markdown file to keep (members only). */
export const GET = route({ params: versionParamsSchema }, async ({ user, params, runtime }) => {
  const text = await runtime.signing.markdown(params.roomId, user.id, params.version);
  return new Response(text, {
    headers: {
      "content-type": "text/markdown; charset=utf-8",
      // A neutral file name: it may end up in a downloads folder someone else can see.
      "content-disposition": `attachment; filename="agreement-v${params.version}.md"`,
      "cache-control": "private, no-store",
    },
  });
});
