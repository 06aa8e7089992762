/**
 * Reads the Auth.js session from a raw Cookie header, for websocket upgrades that never reach
 * Next.js. The cookie is an encrypted JWT (JWE) whose salt is the cookie's own name; large
 * tokens are split into `.0`, `.1`… chunks.
 */
import { decode } from "next-auth/jwt";

export const SESSION_COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

export interface SessionIdentity {
  userId: string;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}

function joinChunks(cookies: Map<string, string>, name: string): string | undefined {
  const whole = cookies.get(name);
  if (whole) return whole;
  const chunks: string[] = [];
  for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
  return chunks.length > 0 ? chunks.join("") : undefined;
}

/** The signed-in user, or null for no cookie, a forged, expired or undecodable one. */
export async function readSession(cookieHeader: string | undefined, secret: string): Promise<SessionIdentity | null> {
  const cookies = parseCookies(cookieHeader);
  for (const name of SESSION_COOKIE_NAMES) {
    const token = joinChunks(cookies, name);
    if (!token) continue;
    try {
      const payload = await decode({ token, secret, salt: name });
      if (payload && typeof payload.sub === "string") return { userId: payload.sub };
    } catch {
      /* not ours or tampered with */
    }
  }
  return null;
}
