import { describe, expect, it } from "vitest";
import { inviteTokenSchema } from "@/app/lib/api-schemas";
import { hashInviteToken, newInviteToken } from "@/server/services/invite-token";

describe("invite tokens", () => {
  it("are 256 random bits in base64url", () => {
    const token = newInviteToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(inviteTokenSchema.safeParse(token).success).toBe(true);
  });

  it("never repeat", () => {
    const seen = new Set(Array.from({ length: 1000 }, newInviteToken));
    expect(seen.size).toBe(1000);
  });

  it("are stored as a SHA-256 hash that does not contain the token", () => {
    const token = newInviteToken();
    const hash = hashInviteToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashInviteToken(token));
    expect(hash).not.toContain(token);
    expect(hashInviteToken(newInviteToken())).not.toBe(hash);
  });

  it("rejects anything that is not a token's shape", () => {
    for (const bad of ["", "abc", "x".repeat(44), "a".repeat(42) + "=", "../../etc/passwd"]) {
      expect(inviteTokenSchema.safeParse(bad).success).toBe(false);
    }
  });
});
