import { describe, expect, it } from "vitest";
import type { VersionContent, VersionItem } from "@/app/lib/agreement-version";
import { canonicalJson } from "@/app/lib/agreement-version";
import { diffVersions, diffWords } from "@/app/lib/version-diff";

const item = (id: string, commitment: string, over: Partial<VersionItem> = {}): VersionItem => ({
  id,
  category: "other",
  commitment,
  committer: "both",
  reciprocal: false,
  needs: {},
  transparency: "",
  exclusions: "",
  frequency: "",
  startDate: "",
  reviewDate: "",
  taper: "",
  ifBroken: "",
  ...over,
});
const version = (...items: VersionItem[]): VersionContent => ({ partners: [], items });

describe("diffWords", () => {
  it("marks added and removed words, and joins back to each text", () => {
    const parts = diffWords("We talk every evening.", "We talk briefly every morning.");
    expect(parts).toEqual([
      { kind: "same", text: "We talk " },
      { kind: "added", text: "briefly " },
      { kind: "same", text: "every " },
      { kind: "removed", text: "evening." },
      { kind: "added", text: "morning." },
    ]);
    const join = (kinds: string[]) => parts.filter((p) => kinds.includes(p.kind)).map((p) => p.text).join("");
    expect(join(["same", "removed"])).toBe("We talk every evening.");
    expect(join(["same", "added"])).toBe("We talk briefly every morning.");
  });

  it("handles empty texts", () => {
    expect(diffWords("", "new words")).toEqual([{ kind: "added", text: "new words" }]);
    expect(diffWords("old", "")).toEqual([{ kind: "removed", text: "old" }]);
    expect(diffWords("", "")).toEqual([]);
  });
});

describe("diffVersions", () => {
  it("finds items added, removed and changed (by field, including need statements)", () => {
    const v1 = version(item("a", "No contact."), item("b", "Daily check-in."), item("c", "Same."));
    const v2 = version(
      item("a", "No contact, and I tell you if contacted.", { needs: { ben: "I need to feel safe." } }),
      item("c", "Same."),
      item("d", "Phones away at dinner."),
    );
    const diff = diffVersions(v1, v2);
    expect(diff.added.map((i) => i.id)).toEqual(["d"]);
    expect(diff.removed.map((i) => i.id)).toEqual(["b"]);
    expect(diff.unchanged).toBe(1);
    expect(diff.changed).toHaveLength(1);
    expect(diff.changed[0]!.fields.map((f) => f.field)).toEqual(["commitment", "need:ben"]);
  });

  it("says nothing changed between equal versions", () => {
    const v = version(item("a", "x"));
    expect(diffVersions(v, v)).toEqual({ added: [], removed: [], changed: [], unchanged: 1 });
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every level, so equal content gives equal text", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });
});
