import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { afterConsent, afterEdit, afterReviewDecision, afterStartReview, afterWithdraw, canonicalItemContent, DRAFT, hashItemContent, isLocked, isReviewDue, parseStatusRecord } from "@/app/lib/agreement";
import { addAgreementItem, readAgreement } from "@/app/lib/room-doc";

function item(over: Record<string, string> = {}) {
  const doc = new Y.Doc();
  addAgreementItem(doc, { id: "i1", createdBy: "ana", commitment: "I tell you within a day.", ...over });
  return readAgreement(doc)[0]!;
}

const partners = ["ana", "ben"];

describe("consent", () => {
  it("one partner's consent proposes; both to the same wording agree", () => {
    const one = afterConsent(DRAFT, "ana", "h1", partners, 1);
    expect(one).toEqual({ status: "proposed", consents: { ana: { hash: "h1", at: 1 } }, changedSinceConsent: false });
    const both = afterConsent(one, "ben", "h1", partners, 2);
    expect(both.status).toBe("agreed");
    expect(isLocked(both)).toBe(true);
  });

  it("consents to different wordings do not make an agreement", () => {
    const mixed = afterConsent(afterConsent(DRAFT, "ana", "h1", partners, 1), "ben", "h2", partners, 2);
    expect(mixed.status).toBe("proposed");
  });

  it("is not an agreement while the room has one partner", () => {
    expect(afterConsent(afterConsent(DRAFT, "ana", "h", ["ana"], 1), "ana", "h", ["ana"], 2).status).toBe("proposed");
  });

  it("withdrawing takes one consent back", () => {
    const both = afterConsent(afterConsent(DRAFT, "ana", "h", partners, 1), "ben", "h", partners, 2);
    expect(afterWithdraw(both, "ben")).toMatchObject({ status: "proposed", consents: { ana: { hash: "h" } } });
    expect(afterWithdraw(afterWithdraw(both, "ben"), "ana").status).toBe("draft");
  });

  it("an edit clears consents to the old wording, visibly; no change keeps them", () => {
    const both = afterConsent(afterConsent(DRAFT, "ana", "h", partners, 1), "ben", "h", partners, 2);
    expect(afterEdit(both, "h")).toBe(both);
    expect(afterEdit(both, "h2")).toEqual({ status: "draft", consents: {}, changedSinceConsent: true });
    expect(afterEdit(DRAFT, "anything")).toBe(DRAFT);
  });

  it("reads whatever is stored defensively", () => {
    expect(parseStatusRecord(undefined)).toEqual(DRAFT);
    expect(parseStatusRecord({ status: "hacked" }).status).toBe("draft");
  });
});

describe("item content hash", () => {
  it("covers every field a partner can change, and nothing else", async () => {
    const base = item();
    const h = await hashItemContent(base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashItemContent({ ...base, createdAt: 999 })).toBe(h);
    for (const change of [
      { commitment: "changed" },
      { category: "finances" },
      { committer: "ana" },
      { reciprocal: true },
      { needs: { ben: "I need this." } },
      { transparency: "x" },
      { exclusions: "x" },
      { frequency: "x" },
      { startDate: "2026-12-01" },
      { reviewDate: "2027-03-01" },
      { taper: "x" },
      { ifBroken: "x" },
    ]) {
      expect(await hashItemContent({ ...base, ...change }), JSON.stringify(change)).not.toBe(h);
    }
  });

  it("ignores whitespace at the ends of texts", async () => {
    const base = item();
    expect(await hashItemContent({ ...base, commitment: `  ${base.commitment}\n` })).toBe(await hashItemContent(base));
  });

  it("is the same in the browser's Web Crypto and Node's crypto (the server's check)", async () => {
    const base = item();
    expect(await hashItemContent(base)).toBe(createHash("sha256").update(canonicalItemContent(base)).digest("hex"));
  });
});

describe("reviews", () => {
  const agreed = afterConsent(afterConsent(DRAFT, "ana", "h", partners, 1), "ben", "h", partners, 2);

  it("is due on its review date, for agreed items only", () => {
    expect(isReviewDue({ reviewDate: "2026-12-01" }, agreed, "2026-11-30")).toBe(false);
    expect(isReviewDue({ reviewDate: "2026-12-01" }, agreed, "2026-12-01")).toBe(true);
    expect(isReviewDue({ reviewDate: "" }, agreed, "2030-01-01")).toBe(false);
    expect(isReviewDue({ reviewDate: "2026-12-01" }, DRAFT, "2026-12-02")).toBe(false);
  });

  it("both keep: agreed again; both retire: retired; different choices: still under review", () => {
    const open = afterStartReview(agreed, "ana", 5);
    expect(open).toMatchObject({ status: "under_review", review: { startedBy: "ana", decisions: {} } });
    expect(isLocked(open)).toBe(true);
    const anaKeeps = afterReviewDecision(open, "ana", "keep", partners);
    expect(anaKeeps.status).toBe("under_review");
    expect(afterReviewDecision(anaKeeps, "ben", "keep", partners)).toEqual({ status: "agreed", consents: agreed.consents, changedSinceConsent: false });
    expect(afterReviewDecision(afterReviewDecision(open, "ana", "retire", partners), "ben", "retire", partners).status).toBe("retired");
    const split = afterReviewDecision(anaKeeps, "ben", "retire", partners);
    expect(split).toMatchObject({ status: "under_review", review: { decisions: { ana: "keep", ben: "retire" } } });
    // changing one's mind settles it
    expect(afterReviewDecision(split, "ana", "retire", partners).status).toBe("retired");
  });

  it("changing the wording during a review sends it back to a draft to agree on", () => {
    const open = afterStartReview(agreed, "ana", 5);
    expect(afterEdit(open, "new-hash")).toEqual({ status: "draft", consents: {}, changedSinceConsent: true });
  });

  it("keeps the review through storage", () => {
    const open = afterReviewDecision(afterStartReview(agreed, "ana", 5), "ben", "keep", partners);
    expect(parseStatusRecord(JSON.parse(JSON.stringify(open)))).toEqual(open);
  });
});
