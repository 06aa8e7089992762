import { describe, expect, it } from "vitest";
import { LIMITS } from "@/app/lib/room-doc";
import { checkGrowth, checkWrite, CLIENT_WRITABLE_SECTIONS, HARD_LIMITS, OPEN_CONTEXT as OPEN, type PolicyContext, type WriteChange } from "@/app/lib/write-policy";

const ana = { role: "partner" as const, userId: "ana" };
const ben = { role: "partner" as const, userId: "ben" };
const tess = { role: "therapist" as const, userId: "tess" };
const locked: PolicyContext = { isItemLocked: (id) => id === "signed", canWriteDraft: () => true };

const change = (over: Partial<WriteChange>): WriteChange => ({ op: "insert", section: "agreementItems", path: [], itemId: null, topLevel: false, ...over });

describe("write policy", () => {
  it("only the agreement's items and the exercise's drafts are written by clients; every other section is the server's", () => {
    expect(CLIENT_WRITABLE_SECTIONS).toEqual(["agreementItems", "experiences", "exerciseDrafts"]);
    for (const section of ["meta", "agreementStatus", "exercise", "exerciseLog", "agenda", "comments", "anything-new"]) {
      for (const writer of [ana, tess]) {
        for (const op of ["insert", "delete"] as const) {
          expect(checkWrite(writer, change({ section, op }))).toMatch(/kept by Mend itself/);
        }
      }
    }
  });

  it("partners write items, text and fields; the therapist does not", () => {
    for (const path of [[], ["commitment"], ["category"], ["needs", "ana"]]) {
      for (const op of ["insert", "delete"] as const) {
        expect(checkWrite(ana, change({ path, op, itemId: "i" }))).toBeNull();
        expect(checkWrite(tess, change({ path, op, itemId: "i" }))).toMatch(/Only partners/);
      }
    }
  });

  it("a need statement is written only by its own partner", () => {
    expect(checkWrite(ana, change({ path: ["needs", "ana"] }))).toBeNull();
    expect(checkWrite(ana, change({ path: ["needs", "ben"] }))).toMatch(/own need statement/);
    expect(checkWrite(ben, change({ path: ["needs", "ana"], op: "delete" }))).toMatch(/own need statement/);
  });

  it("a locked (agreed or signed) item cannot be removed, but unlocked ones can", () => {
    expect(checkWrite(ana, change({ op: "delete", itemId: "signed" }), locked)).toMatch(/can't be removed/);
    expect(checkWrite(ana, change({ op: "delete", itemId: "draft" }), locked)).toBeNull();
    // editing inside it is a matter for consent, not for the policy
    expect(checkWrite(ana, change({ op: "delete", itemId: "signed", path: ["commitment"] }), locked)).toBeNull();
  });
});

describe("what never changes on an existing item", () => {
  it("its id, creator and creation time; its `needs` map as a whole", () => {
    for (const key of ["id", "createdBy", "createdAt"]) {
      expect(checkWrite(ana, change({ path: [key], itemId: "i" }))).toMatch(/does not change/);
      expect(checkWrite(ana, change({ path: [key], itemId: null }))).toBeNull(); // a new item sets them
    }
    expect(checkWrite(ana, change({ path: ["needs"], itemId: "i" }))).toMatch(/stays theirs/);
    expect(checkWrite(ana, change({ path: ["needs"], itemId: "i", op: "delete" }))).toMatch(/stays theirs/);
    expect(checkWrite(ana, change({ path: ["needs"], itemId: null }))).toBeNull();
  });
});

describe("limits the server keeps", () => {
  it("refuses keys that are not part of an item", () => {
    expect(checkWrite(ana, change({ path: ["junk"] }))).toMatch(/not part of an agreement item/);
    expect(checkWrite(ana, change({ path: ["commitment"] }))).toBeNull();
  });

  it("bounds the number of items and the length of a text, above the UI's limits", () => {
    expect(HARD_LIMITS.textLength).toBeGreaterThan(LIMITS.commitmentLength);
    expect(HARD_LIMITS.agreementItems).toBeGreaterThan(LIMITS.agreementItems);
    expect(checkGrowth("agreementItems", [], 499, 1)).toBeNull();
    expect(checkGrowth("agreementItems", [], 500, 1)).toMatch(/at most 500 items/);
    expect(checkGrowth("agreementItems", ["commitment"], 9_000, 1_000)).toBeNull();
    expect(checkGrowth("agreementItems", ["commitment"], 9_000, 1_001)).toMatch(/more text/);
    expect(checkGrowth("agreementItems", ["needs", "ana"], 0, 10_001)).toMatch(/more text/);
  });
});

describe("the exercise's drafts", () => {
  // Ana may write the speaker draft, Ben the listener draft (as the exercise's state would say).
  const turns: PolicyContext = {
    isItemLocked: () => false,
    canWriteDraft: (userId, draft) => (draft === "speaker" ? userId === "ana" : userId === "ben"),
  };
  const draft = (name: string, over: Partial<WriteChange> = {}) => change({ section: "exerciseDrafts", path: [name], ...over });

  it("each draft is typed into only by whoever the exercise's turn allows", () => {
    for (const op of ["insert", "delete"] as const) {
      expect(checkWrite(ana, draft("speaker", { op }), turns)).toBeNull();
      expect(checkWrite(ben, draft("listener", { op }), turns)).toBeNull();
      expect(checkWrite(ben, draft("speaker", { op }), turns)).toMatch(/has the floor/);
      expect(checkWrite(ana, draft("listener", { op }), turns)).toMatch(/Only the listener/);
    }
  });

  it("the therapist never writes a draft, even when the turn would allow it", () => {
    expect(checkWrite(tess, draft("speaker"), OPEN)).toMatch(/Only the partners/);
  });

  it("the drafts themselves, and any other key, are the server's", () => {
    for (const op of ["insert", "delete"] as const) {
      expect(checkWrite(ana, draft("speaker", { op, topLevel: true }), OPEN)).toMatch(/kept by Mend itself/);
      expect(checkWrite(ana, draft("other", { op }), OPEN)).toMatch(/kept by Mend itself/);
      expect(checkWrite(ana, change({ section: "exerciseDrafts", path: ["speaker", "x"], op }), OPEN)).toMatch(/kept by Mend itself/);
    }
  });
});

describe("things to do together", () => {
  const exp = (over: Partial<WriteChange>) => change({ section: "experiences", ...over });
  it("partners add and write them; each marks one done only for themself; the therapist writes nothing", () => {
    expect(checkWrite(ana, exp({}))).toBeNull();
    expect(checkWrite(ana, exp({ path: ["title"], itemId: "x" }))).toBeNull();
    expect(checkWrite(ana, exp({ path: ["memory"], itemId: "x", op: "delete" }))).toBeNull();
    expect(checkWrite(ana, exp({ path: ["done", "ana"], itemId: "x" }))).toBeNull();
    expect(checkWrite(ana, exp({ path: ["done", "ben"], itemId: "x" }))).toMatch(/for yourself/);
    expect(checkWrite(ana, exp({ path: ["done"], itemId: "x" }))).toMatch(/for yourself/);
    expect(checkWrite(ana, exp({ path: ["createdBy"], itemId: "x" }))).toMatch(/does not change/);
    expect(checkWrite(ana, exp({ path: ["score"], itemId: "x" }))).toMatch(/not part of this list/);
    expect(checkWrite(tess, exp({ path: ["title"], itemId: "x" }))).toMatch(/Only the partners/);
  });
});
