import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

/** Unauthenticated on purpose: load balancers and monitors call it. It says nothing private. */
export async function GET(): Promise<Response> {
  try {
    await getRuntime().ping();
    return Response.json({ status: "ok" });
  } catch {
    return Response.json({ status: "unavailable" }, { status: 503 });
  }
}
