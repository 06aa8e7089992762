"use client";

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { diffAtCaret, fitEdit, transformIndex, type Delta } from "@/app/lib/text-diff";
import type { Peer } from "./use-live-room";

interface Props {
  id: string;
  itemId: string;
  text: Y.Text;
  awareness: Awareness;
  peers: Peer[];
  label: string;
  maxLength: number;
  disabled?: boolean;
  placeholder?: string;
}

/** Typing pauses longer than this end the "is typing" hint. */
const TYPING_MS = 2_000;

/**
 * A plain <textarea> bound to a Y.Text: local input becomes the smallest Yjs edit at the caret,
 * remote edits update the value without moving the local caret, and other people's carets are
 * drawn in a mirror layer over the text (hidden from screen readers; presence is announced
 * elsewhere). While an input method composes a character (Chinese, Japanese, Korean…), nothing
 * is sent and remote edits wait; the composed text is applied once, where it was started.
 */
export function SharedTextarea({ id, itemId, text, awareness, peers, label, maxLength, disabled, placeholder }: Props) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [value, setValue] = useState(() => text.toString());
  const origin = useRef(Symbol("textarea"));
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  /** Set between compositionstart and compositionend: where the composition began, in Yjs terms. */
  const composition = useRef<{ start: Y.RelativePosition; end: Y.RelativePosition; domStart: number } | null>(null);

  const publishCursor = useCallback(() => {
    const el = ref.current;
    if (!el || document.activeElement !== el) return;
    const anchor = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, el.selectionStart));
    const head = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, el.selectionEnd));
    awareness.setLocalStateField("cursor", { itemId, anchor, head });
  }, [awareness, itemId, text]);

  useEffect(() => {
    const observer = (event: Y.YTextEvent, tr: Y.Transaction) => {
      const el = ref.current;
      if (composition.current) return; // applied when the composition ends
      if (tr.origin === origin.current || !el) {
        setValue(text.toString());
        return;
      }
      const delta = event.delta as Delta;
      const start = transformIndex(el.selectionStart, delta);
      const end = transformIndex(el.selectionEnd, delta);
      const next = text.toString();
      el.value = next;
      setValue(next);
      if (document.activeElement === el) el.setSelectionRange(start, end);
    };
    text.observe(observer);
    setValue(text.toString());
    return () => text.unobserve(observer);
  }, [text]);

  // Grow with the content so the caret layer never has to follow a scroll position.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${el.scrollHeight}px`;
  }, [value]);

  const noteTyping = () => {
    awareness.setLocalStateField("typing", itemId);
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(() => awareness.setLocalStateField("typing", null), TYPING_MS);
  };

  const onChange = (event: React.ChangeEvent<HTMLTextAreaElement>) => {
    const el = event.target;
    if (composition.current) {
      setValue(el.value); // keep the composing text on screen; nothing is sent yet
      return;
    }
    const current = text.toString();
    const found = diffAtCaret(current, el.value, el.selectionEnd);
    if (found) {
      const edit = fitEdit(found, current.length, maxLength);
      text.doc!.transact(() => {
        if (edit.remove > 0) text.delete(edit.index, edit.remove);
        if (edit.insert) text.insert(edit.index, edit.insert);
      }, origin.current);
      const next = text.toString();
      if (next !== el.value) {
        const caret = edit.index + edit.insert.length;
        el.value = next;
        el.setSelectionRange(caret, caret);
      }
    }
    setValue(text.toString());
    noteTyping();
    publishCursor();
  };

  const onCompositionStart = (event: React.CompositionEvent<HTMLTextAreaElement>) => {
    const el = event.currentTarget;
    composition.current = {
      start: Y.createRelativePositionFromTypeIndex(text, el.selectionStart),
      end: Y.createRelativePositionFromTypeIndex(text, el.selectionEnd),
      domStart: el.selectionStart,
    };
  };

  const onCompositionEnd = (event: React.CompositionEvent<HTMLTextAreaElement>) => {
    const el = event.currentTarget;
    const started = composition.current;
    composition.current = null;
    if (!started) return;
    const composed = el.value.slice(started.domStart, Math.max(started.domStart, el.selectionEnd));
    const doc = text.doc!;
    const from = Y.createAbsolutePositionFromRelativePosition(started.start, doc)?.index ?? text.length;
    const to = Math.max(from, Y.createAbsolutePositionFromRelativePosition(started.end, doc)?.index ?? from);
    const edit = fitEdit({ index: from, remove: to - from, insert: composed }, text.length, maxLength);
    doc.transact(() => {
      if (edit.remove > 0) text.delete(edit.index, edit.remove);
      if (edit.insert) text.insert(edit.index, edit.insert);
    }, origin.current);
    const next = text.toString();
    const caret = edit.index + edit.insert.length;
    el.value = next;
    el.setSelectionRange(caret, caret);
    setValue(next);
    noteTyping();
    publishCursor();
  };

  const carets = peers
    .filter((p) => p.cursor?.itemId === itemId)
    .flatMap((p) => {
      const pos = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(p.cursor!.head), text.doc!);
      return pos && pos.type === text ? [{ peer: p, index: Math.min(pos.index, value.length) }] : [];
    })
    .sort((a, b) => a.index - b.index);

  const pieces: React.ReactNode[] = [];
  let last = 0;
  for (const { peer, index } of carets) {
    pieces.push(value.slice(last, index));
    // The name shows while they type; a resting caret is just a coloured bar.
    pieces.push(
      <span
        key={peer.clientId}
        data-caret={peer.name}
        className="relative inline-block h-[1.3em] w-0 align-text-bottom"
        style={{ borderLeft: `2px solid ${peer.color}` }}
      >
        {peer.typing ? (
          <span
            className="absolute bottom-full left-0 whitespace-nowrap rounded px-1 text-[11px] font-medium leading-4 text-white"
            style={{ backgroundColor: peer.color }}
          >
            {peer.name}
          </span>
        ) : null}
      </span>,
    );
    last = index;
  }
  pieces.push(value.slice(last) + "\u200b");

  const shared = "w-full rounded-lg border px-3 py-2 font-[inherit] text-base leading-relaxed whitespace-pre-wrap break-words";
  return (
    <div className="relative">
      <div aria-hidden="true" className={`${shared} pointer-events-none absolute inset-0 z-10 border-transparent text-transparent`}>
        {pieces}
      </div>
      <textarea
        ref={ref}
        id={id}
        aria-label={label}
        value={value}
        maxLength={maxLength}
        rows={2}
        disabled={disabled}
        onChange={onChange}
        onCompositionStart={onCompositionStart}
        onCompositionEnd={onCompositionEnd}
        onSelect={publishCursor}
        onFocus={publishCursor}
        onBlur={() => {
          awareness.setLocalStateField("cursor", null);
          awareness.setLocalStateField("typing", null);
        }}
        placeholder={placeholder ?? "Who does what, and when? For example: “I will tell you within a day if I am contacted.”"}
        className={`${shared} relative resize-none overflow-hidden border-stone-400 bg-transparent text-stone-900 placeholder:text-stone-500 dark:border-stone-500 dark:text-stone-100`}
      />
    </div>
  );
}
