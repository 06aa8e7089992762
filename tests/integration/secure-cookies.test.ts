/**
 * Behind https (APP_URL says so, a proxy in front), the session cookie is a `__Secure-` cookie
 * marked Secure, HttpOnly and SameSite=Lax, and it opens the API and the websockets alike.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { api, signUp } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";
import { connectY } from "../helpers/yjs-client";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { APP_URL: "https://mend.example.org", TRUST_PROXY: "1" } });
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

it("signing in over https sets a Secure, HttpOnly, SameSite=Lax session cookie that works everywhere", async () => {
  const person = await signUp(server.url, "Sec");
  // What the proxy adds in front of Mend: the browser spoke https to it.
  const proxy = { "x-forwarded-proto": "https", "x-forwarded-host": "mend.example.org" };
  const csrf = await fetch(`${server.url}/api/auth/csrf`, { headers: proxy });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]!);
  const res = await fetch(`${server.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...proxy, "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; ") },
    body: new URLSearchParams({ csrfToken, email: person.email, password: person.password }),
  });
  const setCookie = res.headers.getSetCookie().find((c) => c.includes("session-token="));
  expect(setCookie, "a session cookie").toBeTruthy();
  expect(setCookie).toMatch(/^__Secure-authjs\.session-token=/);
  expect(setCookie).toMatch(/;\s*Secure/i);
  expect(setCookie).toMatch(/;\s*HttpOnly/i);
  expect(setCookie).toMatch(/;\s*SameSite=Lax/i);
  // The CSRF cookie too is host-bound and secure.
  expect(csrf.headers.getSetCookie().find((c) => c.includes("csrf-token"))).toMatch(/^__Host-authjs\.csrf-token=.*;\s*Secure/i);

  const cookie = setCookie!.split(";")[0]!;
  const me = await api(server.url, "GET", "/api/rooms", { cookie });
  expect(me.status).toBe(200);
  // The websocket upgrade reads the same cookie.
  const own = await api(server.url, "POST", "/api/rooms", { cookie, body: { title: "Ours" }, headers: { origin: "https://mend.example.org" } });
  expect(own.status).toBe(201);
  const y = await connectY(server.url, own.body.id as string, cookie);
  expect(y.synced()).toBe(true);
  y.close();
});
