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

/**
 * Tokens this process has already decrypted, until they expire. Decrypting one (a key derived
 * with HKDF, then AES-GCM) is most of what a websocket upgrade costs, and a reconnecting client
 * sends the same token again. Only tokens that decrypted are kept; the account is still looked
 * up on every upgrade (a deleted account gets no more connections).
 */
const decoded = new Map<string, { userId: string; expiresAt: number }>();
const MAX_DECODED = 10_000;

/** The signed-in user, or null for no cookie, a forged, expired or undecodable one. */
export async function readSession(cookieHeader: string | undefined, secret: string): Promise<SessionIdentity | null> {
  const cookies = parseCookies(cookieHeader);
  for (const name of SESSION_COOKIE_NAMES) {
    const token = joinChunks(cookies, name);
    if (!token) continue;
    const key = `${name}\n${token}`;
    const known = decoded.get(key);
    if (known && known.expiresAt > Date.now()) return { userId: known.userId };
    decoded.delete(key);
    try {
      const payload = await decode({ token, secret, salt: name });
      if (payload && typeof payload.sub === "string") {
        if (typeof payload.exp === "number") {
          if (decoded.size >= MAX_DECODED) decoded.clear();
          decoded.set(key, { userId: payload.sub, expiresAt: payload.exp * 1000 });
        }
        return { userId: payload.sub };
      }
    } catch {
      /* not ours or tampered with */
    }
  }
  return null;
}
