import { describe, expect, it } from "vitest";
import { diffText, transformIndex } from "@/app/lib/text-diff";

function apply(before: string, edit: ReturnType<typeof diffText>): string {
  if (!edit) return before;
  return before.slice(0, edit.index) + edit.insert + before.slice(edit.index + edit.remove);
}

describe("diffText", () => {
  it.each([
    ["", "a"],
    ["abc", "abXc"],
    ["abc", "ac"],
    ["hello world", "hello brave world"],
    ["aaaa", "aaa"],
    ["abc", "xyz"],
    ["same", "same"],
    ["😀 ok", "😀 okay"],
  ])("turns %j into %j with one edit", (before, after) => {
    const edit = diffText(before, after);
    expect(apply(before, edit)).toBe(after);
    if (before === after) expect(edit).toBeNull();
  });

  it("finds the smallest edit for a keystroke", () => {
    expect(diffText("We talk.", "We talk!.")).toEqual({ index: 7, remove: 0, insert: "!" });
  });
});

describe("transformIndex", () => {
  it("moves a caret after text inserted before it", () => {
    expect(transformIndex(5, [{ insert: "abc" }])).toBe(8);
    expect(transformIndex(5, [{ retain: 2 }, { insert: "x" }])).toBe(6);
  });

  it("keeps a caret in place for text inserted at or after it", () => {
    expect(transformIndex(5, [{ retain: 5 }, { insert: "x" }])).toBe(5);
    expect(transformIndex(5, [{ retain: 7 }, { insert: "x" }])).toBe(5);
  });

  it("pulls a caret back over deleted text", () => {
    expect(transformIndex(5, [{ delete: 2 }])).toBe(3);
    expect(transformIndex(5, [{ retain: 3 }, { delete: 5 }])).toBe(3);
    expect(transformIndex(5, [{ retain: 6 }, { delete: 2 }])).toBe(5);
  });
});
