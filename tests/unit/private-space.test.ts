import { describe, expect, it } from "vitest";
import { canSee } from "@/app/lib/private-space";
import { healingInput, privateItemInput } from "@/app/lib/private-space-input";

describe("who sees a private item", () => {
  const item = (...sharedWith: string[]) => ({ ownerId: "ana", sharedWith });
  const ana = { userId: "ana", role: "partner" as const };
  const ben = { userId: "ben", role: "partner" as const };
  const tess = { userId: "tess", role: "therapist" as const };
  const theo = { userId: "theo", role: "therapist" as const };

  it("its author always; anyone else only while it is shared with them by name", () => {
    for (const shared of [[], ["ben"], ["tess"], ["ben", "tess"]]) {
      expect(canSee(item(...shared), ana)).toBe(true);
      expect(canSee(item(...shared), ben)).toBe(shared.includes("ben"));
      expect(canSee(item(...shared), tess)).toBe(shared.includes("tess"));
      // a therapist who was not named (a later one, say) never sees it
      expect(canSee(item(...shared), theo)).toBe(false);
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
