import { describe, expect, it } from "vitest";
import { clientIp } from "@/server/http/client-ip";

const req = (remoteAddress: string, forwarded?: string) => ({
  headers: forwarded === undefined ? {} : { "x-forwarded-for": forwarded },
  socket: { remoteAddress } as never,
});

describe("clientIp", () => {
  it("uses the socket's address unless a proxy is trusted", () => {
    expect(clientIp(req("10.0.0.5", "203.0.113.9"), false)).toBe("10.0.0.5");
  });

  it("behind a trusted proxy, takes the entry the proxy added (the last), not the client's own", () => {
    // the client sent "1.2.3.4" itself; the proxy appended the address it saw
    expect(clientIp(req("10.0.0.1", "1.2.3.4, 198.51.100.23"), true)).toBe("198.51.100.23");
    expect(clientIp(req("10.0.0.1", "198.51.100.23"), true)).toBe("198.51.100.23");
    expect(clientIp(req("10.0.0.1", "  "), true)).toBe("10.0.0.1");
  });
});
