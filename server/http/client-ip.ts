import type { IncomingMessage } from "node:http";

/** Set by the custom server on every request, replacing any value a client sent. */
export const CLIENT_IP_HEADER = "x-mend-client-ip";

/**
 * The client's network address. Behind a trusted proxy (TRUST_PROXY), the last X-Forwarded-For
 * entry is the one that proxy added; earlier entries are whatever the client chose to send.
 */
export function clientIp(req: Pick<IncomingMessage, "headers" | "socket">, trustProxy: boolean): string {
  const forwarded = req.headers["x-forwarded-for"];
  if (trustProxy && typeof forwarded === "string" && forwarded.trim().length > 0) {
    return forwarded.split(",").at(-1)!.trim();
  }
  return req.socket.remoteAddress ?? "unknown";
}
