import { describe, expect, it } from "vitest";
import { diffAtCaret, diffText, fitEdit, transformIndex } from "@/app/lib/text-diff";

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

describe("diffAtCaret", () => {
  it("puts an insertion where the caret is, even among repeated letters", () => {
    expect(diffAtCaret("aa", "aaa", 1)).toEqual({ index: 0, remove: 0, insert: "a" });
    expect(diffText("aa", "aaa")).toEqual({ index: 2, remove: 0, insert: "a" }); // what a plain diff would say
    expect(diffAtCaret("the the", "the the the", 4)).toEqual({ index: 0, remove: 0, insert: "the " });
  });

  it("handles backspace, delete-forward, replacement of a selection and paste", () => {
    expect(diffAtCaret("aaa", "aa", 0)).toEqual({ index: 0, remove: 1, insert: "" });
    expect(diffAtCaret("abc", "ac", 1)).toEqual({ index: 1, remove: 1, insert: "" });
    expect(diffAtCaret("hello world", "hello there", 11)).toEqual({ index: 6, remove: 5, insert: "there" });
    expect(diffAtCaret("ab", "aXYZb", 4)).toEqual({ index: 1, remove: 0, insert: "XYZ" });
  });

  it("falls back to a plain diff when the caret does not explain the change", () => {
    const edit = diffAtCaret("abc", "abXc", 0);
    expect(edit).toEqual(diffText("abc", "abXc"));
  });

  it.each([
    ["", "hi", 2],
    ["one two", "one  two", 4],
    ["😀 ok", "😀 okay", 7],
    ["x", "", 0],
  ])("always reproduces the new text: %j → %j", (before, after, caret) => {
    const edit = diffAtCaret(before, after, caret)!;
    expect(before.slice(0, edit.index) + edit.insert + before.slice(edit.index + edit.remove)).toBe(after);
  });
});

describe("fitEdit", () => {
  it("shortens only what is being inserted", () => {
    expect(fitEdit({ index: 0, remove: 0, insert: "abcdef" }, 8, 10)).toEqual({ index: 0, remove: 0, insert: "ab" });
    expect(fitEdit({ index: 0, remove: 3, insert: "abcdef" }, 8, 10)).toEqual({ index: 0, remove: 3, insert: "abcde" });
  });

  it("lets deletions through even when the text is already over the limit (a partner's words stay)", () => {
    expect(fitEdit({ index: 4, remove: 1, insert: "" }, 12, 10)).toEqual({ index: 4, remove: 1, insert: "" });
    expect(fitEdit({ index: 4, remove: 0, insert: "x" }, 12, 10)).toEqual({ index: 4, remove: 0, insert: "" });
  });
});
