/** A signed-in person for tests: signs up over the API and signs in the way a browser does. */
import { randomBytes } from "node:crypto";

export interface Person {
  id: string;
  email: string;
  name: string;
  password: string;
  /** `Cookie` header value carrying the session. */
  cookie: string;
}

function cookiesFrom(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

export async function signUp(base: string, name = "Sam", kind: "person" | "therapist" = "person"): Promise<Omit<Person, "cookie">> {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${randomBytes(4).toString("hex")}@example.org`;
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const res = await fetch(`${base}/api/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, name, kind }),
  });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  return { id, email, name, password };
}

/** Auth.js's own flow: CSRF token (with its cookie), then the credentials form. */
export async function signInRaw(base: string, email: string, password: string, headers: Record<string, string> = {}) {
  const csrfRes = await fetch(`${base}/api/auth/csrf`, { headers });
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = cookiesFrom(csrfRes);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password }),
  });
  const session = cookiesFrom(res).find((c) => c.startsWith("authjs.session-token="));
  return { status: res.status, location: res.headers.get("location") ?? "", session };
}

export async function signIn(base: string, email: string, password: string): Promise<string> {
  const result = await signInRaw(base, email, password);
  if (!result.session) throw new Error(`sign-in failed: ${result.status} ${result.location}`);
  return result.session;
}

export async function newPerson(base: string, name = "Sam", kind: "person" | "therapist" = "person"): Promise<Person> {
  const p = await signUp(base, name, kind);
  return { ...p, cookie: await signIn(base, p.email, p.password) };
}

export async function api(
  base: string,
  method: string,
  path: string,
  options: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {},
  // Tests assert on response fields one by one; a loose body type keeps them short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.body !== undefined) headers["content-type"] ??= "application/json";
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

/** A room with two partners in it. */
export async function pairedRoom(base: string, title = "Our room") {
  const a = await newPerson(base, "Ana");
  const b = await newPerson(base, "Ben");
  const room = await api(base, "POST", "/api/rooms", { cookie: a.cookie, body: { title } });
  const roomId = room.body.id as string;
  const invite = await api(base, "POST", `/api/rooms/${roomId}/invites`, { cookie: a.cookie, body: { role: "partner" } });
  const accepted = await api(base, "POST", `/api/invites/${invite.body.token}/accept`, { cookie: b.cookie });
  if (accepted.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  return { a, b, roomId };
}

/** Polls until `check` returns truthy; real time, no fake timers. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
