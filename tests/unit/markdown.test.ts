import { describe, expect, it } from "vitest";
import { parseInline, parseMarkdown } from "@/app/lib/markdown";

describe("the notes' Markdown", () => {
  it("reads headings, paragraphs and both kinds of list", () => {
    expect(parseMarkdown("# Session 3\nThey arrived late.\nBoth calm.\n\n- time-outs used well\n- check-ins kept\n1. ask about work\n2) next week")).toEqual([
      { kind: "heading", level: 1, inline: [{ kind: "text", text: "Session 3" }] },
      { kind: "paragraph", inline: [{ kind: "text", text: "They arrived late. Both calm." }] },
      { kind: "list", ordered: false, items: [[{ kind: "text", text: "time-outs used well" }], [{ kind: "text", text: "check-ins kept" }]] },
      { kind: "list", ordered: true, items: [[{ kind: "text", text: "ask about work" }], [{ kind: "text", text: "next week" }]] },
    ]);
  });

  it("reads bold, italic and code inside a line", () => {
    expect(parseInline("a **big** step, *gently*, _slowly_ and `time-out`")).toEqual([
      { kind: "text", text: "a " },
      { kind: "strong", text: "big" },
      { kind: "text", text: " step, " },
      { kind: "em", text: "gently" },
      { kind: "text", text: ", " },
      { kind: "em", text: "slowly" },
      { kind: "text", text: " and " },
      { kind: "code", text: "time-out" },
    ]);
  });

  it("keeps HTML and links as plain text (the UI never interprets a note)", () => {
    const blocks = parseMarkdown('<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>');
    expect(blocks).toEqual([{ kind: "paragraph", inline: [{ kind: "text", text: '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>' }] }]);
  });

  it("leaves unmatched markers and lone stars alone, and reads an empty note as nothing", () => {
    expect(parseInline("5 * 3 and **open")).toEqual([{ kind: "text", text: "5 * 3 and **open" }]);
    expect(parseMarkdown("\n\n  \n")).toEqual([]);
    expect(parseMarkdown("#### four is text")).toEqual([{ kind: "paragraph", inline: [{ kind: "text", text: "#### four is text" }] }]);
  });
});
