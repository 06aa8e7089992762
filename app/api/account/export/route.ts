import { route } from "@/server/http/route";

/** Everything Mend holds about the signed-in person, as one JSON file to download. */
export const GET = route({}, async ({ user, runtime }) => {
  const data = await runtime.dataRights.export(user.id);
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="mend-data-${new Date().toISOString().slice(0, 10)}.json"`,
      "cache-control": "no-store",
    },
  });
});
