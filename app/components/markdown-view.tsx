import { Fragment } from "react";
import { type Inline, parseMarkdown } from "@/app/lib/markdown";

function Inlines({ parts }: { parts: Inline[] }) {
  return (
    <>
      {parts.map((p, i) =>
        p.kind === "strong" ? (
          <strong key={i}>{p.text}</strong>
        ) : p.kind === "em" ? (
          <em key={i}>{p.text}</em>
        ) : p.kind === "code" ? (
          <code key={i} className="rounded bg-stone-100 px-1 dark:bg-stone-800">
            {p.text}
          </code>
        ) : (
          <Fragment key={i}>{p.text}</Fragment>
        ),
      )}
    </>
  );
}

/** Renders a note's Markdown as plain React elements: nothing in it is ever treated as HTML. */
export function MarkdownView({ source }: { source: string }) {
  const blocks = parseMarkdown(source);
  if (blocks.length === 0) return <p className="text-stone-500">Nothing written yet.</p>;
  return (
    <div className="space-y-2">
      {blocks.map((b, i) =>
        b.kind === "heading" ? (
          b.level === 1 ? <h3 key={i} className="text-lg font-semibold"><Inlines parts={b.inline} /></h3>
          : b.level === 2 ? <h4 key={i} className="font-semibold"><Inlines parts={b.inline} /></h4>
          : <h5 key={i} className="font-medium"><Inlines parts={b.inline} /></h5>
        ) : b.kind === "paragraph" ? (
          <p key={i}>
            <Inlines parts={b.inline} />
          </p>
        ) : b.ordered ? (
          <ol key={i} className="list-decimal pl-6">
            {b.items.map((item, j) => <li key={j}><Inlines parts={item} /></li>)}
          </ol>
        ) : (
          <ul key={i} className="list-disc pl-6">
            {b.items.map((item, j) => <li key={j}><Inlines parts={item} /></li>)}
          </ul>
        ),
      )}
    </div>
  );
}
