"use client";

import { useEffect, useState } from "react";
import type * as Y from "yjs";
import { type Comment, COMMENT_MAX_LENGTH, comments } from "@/app/lib/room-doc";
import type { Member } from "./agreement-item";
import type { LiveRoom } from "./use-live-room";
import { GentleAlert } from "@/app/components/gentle-alert";

function useComments(doc: Y.Doc, itemId: string): Comment[] {
  const [list, setList] = useState<Comment[]>(() => comments(doc).toArray().filter((c) => c.itemId === itemId));
  useEffect(() => {
    const array = comments(doc);
    const read = () => setList(array.toArray().filter((c) => c.itemId === itemId));
    array.observe(read);
    return () => array.unobserve(read);
  }, [doc, itemId]);
  return list;
}

const ROLE_TEXT = { partner: "partner", therapist: "therapist" } as const;

export function CommentsPanel({ roomId, itemId, room, me, canComment }: { roomId: string; itemId: string; room: LiveRoom; me: Member; canComment: boolean }) {
  const list = useComments(room.doc!, itemId);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const fieldId = `comment-${itemId}`;

  const send = async (event: string, payload: Record<string, unknown>) => {
    setPending(true);
    setError(null);
    const ack = await room.command(event, { roomId, ...payload });
    setPending(false);
    if (!ack.ok) setError(ack.error.message);
    return ack.ok;
  };

  return (
    <section className="space-y-2" aria-label="Comments" data-testid="comments">
      <h4 className="text-sm font-medium">Comments{list.length > 0 ? ` (${list.length})` : ""}</h4>
      {list.length > 0 ? (
        <ul className="space-y-2 text-sm">
          {list.map((c) => (
            <li key={c.id} className="rounded-lg bg-stone-50 p-2 dark:bg-stone-800">
              <p className="text-xs text-stone-600 dark:text-stone-400">
                {c.authorId === me.userId ? "You" : `${c.name} (${ROLE_TEXT[c.role]})`} · {new Date(c.at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}
              </p>
              <p className="whitespace-pre-wrap">{c.text}</p>
              {c.authorId === me.userId && canComment ? (
                <button type="button" className="text-xs underline" disabled={pending} onClick={() => void send("agreement:delete-comment", { commentId: c.id })}>
                  Remove my comment
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {canComment ? (
        <form
          className="space-y-2"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await send("agreement:comment", { itemId, text })) setText("");
          }}
        >
          <label htmlFor={fieldId} className="sr-only">
            Add a comment
          </label>
          <textarea id={fieldId} className="field text-sm" rows={2} maxLength={COMMENT_MAX_LENGTH} placeholder="Add a comment" value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit" className="btn-quiet min-h-10 text-sm" disabled={pending || text.trim().length === 0}>
            Add comment
          </button>
        </form>
      ) : null}
      <GentleAlert>{error}</GentleAlert>
    </section>
  );
}
