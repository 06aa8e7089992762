/** Health, sign-up, sign-in (with its rate limits) and the error shape, over real HTTP. */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, newPerson, signInRaw, signUp } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

describe("GET /api/health", () => {
  it("answers ok when the database does, without a session", async () => {
    const res = await api(server.url, "GET", "/api/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });
});

describe("POST /api/signup", () => {
  it("creates an account: 201 with its id", async () => {
    const res = await api(server.url, "POST", "/api/signup", {
      body: { email: "New.Person@Example.org ", password: "a long enough password", name: " Noor " },
    });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    // stored lower-cased and trimmed, so signing in with another spelling works
    const signedIn = await signInRaw(server.url, "new.person@example.org", "a long enough password");
    expect(signedIn.session).toBeDefined();
  });

  it("409 when the e-mail is taken, whatever its case", async () => {
    const p = await signUp(server.url, "Taken");
    const res = await api(server.url, "POST", "/api/signup", {
      body: { email: p.email.toUpperCase(), password: "another good password", name: "Someone" },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("conflict");
  });

  it("400 naming each invalid field", async () => {
    const res = await api(server.url, "POST", "/api/signup", { body: { email: "nope", password: "short", name: "" } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_input");
    expect(Object.keys(res.body.error.fields).sort()).toEqual(["email", "name", "password"]);
  });

  it.each([
    ["wrong types", { email: 5, password: ["x"], name: null }],
    ["missing body fields", {}],
    ["an array", []],
  ])("400 for %s", async (_what, body) => {
    const res = await api(server.url, "POST", "/api/signup", { body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_input");
  });

  it("400 for a body that is not JSON, 415 for another content type, 413 when oversized", async () => {
    expect((await api(server.url, "POST", "/api/signup", { body: "{not json" })).status).toBe(400);
    const form = await api(server.url, "POST", "/api/signup", {
      body: "email=a@b.c",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    const huge = await api(server.url, "POST", "/api/signup", { body: { email: "a@b.org", password: "x".repeat(100_000), name: "A" } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("payload_too_large");
  });

  it("stops reading a chunked body (no length given) past 64 KiB and answers 413 before it ends", async () => {
    const result = await new Promise<{ status: number; sentBytes: number }>((resolve, reject) => {
      const req = http.request(`${server.url}/api/signup`, {
        method: "POST",
        headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      });
      let sent = 0;
      let answered = false;
      req.on("response", (res) => {
        answered = true;
        res.resume();
        resolve({ status: res.statusCode ?? 0, sentBytes: sent });
        req.destroy();
      });
      req.on("error", (e) => (answered ? undefined : reject(e)));
      const chunk = Buffer.alloc(16 * 1024, "a");
      const pump = () => {
        // 20 MiB at most; a server that waits for the end answers only after `end()`
        while (!answered && sent < 20 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        if (!answered) req.end();
      };
      req.write('{"email":"');
      pump();
    });
    expect(result.status).toBe(413);
    expect(result.sentBytes).toBeLessThan(20 * 1024 * 1024);
  });

  it("refuses a request sent from another site", async () => {
    const res = await api(server.url, "POST", "/api/signup", {
      body: { email: "x@example.org", password: "a long enough password", name: "X" },
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
  });
});

describe("sign-in (Auth.js credentials)", () => {
  it("sets a session cookie that opens the API", async () => {
    const p = await newPerson(server.url, "Ines");
    expect(p.cookie).toMatch(/^authjs\.session-token=/);
    const rooms = await api(server.url, "GET", "/api/rooms", { cookie: p.cookie });
    expect(rooms.status).toBe(200);
  });

  it("refuses a wrong password and an unknown e-mail alike", async () => {
    const p = await signUp(server.url, "Jo");
    const wrong = await signInRaw(server.url, p.email, "not the password");
    const unknown = await signInRaw(server.url, "nobody-here@example.org", "whatever it is");
    for (const r of [wrong, unknown]) {
      expect(r.session).toBeUndefined();
      expect(r.location).toContain("code=invalid_credentials");
    }
  });

  it("limits failed attempts per e-mail, then refuses even the right password with a clear code", async () => {
    const p = await signUp(server.url, "Kai");
    const ip = { "x-forwarded-for": "203.0.113.7" }; // ignored: TRUST_PROXY is off
    for (let i = 0; i < 10; i++) {
      const r = await signInRaw(server.url, p.email, `wrong ${i}`, ip);
      expect(r.location).toContain("code=invalid_credentials");
    }
    const limited = await signInRaw(server.url, p.email, p.password);
    expect(limited.session).toBeUndefined();
    expect(limited.location).toContain("code=rate_limited");
    // other accounts are not affected
    const other = await newPerson(server.url, "Lea");
    expect(other.cookie).toBeDefined();
  });

  it("shows the rate-limit message on the sign-in page", async () => {
    const res = await fetch(`${server.url}/signin?error=CredentialsSignin&code=rate_limited`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("too many sign-in attempts");
  });
});

describe("errors", () => {
  it("every API refusal is JSON {error:{code,message}} and carries no stack trace", async () => {
    const responses = await Promise.all([
      api(server.url, "GET", "/api/rooms"),
      api(server.url, "POST", "/api/rooms", { body: { title: "x" } }),
      api(server.url, "POST", "/api/invites/abc/accept"),
      api(server.url, "POST", "/api/signup", { body: "{" }),
    ]);
    for (const res of responses) {
      expect(res.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });
});

describe("security headers", () => {
  it("pages carry a Content-Security-Policy whose script nonce is fresh each time and on every script tag", async () => {
    const first = await fetch(`${server.url}/signin`);
    const second = await fetch(`${server.url}/signin`);
    const policy = first.headers.get("content-security-policy") ?? "";
    const scriptSrc = policy.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
    expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
    expect(scriptSrc).not.toContain("unsafe-inline");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(second.headers.get("content-security-policy")).not.toBe(policy);
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1]!;
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
