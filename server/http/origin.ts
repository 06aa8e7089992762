import type { Runtime } from "../runtime";

/** The address people open, for links such as invites: APP_URL, else the request's own host. */
export function publicOrigin(headers: Headers, runtime: Runtime): string {
  if (runtime.config.APP_URL) return runtime.config.APP_URL.replace(/\/$/, "");
  const host = headers.get("host") ?? "localhost";
  const proto = runtime.config.TRUST_PROXY && headers.get("x-forwarded-proto") === "https" ? "https" : "http";
  return `${proto}://${host}`;
}
