"use client";

import Link from "@/app/components/quiet-link";
import { useCallback, useEffect, useRef, useState } from "react";
import { ConfirmDelete } from "@/app/components/confirm-delete";
import { GentleAlert } from "@/app/components/gentle-alert";
import { useInOrder } from "@/app/components/use-in-order";
import { MarkdownView } from "@/app/components/markdown-view";

interface Note {
  id: string;
  sessionId: string | null;
  body: string;
  createdAt: string;
  updatedAt: string;
}

type SaveState = { kind: "saved"; at: string } | { kind: "saving" } | { kind: "unsaved" } | { kind: "failed"; message: string };

/** How long typing pauses before a note is saved. */
const AUTOSAVE_MS = 800;

const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });

/**
 * The therapist's private notes for this room. They travel only between this page and the
 * server's notes API (never through the room's live document), so a partner never receives them.
 */
export function TherapistNotes({ roomId }: { roomId: string }) {
  const [notes, setNotes] = useState<Note[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const res = await fetch(`/api/rooms/${roomId}/notes`);
    if (res.ok) setNotes(((await res.json()) as { notes: Note[] }).notes);
    else setError("Your notes could not be loaded right now.");
  }, [roomId]);
  useEffect(() => {
    // Fetching from the server is the external system this effect syncs with.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load]);

  const create = async () => {
    setError(null);
    const res = await fetch(`/api/rooms/${roomId}/notes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ body: "" }) });
    if (!res.ok) return setError("A new note could not be started. Please try again.");
    const note = (await res.json()) as Note;
    setNotes((list) => [note, ...(list ?? [])]);
    requestAnimationFrame(() => document.getElementById(`note-${note.id}`)?.focus());
  };

  return (
    <section aria-labelledby="notes-heading" className="card space-y-4 border-dashed" data-testid="therapist-notes">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="notes-heading" className="text-lg font-semibold">
            Your private notes
          </h2>
          <p className="text-sm text-stone-600 dark:text-stone-400">Only you can read these. The partners never see them.</p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Link href="/notes" className="btn-quiet">
            Search all notes
          </Link>
          <button type="button" className="btn-primary" onClick={() => void create()}>
            New note
          </button>
        </div>
      </div>
      <GentleAlert>{error}</GentleAlert>
      {notes === null ? null : notes.length === 0 ? (
        <p className="text-sm text-stone-600 dark:text-stone-400">No notes yet for this room.</p>
      ) : (
        <ol className="space-y-4" aria-label="Notes">
          {notes.map((n) => (
            <NoteEditor key={n.id} note={n} onDeleted={() => setNotes((list) => (list ?? []).filter((x) => x.id !== n.id))} />
          ))}
        </ol>
      )}
    </section>
  );
}

function NoteEditor({ note, onDeleted }: { note: Note; onDeleted(): void }) {
  const [body, setBody] = useState(note.body);
  const [tab, setTab] = useState<"write" | "preview">("write");
  const [save, setSave] = useState<SaveState>({ kind: "saved", at: note.updatedAt });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(body);
  /** Saves go one after another, so an older text can never overwrite a newer one. */
  const inOrder = useInOrder();

  const put = useCallback(
    (text: string, keepalive = false) =>
      fetch(`/api/notes/${note.id}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ body: text }), keepalive }),
    [note.id],
  );

  const saveNow = useCallback(async () => {
    const text = latest.current;
    setSave({ kind: "saving" });
    try {
      const res = await put(text);
      if (!res.ok) {
        const problem = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        return setSave({ kind: "failed", message: problem?.error?.message ?? "Not saved. Please try again." });
      }
      const saved = (await res.json()) as Note;
      // "Saved" only for the text that was actually stored; newer typing is still pending.
      setSave(latest.current === text ? { kind: "saved", at: saved.updatedAt } : { kind: "unsaved" });
    } catch {
      setSave({ kind: "failed", message: "Not saved: the connection dropped. It will be saved when you type again." });
    }
  }, [put]);

  const persist = useCallback(() => inOrder(saveNow), [inOrder, saveNow]);

  // Leaving the page with typing not yet saved: send it anyway (the request outlives the page).
  useEffect(
    () => () => {
      if (timer.current !== undefined) {
        clearTimeout(timer.current);
        void put(latest.current, true).catch(() => {});
      }
    },
    [put],
  );

  const onChange = (text: string) => {
    setBody(text);
    latest.current = text;
    setSave({ kind: "unsaved" });
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void persist();
    }, AUTOSAVE_MS);
  };

  const remove = async () => {
    const res = await fetch(`/api/notes/${note.id}`, { method: "DELETE" });
    if (res.ok) onDeleted();
  };

  const status =
    save.kind === "saved" ? `Saved ${when(save.at)}` : save.kind === "saving" ? "Saving…" : save.kind === "unsaved" ? "Not saved yet" : save.message;
  return (
    <li className="space-y-2 rounded-lg border border-stone-200 p-3 dark:border-stone-700">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span className="text-stone-600 dark:text-stone-400">
          Started {when(note.createdAt)}
          {note.sessionId ? " · during a session" : ""}
        </span>
        <span data-testid="note-save-state" data-state={save.kind} aria-live="polite">
          {status}
        </span>
      </div>
      <div role="tablist" aria-label="Note view" className="flex gap-2">
        {(["write", "preview"] as const).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            aria-controls={`note-panel-${note.id}`}
            className={`btn-quiet min-h-10 text-sm ${tab === t ? "border-calm-700 font-semibold" : ""}`}
            onClick={() => setTab(t)}
          >
            {t === "write" ? "Write" : "Preview"}
          </button>
        ))}
      </div>
      <div id={`note-panel-${note.id}`} role="tabpanel">
        {tab === "write" ? (
          <>
            <label htmlFor={`note-${note.id}`} className="sr-only">
              Note
            </label>
            <textarea
              id={`note-${note.id}`}
              className="field min-h-32 font-mono text-sm"
              value={body}
              maxLength={20_000}
              onChange={(e) => onChange(e.target.value)}
              onBlur={() => {
                if (save.kind === "unsaved") {
                  clearTimeout(timer.current);
                  timer.current = undefined;
                  void persist();
                }
              }}
              aria-describedby={`note-help-${note.id}`}
            />
            <p id={`note-help-${note.id}`} className="text-xs text-stone-600 dark:text-stone-400">
              Markdown: # heading, - list, **bold**, *italic*. Saved as you type.
            </p>
          </>
        ) : (
          <MarkdownView source={body} />
        )}
      </div>
      <ConfirmDelete question="Delete this note for good?" onDelete={() => void remove()} />
    </li>
  );
}
