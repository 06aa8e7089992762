import { describe, expect, it } from "vitest";
import { canSee, healingInput, privateItemInput } from "@/app/lib/private-space";

describe("who sees a private item", () => {
  const item = (partner: boolean, therapist: boolean) => ({ ownerId: "ana", sharedWithPartner: partner, sharedWithTherapist: therapist });
  const ana = { userId: "ana", role: "partner" as const };
  const ben = { userId: "ben", role: "partner" as const };
  const tess = { userId: "tess", role: "therapist" as const };

  it("its author always; the others only while it is shared with them", () => {
    for (const [partner, therapist] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      expect(canSee(item(partner, therapist), ana)).toBe(true);
      expect(canSee(item(partner, therapist), ben)).toBe(partner);
      expect(canSee(item(partner, therapist), tess)).toBe(therapist);
    }
  });
});

describe("what a private item may hold", () => {
  it("only the fields of its kind", () => {
    expect(privateItemInput.safeParse({ kind: "apology", fields: { impact: "x", differently: "y" } }).success).toBe(true);
    expect(privateItemInput.safeParse({ kind: "apology", fields: { score: "10" } }).success).toBe(false);
    expect(privateItemInput.safeParse({ kind: "diary", fields: {} }).success).toBe(false);
    expect(privateItemInput.safeParse({ kind: "reflection", fields: { reflection: "x".repeat(5_001) } }).success).toBe(false);
  });

  it("ratings are whole numbers from 1 to 10", () => {
    expect(healingInput.safeParse({ day: "2026-11-25", safe: 4, connected: 7 }).success).toBe(true);
    for (const safe of [0, 11, 4.5]) expect(healingInput.safeParse({ day: "2026-11-25", safe, connected: 5 }).success).toBe(false);
  });
});
